"""Alpha-Refine at test time: the 8x8 template kernel of frame 1, then per frame a refined box around the base
tracker's box.

Crops (as in training, :class:`ltr.data.refine_processing.RefineProcessing`): ``ceil(2w) x ceil(2h)`` around
the box (:func:`ltr.data.processing_utils.rect_window`), zero padding, resized anisotropically to 256 x 256,
ImageNet-normalised. Frame 1 crops around the ground-truth box and keeps the kernel (never updated). Each later
frame crops around the base tracker's box; the corner head's (x1, y1, x2, y2) in crop pixels map back through
the same window (:func:`ltr.data.processing_utils.transform_box_from_crop`, the exact inverse of the crop; the
published code's ``x1_base - 0.5 * w_base + x_c * ws / 256`` up to the rounding of the window), then the box
is clipped to the image with a minimum side of ``min_size`` pixels.

Parameter files: ``pytracking/parameter/refine/<name>.py`` (``ar34``: the released SEcm_r34 network,
``ar18``: the ResNet-18 variant).
"""
from __future__ import annotations

import importlib
import pkgutil
from typing import Sequence

import numpy as np
import torch

from ltr.admin.errors import InputError
from ltr.admin.loading import import_callable
from ltr.data.processing_utils import crop_window, rect_window, transform_box_from_crop
from pytracking.features.net_wrappers import NETWORK_PARAMETERS, load_tracker_network, select_device
from pytracking.features.preprocessing import to_network_input
from pytracking.tracker.base.basetracker import RUNNER_PARAMETERS, UnknownParameterError
from pytracking.utils.params import TrackerParams

REFINER_PARAMETERS = frozenset({"search_factor", "output_size", "min_size"})


class RefinerSpecError(InputError, ValueError):
    """An unknown refiner name (no parameter file pytracking/parameter/refine/<name>.py)."""


class AlphaRefine:
    """The refiner; ``self.net`` (an :class:`~ltr.models.refine.AlphaRefineNet`, eval mode) on ``self.device``.

    Parameters: the network's (``net_path``, ``net_constructor``, ``net_kwargs``, ``device`` / ``use_gpu``),
    ``search_factor`` (2.0), ``output_size`` (256), ``min_size`` (10 px).
    """

    def __init__(self, params: TrackerParams):
        unknown = sorted(set(vars(params)) - REFINER_PARAMETERS - NETWORK_PARAMETERS - RUNNER_PARAMETERS)
        if unknown:
            raise UnknownParameterError(f"pytracking/parameter/refine/{params.get('param_name', '?')}.py sets "
                                        f"'{unknown[0]}', which the refiner does not read")
        self.params = params
        self.device = select_device(params)
        self.net = load_tracker_network(params).to(self.device).eval()

    def _crop(self, image: np.ndarray, box: Sequence[float]) -> tuple:
        """(1, 3, S, S) network input of the crop around ``box`` (0-based [x, y, w, h]) and its window."""
        size = self.params.output_size
        window = rect_window(box, self.params.search_factor, (size, size))
        crop = crop_window(image, window, pad="zero")
        return to_network_input(crop[None], self.device), window

    @torch.inference_mode()
    def initialize(self, image: np.ndarray, box: Sequence[float]) -> None:
        """Store the template kernel of the crop around the first box (0-based [x, y, w, h])."""
        self.kernel = self.net.template_kernel(self._crop(image, box)[0])

    @torch.inference_mode()
    def refine(self, image: np.ndarray, box: Sequence[float]) -> list:
        """The refined 0-based [x, y, w, h] box of the target around the base tracker's ``box``."""
        crop, window = self._crop(image, box)
        x1, y1, x2, y2 = self.net.refine(crop, self.kernel)["corners"][0].float().cpu().tolist()
        refined = transform_box_from_crop([x1, y1, x2 - x1, y2 - y1], window).tolist()
        return clip_to_image(refined, image.shape[1], image.shape[0], self.params.min_size)


def clip_to_image(box: Sequence[float], width: int, height: int, min_size: float) -> list:
    """[x, y, w, h] with its corners clipped to the image and each side at least ``min_size`` (grown about its
    centre, kept inside the image)."""
    x1, y1 = max(0.0, float(box[0])), max(0.0, float(box[1]))
    x2, y2 = min(float(width), float(box[0]) + float(box[2])), min(float(height), float(box[1]) + float(box[3]))
    w, h = max(x2 - x1, min_size), max(y2 - y1, min_size)
    cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
    x = min(max(cx - w / 2, 0.0), max(width - w, 0.0))
    y = min(max(cy - h / 2, 0.0), max(height - h, 0.0))
    return [x, y, w, h]


def refiner_names() -> list:
    """Names of the refiner parameter files (``pytracking/parameter/refine/*.py``)."""
    import pytracking.parameter.refine
    return sorted(info.name for info in pkgutil.iter_modules(pytracking.parameter.refine.__path__))


def refiner_parameters(name: str) -> TrackerParams:
    """The parameters of ``pytracking/parameter/refine/<name>.py`` (RefinerSpecError when there is none)."""
    if name not in refiner_names():
        raise RefinerSpecError(f"unknown refiner '{name}' (no pytracking/parameter/refine/{name}.py; available: "
                               f"{', '.join(refiner_names())})")
    params = importlib.import_module(f"pytracking.parameter.refine.{name}").parameters()
    params.tracker_name, params.param_name = "refine", name
    return params


def load_refiner(name: str, device: str | None = None, random_weights: bool = False) -> AlphaRefine:
    """The refiner of ``pytracking/parameter/refine/<name>.py`` (its network loaded strictly, or built with
    random weights (seed 0) from ``net_constructor`` for cost figures), on ``device`` when given (else the
    parameter file's choice)."""
    params = refiner_parameters(name)
    if device is not None:
        params.device = device
    if random_weights:
        torch.manual_seed(0)
        params.net = import_callable(params.net_constructor)(**params.get("net_kwargs", {}))
    return AlphaRefine(params)
