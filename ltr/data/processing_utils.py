"""Crops around a target (one affine resampling, :func:`resample`), the crop's box coordinates, and box jitter.

Geometry (continuous pixel coordinates, pixel ``i`` covers ``[i, i + 1)``, boxes ``[x, y, w, h]``):
a crop of ``size`` image pixels around a box is the square window of integer side
``side = max(1, round(size))`` whose integer top-left corner is ``round(centre - side / 2)``,
with ``centre = (x + w / 2, y + h / 2)``. This is the same window as SiamFC's
``round(c - (side - 1) / 2)`` on 0-based pixel indices (``c = x + (w - 1) / 2``). The window is
resized to ``output_size`` x ``output_size`` (bilinear, pixel-area aligned like ``cv2.resize``);
pixels outside the image are padded. Because the window is integer, a box maps into the crop
exactly: ``(x - x0) * sx, (y - y0) * sy, w * sx, h * sy`` with ``(sx, sy) = window.scale``
(:func:`transform_box_to_crop`). Windows may also be rectangles resized anisotropically
(:func:`rect_window`, Alpha-Refine's ``ceil(2w) x ceil(2h)`` crops).

Crop sizes:
- SiamFC: exemplar ``z_sz = sqrt((w + p)(h + p))`` with ``p = context * (w + h)`` (context 0.5),
  search ``x_sz = z_sz * instance_size / exemplar_size`` (:func:`context_size`).
- ATOM: ``sqrt(w * h) * search_area_factor`` (area ``search_area_factor^2 * w * h``;
  :func:`search_area_size`), usually of a box jittered by :func:`jitter_box`.
- OSTrack: ``ceil(sqrt(w * h) * factor)`` (:func:`search_area_size` with ``ceil=True``).
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
    """An image window ``[x0, x0 + width) x [y0, y0 + height)`` resized to ``output_width x output_height``.

    ``x0``, ``y0`` may be negative and the window may exceed the image (that part is padded).
    """
    x0: int
    y0: int
    width: int
    height: int
    output_width: int
    output_height: int

    @classmethod
    def square(cls, x0: int, y0: int, side: int, output_size: int) -> "CropWindow":
        """The ``side`` x ``side`` window at (x0, y0) resized to ``output_size`` x ``output_size``."""
        return cls(x0, y0, side, side, output_size, output_size)

    @property
    def scale(self) -> tuple:
        """(sx, sy): crop pixels per image pixel along x and y."""
        return self.output_width / self.width, self.output_height / self.height

    @property
    def output_shape(self) -> tuple:
        """(width, height) of the crop."""
        return self.output_width, self.output_height


def _box_values(box: BoxLike) -> tuple:
    x, y, w, h = (float(v) for v in box)
    return x, y, w, h


def context_size(box: BoxLike, context: float = 0.5) -> float:
    """SiamFC's exemplar crop size ``sqrt((w + p)(h + p))``, ``p = context * (w + h)``."""
    _, _, w, h = _box_values(box)
    pad = context * (w + h)
    return math.sqrt((w + pad) * (h + pad))


def search_area_size(box: BoxLike, search_area_factor: float, ceil: bool = False) -> float:
    """ATOM's crop size ``sqrt(w * h) * search_area_factor`` (OSTrack: rounded up, ``ceil=True``)."""
    _, _, w, h = _box_values(box)
    size = math.sqrt(w * h) * search_area_factor
    return float(math.ceil(size)) if ceil else size


def centered_window(box: BoxLike, size: float, output_size: int) -> CropWindow:
    """The integer window of side ``round(size)`` (at least 1) centred on the box (see module doc)."""
    x, y, w, h = _box_values(box)
    side = max(1, round(size))
    return CropWindow.square(round(x + w / 2 - side / 2), round(y + h / 2 - side / 2), side, output_size)


def rect_window(box: BoxLike, factor: float, output_size: Sequence[int]) -> CropWindow:
    """Alpha-Refine's window: ``ceil(factor * w) x ceil(factor * h)`` centred on the box (integer corner
    ``round(centre - size / 2)``), resized to ``output_size`` = (width, height), i.e. anisotropically."""
    x, y, w, h = _box_values(box)
    width, height = max(1, math.ceil(factor * w)), max(1, math.ceil(factor * h))
    return CropWindow(round(x + w / 2 - width / 2), round(y + h / 2 - height / 2), width, height,
                      int(output_size[0]), int(output_size[1]))


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
    """Cut ``window`` out of ``image`` and resize it to the window's output size (see :func:`resample`).

    Args:
        image: (H, W, C) or (H, W) array (uint8 or float32).
        window: the rectangle to cut.
        pad: outside the image, 'mean' uses the image's mean colour (per channel, rounded for
            integer images), 'zero' black, 'replicate' the nearest border pixel.
    Returns:
        (output_height, output_width, C) or (output_height, output_width) array of the image's dtype.
    Raises:
        ValueError for an unknown ``pad``.
    """
    sx, sy = window.scale
    # output pixel centre u + 0.5 maps to image coordinate x0 + (u + 0.5) / scale (pixel-area aligned)
    matrix = np.array([[1 / sx, 0.0, window.x0 + 0.5 / sx - 0.5],
                       [0.0, 1 / sy, window.y0 + 0.5 / sy - 0.5]])
    height, width = image.shape[:2]
    inside = (window.x0 >= 0 and window.y0 >= 0 and window.x0 + window.width <= width
              and window.y0 + window.height <= height)
    # inside the image, bilinear taps beyond the image edge clamp to it (as cv2.resize does)
    return resample(image, matrix, window.output_shape, pad="replicate" if inside and pad in PAD_MODES else pad)


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
    sx, sy = window.scale
    return (box - offset) * box.new_tensor([sx, sy, sx, sy])


def transform_box_from_crop(box: BoxLike, window: CropWindow) -> torch.Tensor:
    """Inverse of :func:`transform_box_to_crop`: (..., 4) crop boxes -> float32 image boxes."""
    box = torch.as_tensor(box, dtype=torch.float32)
    sx, sy = window.scale
    return box / box.new_tensor([sx, sy, sx, sy]) + box.new_tensor([window.x0, window.y0, 0.0, 0.0])


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
