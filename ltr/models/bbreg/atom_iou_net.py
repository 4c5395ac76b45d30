"""ATOM's IoU-Net: predicts the IoU of box proposals in a test frame with the target, given
the target box in a reference frame.

Two branches on backbone blocks 3 and 4 (layer2 at stride 8, layer3 at stride 16):

- reference: ``conv3_1r`` -> PrRoIPool 3x3 (1/8) -> ``fc3_1r`` (3x3 conv, no padding);
  ``conv4_1r`` -> PrRoIPool 1x1 (1/16); concatenated, then ``fc34_3r`` / ``fc34_4r`` (1x1
  convs) give one modulation vector per block.
- test: ``conv3_1t`` -> ``conv3_2t`` and ``conv4_1t`` -> ``conv4_2t``; multiplied channel-wise
  by the modulation vectors; proposals PrRoI-pooled at 5x5 (1/8) and 3x3 (1/16); ``fc3_rt``
  / ``fc4_rt`` (linear blocks) concatenated -> ``iou_predictor`` (Linear -> 1).

Boxes are (x, y, w, h) in image pixels. :class:`ProposalHead` holds everything but the final
linear layer, which the DRNet head (``drnet_head.DirectReg``) shares.
"""
from __future__ import annotations

from typing import Sequence, Tuple

import torch
import torch.nn as nn

from ltr.models.layers.blocks import LinearBlock, conv_block
from ltr.models.layers.prroi_pool import PrRoIPool2D

Modulation = Tuple[torch.Tensor, torch.Tensor]


def xywh_to_rois(boxes: torch.Tensor) -> torch.Tensor:
    """(B, N, 4) boxes (x, y, w, h) -> (B*N, 5) PrRoIPool rois (batch_index, x1, y1, x2, y2)."""
    num_batch, num_boxes = boxes.shape[:2]
    batch_index = torch.arange(num_batch, dtype=boxes.dtype, device=boxes.device)
    batch_index = batch_index.reshape(-1, 1, 1).expand(-1, num_boxes, 1)
    corners = torch.cat((boxes[..., :2], boxes[..., :2] + boxes[..., 2:4]), dim=-1)
    return torch.cat((batch_index, corners), dim=-1).reshape(-1, 5)


def flatten_images(feat: torch.Tensor) -> torch.Tensor:
    """(num_img, B, C, H, W) or (K, C, H, W) -> (K, C, H, W)."""
    return feat.reshape(-1, *feat.shape[-3:])


def init_head_weights(module: nn.Module) -> None:
    """ATOM head initialisation: kaiming-normal (fan_in) conv / linear weights, zero biases,
    BatchNorm weight U(0, 1) and bias 0."""
    for m in module.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.kaiming_normal_(m.weight, mode="fan_in")
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.uniform_(m.weight)
            nn.init.zeros_(m.bias)


