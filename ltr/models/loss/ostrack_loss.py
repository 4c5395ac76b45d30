"""OSTrack's training losses (2 * GIoU + 5 * L1 + 1 * focal) and CompressTracker's distillation terms.

Boxes: predictions are (B, 4) ``(cx, cy, w, h)`` normalised to the search crop (``OSTrack.head``'s
``pred_boxes``), ground truth (B, 4) ``[x, y, w, h]`` normalised likewise
(:class:`ltr.data.ostrack_processing.OSTrackProcessing`). GIoU and L1 compare ``[x1, y1, x2, y2]``
boxes; the ground-truth corners are clamped to [0, 1].

Centre label: a Gaussian on the (h, w) score grid (CenterNet's heat map): the box scaled to grid
cells, its centre rounded to a cell, radius :func:`gaussian_radius` (CornerNet, min_overlap 0.7)
truncated to an integer r, sigma = (2r + 1) / 6, drawn on the (2r + 1)^2 cells around the centre.
The score map is trained on it with CenterNet's focal loss (alpha 2, beta 4, normalised by the
number of positive cells, i.e. the label cells equal to 1).
"""
from __future__ import annotations

from typing import Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F

from ltr.data.bounding_box_utils import xywh_to_xyxy

MIN_OVERLAP = 0.7
FOCAL_ALPHA = 2.0
FOCAL_BETA = 4.0
FOCAL_MIN_SCORE = 1e-12


def cxcywh_to_xyxy(boxes: torch.Tensor) -> torch.Tensor:
    """``(cx, cy, w, h)`` -> ``[x1, y1, x2, y2]``; shape (..., 4) kept."""
    half = boxes[..., 2:] / 2
    return torch.cat((boxes[..., :2] - half, boxes[..., :2] + half), dim=-1)


