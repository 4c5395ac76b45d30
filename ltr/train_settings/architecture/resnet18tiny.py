"""Architecture study: the ResNet-18-tiny ATOM student (``atom_resnet18tiny``, from scratch) trained
exactly like ``cfkd/atom_cfkd``::

    python ltr/run_training.py architecture resnet18tiny
"""
from ltr.admin.settings import Settings
from ltr.train_settings.distillation import declare_distillation_defaults, train_distillation


def run(settings: Settings) -> None:
    settings.description = "CFKD with a ResNet-18-tiny student."
    declare_distillation_defaults(settings)
    settings.student = "ltr.models.bbreg.atom.atom_resnet18tiny"
    settings.apply_overrides()
    train_distillation(settings)
