"""TSKD (Liu et al.) for ATOM: MobileNetV2 student, loss 1*TS + 0.1*AH + 100*TargetResponse (MSE),
target response on conv1..layer3::

    python ltr/run_training.py tskd atom_tskd
"""
from ltr.admin.settings import Settings
from ltr.train_settings.distillation import declare_distillation_defaults, loss_settings, train_distillation


def run(settings: Settings) -> None:
    settings.description = "TSKD: MobileNetV2 ATOM student with the target-response loss."
    declare_distillation_defaults(settings)
    settings.loss = loss_settings("tskd", tr_layers=["conv1", "layer1", "layer2", "layer3"])
    settings.apply_overrides()
    train_distillation(settings)