class ProposalHead(nn.Module):
    """The two IoU-Net branches up to the per-proposal feature (everything but the predictor).

    Args:
        input_dim: channels of the two backbone blocks (layer2, layer3), e.g. (128, 256) for ResNet-18.
        pred_input_dim: channels of the modulated test features per block.
        pred_inter_dim: output widths of ``fc3_rt`` / ``fc4_rt``; the proposal feature has their sum.
        hidden_dim: width of the inner convolutions (``conv3_1r`` has half of it); 256 in ATOM,
            128 / 64 / 32 in the scaled medium / small / tiny heads.
    """

    def __init__(self, input_dim: Sequence[int] = (128, 256), pred_input_dim: Sequence[int] = (256, 256),
                 pred_inter_dim: Sequence[int] = (256, 256), hidden_dim: int = 256):
        super().__init__()
        ref3_dim = hidden_dim // 2
        self.conv3_1r = conv_block(input_dim[0], ref3_dim)
        self.conv3_1t = conv_block(input_dim[0], hidden_dim)
        self.conv3_2t = conv_block(hidden_dim, pred_input_dim[0])
        self.prroi_pool3r = PrRoIPool2D(3, 3, 1 / 8)
        self.prroi_pool3t = PrRoIPool2D(5, 5, 1 / 8)
        self.fc3_1r = conv_block(ref3_dim, hidden_dim, kernel_size=3, padding=0)
        self.conv4_1r = conv_block(input_dim[1], hidden_dim)
        self.conv4_1t = conv_block(input_dim[1], hidden_dim)
        self.conv4_2t = conv_block(hidden_dim, pred_input_dim[1])
        self.prroi_pool4r = PrRoIPool2D(1, 1, 1 / 16)
        self.prroi_pool4t = PrRoIPool2D(3, 3, 1 / 16)
        self.fc34_3r = conv_block(2 * hidden_dim, pred_input_dim[0], kernel_size=1, padding=0)
        self.fc34_4r = conv_block(2 * hidden_dim, pred_input_dim[1], kernel_size=1, padding=0)
        self.fc3_rt = LinearBlock(pred_input_dim[0], pred_inter_dim[0], 5)
        self.fc4_rt = LinearBlock(pred_input_dim[1], pred_inter_dim[1], 3)
        self.proposal_feature_dim = pred_inter_dim[0] + pred_inter_dim[1]

    def predictor(self, proposal_feat: torch.Tensor) -> torch.Tensor:
        """(K, proposal_feature_dim) -> (K, D) per-proposal predictions (defined by subclasses)."""
        raise NotImplementedError

    def forward(self, feat1: Sequence[torch.Tensor], feat2: Sequence[torch.Tensor], bb1: torch.Tensor,
                proposals2: torch.Tensor) -> torch.Tensor:
        """Predictions for the test-frame proposals, conditioned on the first reference frame.

        Args:
            feat1: reference features [layer2, layer3], each (num_ref*B, C, H, W) or (num_ref, B, C, H, W);
                only the first reference image of each sequence is used.
            feat2: test features, each (num_img*B, C, H, W) (image-major) or (num_img, B, C, H, W).
            bb1: (num_ref, B, 4) reference target boxes (x, y, w, h) in image pixels.
            proposals2: (num_img, B, N, 4) test proposals (x, y, w, h).
        Returns:
            (num_img, B, N) for a single-output predictor (IoU), else (num_img, B, N, D).
        """
        num_images, num_sequences, num_proposals = proposals2.shape[:3]
        feat1 = [f.reshape(-1, num_sequences, *f.shape[-3:])[0] for f in feat1]
        modulation = self.get_modulation(feat1, bb1[0])
        modulation = [m.reshape(1, num_sequences, -1).expand(num_images, -1, -1).reshape(num_images * num_sequences, -1)
                      for m in modulation]
        feat = self.get_iou_feat(feat2)
        proposals = proposals2.reshape(num_images * num_sequences, num_proposals, 4)
        prediction = self.predict(modulation, feat, proposals)
        return prediction.reshape(num_images, num_sequences, num_proposals, *prediction.shape[2:])

    def get_modulation(self, feat: Sequence[torch.Tensor], bb: torch.Tensor) -> Modulation:
        """Modulation vectors from the reference frame.

        Args:
            feat: [layer2 (B, C3, H, W), layer3 (B, C4, H/2, W/2)].
            bb: (B, 4) target boxes (x, y, w, h).
        Returns:
            two tensors (B, pred_input_dim[i], 1, 1).
        """
        feat3_r, feat4_r = feat
        rois = xywh_to_rois(bb.reshape(-1, 1, 4))
        roi3r = self.prroi_pool3r(self.conv3_1r(feat3_r), rois)
        roi4r = self.prroi_pool4r(self.conv4_1r(feat4_r), rois)
        fc34_r = torch.cat((self.fc3_1r(roi3r), roi4r), dim=1)
        return self.fc34_3r(fc34_r), self.fc34_4r(fc34_r)

    def get_iou_feat(self, feat2: Sequence[torch.Tensor]) -> Tuple[torch.Tensor, torch.Tensor]:
        """Test-branch features: [layer2, layer3] each (K, C, H, W) or (num_img, B, C, H, W)
        -> ((K, pred_input_dim[0], H, W), (K, pred_input_dim[1], H/2, W/2))."""
        feat3_t, feat4_t = (flatten_images(f) for f in feat2)
        return self.conv3_2t(self.conv3_1t(feat3_t)), self.conv4_2t(self.conv4_1t(feat4_t))

    def modulate(self, modulation: Sequence[torch.Tensor], feat: Sequence[torch.Tensor]
                 ) -> Tuple[torch.Tensor, torch.Tensor]:
        """Test-branch features (K, C, H, W) times the modulation vectors (K, C) or (K, C, 1, 1), channel-wise."""
        return tuple(f * m.reshape(f.shape[0], -1, 1, 1) for f, m in zip(feat, modulation))

    def predict_pooled(self, roi3: torch.Tensor, roi4: torch.Tensor) -> torch.Tensor:
        """Predictions (K, D) from the proposals' pooled modulated features, (K, C3, 5, 5) and (K, C4, 3, 3)."""
        return self.predictor(torch.cat((self.fc3_rt(roi3), self.fc4_rt(roi4)), dim=1))

    def predict(self, modulation: Sequence[torch.Tensor], feat: Sequence[torch.Tensor],
                proposals: torch.Tensor) -> torch.Tensor:
        """Per-proposal predictions.

        Args:
            modulation: two tensors (K, pred_input_dim[i]) or (K, pred_input_dim[i], 1, 1).
            feat: the two test-branch features from :meth:`get_iou_feat`, (K, C, H, W).
            proposals: (K, N, 4) boxes (x, y, w, h).
        Returns:
            (K, N) for a single-output predictor, else (K, N, D).
        """
        num_batch, num_proposals = proposals.shape[:2]
        c3_t, c4_t = self.modulate(modulation, feat)
        rois = xywh_to_rois(proposals)
        prediction = self.predict_pooled(self.prroi_pool3t(c3_t, rois), self.prroi_pool4t(c4_t, rois))
        if prediction.shape[1] == 1:
            return prediction.reshape(num_batch, num_proposals)
        return prediction.reshape(num_batch, num_proposals, -1)


class AtomIoUNet(ProposalHead):
    """ATOM's IoU predictor (see the module docstring and :class:`ProposalHead` for the arguments).

    ``forward(feat1, feat2, bb1 (num_ref, B, 4), proposals2 (num_img, B, N, 4))`` -> (num_img, B, N) IoUs.
    """

    def __init__(self, input_dim: Sequence[int] = (128, 256), pred_input_dim: Sequence[int] = (256, 256),
                 pred_inter_dim: Sequence[int] = (256, 256), hidden_dim: int = 256):
        super().__init__(input_dim, pred_input_dim, pred_inter_dim, hidden_dim)
        self.iou_predictor = nn.Linear(self.proposal_feature_dim, 1)
        init_head_weights(self)

    def predictor(self, proposal_feat: torch.Tensor) -> torch.Tensor:
        return self.iou_predictor(proposal_feat)

    def predict_iou(self, modulation: Sequence[torch.Tensor], feat: Sequence[torch.Tensor],
                    proposals: torch.Tensor) -> torch.Tensor:
        """IoU predictions (K, N) for proposals (K, N, 4) (x, y, w, h); see :meth:`ProposalHead.predict`."""
        return self.predict(modulation, feat, proposals)
