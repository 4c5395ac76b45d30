"""Helpers shared by the end-to-end experiments (:mod:`ltr.experiments.fdsiamfc_demo`,
:mod:`ltr.experiments.distill_study`): logged training runs, result-folder tags, the evaluation
benchmarks, running + analysis + plots, efficiency profiles and the combined table.
"""
from __future__ import annotations

import hashlib
import shlex
from pathlib import Path
from typing import Optional, Sequence

from ltr import run_training
from ltr.admin.environment import REPO_ROOT
from ltr.data.image_loader import imread_rgb
from ltr.experiments.candidate_selection import truncated
from pytracking.analysis.extract import compute_results, summary
from pytracking.analysis.plots import save_plots
from pytracking.analysis.profiling import count_parameters, macs_per_frame, measure_fps
from pytracking.analysis.tables import format_table
from pytracking.evaluation.data import Sequence as TrackingSequence
from pytracking.evaluation.datasets import load_sequences
from pytracking.evaluation.running import run_dataset
from pytracking.evaluation.tracker import Tracker, intra_op_threads

OTB_SAMPLE = REPO_ROOT.parent / "shared" / "data" / "otb_sample"
OTB_SAMPLE_SEQUENCE = "Football1"
DEFAULT_SCORE_COLUMNS = (("auc", "AUC"), ("precision", "Precision"), ("op50", "OP50"))
"""``(summary key, column title)`` of the scores a table shows per benchmark (see :func:`report_table`)."""


def run_logged_training(argv: Sequence[str]) -> None:
    """Print ``$ python ltr/run_training.py ARGV`` (shell-quoted), then run it in this process."""
    print(f"\n$ python ltr/run_training.py {shlex.join(argv)}", flush=True)
    run_training.main(list(argv))


def file_tag(path: Path) -> str:
    """First 8 hex digits of the file's SHA-256 (names result folders after the network they hold)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:8]


def benchmarks(max_sequences: Optional[int] = None, max_frames: Optional[int] = None) -> dict:
    """``{label: sequences}``: the synthetic benchmark and, when present, the OTB sample sequence.

    Args:
        max_sequences: keep only the first this many synthetic sequences (None: all).
        max_frames: keep only the first this many frames of every sequence (None: all).
    """
    synthetic = list(load_sequences("synthetic"))[:max_sequences]
    chosen = {"synthetic": synthetic}
    if (OTB_SAMPLE / OTB_SAMPLE_SEQUENCE).is_dir():
        chosen[OTB_SAMPLE_SEQUENCE] = list(load_sequences("otb", OTB_SAMPLE, [OTB_SAMPLE_SEQUENCE]))
    return {label: [truncated(seq, max_frames) for seq in sequences] for label, sequences in chosen.items()}


def evaluate(trackers: list, sequences: list, plot_dir: Path) -> dict:
    """Run (reusing existing results), analyse, plot; ``{display name: summary scores (percent)}``.

    Raises:
        RuntimeError naming the failed (tracker, sequence) pairs, with the first traceback.
    """
    outcome = run_dataset(sequences, trackers, progress=False)
    if outcome.failed:
        raise RuntimeError("tracking failed: " + "; ".join(f"{n} on {s}" for n, s, _ in outcome.failed)
                           + f"\n{outcome.failed[0][2]}")
    result = compute_results(trackers, sequences, skip_missing=False)
    save_plots(result, plot_dir, kinds=("success", "precision"))
    return summary(result)


def profile(tracker_def: Tracker, sequence: TrackingSequence) -> dict:
    """``{'params', 'macs', 'fps'}``: learnable parameters and MACs of one tracking step (networks
    only; NaN for trackers without ``tracker.net``) and frames per second over ``sequence``, with
    the tracker's ``num_threads`` parameter (if set) as torch's intra-op threads."""
    tracker = tracker_def.create_tracker()
    images = [imread_rgb(f) for f in sequence.frames]
    box = sequence.init_info()["init_bbox"]
    with intra_op_threads(tracker.params.get("num_threads", None)):
        fps = measure_fps(tracker, images, box)
        net = getattr(tracker, "net", None)
        if net is None:
            return {"params": float("nan"), "macs": float("nan"), "fps": fps}
        return {"params": count_parameters(net)["params"], "macs": macs_per_frame(tracker, images[0], box, images[1]),
                "fps": fps}


def report_table(scores: dict, profiles: dict, score_columns: Sequence[tuple] = DEFAULT_SCORE_COLUMNS,
                 row_title: str = "Tracker") -> str:
    """One row per entry of ``profiles`` (in its order): for each benchmark of ``scores``
    (``{benchmark: {row: summary scores}}``) the ``score_columns``, then params (K), MACs/frame (M)
    and CPU FPS (``profiles``: ``{row: {'params', 'macs', 'fps'}}``); NaN shows as ``n/a``."""
    names = list(profiles)
    columns, values = [], [[] for _ in names]
    for label, per_tracker in scores.items():
        for key, title in score_columns:
            columns.append(f"{label} {title}")
            for row, name in zip(values, names, strict=True):
                row.append(per_tracker[name][key])
    columns += ["Params (K)", "MACs/frame (M)", "CPU FPS"]
    for row, name in zip(values, names, strict=True):
        p = profiles[name]
        row += [p["params"] / 1e3, p["macs"] / 1e6, p["fps"]]
    return format_table(row_title, names, columns, values, fmt="{:.1f}").replace("nan", "n/a")
