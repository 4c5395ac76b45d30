"""Alpha-Refine actor: template + search crops -> corners and mask -> corner MSE + weighted mask BCE."""
from __future__ import annotations

import torch
from torch import nn

from ltr.actors.base_actor import BaseActor
from ltr.data.bounding_box_utils import box_iou, xywh_to_xyxy, xyxy_to_xywh
from ltr.models.loss.refine_loss import RefineLoss


class RefineActor(BaseActor):
    """Runs ``net(template_images, search_images, with_mask=True)`` and scores the corners against the
    search box and the mask against the search mask with ``objective`` (default :class:`RefineLoss`).

    Batch layout (``LTRLoader(stack_dim=0)`` of :class:`ltr.data.refine_processing.RefineProcessing`
    samples): ``template_images`` and ``search_images`` (B, 3, S, S), ``search_anno`` (B, 4) xywh in
    crop pixels, ``search_mask`` (B, 1, S, S), ``has_mask`` (B,) bool. The network returns ``corners``
    (B, 4) xyxy and ``mask_logits`` (B, 1, S, S).

    Statistics: ``Loss/total``, ``Loss/corner``, ``Loss/mask`` (0 for a batch without mask labels)
    and ``mIoU``, the mean IoU of the predicted corner boxes with the true boxes.
    """

    def __init__(self, net: nn.Module, objective: nn.Module | None = None) -> None:
        super().__init__(net, objective if objective is not None else RefineLoss())

    def __call__(self, data: dict) -> tuple[torch.Tensor, dict[str, float]]:
        output = self.net(data["template_images"], data["search_images"], with_mask=True)
        losses = self.objective(output["corners"], xywh_to_xyxy(data["search_anno"]), output["mask_logits"],
                                data["search_mask"], data["has_mask"])
        mean_iou = box_iou(xyxy_to_xywh(output["corners"].detach()), data["search_anno"]).mean().item()
        return losses["total"], {"Loss/total": losses["total"].item(), "Loss/corner": losses["corner"].item(),
                                 "Loss/mask": losses["mask"].item(), "mIoU": mean_iou}
