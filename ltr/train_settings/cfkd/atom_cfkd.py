"""mATOM: a MobileNetV2 ATOM student distilled from the ResNet-18 ATOM teacher with CFKD.

Loss 1*TS + 0.1*AH + 100*Fidelity + 0.01*CF (TS/AH SmoothL1, Fidelity and CF MSE, CF on
conv1..layer3), 1000 batches of 32 per epoch, 50 epochs; everything else is the shared recipe of
:mod:`ltr.train_settings.distillation`. The thesis states w_cf = 0.1, the code 0.01::

    python ltr/run_training.py cfkd atom_cfkd
    python ltr/run_training.py cfkd atom_cfkd --set loss.w_cf=0.1 teacher_path=/abs/atom_default.pth
"""
from ltr.admin.settings import Settings
from ltr.train_settings.distillation import declare_distillation_defaults, train_distillation


def run(settings: Settings) -> None:
    settings.description = "CFKD: MobileNetV2 ATOM student from the ResNet-18 ATOM teacher."
    declare_distillation_defaults(settings)
    settings.apply_overrides()
    train_distillation(settings)
