"""Size, cost and speed of a tracker: ``python pytracking/run_profile.py NAME PARAM [options]``.

Reports, for any tracker whose object exposes its network as ``tracker.net``:

- ``params``: learnable parameters of ``tracker.net`` (all of them, batch norm included), and
  ``conv_params``: weights + biases of its ``nn.Conv2d`` layers (the count papers compare);
- ``macs_per_frame``: multiply-accumulates of one tracking step. The tracker is initialised
  on a frame, then one ``track()`` call runs under ``torch.utils.flop_counter.FlopCounterMode``;
  MACs = counted FLOPs / 2. The counter sees the matrix products and convolutions (for
  SiamFC: every search scale through the backbone plus the cross-correlation), not
  element-wise work (batch norm, ReLU, pooling), crops or post-processing;
- with ``--dataset D --sequence S``: ``fps`` = tracked frames per second over the sequence's
  frames (crop + network + post-processing at batch 1; images are read beforehand, so image
  reading is excluded; the initialisation is excluded; a few frames are tracked first as
  warm-up) on the CPU and, when CUDA is available, on the GPU.

Without a sequence, the MACs are measured on a generated 480x360 frame and no FPS is reported.
``--random-weights`` builds the network from the parameter file's ``net_constructor`` /
``net_kwargs`` instead of loading ``net_path``. ``--json FILE`` also writes the report (atomically).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

_REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if _REPO_ROOT not in sys.path:
    sys.path.insert(0, _REPO_ROOT)

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch.utils.flop_counter import FlopCounterMode  # noqa: E402

from ltr.admin.loading import CheckpointError, import_callable, save_network  # noqa: E402
from ltr.data.image_loader import imread_rgb  # noqa: E402
from pytracking.evaluation.datasets import DATASETS, load_sequences  # noqa: E402
from pytracking.evaluation.environment import MissingPathError  # noqa: E402
from pytracking.evaluation.results_io import atomic_write_text  # noqa: E402
from pytracking.evaluation.tracker import Tracker  # noqa: E402
from pytracking.tracker.base.basetracker import BaseTracker  # noqa: E402
from pytracking.utils.params import TrackerParams  # noqa: E402

GENERATED_FRAME_SIZE = (480, 360)  # (width, height)
WARMUP_FRAMES = 3


def generated_frame(size: tuple = GENERATED_FRAME_SIZE) -> tuple:
    """A deterministic (H, W, 3) uint8 noise frame and a box ``[x, y, w, h]`` at its centre (1/6 of the sides)."""
    width, height = size
    image = np.random.default_rng(0).integers(0, 256, (height, width, 3), dtype=np.uint8)
    box = [width * 5 / 12, height * 5 / 12, width / 6, height / 6]
    return image, box


def random_weights_file(params: TrackerParams, folder: Path) -> Path:
    """Build the parameter file's network (``net_constructor(**net_kwargs)``, seed 0) and save it in ``folder``."""
    if not params.has("net_constructor"):
        raise ValueError(f"parameter file {params.get('tracker_name', '?')}/{params.get('param_name', '?')} has no "
                         "net_constructor, so --random-weights cannot build its network")
    torch.manual_seed(0)
    net = import_callable(params.net_constructor)(**params.get("net_kwargs", {}))
    return save_network(folder / "random_weights.pth", net)


def random_weights_net_path(name: str, param: str, folder: Path) -> Path:
    """A random-weight network file for the parameter file ``name/param`` (see :func:`random_weights_file`)."""
    params = Tracker(name, param).get_parameters()
    params.tracker_name, params.param_name = name, param
    return random_weights_file(params, folder)


def build_tracker(name: str, param: str, device: str, net_path: Optional[Path] = None) -> BaseTracker:
    """Tracker ``name`` with parameters ``param``, on ``device``, optionally with another network file."""
    definition = Tracker(name, param)
    params = definition.get_parameters()
    params.tracker_name, params.param_name, params.device = name, param, device
    if net_path is not None:
        params.net_path = str(net_path)
    tracker = definition.tracker_class()(params)
    if not isinstance(getattr(tracker, "net", None), torch.nn.Module):
        raise TypeError(f"tracker {name}/{param} does not expose its network as 'tracker.net'")
    return tracker


def count_parameters(net: torch.nn.Module) -> dict:
    """``{'params': learnable parameters, 'conv_params': weights + biases of the Conv2d layers}``."""
    conv = sum(p.numel() for m in net.modules() if isinstance(m, torch.nn.Conv2d) for p in m.parameters(recurse=False))
    return {"params": sum(p.numel() for p in net.parameters() if p.requires_grad), "conv_params": conv}


def macs_per_frame(tracker: BaseTracker, init_image: np.ndarray, box: list, image: np.ndarray) -> int:
    """MACs (FLOPs / 2) counted by FlopCounterMode during one ``track(image)`` after ``initialize``."""
    tracker.initialize(init_image, {"init_bbox": list(box)})
    with FlopCounterMode(display=False) as counter:
        tracker.track(image, {})
    return counter.get_total_flops() // 2


