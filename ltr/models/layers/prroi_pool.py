"""Precise RoI Pooling (Jiang et al., "Acquisition of Localization Confidence", ECCV 2018) in plain PyTorch.

Each output bin is the exact integral of the bilinearly interpolated feature map over the bin,
divided by the bin area. Feature value ``f[i, j]`` sits at the integer position ``(x=j, y=i)``
and the interpolation reads zero outside ``[0, W-1] x [0, H-1]``. The bilinear kernel is
separable, ``f(x, y) = sum_ij f[i, j] hat(y - i) hat(x - j)`` with ``hat(t) = max(0, 1 - |t|)``,
so a bin integral is ``sum_ij A_y[p, i] f[i, j] A_x[q, j]`` where ``A_y[p, i]`` integrates
``hat(y - i)`` over the y-range of bin row ``p`` (likewise ``A_x``). These weights have a closed
form (the hat's antiderivative is piecewise quadratic), hence the output is differentiable with
respect to the features and the box coordinates through autograd.

The RoIs are packed into equal chunks of RoIs of one image, so that the pooling is two batched
matrix products: ``A_y`` of a chunk times its image's rows ``(H, C * W)``, then each RoI's
``(ph * C, W)`` result times its ``A_x^T``. No compiled extension; device and dtype follow
``features``.
"""
from __future__ import annotations

from typing import Optional

import torch
from torch import Tensor, nn


def _hat_antiderivative(t: Tensor) -> Tensor:
    """``H(t) = integral of hat(s) ds for s < t``: 0 for t <= -1, 1 for t >= 1, piecewise quadratic between."""
    c = t.clamp(-1.0, 1.0)
    return 0.5 + c - 0.5 * c * c.abs()


def _axis_weights(start: Tensor, extent: Tensor, bins: int, size: int) -> Tensor:
    """Integrals of ``hat(t - i)`` over the ``bins`` equal parts of ``[start, start + extent]``, pixel i in 0..size-1.

    start, extent: (K,) -> (K, bins, size). Pixels outside the map are absent, i.e. read as zero.
    """
    fractions = torch.arange(bins + 1, dtype=start.dtype, device=start.device) / bins
    edges = start[:, None] + extent[:, None] * fractions  # (K, bins + 1)
    pixels = torch.arange(size, dtype=start.dtype, device=start.device)
    cumulative = _hat_antiderivative(edges[:, :, None] - pixels)
    return cumulative[:, 1:] - cumulative[:, :-1]


