"""FDSiamFC: width compression of a trained SiamFC with Feature Distilling modules, then folding.

The shared base of ``fd/fdsiamfc_30`` (Sq 0.3) and ``fd/fdsiamfc_15`` (Sq 0.15). Starting from
the teacher (``settings.teacher``: a file name under the network folder, i.e.
``PYTRACKING_NETWORK_PATH``, or an absolute path; smoke mode: a random-weight SiamFC of quarter
width, :data:`SMOKE_TEACHER_CHANNELS`, so the 18 phases take seconds), it runs
schedule steps 1-9 (:mod:`ltr.trainers.fd_schedule`): per step a restricted phase (``num_epochs``,
lr ``lr`` -> ``lr_end``) and a fine-tune phase of everything (``finetune_epochs``, lr
``finetune_lr`` -> ``finetune_lr_end``), each ending with candidate selection. Then the FD
network is folded into a plain thin SiamFC, saved as ``<workspace>/networks/<name>.pth``.

Other settings as in :mod:`ltr.train_settings.siamfc`. A short schedule is one command line::

    python ltr/run_training.py fd fdsiamfc_30 --set teacher=/abs/siamfc_alexnet.pth num_epochs=2 \\
        finetune_epochs=2 candidate_epochs=[1,2] samples_per_epoch=400
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from tqdm import tqdm

from ltr.admin.loading import CheckpointError, load_network, network_file, save_network, torch_load
from ltr.admin.settings import Settings
from ltr.models.siamfc.fd import base_channels, current_step
from ltr.models.siamfc.fold import fold_fd_network
from ltr.models.siamfc.siamfc import SiamFC, siamfc_alexnet
from ltr.train_settings import siamfc
from ltr.train_settings.siamfc import output_path, phase_trainer
from ltr.trainers.fd_schedule import fd_phases
from ltr.trainers.phase_runner import run_schedule

SMOKE_TEACHER_CHANNELS = (24, 64, 96, 96, 64)
"""Width of the random teacher in smoke mode (a quarter of SiamFC's)."""


def declare_defaults(settings: Settings) -> None:
    """The SiamFC training defaults plus the teacher and the fine-tune phases' schedule."""
    siamfc.declare_defaults(settings)
    settings.teacher = "siamfc_alexnet.pth"
    settings.finetune_epochs = 50
    settings.finetune_lr = 1e-3
    settings.finetune_lr_end = 1e-5


def load_teacher(settings: Settings) -> tuple:
    """``(teacher SiamFC, identity dict for the schedule state)``; smoke mode: random weights."""
    if settings.smoke:
        return siamfc_alexnet(channels=SMOKE_TEACHER_CHANNELS), {"teacher": "random (smoke)"}
    path = network_file(settings.teacher, what="teacher network (settings.teacher, --set teacher=PATH)")
    data = torch_load(path)
    recorded = isinstance(data, dict) and data.get("constructor") is not None
    net = load_network(data, constructor=None if recorded else siamfc_alexnet)
    if not isinstance(net, SiamFC) or current_step(net) != 0:
        raise CheckpointError(f"teacher network '{path}' (settings.teacher) is not a plain SiamFC")
    return net, {"teacher": str(path), "teacher_sha256": hashlib.sha256(path.read_bytes()).hexdigest()}


def compress(settings: Settings) -> Path:
    """Run the FD schedule on the teacher, fold, save (rank 0); returns the saved file's path."""
    teacher, identity = load_teacher(settings)
    teacher_channels = base_channels(teacher)
    identity.update(squeeze_ratio=settings.squeeze_ratio, smoke=settings.smoke)
    net = run_schedule(settings, teacher, fd_phases(), identity, phase_trainer(settings),
                       squeeze_ratio=settings.squeeze_ratio)
    folded = fold_fd_network(net.eval())
    path = output_path(settings)
    if settings.rank == 0:
        save_network(path, folded)
        tqdm.write(f"{settings.script_name}: conv1-5 channels {', '.join(map(str, base_channels(folded)))} "
                   f"(teacher {', '.join(map(str, teacher_channels))}); saved {path}")
    return path
