"""Architecture study: the ResNet-18-medium ATOM student (``atom_resnet18medium``, from scratch) trained
exactly like ``cfkd/atom_cfkd``::

    python ltr/run_training.py architecture resnet18medium
"""
from ltr.admin.settings import Settings
from ltr.train_settings.distillation import declare_distillation_defaults, train_distillation


def run(settings: Settings) -> None:
    settings.description = "CFKD with a ResNet-18-medium student."
    declare_distillation_defaults(settings)
    settings.student = "ltr.models.bbreg.atom.atom_resnet18medium"
    settings.apply_overrides()
    train_distillation(settings)
