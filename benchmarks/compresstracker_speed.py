"""CPU tracking speed of OSTrack-256 and the CompressTracker-2/3/4/6 students on the same real frames (not a test).

    python benchmarks/compresstracker_speed.py [--dataset D --sequence S --dataset-path DIR] [--frames N]
                                               [--threads T] [--repeats R] [--trained]

Frames: by default the first ``--frames`` (20) images of the real OTB sequence
../shared/data/otb_sample/Football1; with ``--dataset/--sequence`` any benchmark sequence. Every
tracker (``pytracking/parameter/ostrack/*``) is initialised on the first frame's ground-truth box
and its tracking steps are timed (crop, network, decoding; images are read beforehand), on the
CPU with a fixed number of torch / OpenCV threads (default 1: single-core speed, the CPU figure
CFKD and others report; with 2 threads on a 2-core machine shared with other work, waiting at the
threads' barriers made the same forward pass vary 6x). The networks have random weights (the work
per frame does not depend on them) unless ``--trained``.

Timing resists other processes on the machine: the trackers take turns frame by frame (a slow
spell hits all of them alike), the frames are tracked ``--repeats`` times, and since tracking is
deterministic every repeat does the same work on frame i, so frame i counts with the fastest of
its repeats (``timeit``'s rule, per frame; it also drops first-call warm-up).
FPS = tracked frames / the sum of those per-frame times.

Prints per tracker: leaf-module parameters and conv+linear MACs (the paper's counts, see
``pytracking/run_profile.py``), the full MACs (attention products included), FPS, the speed-up
over OSTrack-256, the FLOP ratio (OSTrack's conv+linear MACs over the tracker's) and speed-up /
FLOP ratio. Goals (issue 12): CT-4 at least 2.17x faster than OSTrack-256 (the paper's GPU
speed-up, 228 / 105 FPS) and every CT-N's speed-up at least 0.8x its FLOP ratio.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import cv2

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402

from pytracking.analysis.profiling import (build_tracker, count_parameters, frame_macs, load_frames,  # noqa: E402
                                           random_weights_net_path)
from pytracking.tracker.base.basetracker import BaseTracker  # noqa: E402

OTB_SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "data" / "otb_sample"
TRACKERS = (("OSTrack-256", "vitb_256"), ("CT-2", "compresstracker_vitb_256_2"), ("CT-3", "compresstracker_vitb_256_3"),
            ("CT-4", "compresstracker_vitb_256_4"), ("CT-6", "compresstracker_vitb_256_6"))
BASELINE = "OSTrack-256"
SPEEDUP_GOAL = ("CT-4", 2.17)
FLOP_RATIO_FRACTION_GOAL = 0.8


def interleaved_fps(trackers: dict, images: list, box: list, repeats: int) -> dict:
    """Label -> FPS over ``images[1:]``: frames / sum of per-frame fastest times (see the module doc)."""
    best = {label: [float("inf")] * (len(images) - 1) for label in trackers}
    for _ in range(repeats):
        for tracker in trackers.values():
            tracker.initialize(images[0], {"init_bbox": list(box)})
        for i, image in enumerate(images[1:]):
            for label, tracker in trackers.items():
                start = time.perf_counter()
                tracker.track(image, {})
                best[label][i] = min(best[label][i], time.perf_counter() - start)
    return {label: len(times) / sum(times) for label, times in best.items()}


def load_tracker(param: str, trained: bool, folder: Path) -> BaseTracker:
    """The ``ostrack`` tracker of parameter file ``param`` on the CPU (random weights unless ``trained``)."""
    net_path = None if trained else random_weights_net_path("ostrack", param, folder)
    tracker = build_tracker("ostrack", param, "cpu", net_path)
    if net_path is not None:
        net_path.unlink()  # loaded; the ViT-B files are large
    return tracker


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="otb")
    parser.add_argument("--dataset-path", default=str(OTB_SAMPLE))
    parser.add_argument("--sequence", default="Football1")
    parser.add_argument("--frames", type=int, default=20, help="use only the first N frames (default 20)")
    parser.add_argument("--threads", type=int, default=1, help="torch and OpenCV threads (default 1)")
    parser.add_argument("--repeats", type=int, default=3,
                        help="runs over the frames; each frame counts with its fastest run")
    parser.add_argument("--trained", action="store_true", help="load the parameter files' networks")
    args = parser.parse_args()
    if args.frames < 2:
        parser.error(f"--frames must be at least 2, got {args.frames}")

    torch.set_num_threads(args.threads)
    cv2.setNumThreads(args.threads)
    images, box, seq_name = load_frames(args.dataset, args.sequence, args.dataset_path, args.frames)
    height, width = images[0].shape[:2]
    print(f"{len(images)} frames of {args.dataset}/{seq_name} ({width}x{height}); CPU, {args.threads} torch/OpenCV "
          f"threads; {'trained' if args.trained else 'random'} weights; per-frame best of {args.repeats} "
          "interleaved runs")

    rows, trackers = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, param in TRACKERS:
            trackers[label] = load_tracker(param, args.trained, Path(tmp) / param)
            rows[label] = {"params": count_parameters(trackers[label].net)["params_leaf_modules"],
                           **frame_macs(trackers[label], images[0], box, images[1])}
    for label, fps in interleaved_fps(trackers, images, box, args.repeats).items():
        rows[label]["fps"] = fps

    base = rows[BASELINE]
    print(f"{'tracker':<12} {'params (M)':>10} {'GMACs c+l':>10} {'GMACs full':>10} {'FPS':>7} {'speed-up':>9} "
          f"{'FLOP ratio':>10} {'speed-up/FLOP ratio':>20}")
    failing = []
    for label, row in rows.items():
        speedup, flop_ratio = row["fps"] / base["fps"], base["macs_conv_linear"] / row["macs_conv_linear"]
        print(f"{label:<12} {row['params'] / 1e6:10.1f} {row['macs_conv_linear'] / 1e9:10.2f} "
              f"{row['macs_per_frame'] / 1e9:10.2f} {row['fps']:7.2f} {speedup:8.2f}x {flop_ratio:9.2f}x "
              f"{speedup / flop_ratio:20.2f}")
        if label != BASELINE and speedup < FLOP_RATIO_FRACTION_GOAL * flop_ratio:
            failing.append(label)
    print("params: leaf-module parameters; GMACs c+l: convolution and linear layers (as thop counts, the paper's "
          "FLOPs); GMACs full: also the attention products")
    fast, goal = SPEEDUP_GOAL
    speedup = rows[fast]["fps"] / base["fps"]
    print(f"{fast}/{BASELINE}: {speedup:.2f}x (goal >= {goal}x: {'met' if speedup >= goal else 'NOT met'})")
    print(f"every CT-N speed-up >= {FLOP_RATIO_FRACTION_GOAL} x its FLOP ratio: "
          + ("met" if not failing else f"NOT met ({', '.join(failing)})"))


if __name__ == "__main__":
    main()