def generalized_iou(boxes_a: torch.Tensor, boxes_b: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """GIoU = IoU - (|C| - |A u B|) / |C| of paired ``[x1, y1, x2, y2]`` boxes, C the enclosing box.

    Args:
        boxes_a, boxes_b: (N, 4) boxes with x2 >= x1, y2 >= y1.
    Returns:
        ``(giou, iou)``, each (N,). Union and enclosing area are floored at the smallest positive
        float so that boxes without area give finite values (OSTrack's code skipped the batch's
        GIoU term instead).
    """
    area_a = (boxes_a[:, 2:] - boxes_a[:, :2]).clamp(min=0).prod(dim=1)
    area_b = (boxes_b[:, 2:] - boxes_b[:, :2]).clamp(min=0).prod(dim=1)
    overlap = (torch.minimum(boxes_a[:, 2:], boxes_b[:, 2:]) - torch.maximum(boxes_a[:, :2], boxes_b[:, :2]))
    intersection = overlap.clamp(min=0).prod(dim=1)
    tiny = torch.finfo(area_a.dtype).tiny
    union = (area_a + area_b - intersection).clamp(min=tiny)
    iou = intersection / union
    hull = torch.maximum(boxes_a[:, 2:], boxes_b[:, 2:]) - torch.minimum(boxes_a[:, :2], boxes_b[:, :2])
    enclosing = hull.clamp(min=0).prod(dim=1).clamp(min=tiny)
    return iou - (enclosing - union) / enclosing, iou


def box_losses(pred_xyxy: torch.Tensor, target_xyxy: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """``(mean(1 - GIoU), mean |pred - target| over all B * 4 coordinates, IoU (B,))`` of (B, 4) xyxy boxes."""
    giou, iou = generalized_iou(pred_xyxy, target_xyxy)
    return (1 - giou).mean(), F.l1_loss(pred_xyxy, target_xyxy), iou


def gaussian_radius(width: torch.Tensor, height: torch.Tensor, min_overlap: float = MIN_OVERLAP) -> torch.Tensor:
    """CornerNet's ``gaussian_radius``: the smallest of three radii r_i = (b_i + sqrt(b_i^2 - 4 a_i c_i)) / 2 with

    - a1 = 1, b1 = h + w, c1 = w h (1 - m) / (1 + m),
    - a2 = 4, b2 = 2 (h + w), c2 = (1 - m) w h,
    - a3 = 4 m, b3 = -2 m (h + w), c3 = (m - 1) w h,

    m = ``min_overlap``. This is the function as CornerNet published it and as CenterNet, OSTrack and
    CompressTracker train with it: cases 2 and 3 divide by 2 rather than by 2 a_i, so they are not
    the exact roots of their quadratics (a wider label than the overlap argument gives).

    Args:
        width, height: box sizes (any matching shapes), in score-map cells.
    Returns:
        radii of the same shape (not yet truncated to integers).
    """
    m = min_overlap
    b1 = height + width
    r1 = (b1 + torch.sqrt(b1 ** 2 - 4 * width * height * (1 - m) / (1 + m))) / 2
    b2 = 2 * (height + width)
    r2 = (b2 + torch.sqrt(b2 ** 2 - 4 * 4 * (1 - m) * width * height)) / 2
    b3 = -2 * m * (height + width)
    r3 = (b3 + torch.sqrt(b3 ** 2 - 4 * (4 * m) * (m - 1) * width * height)) / 2
    return torch.minimum(r1, torch.minimum(r2, r3))


def gaussian_label(boxes: torch.Tensor, grid: int, min_overlap: float = MIN_OVERLAP) -> torch.Tensor:
    """CenterNet heat maps of normalised boxes on a ``grid`` x ``grid`` score map (see module doc).

    With the box in cells ``(x, y, w, h) * grid``, centre cell ``(cx, cy) = round((x + w/2, y + h/2))``
    (half to even), ``r = floor(max(0, gaussian_radius(w, h)))`` and ``sigma = (2r + 1) / 6``, cell
    (i, j) gets ``exp(-((j - cx)^2 + (i - cy)^2) / (2 sigma^2))`` when ``|j - cx| <= r`` and
    ``|i - cy| <= r`` (values below float64 epsilon become 0), else 0; the centre cell is exactly 1.
    A centre outside the map gives no positive cell.

    Args:
        boxes: (B, 4) ``[x, y, w, h]`` normalised to the crop.
        grid: side of the score map.
    Returns:
        (B, 1, grid, grid) float32 labels on ``boxes.device``.
    """
    cells = boxes * grid
    size = cells[:, 2:]
    centre = torch.round(cells[:, :2] + size / 2).double()
    radius = gaussian_radius(size[:, 0], size[:, 1], min_overlap).clamp(min=0).floor().double()
    sigma = (2 * radius + 1) / 6
    coords = torch.arange(grid, dtype=torch.float64, device=boxes.device)
    dx = coords[None, :] - centre[:, :1]  # (B, grid) column offsets
    dy = coords[None, :] - centre[:, 1:]  # (B, grid) row offsets
    inside = (dy.abs() <= radius[:, None])[:, :, None] & (dx.abs() <= radius[:, None])[:, None, :]
    squared = dy[:, :, None] ** 2 + dx[:, None, :] ** 2
    value = torch.exp(-squared / (2 * sigma[:, None, None] ** 2))
    keep = inside & (value >= torch.finfo(torch.float64).eps)
    return torch.where(keep, value, torch.zeros_like(value)).float().unsqueeze(1)


def focal_loss(score_map: torch.Tensor, label: torch.Tensor, alpha: float = FOCAL_ALPHA,
               beta: float = FOCAL_BETA) -> torch.Tensor:
    """CenterNet's focal loss, summed over the batch and divided by the number of positive cells.

    With p the score clamped to at least 1e-12 and y the label: positive cells (y == 1) add
    ``log(p) (1 - p)^alpha``, the others ``log(1 - p) p^alpha (1 - y)^beta``; the loss is minus their
    sum over num_positive (over 1 when there is no positive cell).

    Args:
        score_map: (B, 1, h, w) scores in (0, 1).
        label: (B, 1, h, w) Gaussian labels (:func:`gaussian_label`).
    Returns:
        scalar loss.
    """
    positive = label.eq(1).to(score_map.dtype)
    negative = label.lt(1).to(score_map.dtype)
    score = score_map.clamp(min=FOCAL_MIN_SCORE)
    positive_loss = (torch.log(score) * (1 - score) ** alpha * positive).sum()
    negative_loss = (torch.log(1 - score) * score ** alpha * (1 - label) ** beta * negative).sum()
    return -(positive_loss + negative_loss) / positive.sum().clamp(min=1)


class OSTrackLoss(nn.Module):
    """OSTrack's task loss ``w_giou * GIoU + w_l1 * L1 + w_focal * focal`` (2, 5, 1).

    ``forward(pred, gt_boxes)`` with ``pred`` the dict of :meth:`ltr.models.ostrack.OSTrack.head`
    (``pred_boxes`` (B, 4) cxcywh, ``score_map`` (B, 1, h, w)) and ``gt_boxes`` (B, 4) normalised
    ``[x, y, w, h]`` returns ``(total, {'giou', 'l1', 'focal', 'iou'})``: scalar tensors, ``iou`` the
    batch mean IoU of the predictions.

    Raises:
        FloatingPointError: the predicted boxes are not finite (training diverged).
    """

    def __init__(self, w_giou: float = 2.0, w_l1: float = 5.0, w_focal: float = 1.0):
        super().__init__()
        self.w_giou, self.w_l1, self.w_focal = w_giou, w_l1, w_focal

    def forward(self, pred: dict, gt_boxes: torch.Tensor) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        if not torch.isfinite(pred["pred_boxes"]).all():
            raise FloatingPointError("OSTrackLoss: the network predicted non-finite boxes (training diverged)")
        target = xywh_to_xyxy(gt_boxes).clamp(min=0.0, max=1.0)
        giou, l1, iou = box_losses(cxcywh_to_xyxy(pred["pred_boxes"]), target)
        score_map = pred["score_map"]
        focal = focal_loss(score_map, gaussian_label(gt_boxes, score_map.shape[-1]))
        total = self.w_giou * giou + self.w_l1 * l1 + self.w_focal * focal
        return total, {"giou": giou, "l1": l1, "focal": focal, "iou": iou.mean()}


def prediction_guidance_loss(student_boxes: torch.Tensor, teacher_boxes: torch.Tensor, w_giou: float = 2.0,
                             w_l1: float = 5.0) -> torch.Tensor:
    """CompressTracker's prediction guidance ``w_giou * GIoU + w_l1 * L1`` between (B, 4) cxcywh student and
    teacher boxes, compared as xyxy (teacher boxes not clamped); scalar."""
    giou, l1, _ = box_losses(cxcywh_to_xyxy(student_boxes), cxcywh_to_xyxy(teacher_boxes))
    return w_giou * giou + w_l1 * l1


def feature_mimicking_loss(student_features: Sequence[torch.Tensor], teacher_features: Sequence[torch.Tensor],
                           num_search_tokens: int) -> torch.Tensor:
    """CompressTracker's feature mimicking: mean over stages k of
    ``0.5 * (MSE(search tokens) + MSE(template tokens))`` between stage outputs.

    Args:
        student_features: per stage, (B, Nz + Nx, C) output of the training path after that stage.
        teacher_features: per stage, (B, Nz + Nx, C) teacher block output it mimics (no gradient flows to it).
        num_search_tokens: Nx, the last tokens of each sequence.
    Returns:
        scalar loss.
    Raises:
        ValueError: no stages, or different numbers of student and teacher stages.
    """
    if not student_features or len(student_features) != len(teacher_features):
        raise ValueError(f"feature_mimicking_loss: {len(student_features)} student and {len(teacher_features)} "
                         "teacher stage outputs (need the same positive number)")
    total = 0.0
    for student, teacher in zip(student_features, teacher_features, strict=True):
        teacher = teacher.detach()
        search = F.mse_loss(student[:, -num_search_tokens:], teacher[:, -num_search_tokens:])
        template = F.mse_loss(student[:, :-num_search_tokens], teacher[:, :-num_search_tokens])
        total = total + 0.5 * (search + template)
    return total / len(student_features)
