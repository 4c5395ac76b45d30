"""Feature-map primitives of the distillation losses: energy maps, target patches, correlation, Gaussian labels.

Boxes are (x, y, w, h) in crop pixels. A layer's downsampling ``ds`` is its feature width over the crop
side (36 / 288 = 1/8 for layer2), never read from the layer name.
"""
from __future__ import annotations

import math

import torch
from torch import Tensor

from ltr.models.layers.prroi_pool import prroi_pool2d

REFERENCE_CROP = 288  # crop side in pixels the reference's patch base (58) refers to


def channel_abs_sum(x: Tensor) -> Tensor:
    """F(U) = sum over channels of |U_c|: (B, C, H, W) -> (B, 1, H, W)."""
    return x.abs().sum(dim=1, keepdim=True)


def downsampling(feat: Tensor, image_size: float) -> float:
    """``ds`` = feature width / crop side of a (B, C, H, W) map, e.g. 18 / 288 = 1/16."""
    if image_size <= 0:
        raise ValueError(f"image_size: must be positive, got {image_size}")
    return feat.shape[-1] / float(image_size)


def patch_size(ds: float, base: int = 58) -> int:
    """Target patch side ``ceil(base * ds)``, bumped to the next odd number: 29, 15, 9, 5 for ds = 1/2 .. 1/16."""
    if ds <= 0:
        raise ValueError(f"ds: must be positive, got {ds}")
    size = math.ceil(round(base * ds, 9))
    return size if size % 2 == 1 else size + 1


def target_center(boxes: Tensor) -> Tensor:
    """Continuous box centres ``xy + wh / 2``: (B, 4) (x, y, w, h) -> (B, 2) (x, y)."""
    if boxes.dim() != 2 or boxes.shape[1] != 4:
        raise ValueError(f"boxes: expected shape (B, 4) of (x, y, w, h), got {tuple(boxes.shape)}")
    return boxes[:, :2] + 0.5 * boxes[:, 2:]


def pool_target_patch(feat: Tensor, boxes: Tensor, k: int, ds: float) -> Tensor:
    """PrRoI-pool each sample's target box: feat (B, C, H, W), boxes (B, 4) crop pixels -> (B, C, k, k)."""
    target_center(boxes)  # validates the (B, 4) layout
    if boxes.shape[0] != feat.shape[0]:
        raise ValueError(f"boxes: {boxes.shape[0]} boxes for a batch of {feat.shape[0]} feature maps")
    boxes = boxes.to(feat)
    index = torch.arange(feat.shape[0], dtype=feat.dtype, device=feat.device)[:, None]
    rois = torch.cat([index, boxes[:, :2], boxes[:, :2] + boxes[:, 2:]], dim=1)
    return prroi_pool2d(feat, rois, k, k, ds)


def xcorr_same(test: Tensor, patch: Tensor) -> Tensor:
    """Correlate each sample's test map with its own patch, summed over channels, zero padding (k-1)/2.

    test (B, C, H, W), patch (B, C, k, k) with k odd -> (B, 1, H, W):
    ``out[b, 0, y, x] = sum_{c,i,j} test[b, c, y + i - (k-1)/2, x + j - (k-1)/2] * patch[b, c, i, j]``.

    Computed as a linear convolution with the flipped patch through FFTs of size (H + k - 1, W + k - 1)
    (no wrap-around), summed over channels in the frequency domain. The reference's grouped ``conv2d``
    gives the same values, but with 29 x 29 kernels on the 144 x 144 conv1 maps its CPU backward pass is
    two orders of magnitude slower.
    """
    batch, channels, height, width = test.shape
    k = patch.shape[-1]
    if patch.shape != (batch, channels, k, k) or k % 2 == 0:
        raise ValueError(f"patch: expected (B, C, k, k) = ({batch}, {channels}, k, k) with k odd, "
                         f"got {tuple(patch.shape)}")
    size = (height + k - 1, width + k - 1)
    spectrum = torch.fft.rfft2(test, s=size) * torch.fft.rfft2(patch.flip(-2, -1), s=size)
    full = torch.fft.irfft2(spectrum.sum(dim=1, keepdim=True), s=size)
    pad = (k - 1) // 2
    return full[..., pad:pad + height, pad:pad + width]


def gaussian_map(size: tuple[int, int], center: Tensor, sigma: tuple[float, float]) -> Tensor:
    """Gaussian labels of peak 1: size (H, W), center (B, 2) as (x, y) in feature-map units, sigma (sy, sx) cells.

    Cell (i, j) sits at the continuous position (x = j + 0.5, y = i + 0.5), which is the reference's grid
    ``-(sz-1)/2 .. (sz-1)/2`` with the centre at ``c_img * ds - sz/2``. Returns (B, 1, H, W) in the dtype
    and device of ``center``.
    """
    height, width = (int(s) for s in size)
    sigma_y, sigma_x = (float(s) for s in sigma)
    if center.dim() != 2 or center.shape[1] != 2 or not center.is_floating_point():
        raise ValueError(f"center: expected a float (B, 2) tensor of (x, y), got {center.dtype} {tuple(center.shape)}")
    if sigma_y <= 0 or sigma_x <= 0:
        raise ValueError(f"sigma: must be positive, got {sigma}")
    ys = torch.arange(height, dtype=center.dtype, device=center.device) + 0.5
    xs = torch.arange(width, dtype=center.dtype, device=center.device) + 0.5
    gy = torch.exp(-0.5 * ((ys - center[:, 1:]) / sigma_y) ** 2)  # (B, H)
    gx = torch.exp(-0.5 * ((xs - center[:, :1]) / sigma_x) ** 2)  # (B, W)
    return (gy[:, :, None] * gx[:, None, :]).unsqueeze(1)


def target_gaussian(feat: Tensor, boxes: Tensor, image_size: float, sigma_factor: float) -> Tensor:
    """Peak-1 Gaussian at each box centre on the grid of ``feat`` (B, C, H, W) -> (B, 1, H, W).

    boxes (B, 4) in crop pixels; sigma = ``sigma_factor * (H, W)`` cells.
    """
    height, width = feat.shape[-2:]
    center = target_center(boxes.to(feat)) * downsampling(feat, image_size)
    return gaussian_map((height, width), center, (sigma_factor * height, sigma_factor * width))


def target_patch(ref: Tensor, boxes: Tensor, image_size: float, base: int = 58) -> Tensor:
    """The reference target patch of one layer: ref (B, C, H, W) -> (B, C, k, k).

    ``base`` is in pixels of a :data:`REFERENCE_CROP` crop (58 ~ 288 / 5, the target's size at
    search-area factor 5); other crop sizes scale it, ``k = patch_size(ds, base * image_size / 288)``,
    so a 144-pixel crop gets the patches of the same relative size (exactly the reference at 288).
    """
    ds = downsampling(ref, image_size)
    return pool_target_patch(ref, boxes, patch_size(ds, base * image_size / REFERENCE_CROP), ds)
