"""Candidate selection: score training checkpoints as SiamFC trackers on a validation benchmark.

FDSiamFC ends every training phase by tracking a validation benchmark (OTB-2013) with the
checkpoints of several epochs and keeping the one maximising ``0.4 * AUC + 0.4 * DP + 0.2 * SR``
(GOT-10k toolkit OTB-experiment measures: success score, precision at 20 px, success rate at
IoU 0.5; see :func:`pytracking.analysis.got10k_metrics.compute_otb_experiment_scores`).

The FD training schedule (:mod:`ltr.trainers.phase_runner`) builds :class:`TrackingScorer` by
its dotted name (``settings.validation['scorer']``): this module combines training checkpoints
with the evaluation toolkit, so it sits above both packages and nothing in ``ltr`` imports it.

Tracking goes through the runner (:func:`pytracking.evaluation.running.run_dataset`) with the
SiamFC tracker's published test-time parameters, so results are ordinary result files
(integer boxes, PyTracking's format) and an interrupted selection resumes where it stopped.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Iterable, Mapping, Optional
from typing import Sequence as SequenceType

from ltr.admin.environment import PathLike
from ltr.admin.loading import NetConstructor, torch_load
from pytracking.analysis.got10k_metrics import compute_otb_experiment_scores
from pytracking.evaluation.data import Sequence
from pytracking.evaluation.datasets import load_sequences
from pytracking.evaluation.running import run_dataset
from pytracking.evaluation.tracker import Tracker
from pytracking.utils.params import TrackerParams

SCORE_WEIGHTS = {"auc": 0.4, "dp": 0.4, "sr": 0.2}
"""Weights of the candidate score: 0.4 * AUC + 0.4 * DP + 0.2 * SR."""


def candidate_score(auc: float, dp: float, sr: float) -> float:
    """``0.4 * auc + 0.4 * dp + 0.2 * sr`` (all fractions, or all percent)."""
    return SCORE_WEIGHTS["auc"] * auc + SCORE_WEIGHTS["dp"] * dp + SCORE_WEIGHTS["sr"] * sr


class NetworkFileTracker(Tracker):
    """A network-based tracker (SiamFC by default) on one network file (a checkpoint or a saved network).

    The parameters are those of ``pytracking/parameter/<tracker_name>/<base_param>.py`` with the
    network replaced: ``net_path`` = the file, ``net_constructor`` / ``net_kwargs`` = the
    constructor the file records (SiamFC: plain, FD networks of any step, folded; ATOM: any
    backbone), then ``overrides`` applied (e.g. ATOM's ``sample_size`` = the training crop size).

    Args:
        net_file: the network file.
        label: parameter-folder name of the results: ``<results_path>/<tracker_name>/<label>/<seq>.txt``.
        results_path: results root.
        display_name: name in tables and plots (default ``<tracker_name>/<label>``).
        device: tracking device (default: the parameter file's choice, CUDA when available).
        base_param: the parameter file providing the test-time settings.
        tracker_name: tracker package under ``pytracking.tracker`` (``'siamfc'``, ``'atom'``, ...).
        overrides: parameters set after the network's (``{'sample_size': 128, 'num_threads': 1}``).
    """

    def __init__(self, net_file: PathLike, label: str, results_path: PathLike, display_name: Optional[str] = None,
                 device: Optional[str] = None, base_param: str = "default", tracker_name: str = "siamfc",
                 overrides: Optional[Mapping[str, object]] = None) -> None:
        super().__init__(tracker_name, label, display_name=display_name, results_path=results_path)
        self.net_file = Path(net_file).resolve()
        self.device = device
        self.base_param = base_param
        self.overrides = dict(overrides or {})
        self.constructor = recorded_constructor(self.net_file)

    def get_parameters(self) -> TrackerParams:
        params = Tracker(self.name, self.base_param).get_parameters()
        params.net_path = str(self.net_file)
        params.net_constructor = f"{self.constructor.fun_module}.{self.constructor.fun_name}"
        params.net_kwargs = dict(self.constructor.kwds)
        if self.device is not None:
            params.device = self.device
        for key, value in self.overrides.items():
            setattr(params, key, value)
        return params


def recorded_constructor(net_file: PathLike) -> NetConstructor:
    """The constructor recorded in a network file; it must take keyword arguments only."""
    data = torch_load(net_file)
    entry = data.get("constructor") if isinstance(data, dict) else None
    if entry is None:
        raise ValueError(f"network file '{net_file}' records no network constructor")
    constructor = NetConstructor.from_entry(entry)
    if constructor.args:
        raise ValueError(f"network file '{net_file}': its constructor {constructor.fun_name} was called with "
                         f"positional arguments {constructor.args}; build networks with keyword arguments")
    return constructor


def truncated(sequence: Sequence, max_frames: Optional[int]) -> Sequence:
    """``sequence`` limited to its first ``max_frames`` frames (unchanged when None or longer)."""
    if max_frames is None or len(sequence.frames) <= max_frames:
        return sequence
    if max_frames < 2:
        raise ValueError(f"max_frames must be at least 2 (an initial and a tracked frame), got {max_frames}")
    cut = {"frames": sequence.frames[:max_frames], "ground_truth_rect": sequence.ground_truth_rect[:max_frames]}
    for key in ("target_visible", "ground_truth_polygon"):
        value = getattr(sequence, key)
        if value is not None:
            cut[key] = value[:max_frames]
    return dataclasses.replace(sequence, **cut)


def validation_sequences(dataset: str, root: Optional[PathLike] = None, options: Optional[dict] = None,
                         sequences: Optional[Iterable[str]] = None, max_frames: Optional[int] = None) -> list:
    """The validation benchmark: sequences of registry dataset ``dataset`` (e.g. ``'otb2013'``),
    optionally only ``sequences`` (names or indices) and their first ``max_frames`` frames."""
    loaded = load_sequences(dataset, root, [str(s) for s in sequences] if sequences else None, **(options or {}))
    return [truncated(seq, max_frames) for seq in loaded]


def evaluate_candidates(checkpoints: Mapping[int, PathLike], sequences: SequenceType[Sequence],
                        results_path: PathLike, device: Optional[str] = None, threads: int = 0) -> dict:
    """Track ``sequences`` with every checkpoint and score it.

    Args:
        checkpoints: ``{epoch: checkpoint file}``.
        sequences: the validation sequences.
        results_path: results root; epoch ``e``'s results go to ``<results_path>/siamfc/ep<e:04d>/``
            (existing result files are reused).
        device: tracking device (default: CUDA when available).
        threads: worker processes of the runner (0: track in this process).
    Returns:
        ``{epoch: {'auc', 'dp', 'sr', 'score'}}`` (fractions).
    Raises:
        RuntimeError listing the sequences whose tracking failed.
    """
    trackers = {epoch: NetworkFileTracker(path, f"ep{epoch:04d}", results_path, device=device)
                for epoch, path in sorted(checkpoints.items())}
    summary = run_dataset(list(sequences), list(trackers.values()), threads=threads, progress=False)
    if summary.failed:
        failures = "; ".join(f"{name} on {seq}" for name, seq, _ in summary.failed)
        raise RuntimeError(f"candidate selection: tracking failed for {failures}\n{summary.failed[0][2]}")
    scores = compute_otb_experiment_scores(list(trackers.values()), sequences, skip_missing=False)
    result = {}
    for epoch, tracker in trackers.items():
        s = scores[tracker.display_name]
        result[epoch] = {"auc": s.success_score, "dp": s.precision_score, "sr": s.success_rate,
                         "score": candidate_score(s.success_score, s.precision_score, s.success_rate)}
    return result


class TrackingScorer:
    """FDSiamFC's candidate scorer (see :mod:`ltr.trainers.phase_runner` for the protocol).

    Args (the entries of ``settings.validation`` besides ``scorer``):
        dataset: benchmark registry name of the validation sequences (e.g. ``'otb2013'``).
        root: its root folder (default: the benchmark's path setting).
        options: extra dataset constructor arguments.
        sequences: only these sequences (names or indices).
        max_frames: only the first this many frames of each sequence.
        threads: worker processes of the runner (0: track in this process).
    """

    def __init__(self, dataset: str, root: Optional[PathLike] = None, options: Optional[dict] = None,
                 sequences: Optional[Iterable[str]] = None, max_frames: Optional[int] = None, threads: int = 0) -> None:
        self.sequences = validation_sequences(dataset, root, options, sequences, max_frames)
        self.threads = threads

    def __call__(self, checkpoints: Mapping[int, PathLike], results_path: PathLike,
                 device: Optional[str] = None) -> dict:
        """``{epoch: {'auc', 'dp', 'sr', 'score'}}`` of every checkpoint (see :func:`evaluate_candidates`)."""
        return evaluate_candidates(checkpoints, self.sequences, results_path, device=device, threads=self.threads)
