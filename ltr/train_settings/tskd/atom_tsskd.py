"""TSsKD (Liu et al.): a dull and an intelligent MobileNetV2 student learn from the ResNet-18 teacher
and from each other (the mutual SmoothL1 term decays as 0.9^epoch and is on only while a student
is no worse than the teacher by more than 0.005). The checkpoint's network is the intelligent
student::

    python ltr/run_training.py tskd atom_tsskd
"""
from ltr.admin.settings import Settings
from ltr.train_settings.distillation import declare_distillation_defaults, loss_settings, train_distillation


def run(settings: Settings) -> None:
    settings.description = "TSsKD: dull + intelligent MobileNetV2 ATOM students."
    declare_distillation_defaults(settings)
    settings.loss = loss_settings("tsskd")
    settings.apply_overrides()
    train_distillation(settings)
