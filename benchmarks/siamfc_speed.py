"""Tracking speed of SiamFC, FDSiamFC_30, FDSiamFC_15 and OpenCV's CSRT on the same frames (not a test).

    python benchmarks/siamfc_speed.py [--dataset D --sequence S [--dataset-path DIR]] [--frames N]
                                      [--threads T] [--device cpu|cuda] [--repeats R] [--random-weights]

Frames: by default the real OTB sequence Football1 of ../shared/data/otb_sample (352 x 288), or the
first synthetic sequence (generated in memory, seed 0) when ../shared is absent; with
``--dataset/--sequence`` a benchmark sequence. Images are read beforehand. Networks: the published
files (the original SiamFC-3s, the official FDSiamFC_30 and FDSiamFC_15: parameter files
``siamfc_original``, ``fdsiamfc_30_official``, ``fdsiamfc_15_official``) from the network folder
(``PYTRACKING_NETWORK_PATH``, default ../shared/networks when present), random weights with
``--random-weights`` or when a file is missing (speed does not depend on them). Every tracker is
initialised on the first frame's ground-truth box and timed over the other frames exactly as
``pytracking/run_profile.py`` times FPS (tracking steps only, after a short warm-up), with its
``num_threads`` parameter as torch's intra-op threads unless ``--threads`` is given. Each tracker runs
``--repeats`` times and the best FPS is reported (the run least disturbed by other processes, as
``timeit`` does). Prints the FPS and the ratios FD15/SiamFC (goal >= 2.2) and FD15/CSRT (goal > 1).
CSRT comes from opencv-contrib-python-headless (``pip install -e .[benchmark]``); without it CSRT is
skipped.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Callable, Optional

import cv2

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402

from ltr.data.synthetic import generate_sequences  # noqa: E402
from pytracking.analysis.profiling import build_tracker, load_frames, measure_fps, random_weights_net_path  # noqa: E402
from pytracking.evaluation.datasets import DATASETS  # noqa: E402
from pytracking.evaluation.tracker import intra_op_threads  # noqa: E402

SIAMFC_PARAMS = (("SiamFC", "siamfc_original"), ("FDSiamFC_30", "fdsiamfc_30_official"),
                 ("FDSiamFC_15", "fdsiamfc_15_official"))
SHARED = Path(__file__).resolve().parents[2] / "shared"
DEFAULT_SEQUENCE = ("otb", SHARED / "data" / "otb_sample", "Football1")
GOALS = (("FDSiamFC_15", "SiamFC", 2.2, ">="), ("FDSiamFC_15", "CSRT", 1.0, ">"))


class CSRTTracker:
    """OpenCV's CSRT behind the initialize/track interface that ``measure_fps`` drives."""

    def __init__(self, create: Callable):
        self.create = create

    def initialize(self, image, info: dict) -> None:
        self.tracker = self.create()
        self.tracker.init(image, tuple(int(round(v)) for v in info["init_bbox"]))

    def track(self, image, info: Optional[dict] = None) -> dict:
        _, box = self.tracker.update(image)
        return {"target_bbox": list(box)}


def csrt_factory() -> Optional[Callable]:
    """``cv2.TrackerCSRT`` constructor of opencv-contrib (4.x or 5.x API), or None when not installed."""
    if hasattr(cv2, "TrackerCSRT_create"):
        return cv2.TrackerCSRT_create
    if hasattr(cv2, "TrackerCSRT"):
        return cv2.TrackerCSRT.create
    return None


def synthetic_frames() -> tuple:
    """Frames and first box of the first synthetic benchmark sequence (seed 0)."""
    seq = next(generate_sequences(seed=0, num_sequences=1))
    return seq.frames, list(seq.boxes[0]), f"synthetic/{seq.name}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default=None, choices=sorted(DATASETS))
    parser.add_argument("--dataset-path", default=None)
    parser.add_argument("--sequence", default=None)
    parser.add_argument("--frames", type=int, default=None, help="use only the first N frames")
    parser.add_argument("--threads", type=int, default=None,
                        help="torch and OpenCV threads (default: each tracker's num_threads parameter)")
    parser.add_argument("--device", default="cpu", help="device of the SiamFC networks (default cpu)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per tracker; the best FPS is reported")
    parser.add_argument("--random-weights", action="store_true",
                        help="random-weight networks instead of the published files")
    args = parser.parse_args()
    if (args.dataset is None) != (args.sequence is None):
        parser.error("--dataset and --sequence go together")

    if (SHARED / "networks").is_dir():
        os.environ.setdefault("PYTRACKING_NETWORK_PATH", str(SHARED / "networks"))
    if args.threads is not None:
        cv2.setNumThreads(args.threads)
    if not args.dataset and DEFAULT_SEQUENCE[1].is_dir():
        args.dataset, args.dataset_path, args.sequence = DEFAULT_SEQUENCE
    if args.dataset:
        images, box, seq_name = load_frames(args.dataset, args.sequence, args.dataset_path, args.frames)
        source = f"{args.dataset}/{seq_name}"
    else:
        images, box, source = synthetic_frames()
        images = images[:args.frames] if args.frames else images
    height, width = images[0].shape[:2]
    print(f"{len(images)} frames of {source} ({width}x{height}); SiamFC networks on {args.device}; best of "
          f"{args.repeats} runs")

    fps = {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, param in SIAMFC_PARAMS:
            net_path, weights = None, "published"
            try:
                build_tracker("siamfc", param, "cpu")
            except FileNotFoundError:
                args.random_weights = True
            if args.random_weights:
                net_path, weights = random_weights_net_path("siamfc", param, Path(tmp) / param), "random"
            tracker = build_tracker("siamfc", param, args.device, net_path)
            with intra_op_threads(args.threads or tracker.params.get("num_threads", None)):
                fps[label] = max(measure_fps(tracker, images, box) for _ in range(args.repeats))
                threads = torch.get_num_threads()
            print(f"  {label:<12} {fps[label]:8.1f} FPS  ({weights} weights, {threads} torch threads)")
    create = csrt_factory()
    if create is None:
        print("  CSRT         skipped: OpenCV's contrib trackers are not installed "
              "(pip install opencv-contrib-python-headless, or pip install -e .[benchmark])")
    else:
        fps["CSRT"] = max(measure_fps(CSRTTracker(create), images, box) for _ in range(args.repeats))
        print(f"  {'CSRT':<12} {fps['CSRT']:8.1f} FPS")

    for fast, slow, goal, relation in GOALS:
        if fast in fps and slow in fps:
            ratio = fps[fast] / fps[slow]
            met = ratio >= goal if relation == ">=" else ratio > goal
            print(f"{fast}/{slow}: {ratio:.2f}x (goal {relation} {goal}x: {'met' if met else 'NOT met'})")


if __name__ == "__main__":
    main()
