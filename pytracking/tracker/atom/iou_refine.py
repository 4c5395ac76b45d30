"""ATOM's box refinement by gradient ascent on the IoU-Net's predicted IoU.

Boxes are (x, y, w, h) in sample-crop pixels. From the current box plus random jittered boxes,
each box climbs ``iou`` for a few steps, ``box += step_length * dIoU/dbox * (w0, h0, w0, h0)``
(``w0, h0``: the box's starting size), the boxes whose aspect ratio ``w / h`` lies outside
``(1 / max_aspect, max_aspect)`` are dropped and the mean of the ``top_k`` best is returned.
"""
from __future__ import annotations

from typing import Callable, Optional

import torch

IoUFunction = Callable[[torch.Tensor], torch.Tensor]  # (1, N, 4) boxes -> (1, N) predicted IoU


def jittered_boxes(box: torch.Tensor, num: int, pos_jitter: float, size_jitter: float,
                   generator: torch.Generator) -> torch.Tensor:
    """``box`` (4,) followed by ``num`` random boxes -> (num + 1, 4).

    With ``a = sqrt(w * h)``: centres move by ``U(-1/2, 1/2) * pos_jitter * a`` and sizes change
    by ``U(-1/2, 1/2) * size_jitter * a`` (each coordinate independently), sizes kept at least
    ``min(w, h) / 3``.
    """
    side = box[2:].prod().sqrt()
    jitter = (torch.rand(num, 4, generator=generator, dtype=box.dtype) - 0.5).to(box.device)
    jitter = jitter * side * torch.tensor([pos_jitter, pos_jitter, size_jitter, size_jitter],
                                          dtype=box.dtype, device=box.device)
    size = (box[2:] + jitter[:, 2:]).clamp(min=float(box[2:].min()) / 3)
    center = box[:2] + box[2:] / 2 + jitter[:, :2]
    return torch.cat([box.view(1, 4), torch.cat([center - size / 2, size], dim=1)])


def ascend_boxes(iou_fn: IoUFunction, boxes: torch.Tensor, num_steps: int, step_length: float
                 ) -> tuple:
    """``num_steps`` gradient-ascent steps on ``iou_fn``; returns the final boxes (N, 4) and their IoUs (N,)."""
    scale = boxes[:, 2:].repeat(1, 2).detach()
    boxes = boxes.detach().clone()
    with torch.enable_grad():
        for _ in range(num_steps):
            boxes.requires_grad_(True)
            iou = iou_fn(boxes.unsqueeze(0))
            (grad,) = torch.autograd.grad(iou.sum(), boxes)
            boxes = (boxes + step_length * grad * scale).detach()
    with torch.no_grad():
        iou = iou_fn(boxes.unsqueeze(0)).view(-1)
    return boxes, iou


def select_box(boxes: torch.Tensor, iou: torch.Tensor, max_aspect: float, top_k: int) -> Optional[torch.Tensor]:
    """Mean (4,) of the ``top_k`` highest-IoU boxes with a valid size and aspect ratio, or None if none is valid."""
    w, h = boxes[:, 2], boxes[:, 3]
    valid = (w > 0) & (h > 0)
    ratio = w / h.clamp(min=1e-12)
    valid &= (ratio < max_aspect) & (ratio > 1 / max_aspect)
    if not bool(valid.any()):
        return None
    boxes, iou = boxes[valid], iou[valid]
    best = torch.topk(iou, min(top_k, len(iou))).indices
    return boxes[best].mean(dim=0)
