"""SiamFC training target and loss: diamond labels and class-balanced binary cross-entropy."""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F


def siamfc_labels(size: int, r_pos: float = 16, total_stride: int = 8) -> torch.Tensor:
    """(size, size) float32 labels: 1 where the L1 cell distance to the centre cell,
    |dx| + |dy|, is at most ``r_pos / total_stride`` (2 cells by default), else 0."""
    offsets = (torch.arange(size, dtype=torch.float64) - (size - 1) / 2).abs()
    distance = offsets[:, None] + offsets[None, :]
    return (distance <= r_pos / total_stride).float()


class BalancedBCELoss(nn.Module):
    """0.5 * mean BCE-with-logits over positive cells + 0.5 * mean over negative cells.

    Means run over the whole batch. ``forward(logits (B, 1, h, w), labels (h, w) or
    (B, 1, h, w) with values 0/1) -> scalar``.
    """

    def forward(self, logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        labels = labels.to(logits.dtype).expand_as(logits)
        positive = labels > 0.5
        if positive.all() or not positive.any():
            raise ValueError("BalancedBCELoss needs both positive and negative label cells")
        loss = F.binary_cross_entropy_with_logits(logits, labels, reduction="none")
        return 0.5 * loss[positive].mean() + 0.5 * loss[~positive].mean()
