"""Helpers shared by the end-to-end experiments (:mod:`ltr.experiments.fdsiamfc_demo`, the studies): logged
training runs, result-folder tags, the evaluation benchmarks (synthetic and the real samples of ../shared),
trackers on the published networks of ../shared, running + analysis + plots, efficiency profiles and the
combined table.
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

SHARED = REPO_ROOT.parent / "shared"
OTB_SAMPLE = SHARED / "data" / "otb_sample"
SHARED_NETWORKS = SHARED / "networks"
OTB_SAMPLE_SEQUENCE = "Football1"
"""The real sequence speed is measured on (352 x 288, 74 frames)."""
REAL_BENCHMARK = "otb_sample"
"""Label of the real OTB sample sequences in :func:`benchmarks` (all of ``../shared/data/otb_sample``)."""
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
    """``{label: sequences}``: the synthetic benchmark and, when ../shared is present, the real OTB sample
    sequences (:data:`REAL_BENCHMARK`: Football1, DragonBaby, MotorRolling, Surfer).

    Args:
        max_sequences: keep only the first this many sequences of each benchmark (None: all).
        max_frames: keep only the first this many frames of every sequence (None: all).
    """
    chosen = {"synthetic": list(load_sequences("synthetic"))[:max_sequences]}
    if OTB_SAMPLE.is_dir():
        names = sorted(path.name for path in OTB_SAMPLE.iterdir() if path.is_dir())
        chosen[REAL_BENCHMARK] = list(load_sequences("otb", OTB_SAMPLE, names))[:max_sequences]
    return {label: [truncated(seq, max_frames) for seq in sequences] for label, sequences in chosen.items()}


def speed_sequence(chosen: dict) -> TrackingSequence:
    """The sequence FPS are measured on: the real Football1 when present, else the first synthetic one."""
    real = [seq for seq in chosen.get(REAL_BENCHMARK, []) if seq.name == OTB_SAMPLE_SEQUENCE]
    return (real or chosen["synthetic"])[0]


class PublishedNetworkTracker(Tracker):
    """Tracker ``name/param`` whose network file (a published one, e.g. ``FDSiamfc_30.pth``) is read from
    ``../shared/networks`` instead of the network folder setting."""

    def get_parameters(self):
        params = super().get_parameters()
        params.net_path = str(SHARED_NETWORKS / params.net_path)
        return params


def published_trackers(results_path: Path) -> list:
    """The published networks of ``../shared/networks`` as trackers (none when it is absent): the official
    FDSiamFC_30 and FDSiamFC_15 and the original SiamFC-3s."""
    if not SHARED_NETWORKS.is_dir():
        return []
    return [PublishedNetworkTracker("siamfc", param, display_name=label, results_path=results_path)
            for param, label in (("fdsiamfc_30_official", "FDSiamFC_30 (official)"),
                                 ("fdsiamfc_15_official", "FDSiamFC_15 (official)"),
                                 ("siamfc_original", "SiamFC (original)"))]


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
