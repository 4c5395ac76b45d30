"""FDSiamFC's compression schedule as a resumable sequence of training phases.

Phases (see :mod:`ltr.models.siamfc.fd` for the surgery of each step)::

    step0                      train the full SiamFC (the teacher; ``siamfc/siamfc_alexnet``)
    step1_fd, step1_finetune   add FD_1, train squeeze_1/combine_1; then train everything
    step2_rebuild, step2_finetune  drop combine_1, train BN_1 and conv_2; then everything
    ...
    step9_fd, step9_finetune   add the conv5 squeeze, train it; then everything

Each phase trains in its own checkpoint folder (:func:`ltr.trainers.phases.phase_settings`); afterwards one of its
epochs is chosen (candidate selection) and seeds the next phase. A :class:`ScheduleState`
JSON file, written atomically after every phase, records the finished phases and their chosen
candidates, so a re-run skips them (performing only their surgery and loading the chosen
weights) and a half-trained phase continues from its latest checkpoint.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional, Sequence

import numpy as np
import torch
from torch import nn

from ltr.admin.checkpoints import list_checkpoints
from ltr.admin.environment import PathLike
from ltr.admin.errors import InputError
from ltr.admin.file_io import atomic_write_text
from ltr.admin.loading import load_state_strict, torch_load
from ltr.models.siamfc.fd import NUM_STEPS, apply_step, schedule_step, trainable_parameters

STATE_FORMAT = 1


@dataclass(frozen=True)
class Phase:
    """One training phase of the schedule.

    Attributes:
        name: folder and state-file key, e.g. ``'step3_fd'``.
        step: schedule step 0..9.
        kind: trainable set, as :func:`ltr.models.siamfc.fd.trainable_parameters` names it:
            ``'fd'``, ``'rebuild'`` or ``'finetune'`` (everything).
        layer: the layer of an ``'fd'`` / ``'rebuild'`` phase, else None.
        surgery: perform the step's surgery (:func:`ltr.models.siamfc.fd.apply_step`) first.
        regime: ``'train'`` (the restricted phases and step 0: lr 1e-2 -> 1e-5) or
            ``'finetune'`` (the phase after each step: lr 1e-3 -> 1e-5).
    """
    name: str
    step: int
    kind: str
    layer: Optional[int]
    surgery: bool
    regime: str


def teacher_phases() -> list:
    """Step 0 alone: the full SiamFC, every parameter trained."""
    return [Phase("step0", 0, "finetune", None, surgery=False, regime="train")]


def fd_phases(first_step: int = 1, last_step: int = NUM_STEPS) -> list:
    """Steps ``first_step..last_step``: per step the restricted phase then its fine-tune phase."""
    phases = []
    for step in range(first_step, last_step + 1):
        plan = schedule_step(step)
        phases.append(Phase(f"step{step}_{plan.phase}", step, plan.phase, plan.layer, surgery=True, regime="train"))
        phases.append(Phase(f"step{step}_finetune", step, "finetune", None, surgery=False, regime="finetune"))
    return phases


@dataclass
class Candidate:
    """The epoch chosen to end a phase: its checkpoint and, when it was scored, its validation scores
    (``{'auc', 'dp', 'sr', 'score'}``, fractions) and those of all scored candidates."""
    epoch: int
    checkpoint: str
    scores: Optional[dict] = None
    all_scores: Optional[dict] = None


class ScheduleStateError(InputError, ValueError):
    """The schedule state file is unreadable or belongs to another run; the message names the file."""


class ScheduleState:
    """The JSON record of a schedule's progress: ``{'format', 'identity', 'phases': {name:
    {'epoch', 'checkpoint', 'scores', 'all_scores'}}}``.

    Args:
        path: the state file (read when it exists).
        identity: what the run is (teacher, squeeze ratio, ...); a file recorded for another
            identity raises :class:`ScheduleStateError`, so changed inputs never reuse old phases.
    """

    def __init__(self, path: PathLike, identity: dict) -> None:
        self.path = Path(path)
        self.identity = identity
        self.phases: dict = {}
        if self.path.is_file():
            self._load()

    def _load(self) -> None:
        try:
            data = json.loads(self.path.read_text())
        except (OSError, json.JSONDecodeError) as err:
            raise ScheduleStateError(f"schedule state '{self.path}' cannot be read ({err}); "
                                     f"delete it to start over") from None
        if not isinstance(data, dict) or data.get("format") != STATE_FORMAT:
            raise ScheduleStateError(f"schedule state '{self.path}' is not a format-{STATE_FORMAT} state file")
        if data.get("identity") != self.identity:
            raise ScheduleStateError(f"schedule state '{self.path}' was written for {data.get('identity')}, this run "
                                     f"is {self.identity}: use another workspace or delete the folder to start over")
        self.phases = data.get("phases", {})

    def finished(self, name: str) -> Optional[Candidate]:
        """The chosen candidate of phase ``name``, or None when the phase has not finished."""
        entry = self.phases.get(name)
        return None if entry is None else Candidate(**entry)

    def finish(self, name: str, candidate: Candidate) -> None:
        """Record phase ``name`` as finished with ``candidate`` (call :meth:`save` to write it)."""
        self.phases[name] = vars(candidate).copy()

    def save(self) -> None:
        """Write the state atomically."""
        data = {"format": STATE_FORMAT, "identity": self.identity, "phases": self.phases}
        atomic_write_text(self.path, json.dumps(data, indent=2) + "\n")


def seed_phase(seed: int, index: int) -> None:
    """Seed Python's, NumPy's and torch's generators for phase ``index`` of a run seeded ``seed``,
    so fresh FD modules are initialised alike whether or not earlier phases were skipped."""
    phase_seed = seed * 1000 + index
    random.seed(phase_seed)
    np.random.seed(phase_seed % 2 ** 32)
    torch.manual_seed(phase_seed)


TrainPhase = Callable[[nn.Module, Phase, list], Path]
ChooseCandidate = Callable[[Phase, Path], Candidate]


def run_phases(net: nn.Module, phases: Sequence[Phase], state: ScheduleState, train: TrainPhase,
               choose: ChooseCandidate, squeeze_ratio: float = 1.0, seed: int = 0, prune: bool = True,
               is_main: bool = True, log: Callable[[str], None] = print) -> nn.Module:
    """Run ``phases`` in order on ``net`` (modified in place and returned).

    Per phase: seed (:func:`seed_phase`), surgery when ``phase.surgery``, then either (finished
    in ``state``) load the recorded candidate's weights, or mark the phase's parameters
    trainable, ``train(net, phase, parameters) -> checkpoint folder``, ``choose(phase, folder)
    -> Candidate``, record it (``is_main`` writes the state file), delete the folder's other
    checkpoints when ``prune``, and load the candidate's weights.
    """
    for index, phase in enumerate(phases):
        seed_phase(seed, index)
        if phase.surgery:
            apply_step(net, phase.step, squeeze_ratio)
        candidate = state.finished(phase.name)
        if candidate is not None:
            log(f"[{phase.name}] finished earlier: epoch {candidate.epoch} ({candidate.checkpoint})")
        else:
            parameters = trainable_parameters(net, phase.kind, phase.layer)
            checkpoint_dir = train(net, phase, parameters)
            candidate = choose(phase, checkpoint_dir)
            state.finish(phase.name, candidate)
            if is_main:
                state.save()
                if prune:
                    _prune(checkpoint_dir, Path(candidate.checkpoint))
            log(f"[{phase.name}] chose epoch {candidate.epoch}" + (f" (scores {_format_scores(candidate.scores)})"
                                                                  if candidate.scores else ""))
        _load_weights(net, Path(candidate.checkpoint), phase.name, state.path)
    return net


def _prune(checkpoint_dir: Path, keep: Path) -> None:
    for _, path in list_checkpoints(checkpoint_dir):
        if path.resolve() != keep.resolve():
            path.unlink()


def _load_weights(net: nn.Module, checkpoint: Path, phase: str, state_path: Path) -> None:
    if not checkpoint.is_file():
        raise FileNotFoundError(f"phase {phase}: chosen checkpoint '{checkpoint}' recorded in '{state_path}' is "
                                f"missing; remove the phase's entry from the state file to train it again")
    load_state_strict(net, torch_load(checkpoint)["net"], f"'{checkpoint}'")


def _format_scores(scores: dict) -> str:
    return ", ".join(f"{key} {value:.3f}" for key, value in scores.items())
