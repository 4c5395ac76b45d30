"""From raw result files to per-sequence curves and dataset scores (PyTracking conventions).

Repeated runs of a tracker (``Tracker`` objects with the same name and parameter name, e.g.
results in ``<param>_000 .. <param>_004``) are merged under one display name: their
per-sequence curves are averaged over runs, then over sequences (each sequence weighted
equally). See :mod:`pytracking.analysis.metrics` for the per-frame conventions.

The result file of sequence ``S`` is ``<results_dir>/S.txt``, else the one file whose name
equals ``S`` ignoring case and ``-`` versus ``_`` (``Jogging-1.txt``, ``human4_2.txt``,
``Faceocc1.txt`` as pysot-style toolkits write them); :attr:`AnalysisResult.loose_matches`
lists the files matched that way. Each results folder is listed once per analysis.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional
from typing import Sequence as SequenceType

import numpy as np

from ltr.admin.environment import PathLike, resolve_path
from ltr.admin.errors import InputError
from pytracking.analysis import metrics
from pytracking.evaluation.data import Sequence
from pytracking.evaluation.results_io import load_result_boxes
from pytracking.evaluation.tracker import Tracker


class MissingResultsError(InputError, FileNotFoundError):
    """Result files of a tracker are missing; the message names the tracker and file."""


class AmbiguousResultsError(InputError, ValueError):
    """Two result files match one sequence ignoring case and '-'/'_'; the message names both."""


@dataclass
class TrackerRuns:
    """The runs of one tracker configuration, analysed as one entry named ``display_name``."""
    display_name: str
    runs: list


def group_runs(trackers: Iterable[Tracker]) -> list:
    """Group ``Tracker`` objects by (name, results label = parameter name [+ refiner]), in order of first
    appearance, so the repeated runs of one configuration average and a refined run stays apart from its base.

    The display name is ``NAME/LABEL`` unless the first run was given its own display name.
    Returns a list of :class:`TrackerRuns`.
    """
    groups: dict = {}
    for tracker in trackers:
        key = (tracker.name, tracker.results_label)
        if key not in groups:
            custom = tracker.display_name != tracker.default_display_name()
            name = tracker.display_name if custom else f"{tracker.name}/{tracker.results_label}"
            groups[key] = TrackerRuns(name, [])
        groups[key].runs.append(tracker)
    return list(groups.values())


def parse_tracker_spec(spec: str) -> tuple:
    """``NAME/PARAM`` or ``NAME`` (PARAM = 'default') -> (name, param)."""
    name, _, param = spec.partition("/")
    if not name or "/" in param:
        raise InputError(f"tracker '{spec}' is not NAME or NAME/PARAM")
    return name, param or "default"


def resolve_tracker_runs(name: str, parameter_name: str, results_path: Optional[PathLike] = None,
                         display_name: Optional[str] = None, dataset: str = "<benchmark>") -> list:
    """The runs stored for ``NAME/PARAM``: the plain ``<param>`` folder if it exists, else every
    ``<param>_NNN`` folder (repeated runs). Raises MissingResultsError when there is neither, naming the
    run_tracker command (on ``dataset``) that makes them.
    """
    base = resolve_path("results_path", results_path) / name
    if (base / parameter_name).is_dir():
        return [Tracker(name, parameter_name, None, display_name, results_path)]
    pattern = re.compile(re.escape(parameter_name) + r"_(\d{3})")
    run_ids = sorted(int(m.group(1)) for d in (base.iterdir() if base.is_dir() else [])
                     if d.is_dir() and (m := pattern.fullmatch(d.name)))
    if not run_ids:
        raise MissingResultsError(f"no results for tracker '{name}/{parameter_name}': neither "
                                  f"{base / parameter_name} nor {base / parameter_name}_000.. exists; make them with "
                                  f"'python pytracking/run_tracker.py {name} {parameter_name} --dataset {dataset}'")
    return [Tracker(name, parameter_name, run_id, display_name, results_path) for run_id in run_ids]


def loose_key(name: str) -> str:
    """A name compared ignoring case and '-' versus '_': ``Jogging-1`` -> ``jogging_1``."""
    return name.lower().replace("-", "_")


@dataclass
class RunFiles:
    """The result files of one run, matched to sequence names from one listing of its folder.

    Attributes:
        files: ``{sequence: result file}`` of the sequences that have one.
        loose: ``{sequence: file name}`` of those matched only ignoring case and '-'/'_'.
    """
    files: dict
    loose: dict


def match_result_files(results_dir: PathLike, names: SequenceType[str]) -> RunFiles:
    """Find the result file of each sequence in ``names``: ``<name>.txt``, else the one ``.txt`` file
    whose name equals it ignoring case and '-'/'_' (a file named exactly after another of ``names``
    belongs to that one).

    Raises:
        AmbiguousResultsError naming both files when two files match one sequence that way.
    """
    results_dir = Path(results_dir)
    stems = {f[:-4] for f in os.listdir(results_dir) if f.endswith(".txt")} if results_dir.is_dir() else set()
    requested = set(names)
    candidates: dict = {}
    for stem in sorted(stems - requested):
        candidates.setdefault(loose_key(stem), []).append(f"{stem}.txt")
    files, loose = {}, {}
    for name in names:
        if name in stems:
            files[name] = results_dir / f"{name}.txt"
            continue
        found = candidates.get(loose_key(name), [])
        if len(found) > 1:
            raise AmbiguousResultsError(f"sequence '{name}' matches both '{results_dir / found[0]}' and "
                                        f"'{results_dir / found[1]}' (case and '-'/'_' ignored); remove one")
        if found:
            files[name], loose[name] = results_dir / found[0], found[0]
    return RunFiles(files, loose)


def expected_file(tracker: Tracker, sequence_name: str) -> Path:
    """``<results_dir>/<sequence>.txt``, the file the runner writes."""
    return Path(tracker.results_dir) / f"{sequence_name}.txt"


def result_file(tracker: Tracker, sequence_name: str) -> Path:
    """The result file of a sequence (see :func:`match_result_files`), else :func:`expected_file`."""
    found = match_result_files(tracker.results_dir, [sequence_name]).files
    return found.get(sequence_name, expected_file(tracker, sequence_name))


def match_runs(groups: SequenceType[TrackerRuns], sequences: SequenceType[Sequence]) -> list:
    """:class:`RunFiles` of every run of every group for ``sequences``: ``[[RunFiles of each run] of each group]``."""
    names = [seq.name for seq in sequences]
    return [[match_result_files(run.results_dir, names) for run in group.runs] for group in groups]


def _run_files(groups: SequenceType[TrackerRuns], matched: list) -> Iterable:
    """(run, its RunFiles) of every run of ``groups`` given their :func:`match_runs`."""
    for group, group_files in zip(groups, matched):
        yield from zip(group.runs, group_files)


def find_missing(groups: SequenceType[TrackerRuns], sequences: SequenceType[Sequence],
                 matched: Optional[list] = None) -> dict:
    """``{sequence name: [missing result files]}`` over all trackers and runs (empty if none).

    ``matched``: the :func:`match_runs` of ``groups`` and ``sequences`` when already known.
    """
    matched = match_runs(groups, sequences) if matched is None else matched
    missing: dict = {}
    for seq in sequences:
        absent = [str(expected_file(run, seq.name)) for run, files in _run_files(groups, matched)
                  if seq.name not in files.files]
        if absent:
            missing[seq.name] = absent
    return missing


def select_sequences(groups: SequenceType[TrackerRuns], sequences: SequenceType[Sequence],
                     skip_missing: bool, matched: Optional[list] = None) -> tuple:
    """Sequences with results for every tracker and run, and ``{skipped name: missing files}``.

    ``matched``: the :func:`match_runs` of ``groups`` and ``sequences`` when already known.
    Raises MissingResultsError naming the first missing file when ``skip_missing`` is False, or
    when no sequence is left.
    """
    missing = find_missing(groups, sequences, matched)
    if missing and not skip_missing:
        name, files = next(iter(missing.items()))
        raise MissingResultsError(f"result file '{files[0]}' of sequence '{name}' is missing "
                                  f"({sum(map(len, missing.values()))} missing in all)")
    kept = [seq for seq in sequences if seq.name not in missing]
    if not kept:
        raise MissingResultsError(f"no sequence has results for every tracker; first missing file: "
                                  f"{next(iter(missing.values()))[0]}")
    return kept, missing


def run_labels(group: TrackerRuns, run: Tracker, names: SequenceType[str], files: Optional[RunFiles] = None) -> list:
    """Error-message label of each sequence's result file of one run (``files``: its matched files when known)."""
    files = match_result_files(run.results_dir, names) if files is None else files
    return [f"tracker '{group.display_name}' sequence '{name}' "
            f"({files.files.get(name, expected_file(run, name))})" for name in names]


