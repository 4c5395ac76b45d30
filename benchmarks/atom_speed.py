"""CPU tracking speed of the MobileNetV2 ATOM student vs ATOM ResNet-18 on the same real frames (not a test).

    python benchmarks/atom_speed.py [--dataset D --dataset-path DIR] [--sequences S ...] [--frames N]
                                    [--threads T ...] [--repeats R] [--trained] [--profile]

Frames: by default the first ``--frames`` frames of each real OTB sequence in
../shared/data/otb_sample (Football1 352x288, DragonBaby and MotorRolling 640x360, Surfer 480x360:
OTB sizes); ``--dataset/--sequences`` name others. For each torch thread count of ``--threads``
(default 1 and 2), both trackers are timed as ``pytracking/run_profile.py`` times FPS (tracking
steps only, after a warm-up): FPS = all tracked frames / their total time over the sequences. The
two trackers alternate within each of the ``--repeats`` rounds and the best round counts, so that
a load change on a shared machine hits both. Networks have random weights unless ``--trained``:
the tracker then does the same work per frame except that a target judged not found skips the
IoU refinement, so trained weights are the reference figure when available. ``--profile`` also
prints, single-threaded under cProfile, the share of the tracking time spent in the backbone,
the box step (IoU-Net refinement), the classifier update and the rest. Goals (issue 14): the
student >= 2.2x ResNet-18 ATOM single- and two-threaded, and >= 30 FPS single-threaded.
"""
from __future__ import annotations

import argparse
import cProfile
import inspect
import pstats
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402

from pytracking.analysis.profiling import build_tracker, load_frames, measure_fps, random_weights_net_path  # noqa: E402
from pytracking.tracker.atom.atom import ATOMTracker  # noqa: E402

OTB_SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "data" / "otb_sample"
OTB_SEQUENCES = ("Football1", "DragonBaby", "MotorRolling", "Surfer")
STUDENT, TEACHER = "ATOM MobileNetV2", "ATOM ResNet-18"
ATOM_PARAMS = ((TEACHER, "default"), (STUDENT, "mobilenetsmall"))
MIN_RATIO, MIN_FPS = 2.2, 30.0
# the parts of a tracking step reported by --profile: ATOMTracker methods
PROFILE_PARTS = (("backbone", "_features"), ("box step", "estimate_box"), ("classifier update", "_update_classifier"))


def tracking_time(tracker, sequences: list) -> float:
    """Seconds spent in the tracking steps of all ``sequences`` (``(images, box)`` pairs)."""
    return sum((len(images) - 1) / measure_fps(tracker, images, box) for images, box in sequences)


def profile_split(tracker, sequences: list) -> dict:
    """Share of the tracking time in each of :data:`PROFILE_PARTS` (and ``rest``), from one cProfile run."""
    profiler = cProfile.Profile()
    for images, box in sequences:
        tracker.initialize(images[0], {"init_bbox": list(box)})
        profiler.enable()
        for image in images[1:]:
            tracker.track(image, {})
        profiler.disable()
    source = inspect.getsourcefile(ATOMTracker)
    cumulative = {func[2]: stats[3] for func, stats in pstats.Stats(profiler).stats.items() if func[0] == source}
    total = cumulative["track"]
    shares = {label: cumulative.get(method, 0.0) / total for label, method in PROFILE_PARTS}
    return {**shares, "rest": 1.0 - sum(shares.values())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="otb")
    parser.add_argument("--dataset-path", default=str(OTB_SAMPLE))
    parser.add_argument("--sequences", nargs="+", default=list(OTB_SEQUENCES))
    parser.add_argument("--frames", type=int, default=30, help="use only the first N frames of each sequence")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2], help="torch thread counts to time")
    parser.add_argument("--repeats", type=int, default=2, help="rounds per thread count; the best one counts")
    parser.add_argument("--trained", action="store_true", help="load the parameter files' networks")
    parser.add_argument("--profile", action="store_true", help="also print the single-threaded time split")
    args = parser.parse_args()

    sequences = [load_frames(args.dataset, name, args.dataset_path, args.frames)[:2] for name in args.sequences]
    frames = sum(len(images) - 1 for images, _ in sequences)
    print(f"{frames} tracked frames of {args.dataset}/{','.join(args.sequences)}; "
          f"{'trained' if args.trained else 'random'} weights; best of {args.repeats} rounds")
    with tempfile.TemporaryDirectory() as tmp:
        trackers = {label: build_tracker("atom", param, "cpu", None if args.trained else
                                         random_weights_net_path("atom", param, Path(tmp) / param))
                    for label, param in ATOM_PARAMS}
    for threads in args.threads:
        torch.set_num_threads(threads)
        best = dict.fromkeys(trackers, float("inf"))
        for _ in range(args.repeats):
            for label, tracker in trackers.items():
                best[label] = min(best[label], tracking_time(tracker, sequences))
        fps = {label: frames / seconds for label, seconds in best.items()}
        ratio = fps[STUDENT] / fps[TEACHER]
        print(f"{threads} thread(s): {TEACHER} {fps[TEACHER]:6.1f} FPS, {STUDENT} {fps[STUDENT]:6.1f} FPS, "
              f"ratio {ratio:.2f}x (goal >= {MIN_RATIO}x: {'met' if ratio >= MIN_RATIO else 'NOT met'})"
              + (f"; student {'>=' if fps[STUDENT] >= MIN_FPS else '<'} {MIN_FPS:.0f} FPS" if threads == 1 else ""))
    if args.profile:
        torch.set_num_threads(1)
        for label, tracker in trackers.items():
            split = profile_split(tracker, sequences)
            print(f"profile, 1 thread, {label}: " + ", ".join(f"{part} {share:.0%}" for part, share in split.items()))


if __name__ == "__main__":
    main()
