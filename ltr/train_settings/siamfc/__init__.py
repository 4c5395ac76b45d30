"""SiamFC training on GOT-10k, shared by ``siamfc/`` (the teacher) and ``fd/`` (FDSiamFC compression).

Training follows the common SiamFC-on-GOT-10k setup (SiamFC-pytorch, on which FDSiamFC builds):
pairs from GOT-10k train filtered by :func:`ltr.data.processing.siamfc_frame_filter`, exemplar
before search and less than 100 frames apart, SiamFC crops (:class:`SiamFCProcessing`), SGD
with momentum 0.9 and weight decay 5e-4, batch 8, 50 epochs with the learning rate decaying
exponentially per epoch from 1e-2 to 1e-5, balanced BCE on the 15x15 responses.

An epoch holds ``samples_per_epoch = 9335`` pairs: SiamFC-pytorch draws one pair per sequence
of GOT-10k's train folder per epoch (9335 sequences), i.e. 1167 iterations of batch 8.

Training runs as phases (:mod:`ltr.trainers.fd_schedule`, :mod:`ltr.trainers.phase_runner`), each in
its own checkpoint folder keeping all its epochs until one is chosen: the candidate among
``candidate_epochs`` scoring best on the validation benchmark (default OTB-2013, tracked by
``validation['scorer']``, :class:`ltr.experiments.candidate_selection.TrackingScorer`). A single
candidate is taken without tracking; smoke mode takes the last epoch without tracking.

Settings declared here (all overridable with ``--set``): ``train_data`` {dataset: 'got10k' |
'synthetic', root, options (dataset constructor arguments)}, ``samples_per_epoch``,
``batch_size``, ``num_workers``, ``num_epochs``, ``lr``, ``lr_end``, ``momentum``,
``weight_decay``, ``max_gap``, ``candidate_epochs``, ``validation`` {scorer (dotted name of the
scorer class), dataset (benchmark registry name), root, options, sequences, max_frames, threads},
``prune_checkpoints`` (delete a phase's other
checkpoints once its candidate is chosen).
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import torch
from torch import nn

from ltr.actors.siamfc import SiamFCActor
from ltr.admin.environment import MissingPathError
from ltr.admin.settings import SettingError, Settings
from ltr.data.loader import LTRLoader
from ltr.data.processing import SiamFCProcessing, siamfc_frame_filter
from ltr.data.sampler import TrackingSampler
from ltr.dataset.base_video_dataset import BaseVideoDataset
from ltr.dataset.got10k import Got10k
from ltr.dataset.synthetic_video import SyntheticVideo
from ltr.trainers.fd_schedule import Phase
from ltr.trainers.ltr_trainer import LTRTrainer
from ltr.trainers.phase_runner import MakeTrainer, phase_schedule

GOT10K_TRAIN_SEQUENCES = 9335
TRAIN_DATASETS = {"got10k": Got10k, "synthetic": SyntheticVideo}
SMOKE_TRAIN_SEQUENCES = 2
SCORER = "ltr.experiments.candidate_selection.TrackingScorer"
"""Candidate scorer (evaluation code, above ``ltr``: named, never imported here)."""


def declare_defaults(settings: Settings) -> None:
    """Declare the SiamFC training defaults (smoke mode: tiny synthetic data, batch 2)."""
    settings.train_data = {"dataset": "got10k", "root": None, "options": {}}
    settings.samples_per_epoch = GOT10K_TRAIN_SEQUENCES
    settings.batch_size = 8
    settings.num_workers = 8
    settings.num_epochs = 50
    settings.lr = 1e-2
    settings.lr_end = 1e-5
    settings.momentum = 0.9
    settings.weight_decay = 5e-4
    settings.max_gap = 99
    settings.candidate_epochs = list(range(10, 51))
    settings.validation = {"scorer": SCORER, "dataset": "otb2013", "root": None, "options": {},
                           "sequences": None, "max_frames": None, "threads": 0}
    settings.prune_checkpoints = True
    if settings.smoke:
        smoke_root = Path(settings.env.workspace_path) / "smoke" / "synthetic_train"
        settings.train_data = {"dataset": "synthetic", "root": str(smoke_root),
                               "options": {"num_sequences": SMOKE_TRAIN_SEQUENCES}}
        settings.samples_per_epoch = 4
        settings.batch_size = 2
        settings.num_workers = 0


def exponential_gamma(lr: float, lr_end: float, num_epochs: int) -> float:
    """Per-epoch factor taking ``lr`` at epoch 1 to ``lr_end`` at epoch ``num_epochs``."""
    return (lr_end / lr) ** (1.0 / max(1, num_epochs - 1))


def train_dataset(settings: Settings) -> BaseVideoDataset:
    """The training dataset named by ``settings.train_data``."""
    spec = settings.train_data
    if spec["dataset"] not in TRAIN_DATASETS:
        raise SettingError(f"settings.train_data['dataset'] = {spec['dataset']!r}; known: {sorted(TRAIN_DATASETS)}")
    try:
        return TRAIN_DATASETS[spec["dataset"]](spec["root"], **spec["options"])
    except MissingPathError as err:
        raise MissingPathError(f"{err} (Training data: settings.train_data, e.g. --set train_data.root=DIR.)") from None


def build_train_loader(settings: Settings, dataset: BaseVideoDataset) -> LTRLoader:
    """Loader of SiamFC training pairs: filtered frames, causal pairs < ``max_gap + 1`` frames apart.

    Like SiamFC-pytorch, a sequence is usable with two kept frames (no minimum length).
    """
    sampler = TrackingSampler([dataset], [1], settings.samples_per_epoch, max_gap=settings.max_gap,
                              processing=SiamFCProcessing(), frame_sample_mode="causal", min_visible_frames=2,
                              min_sequence_length=2, frame_filter=siamfc_frame_filter)
    return LTRLoader("train", sampler, training=True, batch_size=settings.batch_size,
                     num_workers=settings.num_workers, drop_last=True, seed=settings.seed)


def phase_trainer(settings: Settings) -> MakeTrainer:
    """``make_trainer`` of :func:`ltr.trainers.phase_runner.run_schedule` for SiamFC phases: SGD with
    momentum and weight decay, the learning rate decaying exponentially over the phase's epochs. The
    training data is loaded when the first phase is trained (never when every phase is finished)."""
    dataset: Optional[BaseVideoDataset] = None

    def make_trainer(net: nn.Module, phase: Phase, parameters: list) -> LTRTrainer:
        nonlocal dataset
        dataset = dataset or train_dataset(settings)
        num_epochs, lr, lr_end = phase_schedule(settings, phase)
        optimizer = torch.optim.SGD(parameters, lr=lr, momentum=settings.momentum, weight_decay=settings.weight_decay)
        scheduler = torch.optim.lr_scheduler.ExponentialLR(optimizer, exponential_gamma(lr, lr_end, num_epochs))
        return LTRTrainer(SiamFCActor(net), [build_train_loader(settings, dataset)], optimizer, settings, scheduler,
                          keep_last=num_epochs)

    return make_trainer


def output_path(settings: Settings) -> Path:
    """``<workspace>/networks/<settings name>.pth``: where an experiment saves its final network."""
    return Path(settings.env.workspace_path) / "networks" / f"{settings.script_name}.pth"