def load_run(run: Tracker, names: SequenceType[str], files: Optional[RunFiles] = None) -> list:
    """Raw (N, 4) predictions of one run for the named sequences (``files``: its matched files when known).

    Raises MissingResultsError naming the expected file of a sequence without one.
    """
    files = match_result_files(run.results_dir, names) if files is None else files
    absent = [name for name in names if name not in files.files]
    if absent:
        raise MissingResultsError(f"result file '{expected_file(run, absent[0])}' of sequence '{absent[0]}' is missing")
    return [load_result_boxes(files.files[name]) for name in names]


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
        loose_matches: ``{results folder: {sequence: file name}}`` of the result files matched
            only ignoring case and '-'/'_' (runs without such files are left out).
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
    loose_matches: dict = field(default_factory=dict)
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
    matched = match_runs(groups, sequences)
    kept, skipped = select_sequences(groups, sequences, skip_missing, matched)
    table = metrics.GroundTruthTable.from_sequences(kept, valid_rule)
    columns = np.flatnonzero([seq.name not in skipped for seq in sequences])   # positions of ``kept``
    shape = (len(groups), len(sequences))
    out = {"success": np.full(shape + (len(metrics.OVERLAP_THRESHOLDS),), np.nan),
           "precision": np.full(shape + (len(metrics.CENTER_THRESHOLDS),), np.nan),
           "norm_precision": np.full(shape + (len(metrics.NORM_CENTER_THRESHOLDS),), np.nan),
           "average_overlap": np.full(shape, np.nan)}
    for g, group in enumerate(groups):
        per_run = [run_curves(table, load_run(run, table.names, files), run_labels(group, run, table.names, files),
                              exclude_invalid_frames) for run, files in zip(group.runs, matched[g])]
        for key, values in out.items():
            values[g, columns] = np.mean([getattr(curves, key) for curves in per_run], axis=0)
    valid_sequence = np.zeros(len(sequences), dtype=bool)
    valid_sequence[columns] = True
    return AnalysisResult(trackers=[g.display_name for g in groups], sequences=[seq.name for seq in sequences],
                          dataset=",".join(dict.fromkeys(seq.dataset for seq in sequences)),
                          attributes=[seq.attributes for seq in sequences], valid_sequence=valid_sequence,
                          skipped=skipped, num_runs=[len(g.runs) for g in groups],
                          exclude_invalid_frames=exclude_invalid_frames, **out,
                          loose_matches={str(run.results_dir): files.loose
                                         for run, files in _run_files(groups, matched) if files.loose})


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
