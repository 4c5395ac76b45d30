"""Size, cost and speed of trackers: the measurements behind ``pytracking/run_profile.py`` (see
its docstring for what each figure counts) and the experiments' efficiency columns."""
from __future__ import annotations

import math
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Callable, Optional

import numpy as np
import torch
from torch.utils.flop_counter import FlopCounterMode

from ltr.admin.loading import import_callable, save_network
from ltr.data.image_loader import imread_rgb
from pytracking.evaluation.datasets import load_sequences
from pytracking.evaluation.tracker import Tracker, intra_op_threads
from pytracking.refine import RefinedTracker, load_refiner
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
    """Parameter counts of ``net``.

    Returns:
        ``params``: learnable parameters; ``conv_params``: weights + biases of the Conv2d layers;
        ``params_leaf_modules``: parameters held by modules without submodules (as thop counts them:
        parameters registered directly on a container, e.g. a ViT's position embeddings, are left out).
    """
    conv = sum(p.numel() for m in net.modules() if isinstance(m, torch.nn.Conv2d) for p in m.parameters(recurse=False))
    leaf = sum(p.numel() for m in net.modules() if next(m.children(), None) is None for p in m.parameters())
    return {"params": sum(p.numel() for p in net.parameters() if p.requires_grad), "conv_params": conv,
            "params_leaf_modules": leaf}


CONVOLUTIONS = (torch.nn.Conv1d, torch.nn.Conv2d, torch.nn.Conv3d,
                torch.nn.ConvTranspose1d, torch.nn.ConvTranspose2d, torch.nn.ConvTranspose3d)


class ConvLinearMacs:
    """Context manager counting the multiply-accumulates of ``net``'s convolution and linear modules
    (``nn.Conv1d/2d/3d``, ``nn.ConvTranspose*``, ``nn.Linear``) run inside it, as thop counts them.

    Per call: a convolution does ``output.numel() * in_channels / groups * prod(kernel_size)`` MACs (a
    transposed one ``input.numel() * out_channels / groups * prod(kernel_size)``), a linear layer
    ``output.numel() * in_features``; biases, normalisation, activations and every functional op
    (``F.conv2d`` cross-correlations, attention matrix products) are not counted. Works on any device,
    ``meta`` included. Usage::

        with ConvLinearMacs(net) as macs:
            net(x)
        macs.total  # MACs of the forward pass
    """

    def __init__(self, net: torch.nn.Module):
        self.net = net
        self.total = 0
        self._handles: list = []

    def __enter__(self) -> "ConvLinearMacs":
        for module in self.net.modules():
            if isinstance(module, (*CONVOLUTIONS, torch.nn.Linear)):
                self._handles.append(module.register_forward_hook(self._count))
        return self

    def __exit__(self, exc_type: Optional[type], exc: Optional[BaseException],
                 traceback: Optional[TracebackType]) -> None:
        for handle in self._handles:
            handle.remove()
        self._handles.clear()

    def _count(self, module: torch.nn.Module, inputs: tuple, output: torch.Tensor) -> None:
        if isinstance(module, torch.nn.Linear):
            self.total += output.numel() * module.in_features
        elif module.transposed:
            self.total += inputs[0].numel() * module.out_channels // module.groups * math.prod(module.kernel_size)
        else:
            self.total += output.numel() * module.in_channels // module.groups * math.prod(module.kernel_size)


def _cpu_attention_flops(query_shape: torch.Size, key_shape: torch.Size, value_shape: torch.Size, *args,
                         **kwargs) -> int:
    """FLOPs of the two attention products ``q k^T`` and ``softmax(.) v`` for (B, heads, N, d) q / k / v."""
    batch, heads, queries, depth = query_shape
    keys, value_depth = key_shape[-2], value_shape[-1]
    return 2 * batch * heads * queries * keys * (depth + value_depth)


# FlopCounterMode knows the CUDA attention kernels but not the CPU one F.scaled_dot_product_attention runs
ATTENTION_FLOP_FORMULAS = {torch.ops.aten._scaled_dot_product_flash_attention_for_cpu: _cpu_attention_flops}


