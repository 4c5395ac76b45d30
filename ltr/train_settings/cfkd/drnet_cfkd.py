"""mDRNet: a MobileNetV2 DRNet student distilled from the ResNet-50 DRNet teacher with CFKD.

Differences from ``cfkd/atom_cfkd``: DRNet networks, offset regression targets, 1800 batches per
epoch, StepLR gamma 0.2::

    python ltr/run_training.py cfkd drnet_cfkd --set teacher_path=/abs/drnet_default.pth
"""
from ltr.admin.settings import Settings
from ltr.train_settings.distillation import declare_distillation_defaults, train_distillation


def run(settings: Settings) -> None:
    settings.description = "CFKD: MobileNetV2 DRNet student from the ResNet-50 DRNet teacher."
    declare_distillation_defaults(settings, batches_per_epoch=1800)
    settings.student = "ltr.models.bbreg.drnet.drnet_mobilenetsmall"
    settings.teacher_path = "drnet_default.pth"
    settings.teacher_constructor = "ltr.models.bbreg.drnet.drnet_resnet50"
    settings.target = "offsets"
    settings.lr_gamma = 0.2
    settings.apply_overrides()
    train_distillation(settings)
