"""SiamFC training on GOT-10k, shared by ``siamfc/`` (the teacher) and ``fd/`` (FDSiamFC compression).

Training follows the common SiamFC-on-GOT-10k setup (SiamFC-pytorch, on which FDSiamFC builds):
pairs from GOT-10k train filtered by :func:`ltr.data.processing.siamfc_frame_filter`, exemplar
before search and less than 100 frames apart, SiamFC crops (:class:`SiamFCProcessing`), SGD
with momentum 0.9 and weight decay 5e-4, batch 8, 50 epochs with the learning rate decaying
exponentially per epoch from 1e-2 to 1e-5, balanced BCE on the 15x15 responses.

An epoch holds ``samples_per_epoch = 9335`` pairs: SiamFC-pytorch draws one pair per sequence
of GOT-10k's train folder per epoch (9335 sequences), i.e. 1167 iterations of batch 8.

Training runs as phases (:mod:`ltr.trainers.fd_schedule`), each in its own checkpoint folder
keeping all its epochs until one is chosen: the candidate among ``candidate_epochs`` scoring
best on the validation benchmark (default OTB-2013, see :mod:`ltr.admin.candidate_selection`).
A single candidate is taken without tracking; smoke mode takes the last epoch without tracking.

Settings declared here (all overridable with ``--set``): ``train_data`` {dataset: 'got10k' |
'synthetic', root, options (dataset constructor arguments)}, ``samples_per_epoch``,
``batch_size``, ``num_workers``, ``num_epochs``, ``lr``, ``lr_end``, ``momentum``,
``weight_decay``, ``max_gap``, ``candidate_epochs``, ``validation`` {dataset (registry name),
root, options, sequences, max_frames, threads}, ``prune_checkpoints`` (delete a phase's other
checkpoints once its candidate is chosen).
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import torch
from torch import nn
from tqdm import tqdm

from ltr.actors.siamfc import SiamFCActor
from ltr.admin.candidate_selection import best_candidate, evaluate_candidates, validation_sequences
from ltr.admin.checkpoints import list_checkpoints
from ltr.admin.distributed import all_gather_objects
from ltr.admin.settings import Settings
from ltr.data.loader import LTRLoader
from ltr.data.processing import SiamFCProcessing, siamfc_frame_filter
from ltr.data.sampler import TrackingSampler
from ltr.dataset.base_video_dataset import BaseVideoDataset
from ltr.dataset.got10k import Got10k
from ltr.dataset.synthetic_video import SyntheticVideo
from ltr.trainers.fd_schedule import Candidate, Phase, ScheduleState, run_phases
from ltr.trainers.phases import phase_settings
from ltr.trainers.ltr_trainer import LTRTrainer
from pytracking.evaluation.environment import MissingPathError

GOT10K_TRAIN_SEQUENCES = 9335
TRAIN_DATASETS = {"got10k": Got10k, "synthetic": SyntheticVideo}
SMOKE_TRAIN_SEQUENCES = 2


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
    settings.validation = {"dataset": "otb2013", "root": None, "options": {}, "sequences": None,
                           "max_frames": None, "threads": 0}
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
        raise ValueError(f"settings.train_data['dataset'] = {spec['dataset']!r}; known: {sorted(TRAIN_DATASETS)}")
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


def phase_schedule(settings: Settings, phase: Phase) -> tuple:
    """``(num_epochs, lr, lr_end)`` of a phase (the 'finetune' regime reads the ``finetune_*`` settings)."""
    if phase.regime == "finetune":
        return settings.finetune_epochs, settings.finetune_lr, settings.finetune_lr_end
    return settings.num_epochs, settings.lr, settings.lr_end


def check_candidate_epochs(settings: Settings, phases: list) -> None:
    """Every candidate epoch must exist in every phase; raises ValueError naming the settings."""
    epochs = list(settings.candidate_epochs)
    if not epochs:
        raise ValueError("settings.candidate_epochs is empty: give at least one epoch")
    for phase in phases:
        num_epochs = phase_schedule(settings, phase)[0]
        outside = [e for e in epochs if not 1 <= e <= num_epochs]
        if outside:
            key = "finetune_epochs" if phase.regime == "finetune" else "num_epochs"
            shown = ", ".join(map(str, outside[:5])) + (", ..." if len(outside) > 5 else "")
            raise ValueError(f"settings.candidate_epochs has {len(outside)} epochs ({shown}) outside phase "
                             f"{phase.name}'s 1..{num_epochs} (settings.{key}); e.g. --set "
                             f"candidate_epochs=[{num_epochs}]")


class PhaseRunner:
    """Trains and selects the phases of one SiamFC experiment (the callbacks of
    :func:`ltr.trainers.fd_schedule.run_phases`).

    Args:
        settings: the experiment's settings (overrides applied).
        pending: the phases still to train; the training data and, when a selection will track,
            the validation sequences are loaded now (a missing dataset is reported before any
            training), and not at all when nothing is pending.
    """

    def __init__(self, settings: Settings, pending: list) -> None:
        self.settings = settings
        self.dataset: Optional[BaseVideoDataset] = None
        self.sequences: Optional[list] = None
        if not pending:
            return
        check_candidate_epochs(settings, pending)
        self.dataset = train_dataset(settings)
        if not settings.smoke and len(settings.candidate_epochs) > 1 and settings.rank == 0:
            spec = settings.validation
            try:
                self.sequences = validation_sequences(spec["dataset"], spec["root"], spec["options"],
                                                      spec["sequences"], spec["max_frames"])
            except MissingPathError as err:
                raise MissingPathError(f"{err} (Candidate selection: settings.validation, e.g. --set "
                                       f"validation.root=DIR.)") from None

    def train(self, net: nn.Module, phase: Phase, parameters: list) -> Path:
        """Train ``parameters`` of ``net`` for the phase; returns its checkpoint folder."""
        settings = self.settings
        num_epochs, lr, lr_end = phase_schedule(settings, phase)
        with phase_settings(settings, phase.name):
            if settings.rank == 0:
                tqdm.write(f"[{phase.name}] training {sum(p.numel() for p in parameters):,} parameters "
                           f"({phase.kind}{'' if phase.layer is None else f', layer {phase.layer}'}), "
                           f"{num_epochs} epochs, lr {lr:g} -> {lr_end:g}, in {settings.checkpoint_dir}")
            optimizer = torch.optim.SGD(parameters, lr=lr, momentum=settings.momentum,
                                        weight_decay=settings.weight_decay)
            scheduler = torch.optim.lr_scheduler.ExponentialLR(optimizer, exponential_gamma(lr, lr_end, num_epochs))
            trainer = LTRTrainer(SiamFCActor(net), [build_train_loader(settings, self.dataset)], optimizer, settings,
                                 scheduler, keep_last=num_epochs)
            trainer.train(num_epochs)
            return settings.checkpoint_dir

    def choose(self, phase: Phase, checkpoint_dir: Path) -> Candidate:
        """The phase's candidate epoch (chosen on rank 0, shared with the other ranks)."""
        candidate = self._choose(phase, checkpoint_dir) if self.settings.rank == 0 else None
        return all_gather_objects(candidate)[0]

    def _choose(self, phase: Phase, checkpoint_dir: Path) -> Candidate:
        available = dict(list_checkpoints(checkpoint_dir))
        if self.settings.smoke:
            epoch = max(available)
            tqdm.write(f"[{phase.name}] smoke mode: candidate selection skipped, taking the last epoch ({epoch})")
            return Candidate(epoch, str(available[epoch]))
        epochs = list(self.settings.candidate_epochs)
        missing = [e for e in epochs if e not in available]
        if missing:
            raise FileNotFoundError(f"[{phase.name}] no checkpoint of candidate epochs {missing} in {checkpoint_dir}")
        if len(epochs) == 1:
            return Candidate(epochs[0], str(available[epochs[0]]))
        scores = evaluate_candidates({e: available[e] for e in epochs}, self.sequences, checkpoint_dir / "selection",
                                     device=str(self.settings.device), threads=self.settings.validation["threads"])
        for epoch in sorted(scores):
            tqdm.write(f"[{phase.name}] epoch {epoch}: " + ", ".join(f"{k} {v:.3f}" for k, v in scores[epoch].items()))
        epoch = best_candidate(scores)
        return Candidate(epoch, str(available[epoch]), scores[epoch], {str(e): s for e, s in scores.items()})


def run_schedule(settings: Settings, net: nn.Module, phases: list, identity: dict,
                 squeeze_ratio: float = 1.0) -> nn.Module:
    """Run ``phases`` on ``net`` with the schedule state in ``<checkpoint_dir>/schedule_state.json``."""
    state = ScheduleState(settings.checkpoint_dir / "schedule_state.json", identity)
    runner = PhaseRunner(settings, [phase for phase in phases if state.finished(phase.name) is None])
    return run_phases(net, phases, state, runner.train, runner.choose, squeeze_ratio=squeeze_ratio,
                      seed=settings.seed + settings.rank,  # per process, as run_training seeds
                      prune=settings.prune_checkpoints, is_main=settings.rank == 0,
                      log=tqdm.write if settings.rank == 0 else lambda line: None)


def output_path(settings: Settings) -> Path:
    """``<workspace>/networks/<settings name>.pth``: where an experiment saves its final network."""
    return Path(settings.env.workspace_path) / "networks" / f"{settings.script_name}.pth"
