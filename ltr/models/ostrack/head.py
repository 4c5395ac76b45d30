"""OSTrack's centre head: score, offset and size maps on the search-token grid, and box decoding.

Each branch (``ctr``, ``offset``, ``size``) is four [Conv3x3 (bias) + BN + ReLU] blocks ``conv1_<branch>``
.. ``conv4_<branch>`` (768 -> 256 -> 128 -> 64 -> 32 channels in the published networks) and a Conv1x1
``conv5_<branch>`` to 1 / 2 / 2 channels. Score and size maps are clamped sigmoids, the offset map is raw.
"""
from __future__ import annotations

from typing import Sequence

import torch
import torch.nn as nn

from ltr.models.layers.blocks import conv_block

# output channels of the three branches: score, sub-cell offset (x, y), normalised size (w, h)
BRANCH_OUTPUTS = {"ctr": 1, "offset": 2, "size": 2}
SIGMOID_EPS = 1e-4


def clamped_sigmoid(x: torch.Tensor) -> torch.Tensor:
    """sigmoid(x) clamped to [1e-4, 1 - 1e-4] (keeps the focal loss finite)."""
    return torch.sigmoid(x).clamp(min=SIGMOID_EPS, max=1 - SIGMOID_EPS)


class CenterHead(nn.Module):
    """Three parallel convolution branches on the (B, C, H, W) search feature map.

    Args:
        in_channels: C, the backbone token width.
        channels: widths of the four Conv3x3+BN+ReLU blocks of each branch.
    """

    def __init__(self, in_channels: int = 768, channels: Sequence[int] = (256, 128, 64, 32)):
        super().__init__()
        widths = [in_channels, *channels]
        for branch, outputs in BRANCH_OUTPUTS.items():
            for i, (width_in, width_out) in enumerate(zip(widths[:-1], widths[1:]), start=1):
                self.add_module(f"conv{i}_{branch}", conv_block(width_in, width_out))
            self.add_module(f"conv{len(widths)}_{branch}", nn.Conv2d(widths[-1], outputs, kernel_size=1))
        self.num_convs = len(widths)
        for parameter in self.parameters():
            if parameter.dim() > 1:
                nn.init.xavier_uniform_(parameter)

    def branch(self, feat: torch.Tensor, name: str) -> torch.Tensor:
        """(B, C, H, W) -> raw (B, k, H, W) output of branch ``name`` (``ctr``, ``offset`` or ``size``)."""
        for i in range(1, self.num_convs + 1):
            feat = getattr(self, f"conv{i}_{name}")(feat)
        return feat

    def forward(self, feat: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(B, C, H, W) -> score map (B, 1, H, W), size map (B, 2, H, W) in (0, 1), offset map (B, 2, H, W)."""
        return (clamped_sigmoid(self.branch(feat, "ctr")), clamped_sigmoid(self.branch(feat, "size")),
                self.branch(feat, "offset"))


def decode_boxes(score_map: torch.Tensor, size_map: torch.Tensor, offset_map: torch.Tensor) -> torch.Tensor:
    """Box at the score maximum: cell + offset gives the centre, the size map the extent.

    With idx the flat argmax of the score map, cell (idx % W, idx // W):
    box = ((idx_x + off_x) / W, (idx_y + off_y) / H, w, h), offset and size read at idx.
    The score map may be re-weighted beforehand (e.g. by the tracker's Hann window).

    Args:
        score_map: (B, 1, H, W) target scores.
        size_map: (B, 2, H, W) normalised (w, h).
        offset_map: (B, 2, H, W) sub-cell centre offsets (x, y).
    Returns:
        (B, 4) boxes (cx, cy, w, h) normalised to the search crop.
    """
    height, width = score_map.shape[-2:]
    idx = score_map.flatten(1).argmax(dim=1)  # (B,)
    index = idx[:, None, None].expand(-1, 2, 1)
    size = size_map.flatten(2).gather(2, index).squeeze(2)  # (B, 2)
    offset = offset_map.flatten(2).gather(2, index).squeeze(2)
    cx = ((idx % width).to(offset.dtype) + offset[:, 0]) / width
    cy = ((idx // width).to(offset.dtype) + offset[:, 1]) / height
    return torch.stack((cx, cy, size[:, 0], size[:, 1]), dim=1)
