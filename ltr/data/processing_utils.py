"""Crops around a target (one affine resampling, :func:`resample`), the crop's box coordinates, and box jitter.

Geometry (continuous pixel coordinates, pixel ``i`` covers ``[i, i + 1)``, boxes ``[x, y, w, h]``):
a crop of ``size`` image pixels around a box is the square window of integer side
``side = max(1, round(size))`` whose integer top-left corner is ``round(centre - side / 2)``,
with ``centre = (x + w / 2, y + h / 2)``. This is the same window as SiamFC's
``round(c - (side - 1) / 2)`` on 0-based pixel indices (``c = x + (w - 1) / 2``). The window is
resized to ``output_size`` x ``output_size`` (bilinear, pixel-area aligned like ``cv2.resize``);
pixels outside the image are padded. Because the window is integer, a box maps into the crop
exactly: ``(x - x0) * scale, (y - y0) * scale, w * scale, h * scale`` with
``scale = output_size / side`` (:func:`transform_box_to_crop`).

Crop sizes:
- SiamFC: exemplar ``z_sz = sqrt((w + p)(h + p))`` with ``p = context * (w + h)`` (context 0.5),
  search ``x_sz = z_sz * instance_size / exemplar_size`` (:func:`context_size`).
- ATOM: ``sqrt(w * h) * search_area_factor`` (area ``search_area_factor^2 * w * h``;
  :func:`search_area_size`), usually of a box jittered by :func:`jitter_box`.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Literal, Optional, Sequence, Union

import cv2
import numpy as np
import torch

BoxLike = Union[torch.Tensor, Sequence[float]]
PadMode = Literal["mean", "zero", "replicate"]
PAD_MODES = ("mean", "zero", "replicate")


@dataclass(frozen=True)
class CropWindow:
    """A square image window ``[x0, x0 + side) x [y0, y0 + side)`` resized to ``output_size``.

    ``x0``, ``y0`` may be negative and the window may exceed the image (that part is padded).
    """
    x0: int
    y0: int
    side: int
    output_size: int

    @property
    def scale(self) -> float:
        """Crop pixels per image pixel."""
        return self.output_size / self.side


def _box_values(box: BoxLike) -> tuple:
    x, y, w, h = (float(v) for v in box)
    return x, y, w, h


def context_size(box: BoxLike, context: float = 0.5) -> float:
    """SiamFC's exemplar crop size ``sqrt((w + p)(h + p))``, ``p = context * (w + h)``."""
    _, _, w, h = _box_values(box)
    pad = context * (w + h)
    return math.sqrt((w + pad) * (h + pad))


def search_area_size(box: BoxLike, search_area_factor: float) -> float:
    """ATOM's crop size ``sqrt(w * h) * search_area_factor``."""
    _, _, w, h = _box_values(box)
    return math.sqrt(w * h) * search_area_factor


def centered_window(box: BoxLike, size: float, output_size: int) -> CropWindow:
    """The integer window of side ``round(size)`` (at least 1) centred on the box (see module doc)."""
    x, y, w, h = _box_values(box)
    side = max(1, round(size))
    return CropWindow(round(x + w / 2 - side / 2), round(y + h / 2 - side / 2), side, output_size)


def resample(image: np.ndarray, dst_to_src: np.ndarray, output_size: tuple, pad: PadMode = "replicate",
             pad_value: Optional[Sequence[float]] = None) -> np.ndarray:
    """Bilinear resampling of ``image`` through an affine map: the one warp under every crop of the framework
    (training crops, ATOM and KCF samples, OSTrack and Alpha-Refine crops; SiamFC's tracker keeps the
    published code's own crop, :mod:`pytracking.tracker.siamfc.crop`).

    Args:
        image: (H, W, C) or (H, W) array (uint8 or float32).
        dst_to_src: (2, 3) matrix taking an output pixel index (x, y, 1) to the image point sampled there,
            in OpenCV's convention (pixel centres at integer coordinates).
        output_size: (width, height) of the output.
        pad: outside the image, 'replicate' repeats the nearest border pixel, 'zero' is black and
            'mean' the image's mean colour (per channel), unless ``pad_value`` gives the colour.
    Returns:
        (height, width, C) or (height, width) array of the image's dtype.
    Raises:
        ValueError for an unknown ``pad``.
    """
    if pad not in PAD_MODES:
        raise ValueError(f"resample: pad must be one of {PAD_MODES}, got {pad!r}")
    border_mode, border_value = cv2.BORDER_REPLICATE, 0
    if pad != "replicate":
        border_mode = cv2.BORDER_CONSTANT
        if pad_value is not None:
            border_value = tuple(float(v) for v in pad_value)
        elif pad == "mean":
            border_value = cv2.mean(image)[:image.shape[2] if image.ndim == 3 else 1]
    return cv2.warpAffine(image, np.asarray(dst_to_src, dtype=np.float64), tuple(int(v) for v in output_size),
                          flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP, borderMode=border_mode,
                          borderValue=border_value)


