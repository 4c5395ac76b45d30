"""First-frame data augmentation of the online trackers (ATOM, DRNet): geometric transforms of the
sample, blurs, and channel dropout of feature maps.

An augmentation is a 2x2 matrix ``A`` and a translation ``t`` (crop pixels, (x, y) order) relative
to the crop centre: the augmented crop shows at offset ``v`` the un-augmented crop's content at
``A v + t``, followed by an optional Gaussian blur (:func:`pytracking.features.preprocessing.sample_patch`
applies it).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import List, Optional, Sequence, Tuple

import numpy as np
import torch


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


def dropout_copies(feat: torch.Tensor, num: int, prob: float, generator: torch.Generator) -> torch.Tensor:
    """``num`` channel-dropout copies of one feature map (1, C, H, W) -> (num, C, H, W).

    Whole channels are zeroed with probability ``prob`` and the rest scaled by ``1 / (1 - prob)``
    (``dropout2d``), drawn from ``generator`` (CPU) so runs are reproducible.
    """
    keep = torch.rand(num, feat.shape[1], 1, 1, generator=generator) >= prob
    return feat * keep.to(feat.device, feat.dtype) / (1.0 - prob)
