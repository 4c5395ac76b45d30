"""Text tables and the JSON report of an :class:`~pytracking.analysis.extract.AnalysisResult`."""
from __future__ import annotations

import json
from typing import Sequence as SequenceType

import numpy as np

from ltr.admin.environment import PathLike
from ltr.admin.file_io import atomic_write_text
from pytracking.analysis.extract import AnalysisResult, sequence_scores, summary

SCORE_COLUMNS = {"auc": "AUC", "op50": "OP50", "op75": "OP75", "precision": "Precision",
                 "norm_precision": "Norm Precision"}
"""Score keys (as in :func:`~pytracking.analysis.extract.summary`) and their column titles."""


def format_table(title: str, row_labels: SequenceType[str], column_labels: SequenceType[str],
                 values: np.ndarray, fmt: str = "{:.2f}") -> str:
    """A plain-text table: ``title`` above the row labels, one row per label.

    Args:
        values: (R, C) numbers, formatted with ``fmt``.
    """
    cells = [[fmt.format(v) for v in row] for row in np.asarray(values, dtype=np.float64).reshape(len(row_labels), -1)]
    label_width = max([len(title)] + [len(r) for r in row_labels])
    widths = [max([len(c)] + [len(row[j]) for row in cells]) for j, c in enumerate(column_labels)]
    lines = [" | ".join([title.ljust(label_width)] + [c.rjust(w) for c, w in zip(column_labels, widths)])]
    lines.append("-+-".join(["-" * label_width] + ["-" * w for w in widths]))
    for label, row in zip(row_labels, cells):
        lines.append(" | ".join([label.ljust(label_width)] + [c.rjust(w) for c, w in zip(row, widths)]))
    return "\n".join(lines)


def summary_table(result: AnalysisResult) -> str:
    """One row per tracker: AUC, OP50, OP75, Precision, Norm Precision (percent)."""
    scores = summary(result)
    values = [[scores[name][key] for key in SCORE_COLUMNS] for name in result.trackers]
    title = f"{result.dataset} ({int(result.valid_sequence.sum())}/{len(result.sequences)} sequences)"
    return format_table(title, result.trackers, list(SCORE_COLUMNS.values()), values)


def per_sequence_table(result: AnalysisResult) -> str:
    """One row per scored sequence; for each tracker its AUC and average overlap (percent)."""
    mask = result.valid_sequence
    auc = 100.0 * result.success[:, mask].mean(axis=-1)                  # (T, S')
    ao = 100.0 * result.average_overlap[:, mask]                          # (T, S')
    values = np.stack([auc, ao], axis=-1).transpose(1, 0, 2).reshape(int(mask.sum()), -1)
    columns = [f"{name} {kind}" for name in result.trackers for kind in ("AUC", "AO")]
    names = [name for name, keep in zip(result.sequences, mask) if keep]
    return format_table("Sequence", names, columns, values)


def per_attribute_table(result: AnalysisResult) -> str:
    """AUC (percent) per challenge attribute over the scored sequences having it, with their count.

    Raises ValueError when no scored sequence carries attributes.
    """
    has = {}
    for s, attrs in enumerate(result.attributes):
        if result.valid_sequence[s]:
            for attr in attrs or ():
                has.setdefault(attr, np.zeros(len(result.sequences), dtype=bool))[s] = True
    if not has:
        raise ValueError(f"the sequences of '{result.dataset}' carry no attributes")
    rows, values = [], []
    for attr in sorted(has):
        rows.append(f"{attr} ({int(has[attr].sum())})")
        scores = summary(result, has[attr])
        values.append([scores[name]["auc"] for name in result.trackers])
    return format_table("Attribute (sequences)", rows, result.trackers, values)


def got10k_table(scores: dict) -> str:
    """GOT-10k toolkit measures in percent: AO, SR0.5, SR0.75 (``scores`` from
    :func:`~pytracking.analysis.got10k_metrics.compute_got10k_scores`)."""
    values = [[100.0 * s.ao, 100.0 * s.sr50, 100.0 * s.sr75] for s in scores.values()]
    return format_table("GOT-10k toolkit", list(scores), ["AO", "SR0.5", "SR0.75"], values)


def write_json(result: AnalysisResult, path: PathLike) -> None:
    """Write the scores in percent, atomically, as
    ``{"trackers": {NAME: {"auc", "op50", "op75", "precision", "norm_precision",
    "per_sequence": {SEQ: {same five keys}}}}}`` (scored sequences only)."""
    overall = summary(result)
    per_sequence = sequence_scores(result)
    report = {"trackers": {name: {**overall[name], "per_sequence": per_sequence[name]} for name in result.trackers}}
    atomic_write_text(path, json.dumps(report, indent=2) + "\n")
