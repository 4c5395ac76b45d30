"""Success, precision and normalised-precision plots (PNG and PDF, matplotlib Agg).

Each plot shows the dataset-level curve of every tracker (mean over the scored sequences,
percent) with legend entries ``name [score]`` sorted by score, best first: AUC for success,
precision at 20 px for precision, normalised precision at 0.2 for normalised precision.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Optional
from typing import Sequence as SequenceType

import numpy as np
from matplotlib.figure import Figure

from ltr.admin.environment import PathLike
from ltr.admin.file_io import atomic_write
from pytracking.analysis.extract import AnalysisResult, summary


@dataclass(frozen=True)
class PlotKind:
    """What one plot shows: the result curve, its score key (see ``summary``) and the axes."""
    curve: str
    thresholds: str
    score: str
    title: str
    xlabel: str
    ylabel: str
    xmax: float
    legend_loc: str


PLOT_KINDS = {
    "success": PlotKind("success", "overlap_thresholds", "auc", "Success plot", "Overlap threshold",
                        "Overlap Precision [%]", 1.0, "lower left"),
    "precision": PlotKind("precision", "center_thresholds", "precision", "Precision plot",
                          "Location error threshold [pixels]", "Distance Precision [%]", 50.0, "lower right"),
    "norm_precision": PlotKind("norm_precision", "norm_center_thresholds", "norm_precision",
                               "Normalized precision plot", "Normalized location error threshold",
                               "Distance Precision [%]", 0.5, "lower right"),
}


def legend_order(names: SequenceType[str], scores: SequenceType[float]) -> list:
    """``[(index, 'name [score]'), ...]`` sorted by score, best first (ties keep input order)."""
    order = sorted(range(len(names)), key=lambda i: -scores[i])
    return [(i, f"{names[i]} [{scores[i]:.1f}]") for i in order]


def mean_curve(result: AnalysisResult, curve: str) -> np.ndarray:
    """(T, K) dataset-level curve in percent (mean over scored sequences)."""
    return 100.0 * getattr(result, curve)[:, result.valid_sequence].mean(axis=1)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def draw_plot(result: AnalysisResult, kind: str, title: Optional[str] = None) -> Figure:
    """The figure of one plot kind (``success``, ``precision`` or ``norm_precision``)."""
    spec = PLOT_KINDS[kind]
    curves = mean_curve(result, spec.curve)
    thresholds = getattr(result, spec.thresholds)
    scores = summary(result)
    entries = legend_order(result.trackers, [scores[name][spec.score] for name in result.trackers])
    fig = Figure(figsize=(6.4, 4.8))
    ax = fig.add_subplot()
    styles = ("-", "--", "-.", ":")
    for rank, (t, label) in enumerate(entries):
        ax.plot(thresholds, curves[t], label=label, linewidth=2, color=f"C{rank % 10}",
                linestyle=styles[rank // 10 % 4])
    ax.legend(loc=spec.legend_loc, fontsize=9, framealpha=1.0, edgecolor="black")
    ax.set(xlabel=spec.xlabel, ylabel=spec.ylabel, xlim=(0, spec.xmax), ylim=(0, 100),
           title=title or f"{spec.title} on {result.dataset} ({_count(int(result.valid_sequence.sum()), 'sequence')})")
    ax.grid(True, linestyle="-.")
    fig.tight_layout()
    return fig


def save_plots(result: AnalysisResult, out_dir: PathLike,
               kinds: SequenceType[str] = tuple(PLOT_KINDS)) -> list:
    """Write ``<kind>_plot.png`` and ``<kind>_plot.pdf`` for each kind (atomically); returns the paths."""
    out_dir = Path(out_dir)
    written = []
    for kind in kinds:
        fig = draw_plot(result, kind)
        for fmt in ("png", "pdf"):
            path = out_dir / f"{kind}_plot.{fmt}"
            atomic_write(path, partial(fig.savefig, format=fmt, dpi=150))
            written.append(path)
    return written

