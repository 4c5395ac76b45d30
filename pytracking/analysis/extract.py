"""From raw result files to per-sequence curves and dataset scores (PyTracking conventions).

Repeated runs of a tracker (``Tracker`` objects with the same name and parameter name, e.g.
results in ``<param>_000 .. <param>_004``) are merged under one display name: their
per-sequence curves are averaged over runs, then over sequences (each sequence weighted
equally). See :mod:`pytracking.analysis.metrics` for the per-frame conventions.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional
from typing import Sequence as SequenceType

import numpy as np

from ltr.admin.environment import PathLike, resolve_path
from pytracking.analysis import metrics
from pytracking.evaluation.data import Sequence
from pytracking.evaluation.results_io import load_result_boxes
from pytracking.evaluation.tracker import Tracker, results_dir_name


class MissingResultsError(FileNotFoundError):
    """Result files of a tracker are missing; the message names the tracker and file."""


@dataclass
class TrackerRuns:
    """The runs of one tracker configuration, analysed as one entry named ``display_name``."""
    display_name: str
    runs: list


def group_runs(trackers: Iterable[Tracker]) -> list:
    """Group ``Tracker`` objects by (name, parameter name), in order of first appearance.

    The display name is ``NAME/PARAM`` unless the first run was given its own display name.
    Returns a list of :class:`TrackerRuns`.
    """
    groups: dict = {}
    for tracker in trackers:
        key = (tracker.name, tracker.parameter_name)
        if key not in groups:
            default = f"{tracker.name}/{results_dir_name(tracker.parameter_name, tracker.run_id)}"
            custom = tracker.display_name != default
            name = tracker.display_name if custom else f"{tracker.name}/{tracker.parameter_name}"
            groups[key] = TrackerRuns(name, [])
        groups[key].runs.append(tracker)
    return list(groups.values())


def resolve_tracker_runs(name: str, parameter_name: str, results_path: Optional[PathLike] = None,
                         display_name: Optional[str] = None) -> list:
    """The runs stored for ``NAME/PARAM``: the plain ``<param>`` folder if it exists, else every
    ``<param>_NNN`` folder (repeated runs). Raises MissingResultsError when there is neither.
    """
    base = resolve_path("results_path", results_path) / name
    if (base / parameter_name).is_dir():
        return [Tracker(name, parameter_name, None, display_name, results_path)]
    pattern = re.compile(re.escape(parameter_name) + r"_(\d{3})")
    run_ids = sorted(int(m.group(1)) for d in (base.iterdir() if base.is_dir() else [])
                     if d.is_dir() and (m := pattern.fullmatch(d.name)))
    if not run_ids:
        raise MissingResultsError(f"no results for tracker '{name}/{parameter_name}': neither "
                                  f"{base / parameter_name} nor {base / parameter_name}_000.. exists")
    return [Tracker(name, parameter_name, run_id, display_name, results_path) for run_id in run_ids]


def result_file(tracker: Tracker, sequence_name: str) -> Path:
    """``<results_dir>/<sequence>.txt``."""
    return Path(tracker.results_dir) / f"{sequence_name}.txt"


def find_missing(groups: SequenceType[TrackerRuns], sequences: SequenceType[Sequence]) -> dict:
    """``{sequence name: [missing result files]}`` over all trackers and runs (empty if none)."""
    missing: dict = {}
    for seq in sequences:
        files = [result_file(run, seq.name) for group in groups for run in group.runs]
        absent = [str(f) for f in files if not f.is_file()]
        if absent:
            missing[seq.name] = absent
    return missing


def select_sequences(groups: SequenceType[TrackerRuns], sequences: SequenceType[Sequence],
                     skip_missing: bool) -> tuple:
    """Sequences with results for every tracker and run, and ``{skipped name: missing files}``.

    Raises MissingResultsError naming the first missing file when ``skip_missing`` is False, or
    when no sequence is left.
    """
    missing = find_missing(groups, sequences)
    if missing and not skip_missing:
        name, files = next(iter(missing.items()))
        raise MissingResultsError(f"result file '{files[0]}' of sequence '{name}' is missing "
                                  f"({sum(map(len, missing.values()))} missing in all)")
    kept = [seq for seq in sequences if seq.name not in missing]
    if not kept:
        raise MissingResultsError(f"no sequence has results for every tracker; first missing file: "
                                  f"{next(iter(missing.values()))[0]}")
    return kept, missing


def run_labels(group: TrackerRuns, run: Tracker, names: SequenceType[str]) -> list:
    """Error-message label of each sequence's result file of one run."""
    return [f"tracker '{group.display_name}' sequence '{name}' ({result_file(run, name)})" for name in names]


def load_run(run: Tracker, names: SequenceType[str]) -> list:
    """Raw (N, 4) predictions of one run for the named sequences."""
    return [load_result_boxes(result_file(run, name)) for name in names]


