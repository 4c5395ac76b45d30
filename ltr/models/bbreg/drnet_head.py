"""DRNet's direct bounding-box regression head (DirectReg).

The IoU-Net's two branches (:class:`~ltr.models.bbreg.atom_iou_net.ProposalHead`), ending in
``box_predictor`` (Linear -> 4): for each proposal p the R-CNN offsets to the target g,
(dx, dy, dw, dh) = ((g_cx - p_cx) / p_w, (g_cy - p_cy) / p_h, log(g_w / p_w), log(g_h / p_h)).
"""
from __future__ import annotations

from typing import Sequence

import torch
import torch.nn as nn

from ltr.models.bbreg.atom_iou_net import ProposalHead, init_head_weights

NUM_OFFSETS = 4


class DirectReg(ProposalHead):
    """Box-offset regressor; arguments as :class:`ProposalHead` (ResNet-50 teacher:
    input_dim (512, 1024); MobileNetV2 student: (32, 64) with 64-d inner / prediction widths).

    ``forward(feat1, feat2, bb1 (num_ref, B, 4), proposals2 (num_img, B, N, 4))`` -> (num_img, B, N, 4).
    """

    def __init__(self, input_dim: Sequence[int] = (128, 256), pred_input_dim: Sequence[int] = (256, 256),
                 pred_inter_dim: Sequence[int] = (256, 256), hidden_dim: int = 256):
        super().__init__(input_dim, pred_input_dim, pred_inter_dim, hidden_dim)
        self.box_predictor = nn.Linear(self.proposal_feature_dim, NUM_OFFSETS)
        init_head_weights(self)

    def predictor(self, proposal_feat: torch.Tensor) -> torch.Tensor:
        return self.box_predictor(proposal_feat)

    def predict_offsets(self, modulation: Sequence[torch.Tensor], feat: Sequence[torch.Tensor],
                        proposals: torch.Tensor) -> torch.Tensor:
        """Offsets (K, N, 4) for proposals (K, N, 4) (x, y, w, h); see :meth:`ProposalHead.predict`."""
        return self.predict(modulation, feat, proposals)
