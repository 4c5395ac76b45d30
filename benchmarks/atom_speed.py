"""CPU tracking speed of the MobileNetV2 ATOM student vs ATOM ResNet-18 on the same frames (not a test).

    python benchmarks/atom_speed.py [--dataset D --sequence S [--dataset-path DIR]] [--frames N]
                                    [--threads T] [--repeats R] [--trained]

Frames: by default the real OTB sequence ../shared/data/otb_sample/Football1 (352x288, OTB
size); with ``--dataset/--sequence`` any benchmark sequence. Both trackers are timed as
``pytracking/run_profile.py`` times FPS (tracking steps only, after a warm-up), best of
``--repeats`` runs. Networks have random weights unless ``--trained``: the tracker then does the
same work per frame except that a target judged not found skips the IoU refinement, so trained
weights are the reference figure when available. Goals (issue 4): student >= 2.2x ResNet-18 ATOM
and >= 25 FPS.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402

from pytracking.analysis.profiling import build_tracker, load_frames, measure_fps, random_weights_net_path  # noqa: E402

OTB_SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "data" / "otb_sample"
ATOM_PARAMS = (("ATOM ResNet-18", "default"), ("ATOM MobileNetV2", "mobilenetsmall"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="otb")
    parser.add_argument("--dataset-path", default=str(OTB_SAMPLE))
    parser.add_argument("--sequence", default="Football1")
    parser.add_argument("--frames", type=int, default=None, help="use only the first N frames")
    parser.add_argument("--threads", type=int, default=os.cpu_count(), help="torch threads (default: all cores)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per tracker; the best FPS is reported")
    parser.add_argument("--trained", action="store_true", help="load the parameter files' networks")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    images, box, seq_name = load_frames(args.dataset, args.sequence, args.dataset_path, args.frames)
    height, width = images[0].shape[:2]
    print(f"{len(images)} frames of {args.dataset}/{seq_name} ({width}x{height}); {args.threads} torch threads; "
          f"{'trained' if args.trained else 'random'} weights; best of {args.repeats} runs")
    fps = {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, param in ATOM_PARAMS:
            net_path = None if args.trained else random_weights_net_path("atom", param, Path(tmp) / param)
            tracker = build_tracker("atom", param, "cpu", net_path)
            fps[label] = max(measure_fps(tracker, images, box) for _ in range(args.repeats))
            print(f"  {label:<17} {fps[label]:7.1f} FPS")
    student, teacher = fps["ATOM MobileNetV2"], fps["ATOM ResNet-18"]
    ratio = student / teacher
    print(f"MobileNetV2/ResNet-18: {ratio:.2f}x (goal >= 2.2x: {'met' if ratio >= 2.2 else 'NOT met'}); "
          f"MobileNetV2 {student:.1f} FPS (goal >= 25: {'met' if student >= 25 else 'NOT met'})")


if __name__ == "__main__":
    main()