@dataclass
class AnalysisResult:
    """Per-sequence curves of T trackers (runs merged) on S sequences.

    Attributes:
        trackers: (T,) display names.
        sequences: (S,) sequence names, in the order given.
        dataset: dataset name(s) of the sequences (comma-joined when mixed).
        attributes: (S,) challenge attributes of each sequence (tuple or None).
        success: (T, S, 21) success rates (fractions); NaN for skipped sequences.
        precision: (T, S, 51) precisions.
        norm_precision: (T, S, 51) normalised precisions.
        average_overlap: (T, S) mean IoU over valid frames.
        valid_sequence: (S,) False for sequences skipped because results were missing.
        skipped: ``{sequence: [missing result files]}``.
        num_runs: (T,) runs merged per tracker.
        exclude_invalid_frames: whether L counted only valid frames.
    """
    trackers: list
    sequences: list
    dataset: str
    attributes: list
    success: np.ndarray
    precision: np.ndarray
    norm_precision: np.ndarray
    average_overlap: np.ndarray
    valid_sequence: np.ndarray
    skipped: dict
    num_runs: list
    exclude_invalid_frames: bool = False
    overlap_thresholds: np.ndarray = field(default_factory=lambda: metrics.OVERLAP_THRESHOLDS.copy())
    center_thresholds: np.ndarray = field(default_factory=lambda: metrics.CENTER_THRESHOLDS.copy())
    norm_center_thresholds: np.ndarray = field(default_factory=lambda: metrics.NORM_CENTER_THRESHOLDS.copy())


def run_curves(table: metrics.GroundTruthTable, preds: SequenceType[np.ndarray], labels: SequenceType[str],
               exclude_invalid_frames: bool = False) -> metrics.SequenceCurves:
    """Curves of one tracker run from its raw predictions (one per sequence of ``table``)."""
    pred = metrics.align_predictions(table, preds, labels)
    return metrics.sequence_curves(table, metrics.frame_measures(table, pred, labels), exclude_invalid_frames)


def compute_results(trackers: SequenceType[Tracker], sequences: SequenceType[Sequence],
                    skip_missing: bool = True, exclude_invalid_frames: bool = False,
                    valid_rule: str = "xywh") -> AnalysisResult:
    """Analyse the raw results of ``trackers`` (repeated runs merged) on ``sequences``.

    Args:
        trackers: one ``Tracker`` per run; runs with the same name and parameter are merged.
        sequences: the sequences to score (their ``dataset`` selects the conventions).
        skip_missing: drop, for all trackers, a sequence whose result is missing for any tracker
            or run (listed in ``AnalysisResult.skipped``); otherwise raise MissingResultsError.
        exclude_invalid_frames: divide counts by the number of valid frames instead of the
            number of ground-truth rows.
        valid_rule: ``'xywh'`` (default) or ``'wh'`` to reproduce older PyTracking / the CFKD fork
            (see ``metrics.GroundTruthTable.from_sequences``).
    """
    if not trackers:
        raise ValueError("no trackers to analyse")
    groups = group_runs(trackers)
    kept, skipped = select_sequences(groups, sequences, skip_missing)
    table = metrics.GroundTruthTable.from_sequences(kept, valid_rule)
    columns = np.flatnonzero([seq.name not in skipped for seq in sequences])   # positions of ``kept``
    shape = (len(groups), len(sequences))
    out = {"success": np.full(shape + (len(metrics.OVERLAP_THRESHOLDS),), np.nan),
           "precision": np.full(shape + (len(metrics.CENTER_THRESHOLDS),), np.nan),
           "norm_precision": np.full(shape + (len(metrics.NORM_CENTER_THRESHOLDS),), np.nan),
           "average_overlap": np.full(shape, np.nan)}
    for g, group in enumerate(groups):
        per_run = [run_curves(table, load_run(run, table.names), run_labels(group, run, table.names),
                              exclude_invalid_frames) for run in group.runs]
        for key, values in out.items():
            values[g, columns] = np.mean([getattr(curves, key) for curves in per_run], axis=0)
    valid_sequence = np.zeros(len(sequences), dtype=bool)
    valid_sequence[columns] = True
    return AnalysisResult(trackers=[g.display_name for g in groups], sequences=[seq.name for seq in sequences],
                          dataset=",".join(dict.fromkeys(seq.dataset for seq in sequences)),
                          attributes=[seq.attributes for seq in sequences], valid_sequence=valid_sequence,
                          skipped=skipped, num_runs=[len(g.runs) for g in groups],
                          exclude_invalid_frames=exclude_invalid_frames, **out)


def summary(result: AnalysisResult, sequence_mask: Optional[np.ndarray] = None) -> dict:
    """Dataset scores in percent: ``{tracker: {'auc', 'op50', 'op75', 'precision', 'norm_precision'}}``.

    Curves are averaged over the valid sequences (and, if given, only those in the (S,) bool
    ``sequence_mask``, e.g. one attribute), each sequence weighted equally.
    """
    mask = result.valid_sequence if sequence_mask is None else result.valid_sequence & sequence_mask
    scores = metrics.scores_from_curves(result.success[:, mask].mean(axis=1), result.precision[:, mask].mean(axis=1),
                                        result.norm_precision[:, mask].mean(axis=1))
    return {name: {key: float(values[t]) for key, values in scores.items()} for t, name in enumerate(result.trackers)}


def sequence_scores(result: AnalysisResult) -> dict:
    """Per-sequence scores in percent: ``{tracker: {sequence: {same keys as summary}}}`` (valid sequences)."""
    scores = metrics.scores_from_curves(result.success, result.precision, result.norm_precision)
    return {name: {seq: {key: float(values[t, s]) for key, values in scores.items()}
                   for s, seq in enumerate(result.sequences) if result.valid_sequence[s]}
            for t, name in enumerate(result.trackers)}
