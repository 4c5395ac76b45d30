"""Ablation: the MobileNetV2 ATOM student trained on the ground truth only (SmoothL1 on the IoU
labels, no teacher), 1500 batches per epoch::

    python ltr/run_training.py ablation gt
"""
from ltr.admin.settings import Settings
from ltr.train_settings.distillation import declare_distillation_defaults, loss_settings, train_distillation


def run(settings: Settings) -> None:
    settings.description = "Ablation: ground truth only."
    declare_distillation_defaults(settings, batches_per_epoch=1500)
    settings.loss = loss_settings("gt")
    settings.apply_overrides()
    train_distillation(settings)
