"""Alpha-Refine's training loss: MSE on the box corners plus weighted BCE on the mask of mask-labelled samples."""
from __future__ import annotations

from typing import Dict

import torch
import torch.nn as nn
import torch.nn.functional as F

MASK_WEIGHT = 1000.0


class RefineLoss(nn.Module):
    """``corner + mask_weight * mask`` with

    - ``corner``: mean squared error over all B x 4 corner coordinates (x1, y1, x2, y2) in crop pixels;
    - ``mask``: mean binary cross-entropy over the pixels of the samples that have a mask label
      (``has_mask``), 0 when none has one.

    The published code applied ``nn.BCELoss`` to the sigmoid probabilities; the logits are used
    here (the same value, numerically stable).

    Args:
        mask_weight: weight of the mask term (Alpha-Refine: 1000).
    """

    def __init__(self, mask_weight: float = MASK_WEIGHT):
        super().__init__()
        self.mask_weight = mask_weight

    def forward(self, corners: torch.Tensor, corners_gt: torch.Tensor, mask_logits: torch.Tensor,
                mask_gt: torch.Tensor, has_mask: torch.Tensor) -> Dict[str, torch.Tensor]:
        """Loss terms.

        Args:
            corners: (B, 4) predicted (x1, y1, x2, y2).
            corners_gt: (B, 4) target (x1, y1, x2, y2).
            mask_logits: (B, 1, H, W) predicted mask logits.
            mask_gt: (B, 1, H, W) target mask in [0, 1] (ignored where ``has_mask`` is False).
            has_mask: (B,) bool, the samples with a mask label.
        Returns:
            ``{'total', 'corner', 'mask'}`` scalar tensors.
        """
        if corners.shape != corners_gt.shape or mask_logits.shape != mask_gt.shape:
            raise ValueError(f"RefineLoss: prediction / target shapes differ: corners {tuple(corners.shape)} vs "
                             f"{tuple(corners_gt.shape)}, masks {tuple(mask_logits.shape)} vs {tuple(mask_gt.shape)}")
        corner = F.mse_loss(corners, corners_gt)
        labelled = has_mask.to(torch.bool)
        if labelled.any():
            mask = F.binary_cross_entropy_with_logits(mask_logits[labelled], mask_gt[labelled].to(mask_logits.dtype))
        else:
            mask = corner.new_zeros(())
        return {"total": corner + self.mask_weight * mask, "corner": corner, "mask": mask}
