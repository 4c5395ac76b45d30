"""Joint compression (Wang et al.) for ATOM: MobileNetV2 student, loss 1*TS + 0.1*AH (SmoothL1) +
0.01*Fidelity through learnable 1x1 projections to the teacher's widths + 100*Tracking (closed-form
DCF on the student's layer1..layer3)::

    python ltr/run_training.py compression atom_compression
"""
from ltr.admin.settings import Settings
from ltr.train_settings.distillation import declare_distillation_defaults, loss_settings, train_distillation


def run(settings: Settings) -> None:
    settings.description = "Wang et al. joint compression: MobileNetV2 ATOM student."
    declare_distillation_defaults(settings)
    settings.loss = loss_settings("compression")
    settings.apply_overrides()
    train_distillation(settings)
