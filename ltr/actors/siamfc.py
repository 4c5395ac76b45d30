"""SiamFC actor: template/search crops -> response maps -> balanced BCE against the diamond labels."""
from __future__ import annotations

import torch
from torch import nn

from ltr.actors.base_actor import BaseActor
from ltr.models.loss.siamfc_loss import BalancedBCELoss, siamfc_labels


class SiamFCActor(BaseActor):
    """Runs ``net(template, search)`` and scores the responses with ``objective`` (balanced BCE).

    Args:
        net: a SiamFC network, ``forward((B, 3, 127, 127), (B, 3, 239, 239)) -> (B, 1, 15, 15)``.
        objective: loss on (logits, labels); default :class:`BalancedBCELoss`.
        r_pos: radius of the positive diamond in search-image pixels (16: |dx| + |dy| <= 2 cells).
        total_stride: network stride (8 for AlexNetV1).

    The label map (h, w) is built once per response size (15x15 for the 239 training crops).
    """

    def __init__(self, net: nn.Module, objective: nn.Module | None = None, r_pos: float = 16,
                 total_stride: int = 8) -> None:
        super().__init__(net, objective if objective is not None else BalancedBCELoss())
        self.r_pos = r_pos
        self.total_stride = total_stride
        self._labels: dict = {}

    def labels(self, size: int, device: torch.device) -> torch.Tensor:
        """(size, size) 0/1 diamond labels on ``device`` (cached)."""
        key = (size, device)
        if key not in self._labels:
            self._labels[key] = siamfc_labels(size, self.r_pos, self.total_stride).to(device)
        return self._labels[key]

    def __call__(self, data: dict) -> tuple[torch.Tensor, dict[str, float]]:
        """``data['template_images']`` (B, 3, 127, 127), ``data['search_images']`` (B, 3, 239, 239),
        raw RGB 0-255 -> (loss, {'Loss/total': float})."""
        responses = self.net(data["template_images"], data["search_images"])
        if responses.shape[-1] != responses.shape[-2]:
            raise ValueError(f"SiamFCActor expects square responses, got shape {tuple(responses.shape)}")
        loss = self.objective(responses, self.labels(responses.shape[-1], responses.device))
        return loss, {"Loss/total": loss.item()}
