"""Tracking speed alone and next to one competing CPU-bound process, per thread setting (not a test).

    python benchmarks/thread_policy.py [--frames N] [--dataset D --sequence S] [--repeats R]
                                       [--trackers NAME/PARAM ...] [--random-weights]

A deployed tracker shares its CPU: with as many intra-op threads as cores, one busy process beside it makes
every parallel region wait for the thread that lost its core, and the frame rate collapses. For each tracker
this script measures, in one run on the same real frames (../shared/data, read beforehand), the FPS of
``track()`` (as ``run_profile`` times it) with

- ``default``: the tracker's ``num_threads`` parameter (what run_tracker / run_video / run_profile use),
- ``1 thread`` and ``2 threads`` with OpenMP's default (spinning) wait policy,
- ``2 threads passive``: ``OMP_WAIT_POLICY=PASSIVE`` (waiting threads sleep instead of spinning),

each alone ("quiet") and next to one process spinning on a core ("loaded"), best of ``--repeats`` runs, every
measurement in a fresh subprocess (OpenMP reads its environment once). It prints the FPS table, the ratio
loaded / quiet (goal >= 0.6) and the default's quiet FPS against the best quiet setting (goal: at most 10 %
slower). Networks: the published files in the network folder where the parameter file names one
(PYTRACKING_NETWORK_PATH, default ../shared/networks when present), random weights otherwise (speed does not
depend on the weights).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Optional

REPO = Path(__file__).resolve().parents[1]
SHARED_NETWORKS = REPO.parent / "shared" / "networks"
DEFAULT_TRACKERS = ("siamfc/siamfc_original", "siamfc/fdsiamfc_30_official", "siamfc/fdsiamfc_15_official",
                    "atom/mobilenetsmall")
SETTINGS = {  # name -> (torch threads or None for the tracker's default, extra environment)
    "default": (None, {}),
    "1 thread": (1, {}),
    "2 threads": (2, {}),
    "2 threads passive": (2, {"OMP_WAIT_POLICY": "PASSIVE"}),
}
SPIN = "while True:\n    pass\n"


def measure(spec: str, threads: Optional[int], frames: int, dataset: str, sequence: str, random_weights: bool) -> float:
    """FPS of one tracker in this process (the worker side)."""
    sys.path.insert(0, str(REPO))
    import torch

    from ltr.admin.loading import network_file
    from pytracking.analysis.profiling import build_tracker, load_frames, measure_fps, random_weights_net_path
    from pytracking.evaluation.tracker import Tracker, intra_op_threads

    name, param = spec.split("/")
    images, box, _ = load_frames(dataset, sequence, None, frames)
    params = Tracker(name, param).get_parameters()
    net_path = None
    if params.has("net_path"):
        try:
            network_file(params.net_path)
        except FileNotFoundError:
            random_weights = True
        if random_weights:
            import tempfile
            net_path = random_weights_net_path(name, param, Path(tempfile.mkdtemp()))
    tracker = build_tracker(name, param, "cpu", net_path) if params.has("net_path") else \
        Tracker(name, param).create_tracker()
    with intra_op_threads(threads if threads is not None else tracker.params.get("num_threads", None)):
        used = torch.get_num_threads()
        return {"fps": measure_fps(tracker, images, box), "threads": used}


def run_worker(args: argparse.Namespace, spec: str, setting: str) -> dict:
    threads, env = SETTINGS[setting]
    command = [sys.executable, __file__, "--worker", spec, "--frames", str(args.frames), "--dataset", args.dataset,
               "--sequence", args.sequence] + (["--threads", str(threads)] if threads else []) + \
        (["--random-weights"] if args.random_weights else [])
    out = subprocess.run(command, env={**os.environ, **env}, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def best(args: argparse.Namespace, spec: str, setting: str, loaded: bool) -> dict:
    spinner = subprocess.Popen([sys.executable, "-c", SPIN]) if loaded else None
    try:
        runs = [run_worker(args, spec, setting) for _ in range(args.repeats)]
    finally:
        if spinner is not None:
            spinner.kill()
            spinner.wait()
    return max(runs, key=lambda run: run["fps"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trackers", nargs="+", default=list(DEFAULT_TRACKERS), metavar="NAME/PARAM")
    parser.add_argument("--dataset", default="otb")
    parser.add_argument("--sequence", default="Football1")
    parser.add_argument("--frames", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--random-weights", action="store_true")
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--threads", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if SHARED_NETWORKS.is_dir():
        os.environ.setdefault("PYTRACKING_NETWORK_PATH", str(SHARED_NETWORKS))
    if args.dataset == "otb" and (REPO.parent / "shared" / "data" / "otb_sample").is_dir():
        os.environ.setdefault("PYTRACKING_OTB_PATH", str(REPO.parent / "shared" / "data" / "otb_sample"))
    if args.worker:
        print(json.dumps(measure(args.worker, args.threads, args.frames, args.dataset, args.sequence,
                                 args.random_weights)))
        return
    print(f"{args.dataset}/{args.sequence}, {args.frames} frames, best of {args.repeats}; loaded = one process "
          f"spinning beside the tracker on this {os.cpu_count()}-core machine\n")
    header = f"{'tracker':<30} {'setting':<18} {'threads':>7} {'quiet FPS':>10} {'loaded FPS':>11} {'loaded/quiet':>13}"
    print(header + "\n" + "-" * len(header))
    for spec in args.trackers:
        quiet_best = 0.0
        for setting in SETTINGS:
            quiet, loaded = best(args, spec, setting, False), best(args, spec, setting, True)
            quiet_best = max(quiet_best, quiet["fps"])
            if setting == "default":
                default_quiet, default_ratio = quiet["fps"], loaded["fps"] / quiet["fps"]
            print(f"{spec:<30} {setting:<18} {quiet['threads']:>7} {quiet['fps']:>10.1f} {loaded['fps']:>11.1f} "
                  f"{loaded['fps'] / quiet['fps']:>12.2f}x", flush=True)
        print(f"{spec:<30} default: loaded/quiet {default_ratio:.2f} (goal >= 0.6), quiet {default_quiet:.1f} FPS = "
              f"{default_quiet / quiet_best:.2f} x the best quiet setting (goal >= 0.90)\n", flush=True)


if __name__ == "__main__":
    main()