def frame_macs(tracker: BaseTracker, init_image: np.ndarray, box: list, image: np.ndarray) -> dict:
    """MACs of one ``track(image)`` after ``initialize`` on ``init_image`` with ``box``.

    Returns:
        ``macs_per_frame``: FLOPs / 2 counted by FlopCounterMode (convolutions and every matrix product,
        attention included); ``macs_conv_linear``: the :class:`ConvLinearMacs` of ``tracker.net``
        (convolution and linear layers only, the figure papers report with thop).
    """
    tracker.initialize(init_image, {"init_bbox": list(box)})
    return count_macs(tracker.net, lambda: tracker.track(image, {}))


def count_macs(net: torch.nn.Module, step: Callable[[], object]) -> dict:
    """``{'macs_per_frame', 'macs_conv_linear'}`` of running ``step()`` (see :func:`frame_macs`)."""
    with ConvLinearMacs(net) as conv_linear, \
            FlopCounterMode(display=False, custom_mapping=ATTENTION_FLOP_FORMULAS) as counter:
        step()
    return {"macs_per_frame": counter.get_total_flops() // 2, "macs_conv_linear": conv_linear.total}


def macs_per_frame(tracker: BaseTracker, init_image: np.ndarray, box: list, image: np.ndarray) -> int:
    """The full MACs of one tracking step (``macs_per_frame`` of :func:`frame_macs`)."""
    return frame_macs(tracker, init_image, box, image)["macs_per_frame"]


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
            measure_speed: bool = True, cuda: bool = True, refine: Optional[str] = None,
            threads: Optional[int] = None) -> dict:
    """The report of ``pytracking/run_profile.py`` for one tracker (see its docstring); with ``refine``, the
    FPS are those of the refined tracker and ``report['refiner']`` holds :func:`profile_refiner`'s figures.
    Runs with ``threads`` torch threads, by default the tracker's ``num_threads`` parameter (as the runner)."""
    with tempfile.TemporaryDirectory() as tmp:
        net_path = random_weights_net_path(name, param, Path(tmp)) if random_weights else None
        tracker = build_tracker(name, param, "cpu", net_path)
        with intra_op_threads(threads or tracker.params.get("num_threads", None)):
            return _profile(tracker, images, box, random_weights, measure_speed, cuda, refine, net_path)


def _profile(tracker: BaseTracker, images: list, box: list, random_weights: bool, measure_speed: bool, cuda: bool,
             refine: Optional[str], net_path: Optional[Path]) -> dict:
    name, param = tracker.params.tracker_name, tracker.params.param_name
    report = {"tracker": name, "param": param, "random_weights": random_weights, **count_parameters(tracker.net),
              **frame_macs(tracker, images[0], box, images[min(1, len(images) - 1)]),
              "torch_threads": torch.get_num_threads()}
    if refine:
        report["refiner"] = profile_refiner(refine, images, box, random_weights, measure_speed)
    if measure_speed:
        report["fps"] = {}
        for device in ["cpu"] + (["cuda"] if cuda and torch.cuda.is_available() else []):
            timed = tracker if device == "cpu" else build_tracker(name, param, device, net_path)
            if refine:
                timed = RefinedTracker(timed, load_refiner(refine, device, random_weights))
            report["fps"][device] = measure_fps(timed, images, box)
    return report


def profile_refiner(name: str, images: list, box: list, random_weights: bool = False,
                    measure_latency: bool = True) -> dict:
    """Parameters, MACs of one refinement and (with ``measure_latency``) the mean CPU latency per frame in
    milliseconds of the refiner ``name``, refining ``box`` (0-based) on every frame after the first."""
    refiner = load_refiner(name, "cpu", random_weights)
    refiner.initialize(images[0], box)
    image = images[min(1, len(images) - 1)]
    report = {"name": name, **count_parameters(refiner.net),
              **count_macs(refiner.net, lambda: refiner.refine(image, box))}
    if measure_latency and len(images) > 1:
        start = time.perf_counter()
        for frame in images[1:]:
            refiner.refine(frame, box)
        report["latency_ms"] = 1000 * (time.perf_counter() - start) / (len(images) - 1)
    return report
