"""ATOM's image samples: square crops (with optional augmentation), network features, normalisation.

Geometry (continuous image coordinates, pixel ``k`` spans ``[k, k + 1)``): a sample is the square
of side ``side`` image pixels centred on ``center`` (row, col), resampled to ``out_size`` pixels;
crop coordinate ``u`` (same convention, ``0 <= u < out_size``) is the image point
``center + (u - out_size / 2) * side / out_size``. Pixels outside the image replicate the border
(``cv2.BORDER_REPLICATE``, as ATOM's replicate padding); resampling is bilinear, without
anti-aliasing.

An augmentation is a 2x2 matrix ``A`` and a translation ``t`` (crop pixels, (x, y) order) relative
to the crop centre: the augmented crop shows at offset ``v`` the un-augmented crop's content at
``A v + t``, followed by an optional Gaussian blur.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import List, Optional, Sequence, Tuple

import cv2
import numpy as np
import torch

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


@dataclass(frozen=True)
class Augmentation:
    """One first-frame transform: geometry ``A`` (2x2, (x, y) order), shift ``t`` (crop px) and blur sigmas."""

    matrix: Tuple[Tuple[float, float], Tuple[float, float]] = ((1.0, 0.0), (0.0, 1.0))
    shift: Tuple[float, float] = (0.0, 0.0)
    blur: Optional[Tuple[float, float]] = None  # Gaussian sigmas (x, y) in crop pixels
    name: str = field(default="identity", compare=False)

    def target_offset_yx(self) -> np.ndarray:
        """(2,) offset (row, col) from the augmented crop's centre to the target (the un-augmented centre)."""
        offset_xy = -np.linalg.solve(np.asarray(self.matrix), np.asarray(self.shift))
        return offset_xy[::-1].copy()


def first_frame_augmentations(rotations: Sequence[float], blurs: Sequence[Tuple[float, float]],
                              relative_shift: float, out_size: int, flip: bool = True) -> List[Augmentation]:
    """Identity first, then the horizontal flip, rotations (degrees), blurs and the 4 diagonal shifts.

    Shifts move the target by ``+-relative_shift * out_size / 2`` crop pixels along x and y.
    """
    augs = [Augmentation()]
    if flip:
        augs.append(Augmentation(matrix=((-1.0, 0.0), (0.0, 1.0)), name="flip"))
    for angle in rotations:
        c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
        augs.append(Augmentation(matrix=((c, -s), (s, c)), name=f"rotate{angle:g}"))
    augs.extend(Augmentation(blur=tuple(sigma), name=f"blur{sigma}") for sigma in blurs)
    if relative_shift:
        d = relative_shift * out_size / 2
        augs.extend(Augmentation(shift=(-sx * d, -sy * d), name=f"shift{sx:+d}{sy:+d}")
                    for sx, sy in ((1, 1), (-1, 1), (1, -1), (-1, -1)))
    return augs


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
    warp = np.concatenate([a, offset[:, None]], axis=1)
    patch = cv2.warpAffine(image, warp, (out_size, out_size), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                           borderMode=cv2.BORDER_REPLICATE)
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


def dropout_copies(feat: torch.Tensor, num: int, prob: float, generator: torch.Generator) -> torch.Tensor:
    """``num`` channel-dropout copies of one feature map (1, C, H, W) -> (num, C, H, W).

    Whole channels are zeroed with probability ``prob`` and the rest scaled by ``1 / (1 - prob)``
    (``dropout2d``), drawn from ``generator`` (CPU) so runs are reproducible.
    """
    keep = torch.rand(num, feat.shape[1], 1, 1, generator=generator) >= prob
    return feat * keep.to(feat.device, feat.dtype) / (1.0 - prob)
