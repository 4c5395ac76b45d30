"""Ablation: CFKD's terms trained separately instead of jointly, in two phases of ``num_epochs`` each.

1. ``backbone`` (epochs 1-50): the box head frozen, the student backbone learns from
   100*Fidelity + 0.01*CF only;
2. ``regressor`` (epochs 51-100): the backbone frozen, the box head learns from 1*TS + 0.1*AH with
   a new Adam (lr 1e-2) and a new StepLR(15, 0.1).

Each phase keeps its checkpoints in ``<checkpoints>/ablation/sep/<phase>`` (phase 2 counts its
epochs from 1) and resumes by itself when its folder holds a checkpoint; the final student is
phase 2's last checkpoint::

    python ltr/run_training.py ablation sep
"""
from ltr.admin.settings import Settings
from ltr.train_settings.distillation import (build_student, declare_distillation_defaults, distillation_trainer,
                                             teacher_and_loaders)
from ltr.trainers.phases import phase_settings

# phase name -> (trainable part of the student, loss weights set to zero)
PHASES = {"backbone": ("feature_extractor", ("w_ts", "w_ah")),
          "regressor": ("bb_regressor", ("w_fd", "w_cf"))}


def run(settings: Settings) -> None:
    settings.description = "Ablation: backbone distilled first (Fidelity + CF), then the box head (TS + AH)."
    declare_distillation_defaults(settings)
    settings.apply_overrides()

    student = build_student(settings)
    teacher, loaders = teacher_and_loaders(settings)
    for phase, (trainable, zeroed) in PHASES.items():
        student.requires_grad_(False)
        getattr(student, trainable).requires_grad_(True)
        loss = {**settings.loss, **{weight: 0.0 for weight in zeroed}}
        with phase_settings(settings, phase):
            distillation_trainer(settings, student, teacher, loss, loaders).train(settings.num_epochs)
