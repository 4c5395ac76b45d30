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

:class:`FixedMapPrRoIPool` is the inference form for many boxes on one feature map that stays
constant (ATOM's box refinement): a call reads only the window of the map its boxes reach, and the
gradient with respect to the box coordinates is computed in closed form (the features get none),
as matrix products with the same window plus the hat kernel evaluated at the bin edges.
"""
from __future__ import annotations

import math
from typing import NamedTuple, Optional

import torch
from torch import Tensor, nn


def _clamped_edge_offsets(start: Tensor, extent: Tensor, bins: int, pixels: range) -> Tensor:
    """``clamp(e_m - i, -1, 1)`` (K, bins + 1, len(pixels)) for the bin edges ``e_m = start + extent * m / bins``
    of (K,) ``start`` and ``extent``, and the pixels i in ``pixels``."""
    fractions = torch.arange(bins + 1, dtype=start.dtype, device=start.device) / bins
    edges = start[:, None] + extent[:, None] * fractions  # (K, bins + 1)
    offsets = edges[:, :, None] - torch.arange(pixels.start, pixels.stop, dtype=start.dtype, device=start.device)
    return offsets.clamp(-1.0, 1.0)


def _axis_weights(offsets: Tensor) -> Tensor:
    """Integrals (K, bins, n) of ``hat(t - i)`` over the bins ``[e_b, e_{b+1}]``, from the clamped edge offsets.

    With the hat's antiderivative ``H(t) = 0.5 + c - c |c| / 2`` (``c = clamp(t, -1, 1)``: 0 for
    t <= -1, 1 for t >= 1), the integral is ``H(e_{b+1} - i) - H(e_b - i)``. Pixels outside the map
    are absent, i.e. read as zero.
    """
    cumulative = 0.5 + offsets - 0.5 * offsets * offsets.abs()
    return cumulative[:, 1:] - cumulative[:, :-1]


def _axis_weights_backward(grad: Tensor, offsets: Tensor) -> tuple[Tensor, Tensor]:
    """Vector-Jacobian product of the weights w.r.t. their axis' start and extent.

    ``grad`` (K, bins, n) of :func:`_axis_weights` of ``offsets`` (K, bins + 1, n) -> d/d start,
    d/d extent (K,). With ``H' = hat = 1 - |c|``,
    ``d/d e_m = sum_i hat(e_m - i) * (grad[m - 1, i] - grad[m, i])`` (grad is 0 at ``m = -1`` and
    ``m = bins``), and ``e_m = start + extent * m / bins``.
    """
    bins = grad.shape[1]
    padded = torch.nn.functional.pad(grad, (0, 0, 1, 1))
    grad_edges = ((1 - offsets.abs()) * (padded[:, :-1] - padded[:, 1:])).sum(dim=2)  # (K, bins + 1)
    fractions = torch.arange(bins + 1, dtype=grad.dtype, device=grad.device) / bins
    return grad_edges.sum(dim=1), grad_edges @ fractions


class _BinGeometry(NamedTuple):
    """Per-box terms of the pooling of K boxes: clamped edge offsets (K, ph + 1, rows) and (K, pw + 1, columns)
    (see :func:`_clamped_edge_offsets`), box extents (K,) (0 where negative), and inverse bin areas (K,): 0 for a
    box of zero width or height, whose bins then pool to zero."""

    offsets_y: Tensor
    offsets_x: Tensor
    extent_x: Tensor
    extent_y: Tensor
    inverse_area: Tensor


def _bin_geometry(boxes: Tensor, pooled_height: int, pooled_width: int, rows: range, columns: range
                  ) -> _BinGeometry:
    """The :class:`_BinGeometry` of (K, 4) boxes ``(x1, y1, x2, y2)`` in feature coordinates for the map's
    ``rows`` and ``columns``."""
    extent_x = (boxes[:, 2] - boxes[:, 0]).clamp(min=0)
    extent_y = (boxes[:, 3] - boxes[:, 1]).clamp(min=0)
    bin_area = extent_x * extent_y / (pooled_height * pooled_width)
    valid = bin_area > 0
    inverse_area = torch.where(valid, 1.0 / torch.where(valid, bin_area, torch.ones_like(bin_area)),
                               torch.zeros_like(bin_area))
    return _BinGeometry(_clamped_edge_offsets(boxes[:, 1], extent_y, pooled_height, rows),
                        _clamped_edge_offsets(boxes[:, 0], extent_x, pooled_width, columns),
                        extent_x, extent_y, inverse_area)


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


def _check_pooled_size(pooled_height: int, pooled_width: int) -> None:
    """Raise ValueError unless both pooled sizes are positive integers."""
    for name, value in (("pooled_height", pooled_height), ("pooled_width", pooled_width)):
        if int(value) != value or value < 1:
            raise ValueError(f"{name}: expected a positive integer, got {value!r}")


def _check_inputs(features: Tensor, rois: Tensor, pooled_height: int, pooled_width: int) -> None:
    """Raise ValueError naming the argument whose shape or value is wrong."""
    if features.dim() != 4:
        raise ValueError(f"features: expected shape (B, C, H, W), got {tuple(features.shape)}")
    if rois.dim() != 2 or rois.shape[1] != 5:
        raise ValueError(f"rois: expected shape (K, 5) of (batch_index, x1, y1, x2, y2), got {tuple(rois.shape)}")
    if rois.device != features.device:
        raise ValueError(f"rois: on {rois.device}, features on {features.device}")
    _check_pooled_size(pooled_height, pooled_width)


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
    geometry = _bin_geometry(boxes, pooled_height, pooled_width, range(height), range(width))
    weights_y = _axis_weights(geometry.offsets_y) * geometry.inverse_area[:, None, None]
    weights_x = _axis_weights(geometry.offsets_x)

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

    def fixed_map(self, features: Tensor) -> "FixedMapPrRoIPool":
        """This pooling of boxes on one constant (C, H, W) map, with closed-form box gradients."""
        return FixedMapPrRoIPool(features, self.pooled_height, self.pooled_width, self.spatial_scale)

    def extra_repr(self) -> str:
        return f"pooled_height={self.pooled_height}, pooled_width={self.pooled_width}, " \
               f"spatial_scale={self.spatial_scale}"


class FixedMapPrRoIPool:
    """:func:`prroi_pool2d` of any number of boxes on one feature map held constant, with closed-form box gradients.

    ``FixedMapPrRoIPool(features, ph, pw, scale)(boxes)`` equals ``prroi_pool2d(features[None], rois, ph,
    pw, scale)`` for ``rois = [0, *box]`` up to float rounding: the bin weights are the same, and a
    call multiplies them only with the window of the map the boxes reach (the other pixels' weights
    are exactly 0). The gradient w.r.t. the boxes is computed in closed form, as two more matrix
    products on that window plus the hat kernel at the bin edges, without an autograd graph through
    the pooling; the features are detached and get no gradient. Meant for optimising boxes at
    inference (ATOM's IoU refinement); training uses :func:`prroi_pool2d`, which also differentiates
    w.r.t. the features.

    Args:
        features: (C, H, W) map.
        pooled_height, pooled_width, spatial_scale: as in :func:`prroi_pool2d`.
    """

    def __init__(self, features: Tensor, pooled_height: int, pooled_width: int, spatial_scale: float):
        if features.dim() != 3:
            raise ValueError(f"features: expected shape (C, H, W), got {tuple(features.shape)}")
        _check_pooled_size(pooled_height, pooled_width)
        self.features = features.detach()
        self.pooled_height, self.pooled_width = int(pooled_height), int(pooled_width)
        self.spatial_scale = float(spatial_scale)

    def __call__(self, boxes: Tensor) -> Tensor:
        """(K, 4) boxes ``(x1, y1, x2, y2)`` in image coordinates -> (K, C, ph, pw); differentiable w.r.t. ``boxes``."""
        if boxes.dim() != 2 or boxes.shape[1] != 4:
            raise ValueError(f"boxes: expected shape (K, 4) of (x1, y1, x2, y2), got {tuple(boxes.shape)}")
        if boxes.device != self.features.device:
            raise ValueError(f"boxes: on {boxes.device}, features on {self.features.device}")
        return _FixedMapPool.apply(boxes, self)

    def window(self, boxes: Tensor) -> tuple[range, range]:
        """Rows and columns of the map that (K, 4) feature-coordinate boxes reach: pixel j's bilinear kernel is
        nonzero on ``(j - 1, j + 1)``, so a box ``[x1, x2]`` reaches the pixels ``floor(x1) .. ceil(x2)``. The
        whole map if a coordinate is NaN (that box pools to NaN, as in :func:`prroi_pool2d`)."""
        height, width = self.features.shape[1:]
        if boxes.shape[0] == 0:
            return range(0), range(0)
        corners = boxes.view(-1, 2, 2)  # (K, corner, (x, y))
        bounds = torch.cat([corners.amin(dim=(0, 1)), corners.amax(dim=(0, 1))]).tolist()
        if any(math.isnan(bound) for bound in bounds):
            return range(height), range(width)
        low_x, low_y, high_x, high_y = bounds

        def pixels(low: float, high: float, size: int) -> range:
            first = math.floor(min(max(low, 0.0), size))
            return range(first, max(first, math.ceil(min(max(high + 1, 0.0), size))))
        return pixels(low_y, high_y, height), pixels(low_x, high_x, width)


class _FixedMapPool(torch.autograd.Function):
    """Autograd function of :class:`FixedMapPrRoIPool`: forward pools, backward gives only the boxes' gradient."""

    @staticmethod
    def forward(ctx, boxes: Tensor, pool: FixedMapPrRoIPool) -> Tensor:
        ph, pw = pool.pooled_height, pool.pooled_width
        scaled = boxes.to(pool.features.dtype) * pool.spatial_scale
        rows, columns = pool.window(scaled)
        window = pool.features[:, rows.start:rows.stop, columns.start:columns.stop]  # (C, h, w)
        channels, height, width = window.shape
        geometry = _bin_geometry(scaled, ph, pw, rows, columns)
        weights_y, weights_x = _axis_weights(geometry.offsets_y), _axis_weights(geometry.offsets_x)
        num = boxes.shape[0]
        window_rows = window.permute(1, 0, 2).reshape(height, channels * width)  # f[c, i, j] at (i, c * w + j)
        row_sums = (weights_y * geometry.inverse_area[:, None, None]).view(num * ph, height) @ window_rows
        row_sums = row_sums.view(num, ph * channels, width)  # (K, ph * C, w)
        pooled = torch.bmm(row_sums, weights_x.transpose(1, 2))  # (K, ph * C, pw)
        ctx.spatial_scale, ctx.boxes_dtype = pool.spatial_scale, boxes.dtype
        ctx.save_for_backward(window, weights_y, weights_x, row_sums, *geometry)
        return pooled.view(num, ph, channels, pw).permute(0, 2, 1, 3).contiguous()

    @staticmethod
    def backward(ctx, grad_pooled: Tensor) -> tuple:
        """(K, C, ph, pw) -> d/d boxes (K, 4), with the chain ``A_y A_x -> bin edges -> box corners``."""
        window, weights_y, weights_x, row_sums, *saved = ctx.saved_tensors
        geometry = _BinGeometry(*saved)
        (num, ph, height), (channels, _, width), pw = weights_y.shape, window.shape, weights_x.shape[1]
        grad = grad_pooled.to(row_sums.dtype).permute(0, 2, 1, 3).reshape(num, ph * channels, pw)
        grad_x = torch.bmm(grad.transpose(1, 2), row_sums)  # (K, pw, w)
        window_columns = window.permute(0, 2, 1).reshape(channels * width, height)  # f[c, i, j] at (c * w + j, i)
        grad_y = (torch.bmm(grad, weights_x).view(num * ph, channels * width) @ window_columns).view(num, ph, height)
        start_x, size_x = _axis_weights_backward(grad_x, geometry.offsets_x)
        start_y, size_y = _axis_weights_backward(grad_y * geometry.inverse_area[:, None, None], geometry.offsets_y)
        # inverse_area = ph * pw / (extent_x * extent_y): d/d extent_x = -inverse_area^2 * extent_y / (ph * pw);
        # an empty box (inverse_area 0) gets no gradient at all, as through prroi_pool2d
        area_term = (grad_y * weights_y).sum(dim=(1, 2)) * geometry.inverse_area ** 2 / (ph * pw)
        size_x = size_x - area_term * geometry.extent_y
        size_y = size_y - area_term * geometry.extent_x
        grad_boxes = torch.stack([start_x - size_x, start_y - size_y, size_x, size_y], dim=1) * ctx.spatial_scale
        return grad_boxes.to(ctx.boxes_dtype), None