def crop_window(image: np.ndarray, window: CropWindow, pad: PadMode = "mean") -> np.ndarray:
    """Cut ``window`` out of ``image`` and resize it to ``window.output_size`` (see :func:`resample`).

    Args:
        image: (H, W, C) or (H, W) array (uint8 or float32).
        window: the square to cut.
        pad: outside the image, 'mean' uses the image's mean colour (per channel, rounded for
            integer images), 'zero' black, 'replicate' the nearest border pixel.
    Returns:
        (output_size, output_size, C) or (output_size, output_size) array of the image's dtype.
    Raises:
        ValueError for an unknown ``pad``.
    """
    inv = 1.0 / window.scale
    # output pixel centre u + 0.5 maps to image coordinate x0 + (u + 0.5) / scale (pixel-area aligned)
    matrix = np.array([[inv, 0.0, window.x0 + 0.5 * inv - 0.5],
                       [0.0, inv, window.y0 + 0.5 * inv - 0.5]])
    height, width = image.shape[:2]
    inside = (window.x0 >= 0 and window.y0 >= 0 and window.x0 + window.side <= width
              and window.y0 + window.side <= height)
    # inside the image, bilinear taps beyond the image edge clamp to it (as cv2.resize does)
    return resample(image, matrix, (window.output_size, window.output_size),
                    pad="replicate" if inside and pad in PAD_MODES else pad)


def sample_target(image: np.ndarray, box: BoxLike, size: float, output_size: int,
                  pad: PadMode = "mean") -> tuple:
    """Square crop of ``size`` image pixels centred on ``box``, resized to ``output_size``.

    Args:
        image: (H, W, C) array.
        box: (4,) ``[x, y, w, h]`` the crop is centred on.
        size: crop side in image pixels, e.g. :func:`context_size` or :func:`search_area_size`.
        output_size: side of the returned crop.
        pad: see :func:`crop_window`.
    Returns:
        ``(crop, window)``: the (output_size, output_size, C) crop and its :class:`CropWindow`
        (``window.scale`` is the resize factor; pass the window to :func:`transform_box_to_crop`).
    """
    window = centered_window(box, size, output_size)
    return crop_window(image, window, pad), window


def transform_box_to_crop(box: BoxLike, window: CropWindow) -> torch.Tensor:
    """(..., 4) ``[x, y, w, h]`` image boxes -> float32 boxes in the coordinates of ``window``'s crop."""
    box = torch.as_tensor(box, dtype=torch.float32)
    offset = box.new_tensor([window.x0, window.y0, 0.0, 0.0])
    return (box - offset) * window.scale


def jitter_box(box: BoxLike, center_jitter_factor: float, scale_jitter_factor: float,
               rng: random.Random = random) -> torch.Tensor:
    """ATOM's jittered crop box: size ``(w, h) * exp(N(0, 1) * scale_jitter_factor)`` per axis, centre
    moved by ``sqrt(w' h') * center_jitter_factor * U(-0.5, 0.5)`` per axis.

    Args:
        box: (4,) ``[x, y, w, h]``.
        center_jitter_factor, scale_jitter_factor: 0 leaves the box unchanged.
        rng: the random generator (default: Python's global one, seeded per loader worker).
    Returns:
        (4,) float32 jittered box.
    """
    x, y, w, h = _box_values(box)
    new_w = w * math.exp(rng.gauss(0.0, 1.0) * scale_jitter_factor)
    new_h = h * math.exp(rng.gauss(0.0, 1.0) * scale_jitter_factor)
    max_offset = math.sqrt(new_w * new_h) * center_jitter_factor
    cx = x + w / 2 + max_offset * (rng.random() - 0.5)
    cy = y + h / 2 + max_offset * (rng.random() - 0.5)
    return torch.tensor([cx - new_w / 2, cy - new_h / 2, new_w, new_h], dtype=torch.float32)