def _group_by_image(batch: Tensor, num_images: int) -> tuple[Tensor, Optional[Tensor], int]:
    """Pack RoIs into equal chunks of RoIs of a single image, for batched matrix products.

    Each image's RoIs fill ``ceil(count / chunk)`` chunks of ``chunk = ceil(K / images used)``
    slots, so the padding at most doubles the work however unevenly the RoIs are spread.
    batch: (K,) long image indices -> slot of each RoI (K,) long in ``[0, chunks * chunk)``,
    image of each chunk (chunks,) long or None when chunk i is image i, and ``chunk``.
    """
    counts = torch.bincount(batch, minlength=num_images)
    order = torch.argsort(batch, stable=True)
    first_of_image = torch.cumsum(counts, 0) - counts
    used, most = torch.stack([(counts > 0).sum(), counts.max()]).tolist()
    chunk = -(-batch.numel() // used)
    chunks_of_image = torch.div(counts + chunk - 1, chunk, rounding_mode="floor")
    first_chunk = torch.cumsum(chunks_of_image, 0) - chunks_of_image
    sorted_batch = batch[order]
    rank = torch.arange(batch.numel(), device=batch.device) - first_of_image[sorted_batch]
    slot = torch.empty_like(batch)
    slot[order] = (first_chunk[sorted_batch] + rank // chunk) * chunk + rank % chunk
    if used == num_images and most <= chunk:
        return slot, None, chunk
    chunk_image = torch.repeat_interleave(torch.arange(num_images, device=batch.device), chunks_of_image)
    return slot, chunk_image, chunk


def _check_inputs(features: Tensor, rois: Tensor, pooled_height: int, pooled_width: int) -> None:
    """Raise ValueError naming the argument whose shape or value is wrong."""
    if features.dim() != 4:
        raise ValueError(f"features: expected shape (B, C, H, W), got {tuple(features.shape)}")
    if rois.dim() != 2 or rois.shape[1] != 5:
        raise ValueError(f"rois: expected shape (K, 5) of (batch_index, x1, y1, x2, y2), got {tuple(rois.shape)}")
    if rois.device != features.device:
        raise ValueError(f"rois: on {rois.device}, features on {features.device}")
    for name, value in (("pooled_height", pooled_height), ("pooled_width", pooled_width)):
        if int(value) != value or value < 1:
            raise ValueError(f"{name}: expected a positive integer, got {value!r}")


def prroi_pool2d(features: Tensor, rois: Tensor, pooled_height: int, pooled_width: int,
                 spatial_scale: float) -> Tensor:
    """Precise RoI pooling of ``features`` (B, C, H, W) over ``rois`` (K, 5) -> (K, C, pooled_height, pooled_width).

    ``rois`` rows are ``(batch_index, x1, y1, x2, y2)`` in image coordinates; the box is multiplied
    by ``spatial_scale`` into feature coordinates. Output bin (p, q) is the mean of the bilinear
    interpolant over its area. A box of zero (or negative) width or height pools to zeros with zero
    gradients. Differentiable w.r.t. ``features`` and the box coordinates ``rois[:, 1:]``.
    """
    _check_inputs(features, rois, pooled_height, pooled_width)
    batch_size, channels, height, width = features.shape
    num_rois = rois.shape[0]
    if num_rois == 0:
        return features.new_zeros((0, channels, pooled_height, pooled_width))

    batch = rois[:, 0].long()
    low, high = torch.stack([batch.min(), batch.max()]).tolist()
    if low < 0 or high >= batch_size:
        raise ValueError(f"rois[:, 0]: batch indices must lie in [0, {batch_size - 1}], got {low}..{high}")
    boxes = rois[:, 1:].to(features.dtype) * spatial_scale
    extent_x = (boxes[:, 2] - boxes[:, 0]).clamp(min=0)
    extent_y = (boxes[:, 3] - boxes[:, 1]).clamp(min=0)
    bin_area = extent_x * extent_y / (pooled_height * pooled_width)
    valid = bin_area > 0
    inverse_area = torch.where(valid, 1.0 / torch.where(valid, bin_area, torch.ones_like(bin_area)),
                               torch.zeros_like(bin_area))
    weights_y = _axis_weights(boxes[:, 1], extent_y, pooled_height, height) * inverse_area[:, None, None]
    weights_x = _axis_weights(boxes[:, 0], extent_x, pooled_width, width)

    slot, chunk_image, chunk = _group_by_image(batch, batch_size)
    if chunk_image is not None:
        features = features.index_select(0, chunk_image)
    slots = features.shape[0] * chunk
    padded_y = weights_y.new_zeros((slots, pooled_height, height)).index_copy(0, slot, weights_y)
    padded_x = weights_x.new_zeros((slots, pooled_width, width)).index_copy(0, slot, weights_x)
    rows = features.permute(0, 2, 1, 3).reshape(-1, height, channels * width)  # (chunks, H, C * W)
    row_sums = torch.bmm(padded_y.view(-1, chunk * pooled_height, height), rows)  # (chunks, chunk * ph, C * W)
    pooled = torch.bmm(row_sums.view(slots, pooled_height * channels, width),
                       padded_x.transpose(1, 2))  # (slots, ph * C, pw)
    pooled = pooled.index_select(0, slot).view(num_rois, pooled_height, channels, pooled_width)
    return pooled.permute(0, 2, 1, 3).contiguous()


class PrRoIPool2D(nn.Module):
    """Module form of :func:`prroi_pool2d`: ``forward(features (B, C, H, W), rois (K, 5)) -> (K, C, ph, pw)``."""

    def __init__(self, pooled_height: int, pooled_width: int, spatial_scale: float):
        super().__init__()
        self.pooled_height = int(pooled_height)
        self.pooled_width = int(pooled_width)
        self.spatial_scale = float(spatial_scale)

    def forward(self, features: Tensor, rois: Tensor) -> Tensor:
        return prroi_pool2d(features, rois, self.pooled_height, self.pooled_width, self.spatial_scale)

    def extra_repr(self) -> str:
        return f"pooled_height={self.pooled_height}, pooled_width={self.pooled_width}, " \
               f"spatial_scale={self.spatial_scale}"
