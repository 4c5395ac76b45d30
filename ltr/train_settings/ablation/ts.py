"""Ablation: teacher-soft loss only (CFKD with w_ah = w_fd = w_cf = 0), 1500 batches per epoch::

    python ltr/run_training.py ablation ts
"""
from ltr.admin.settings import Settings
from ltr.train_settings.distillation import declare_distillation_defaults, loss_settings, train_distillation


def run(settings: Settings) -> None:
    settings.description = "Ablation: TS."
    declare_distillation_defaults(settings, batches_per_epoch=1500)
    settings.loss = loss_settings("cfkd", w_ah=0.0, w_fd=0.0, w_cf=0.0)
    settings.apply_overrides()
    train_distillation(settings)
