"""Training the phases of a multi-phase schedule and choosing each phase's candidate epoch.

:func:`run_schedule` drives :func:`ltr.trainers.fd_schedule.run_phases` with the callbacks of a
:class:`PhaseRunner`: ``train`` builds a trainer for the phase (by the settings module's
``make_trainer``) in the phase's own checkpoint folder, ``choose`` keeps the best of the
``candidate_epochs`` on the validation benchmark.

Scoring a candidate means tracking a benchmark with it, which is evaluation code (it sits above
``ltr`` and ``pytracking``). ``ltr`` never imports it: ``settings.validation['scorer']`` names the
scorer class by its dotted path (default :class:`ltr.experiments.candidate_selection.TrackingScorer`),
and it is imported when a selection has more than one candidate. A scorer is built as
``Scorer(**validation_spec_without_scorer)`` (loading its sequences, so a missing benchmark is
reported before any training) and called as ``scorer(checkpoints, results_path, device)`` ->
``{epoch: {'auc', 'dp', 'sr', 'score'}}``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Mapping, Optional, Protocol

from torch import nn
from tqdm import tqdm

from ltr.admin.checkpoints import list_checkpoints
from ltr.admin.distributed import all_gather_objects
from ltr.admin.environment import MissingPathError, missing_dir_error
from ltr.admin.loading import import_callable
from ltr.admin.settings import SettingError, Settings
from ltr.trainers.fd_schedule import Candidate, Phase, ScheduleState, run_phases
from ltr.trainers.ltr_trainer import LTRTrainer
from ltr.trainers.phases import phase_settings

MakeTrainer = Callable[[nn.Module, Phase, list], LTRTrainer]
"""``make_trainer(net, phase, parameters) -> LTRTrainer`` training ``parameters`` of ``net`` for the
phase's epochs (called inside the phase's folders, see :func:`ltr.trainers.phases.phase_settings`)."""


class CandidateScorer(Protocol):
    def __call__(self, checkpoints: Mapping[int, Path], results_path: Path,
                 device: Optional[str] = None) -> dict: ...


def best_candidate(scores: Mapping[int, Mapping[str, float]]) -> int:
    """The epoch with the highest ``'score'`` (the earliest epoch among equal scores)."""
    if not scores:
        raise ValueError("no candidate scores to choose from")
    return max(sorted(scores), key=lambda epoch: scores[epoch]["score"])


def phase_schedule(settings: Settings, phase: Phase) -> tuple:
    """``(num_epochs, lr, lr_end)`` of a phase (the 'finetune' regime reads the ``finetune_*`` settings)."""
    if phase.regime == "finetune":
        return settings.finetune_epochs, settings.finetune_lr, settings.finetune_lr_end
    return settings.num_epochs, settings.lr, settings.lr_end


def check_candidate_epochs(settings: Settings, phases: list) -> None:
    """Every candidate epoch must exist in every phase; raises ValueError naming the settings."""
    epochs = list(settings.candidate_epochs)
    if not epochs:
        raise SettingError("settings.candidate_epochs is empty: give at least one epoch")
    for phase in phases:
        num_epochs = phase_schedule(settings, phase)[0]
        outside = [e for e in epochs if not 1 <= e <= num_epochs]
        if outside:
            key = "finetune_epochs" if phase.regime == "finetune" else "num_epochs"
            shown = ", ".join(map(str, outside[:5])) + (", ..." if len(outside) > 5 else "")
            raise SettingError(f"settings.candidate_epochs has {len(outside)} epochs ({shown}) outside phase "
                             f"{phase.name}'s 1..{num_epochs} (settings.{key}); e.g. --set "
                             f"candidate_epochs=[{num_epochs}]")


def build_scorer(validation: Mapping) -> CandidateScorer:
    """The scorer named by ``validation['scorer']``, built from the other entries of ``validation``."""
    spec = dict(validation)
    try:
        scorer_class = import_callable(spec.pop("scorer"))
    except ValueError as err:
        raise SettingError(f"settings.validation['scorer']: {err}") from None
    try:
        return scorer_class(**spec)
    except MissingPathError as err:
        if not hasattr(err, "key"):
            raise
        raise missing_dir_error(err.key, err.path, f"{err.what} for candidate selection (settings.validation)",
                                "Give --set validation.root=DIR, set") from None


class PhaseRunner:
    """Trains and selects the phases of one experiment (the callbacks of :func:`run_phases`).

    Args:
        settings: the experiment's settings (overrides applied); reads ``candidate_epochs``,
            ``validation``, ``smoke``, ``rank``, ``device``.
        pending: the phases still to train; the scorer (and with it the validation sequences) is
            built now when a selection will track, so a missing benchmark is reported before any
            training.
        make_trainer: builds a phase's trainer (see :data:`MakeTrainer`).
    """

    def __init__(self, settings: Settings, pending: list, make_trainer: MakeTrainer) -> None:
        self.settings = settings
        self.make_trainer = make_trainer
        self.scorer: Optional[CandidateScorer] = None
        if not pending:
            return
        check_candidate_epochs(settings, pending)
        if not settings.smoke and len(settings.candidate_epochs) > 1 and settings.rank == 0:
            self.scorer = build_scorer(settings.validation)

    def train(self, net: nn.Module, phase: Phase, parameters: list) -> Path:
        """Train ``parameters`` of ``net`` for the phase; returns its checkpoint folder."""
        settings = self.settings
        num_epochs, lr, lr_end = phase_schedule(settings, phase)
        with phase_settings(settings, phase.name):
            if settings.rank == 0:
                tqdm.write(f"[{phase.name}] training {sum(p.numel() for p in parameters):,} parameters "
                           f"({phase.kind}{'' if phase.layer is None else f', layer {phase.layer}'}), "
                           f"{num_epochs} epochs, lr {lr:g} -> {lr_end:g}, in {settings.checkpoint_dir}")
            self.make_trainer(net, phase, parameters).train(num_epochs)
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
        scores = self.scorer({e: available[e] for e in epochs}, checkpoint_dir / "selection",
                             device=str(self.settings.device))
        for epoch in sorted(scores):
            tqdm.write(f"[{phase.name}] epoch {epoch}: " + ", ".join(f"{k} {v:.3f}" for k, v in scores[epoch].items()))
        epoch = best_candidate(scores)
        return Candidate(epoch, str(available[epoch]), scores[epoch], {str(e): s for e, s in scores.items()})


def run_schedule(settings: Settings, net: nn.Module, phases: list, identity: dict, make_trainer: MakeTrainer,
                 squeeze_ratio: float = 1.0) -> nn.Module:
    """Run ``phases`` on ``net`` with the schedule state in ``<checkpoint_dir>/schedule_state.json``."""
    state = ScheduleState(settings.checkpoint_dir / "schedule_state.json", identity)
    runner = PhaseRunner(settings, [phase for phase in phases if state.finished(phase.name) is None], make_trainer)
    return run_phases(net, phases, state, runner.train, runner.choose, squeeze_ratio=squeeze_ratio,
                      seed=settings.seed + settings.rank,  # per process, as run_training seeds
                      prune=settings.prune_checkpoints, is_main=settings.rank == 0,
                      log=tqdm.write if settings.rank == 0 else lambda line: None)