def measure_fps(tracker, images: list, box: list, warmup: int = WARMUP_FRAMES) -> float:
    """Tracked frames per second over ``images[1:]`` after initialising on ``images[0]``.

    ``tracker`` needs ``initialize(image, {'init_bbox': box})`` and ``track(image, {})``. The
    first ``warmup`` frames are tracked once untimed, then the tracker is re-initialised.
    """
    if len(images) < 2:
        raise ValueError("measuring FPS needs at least 2 frames")
    synchronize = torch.cuda.synchronize if torch.cuda.is_available() and torch.cuda.is_initialized() else None
    tracker.initialize(images[0], {"init_bbox": list(box)})
    for image in images[1:1 + warmup]:
        tracker.track(image, {})
    tracker.initialize(images[0], {"init_bbox": list(box)})
    elapsed = 0.0
    for image in images[1:]:
        start = time.perf_counter()
        tracker.track(image, {})
        if synchronize is not None:
            synchronize()
        elapsed += time.perf_counter() - start
    return (len(images) - 1) / elapsed


def load_frames(dataset: str, sequence: str, root: Optional[str], max_frames: Optional[int]) -> tuple:
    """The first ``max_frames`` images (RGB uint8, read now) and the initial box of one benchmark sequence."""
    seq = load_sequences(dataset, root, [sequence])[0]
    frames = seq.frames[:max_frames] if max_frames else seq.frames
    return [imread_rgb(f) for f in frames], list(seq.init_info()["init_bbox"]), seq.name


def profile(name: str, param: str, images: list, box: list, random_weights: bool = False,
            measure_speed: bool = True, cuda: bool = True) -> dict:
    """The report of :mod:`pytracking.run_profile` for one tracker (see the module docstring)."""
    with tempfile.TemporaryDirectory() as tmp:
        net_path = random_weights_net_path(name, param, Path(tmp)) if random_weights else None
        tracker = build_tracker(name, param, "cpu", net_path)
        report = {"tracker": name, "param": param, "random_weights": random_weights,
                  **count_parameters(tracker.net),
                  "macs_per_frame": macs_per_frame(tracker, images[0], box, images[min(1, len(images) - 1)]),
                  "torch_threads": torch.get_num_threads()}
        if measure_speed:
            report["fps"] = {"cpu": measure_fps(tracker, images, box)}
            if cuda and torch.cuda.is_available():
                report["fps"]["cuda"] = measure_fps(build_tracker(name, param, "cuda", net_path), images, box)
    return report


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Parameters, MACs per frame and FPS of a tracker.")
    parser.add_argument("tracker_name", help="tracker package under pytracking/tracker, e.g. siamfc")
    parser.add_argument("tracker_param", help="parameter file under pytracking/parameter/<tracker>, e.g. fdsiamfc_15")
    parser.add_argument("--dataset", default=None, choices=sorted(DATASETS), help="benchmark of --sequence")
    parser.add_argument("--dataset-path", default=None, help="benchmark root (else PYTRACKING_<DATASET>_PATH, ...)")
    parser.add_argument("--sequence", default=None, help="sequence name or index whose frames are timed")
    parser.add_argument("--frames", type=int, default=None, help="use only the first N frames of the sequence")
    parser.add_argument("--random-weights", action="store_true",
                        help="build the network from net_constructor/net_kwargs instead of loading net_path")
    parser.add_argument("--no-cuda", action="store_true", help="do not time on the GPU even when available")
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's default)")
    parser.add_argument("--json", default=None, help="also write the report to this JSON file")
    return parser


def format_report(report: dict) -> str:
    """The report as printed: one line per figure."""
    lines = [f"{report['tracker']}/{report['param']}" + (" (random weights)" if report["random_weights"] else "")
             + f" on {report['frames_from']}, {report['torch_threads']} torch threads",
             f"  learnable parameters  {report['params']:,}",
             f"  conv parameters       {report['conv_params']:,}",
             f"  MACs per frame        {report['macs_per_frame'] / 1e9:.5f} G  (one track() step, FLOPs/2)"]
    for device, fps in report.get("fps", {}).items():
        lines.append(f"  FPS {device:<17} {fps:.1f}  ({report['frames'] - 1} tracked frames)")
    return "\n".join(lines)


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    if (args.dataset is None) != (args.sequence is None):
        raise SystemExit("run_profile: --dataset and --sequence go together")
    if args.frames is not None and args.frames < 2:
        raise SystemExit(f"run_profile: --frames must be at least 2, got {args.frames}")
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    if args.sequence is not None:
        images, box, seq_name = load_frames(args.dataset, args.sequence, args.dataset_path, args.frames)
        frames_from = f"{args.dataset}/{seq_name}"
    else:
        image, box = generated_frame()
        images, frames_from = [image], f"a generated {GENERATED_FRAME_SIZE[0]}x{GENERATED_FRAME_SIZE[1]} frame"
    try:
        report = profile(args.tracker_name, args.tracker_param, images, box, args.random_weights,
                         measure_speed=args.sequence is not None, cuda=not args.no_cuda)
    except (MissingPathError, CheckpointError) as err:
        print(f"run_profile: {err}\n(--random-weights profiles the architecture without a network file)",
              file=sys.stderr)
        return 2
    report.update(frames_from=frames_from, frames=len(images))
    print(format_report(report))
    if args.json:
        atomic_write_text(args.json, json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
