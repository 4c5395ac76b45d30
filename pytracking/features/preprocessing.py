"""Image samples of the trackers: square crops (with optional augmentation), network input
normalisation and feature normalisation.

Geometry (continuous image coordinates, pixel ``k`` spans ``[k, k + 1)``): a sample is the square
of side ``side`` image pixels centred on ``center`` (row, col), resampled to ``out_size`` pixels;
crop coordinate ``u`` (same convention, ``0 <= u < out_size``) is the image point
``center + (u - out_size / 2) * side / out_size``. Pixels outside the image replicate the border
(ATOM's replicate padding); resampling is bilinear, without anti-aliasing
(:func:`ltr.data.processing_utils.resample`).
"""
from __future__ import annotations

import cv2
import numpy as np
import torch

from ltr.data.processing_utils import resample
from ltr.data.transforms import IMAGENET_MEAN, IMAGENET_STD
from pytracking.features.augmentation import Augmentation


def sample_patch(image: np.ndarray, center: np.ndarray, side: float, out_size: int,
                 aug: Augmentation = Augmentation()) -> np.ndarray:
    """The (augmented) square sample of ``image`` (H, W, 3) uint8 -> (out_size, out_size, 3) uint8.

    Args:
        center: (2,) sample centre (row, col), continuous image coordinates.
        side: side of the square in image pixels (> 0).
    """
    if side <= 0:
        raise ValueError(f"sample_patch: side must be > 0, got {side}")
    scale = side / out_size
    a = np.asarray(aug.matrix, dtype=np.float64) * scale
    half = 0.5 - out_size / 2
    # destination pixel index (x, y) -> source pixel index; cv2 puts pixel centres at integers
    offset = (np.asarray(center[::-1], dtype=np.float64) - 0.5 + a @ np.array([half, half])
              + scale * np.asarray(aug.shift))
    patch = resample(image, np.concatenate([a, offset[:, None]], axis=1), (out_size, out_size), pad="replicate")
    if aug.blur is not None:
        patch = cv2.GaussianBlur(patch, (0, 0), sigmaX=aug.blur[0], sigmaY=aug.blur[1])
    return patch


def to_network_input(patches: np.ndarray, device: torch.device) -> torch.Tensor:
    """(N, s, s, 3) uint8 RGB -> (N, 3, s, s) float32 on ``device``, ImageNet-normalised (0-1 scale)."""
    x = torch.from_numpy(np.ascontiguousarray(patches)).to(device).permute(0, 3, 1, 2).float() / 255.0
    mean = torch.tensor(IMAGENET_MEAN, device=device).view(1, 3, 1, 1)
    std = torch.tensor(IMAGENET_STD, device=device).view(1, 3, 1, 1)
    return (x - mean) / std


def normalize_power(feat: torch.Tensor, power: float = 2.0) -> torch.Tensor:
    """Per-sample normalisation ``feat / (mean(|feat|^p) + 1e-10)^(1/p)`` over (C, H, W); shape kept (N, C, H, W)."""
    norm = (feat.abs().pow(power).flatten(1).mean(dim=1) + 1e-10).pow(1.0 / power)
    return feat / norm.view(-1, 1, 1, 1)
