"""Speed of the full analysis on a LaSOT-sized result set (not a test).

Generates, in a temporary folder, raw results of ``--trackers`` trackers on ``--sequences``
fake LaSOT-like sequences of ``--frames`` frames (default 10 x 280 x 2500, about 700k frames
per tracker), then times :func:`pytracking.analysis.extract.compute_results` plus the
summary, result-file reading included. The sequences' frame lists are fake paths: the
analysis never opens images. Prints frames/s, total seconds and the ratio to the goal
(default 10 s).

    python benchmarks/analysis_speed.py [--trackers 10] [--sequences 280] [--frames 2500]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pytracking.analysis.extract import compute_results, summary  # noqa: E402
from pytracking.evaluation.data import Sequence, SequenceList  # noqa: E402
from pytracking.evaluation.tracker import Tracker  # noqa: E402


def fake_sequences(num_sequences: int, num_frames: int, rng: np.random.Generator) -> SequenceList:
    """LaSOT-like sequences: random-walk boxes, ~5% invisible frames, fake image paths."""
    sequences = SequenceList()
    for i in range(num_sequences):
        wh = np.clip(60 + np.cumsum(rng.normal(0, 1, (num_frames, 2)), axis=0), 10, None)
        xy = np.clip(300 + np.cumsum(rng.normal(0, 3, (num_frames, 2)), axis=0), 0, None)
        gt = np.floor(np.concatenate([xy, wh], axis=1)) + 1
        frames = [f"/nonexistent/seq-{i}/img/{k + 1:08d}.jpg" for k in range(num_frames)]
        sequences.append(Sequence(f"seq-{i}", frames, "lasot", gt, target_visible=rng.random(num_frames) > 0.05))
    return sequences


def write_results(root: Path, sequences: SequenceList, num_trackers: int, rng: np.random.Generator) -> list:
    """One result folder per tracker with integer boxes near the ground truth (some zero-size)."""
    trackers = []
    for t in range(num_trackers):
        tracker = Tracker(f"tracker{t}", "default", results_path=root)
        tracker.results_dir.mkdir(parents=True)
        for seq in sequences:
            gt = seq.ground_truth_rect
            boxes = gt + rng.normal(0, 4 + t, gt.shape)
            boxes[:, 2:] = np.clip(boxes[:, 2:], 0, None)
            boxes[rng.random(len(gt)) < 0.01, 2] = 0
            # %-formatting of the whole file at once: ~10x faster than results_io.format_rows,
            # which matters only for generating millions of rows here
            text = ("%d\t%d\t%d\t%d\n" * len(boxes)) % tuple(boxes.astype(np.int64).ravel().tolist())
            (tracker.results_dir / f"{seq.name}.txt").write_text(text)
        trackers.append(tracker)
    return trackers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trackers", type=int, default=10)
    parser.add_argument("--sequences", type=int, default=280)
    parser.add_argument("--frames", type=int, default=2500)
    parser.add_argument("--goal", type=float, default=10.0, help="goal in seconds")
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        sequences = fake_sequences(args.sequences, args.frames, rng)
        trackers = write_results(Path(tmp), sequences, args.trackers, rng)
        print(f"generated {args.trackers} x {args.sequences} x {args.frames} results in "
              f"{time.perf_counter() - start:.1f} s")

        start = time.perf_counter()
        result = compute_results(trackers, sequences)
        scores = summary(result)
        elapsed = time.perf_counter() - start

    frames = args.trackers * args.sequences * args.frames
    print(f"AUC of {result.trackers[0]}: {scores[result.trackers[0]]['auc']:.2f}")
    print(f"analysed {frames} frames in {elapsed:.2f} s: {frames / elapsed:,.0f} frames/s; "
          f"{elapsed / args.goal:.2f} x the {args.goal:.0f} s goal")


if __name__ == "__main__":
    main()
