"""ATOM actor: IoU-Net predictions for box proposals regressed onto their IoU labels."""
from __future__ import annotations

from typing import Sequence

import torch
from torch import nn

from ltr.actors.base_actor import BaseActor
from ltr.admin.distributed import unwrap

FROZEN_PART_NAMES = ("feature_extractor", "bb_regressor")


def eval_frozen_parts(net: nn.Module, part_names: Sequence[str] = FROZEN_PART_NAMES) -> None:
    """Put each part of ``net`` (backbone, box head) that has parameters but none trainable in evaluation mode."""
    for name in part_names:
        part = getattr(net, name, None)
        parameters = list(part.parameters()) if part is not None else []
        if parameters and not any(p.requires_grad for p in parameters):
            part.eval()


class ATOMActor(BaseActor):
    """Runs ``net(train_images, test_images, train_anno, test_proposals)`` and scores the predicted
    IoUs against ``proposal_iou`` with ``objective`` (default mean squared error).

    Batch layout (``LTRLoader(stack_dim=1)`` of :class:`ltr.data.atom_processing.ATOMProcessing`
    samples): ``train_images`` (num_train, B, 3, H, W), ``test_images`` (num_test, B, 3, H, W),
    ``train_anno`` (num_train, B, 4), ``test_proposals`` (num_test, B, N, 4), ``proposal_iou``
    (num_test, B, N) labels ``2 * IoU - 1``; the network returns (num_test, B, N).

    A feature extractor without trainable parameters (ATOM's frozen ImageNet backbone) is kept in
    evaluation mode, so its BatchNorm layers use and keep their pretrained statistics (the
    original ATOM code left them in training mode, which uses batch statistics and moves the
    running averages although the backbone is "frozen").
    """

    def __init__(self, net: nn.Module, objective: nn.Module | None = None) -> None:
        super().__init__(net, objective if objective is not None else nn.MSELoss())

    def train(self, mode: bool = True) -> None:
        super().train(mode)
        eval_frozen_parts(unwrap(self.net))

    def __call__(self, data: dict) -> tuple[torch.Tensor, dict[str, float]]:
        """-> (loss, {'Loss/total', 'Loss/iou': the loss, 'mIoU': mean IoU of the proposals})."""
        iou_pred = self.net(data["train_images"], data["test_images"], data["train_anno"], data["test_proposals"])
        iou_gt = data["proposal_iou"]
        if iou_pred.shape != iou_gt.shape:
            raise ValueError(f"ATOMActor: network predicted IoUs of shape {tuple(iou_pred.shape)} but "
                             f"proposal_iou has shape {tuple(iou_gt.shape)} (num_test, batch, num_proposals)")
        loss = self.objective(iou_pred, iou_gt)
        mean_iou = ((iou_gt + 1.0) / 2.0).mean().item()
        return loss, {"Loss/total": loss.item(), "Loss/iou": loss.item(), "mIoU": mean_iou}
