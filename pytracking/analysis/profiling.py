"""Size, cost and speed of trackers: the measurements behind ``pytracking/run_profile.py`` (see
its docstring for what each figure counts) and the experiments' efficiency columns."""
from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Optional

import numpy as np
import torch
from torch.utils.flop_counter import FlopCounterMode

from ltr.admin.loading import import_callable, save_network
from ltr.data.image_loader import imread_rgb
from pytracking.evaluation.datasets import load_sequences
from pytracking.evaluation.tracker import Tracker
from pytracking.tracker.base.basetracker import BaseTracker
from pytracking.utils.params import TrackerParams

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
    """The report of ``pytracking/run_profile.py`` for one tracker (see its docstring)."""
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
