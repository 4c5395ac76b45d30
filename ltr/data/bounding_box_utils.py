"""Training-side box utilities on torch tensors (evaluation uses pytracking.analysis.metrics, NumPy).

Boxes are in continuous pixel coordinates: pixel ``i`` covers ``[i, i + 1)``, so a box
``[x, y, w, h]`` spans ``[x, x + w) x [y, y + h)`` and its centre is ``(x + w / 2, y + h / 2)``.
All functions take boxes of shape (..., 4) and broadcast over the leading axes.
"""
from __future__ import annotations

import torch


def xywh_to_xyxy(boxes: torch.Tensor) -> torch.Tensor:
    """``[x, y, w, h]`` -> ``[x1, y1, x2, y2]`` with ``x2 = x + w``; shape (..., 4) kept."""
    return torch.cat((boxes[..., :2], boxes[..., :2] + boxes[..., 2:]), dim=-1)


def xyxy_to_xywh(boxes: torch.Tensor) -> torch.Tensor:
    """``[x1, y1, x2, y2]`` -> ``[x, y, w, h]``; shape (..., 4) kept."""
    return torch.cat((boxes[..., :2], boxes[..., 2:] - boxes[..., :2]), dim=-1)


def box_iou(boxes_a: torch.Tensor, boxes_b: torch.Tensor) -> torch.Tensor:
    """Intersection over union of ``[x, y, w, h]`` boxes, element-wise with broadcasting.

    Args:
        boxes_a: (..., 4).
        boxes_b: (..., 4), broadcastable with ``boxes_a`` (e.g. (N, 4) proposals against a (1, 4) box).
    Returns:
        (...) IoU in [0, 1]; 0 where the union is empty (both boxes have no area).
    """
    a, b = xywh_to_xyxy(boxes_a), xywh_to_xyxy(boxes_b)
    top_left = torch.maximum(a[..., :2], b[..., :2])
    bottom_right = torch.minimum(a[..., 2:], b[..., 2:])
    intersection = (bottom_right - top_left).clamp(min=0).prod(dim=-1)
    area_a = boxes_a[..., 2:].clamp(min=0).prod(dim=-1)
    area_b = boxes_b[..., 2:].clamp(min=0).prod(dim=-1)
    union = area_a + area_b - intersection
    return torch.where(union > 0, intersection / union.clamp(min=torch.finfo(union.dtype).tiny),
                       torch.zeros_like(union))


def rescale_box(boxes: torch.Tensor, scale_x: float, scale_y: float) -> torch.Tensor:
    """Boxes of an image resized by ``(scale_x, scale_y)`` (all coordinates scaled about the origin)."""
    return boxes * boxes.new_tensor([scale_x, scale_y, scale_x, scale_y])


def clip_box(boxes: torch.Tensor, width: float, height: float) -> torch.Tensor:
    """The part of each ``[x, y, w, h]`` box inside the image ``[0, width) x [0, height)``.

    A box entirely outside gets zero width and/or height (placed on the image border).
    """
    xyxy = xywh_to_xyxy(boxes)
    low = xyxy.new_zeros(4)
    high = xyxy.new_tensor([width, height, width, height])
    return xyxy_to_xywh(torch.minimum(torch.maximum(xyxy, low), high))


def encode_offsets(proposals: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """R-CNN offsets ``(dx, dy, dw, dh) = ((g_c - p_c) / p_wh, log(g_wh / p_wh))`` of target boxes
    ``g`` relative to proposals ``p`` (DRNet's regression targets).

    Args:
        proposals: (..., 4) boxes (x, y, w, h) of positive size.
        targets: (..., 4) boxes, broadcastable with ``proposals``.
    Returns:
        (..., 4) offsets.
    """
    size = proposals[..., 2:]
    shift = (targets[..., :2] + targets[..., 2:] / 2 - proposals[..., :2] - size / 2) / size
    return torch.cat([shift, torch.log(targets[..., 2:] / size)], dim=-1)


def decode_offsets(proposals: torch.Tensor, offsets: torch.Tensor) -> torch.Tensor:
    """Inverse of :func:`encode_offsets`: boxes with centre ``p_c + d_xy * p_wh`` and size ``p_wh * exp(d_wh)``.

    Args:
        proposals: (..., 4) boxes (x, y, w, h).
        offsets: (..., 4) offsets (dx, dy, dw, dh).
    Returns:
        (..., 4) boxes (x, y, w, h).
    """
    size = proposals[..., 2:]
    center = proposals[..., :2] + size / 2 + offsets[..., :2] * size
    new_size = size * torch.exp(offsets[..., 2:])
    return torch.cat([center - new_size / 2, new_size], dim=-1)
