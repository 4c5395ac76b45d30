"""Building blocks of Alpha-Refine: pixel-wise correlation neck, corner head, mask head.

Parameter names follow the published Alpha-Refine checkpoint (``neck.post_corr``,
``neck.channel_attention.fc1/fc2``, ``corner_head.conv1_tl``..``conv5_br``,
``mask_head.v0``..``post2``). A Conv+BN+ReLU block is an ``nn.Sequential`` (``0`` conv with
bias, ``1`` batch norm, ``2`` ReLU), see :func:`ltr.models.layers.blocks.conv_block`.
"""
from __future__ import annotations

from typing import Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F

from ltr.models.layers.blocks import conv_block

# side of the template kernel: the centre KERNEL_SIZE x KERNEL_SIZE vectors of the template's layer3
KERNEL_SIZE = 8
# widths of the four 3x3 Conv+BN+ReLU layers of each corner tower (input: the neck's 64 channels)
CORNER_TOWER_WIDTHS = (256, 128, 64, 32)


def pixel_correlation(kernel: torch.Tensor, search_feat: torch.Tensor) -> torch.Tensor:
    """Pixel-wise correlation: one output channel per kernel vector, no normalisation.

    Args:
        kernel: (B, K, C) template vectors (K = 64 for the 8x8 kernel).
        search_feat: (B, C, H, W) search features.
    Returns:
        (B, K, H, W) with ``out[b, k, y, x] = <kernel[b, k], search_feat[b, :, y, x]>``.
    """
    batch, _, height, width = search_feat.shape
    return torch.bmm(kernel, search_feat.flatten(2)).reshape(batch, -1, height, width)


def soft_argmax(score_map: torch.Tensor, stride: float) -> torch.Tensor:
    """Expected position under the softmax of a score map over all its positions.

    Args:
        score_map: (B, 1, H, W) logits.
        stride: pixels per map cell; cell (row i, col j) sits at (x, y) = (j * stride, i * stride).
    Returns:
        (B, 2) expected (x, y) in [0, (W - 1) * stride] x [0, (H - 1) * stride].
    """
    batch, _, height, width = score_map.shape
    prob = torch.softmax(score_map.reshape(batch, height * width), dim=1).reshape(batch, height, width)
    xs = torch.arange(width, device=score_map.device, dtype=score_map.dtype) * stride
    ys = torch.arange(height, device=score_map.device, dtype=score_map.dtype) * stride
    return torch.stack([(prob.sum(dim=1) * xs).sum(dim=1), (prob.sum(dim=2) * ys).sum(dim=1)], dim=1)


class ChannelAttention(nn.Module):
    """Squeeze-and-excitation: global average pool -> 1x1 ``fc1`` -> ReLU -> 1x1 ``fc2`` -> sigmoid,
    multiplied onto the input. Shapes: (B, C, H, W) -> (B, C, H, W)."""

    def __init__(self, channels: int, reduction: int = 4):
        super().__init__()
        self.fc1 = nn.Conv2d(channels, channels // reduction, kernel_size=1)
        self.fc2 = nn.Conv2d(channels // reduction, channels, kernel_size=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        weights = torch.sigmoid(self.fc2(F.relu(self.fc1(F.adaptive_avg_pool2d(x, 1)))))
        return x * weights


class CorrelationNeck(nn.Module):
    """Pixel-wise correlation, ``post_corr`` (1x1 Conv+BN+ReLU, K -> 128 -> 128 -> K) and SE attention.

    Args:
        num_vectors: K, the number of kernel vectors (64 for an 8x8 kernel).
        hidden_dim: width of the two inner 1x1 layers.
    """

    def __init__(self, num_vectors: int = KERNEL_SIZE * KERNEL_SIZE, hidden_dim: int = 128):
        super().__init__()
        widths = (num_vectors, hidden_dim, hidden_dim, num_vectors)
        self.post_corr = nn.Sequential(*[layer for c_in, c_out in zip(widths[:-1], widths[1:])
                                         for layer in conv_block(c_in, c_out, kernel_size=1, padding=0)])
        self.channel_attention = ChannelAttention(num_vectors)

    def forward(self, kernel: torch.Tensor, search_feat: torch.Tensor) -> torch.Tensor:
        """kernel (B, K, C), search layer3 (B, C, H, W) -> fused feature (B, K, H, W)."""
        return self.channel_attention(self.post_corr(pixel_correlation(kernel, search_feat)))


class CornerHead(nn.Module):
    """Top-left and bottom-right corner towers with soft-argmax.

    Each tower (``conv1_tl``..``conv4_tl``, likewise ``_br``): four 3x3 Conv+BN+ReLU layers
    ``in_dim -> 256 -> 128 -> 64 -> 32``, then the 1x1 score layer ``conv5_tl`` (32 -> 1).

    Args:
        in_dim: channels of the neck output.
        stride: pixels of the search crop per feature cell (16 for layer3).
    """

    def __init__(self, in_dim: int = KERNEL_SIZE * KERNEL_SIZE, stride: int = 16):
        super().__init__()
        self.stride = stride
        widths = (in_dim,) + CORNER_TOWER_WIDTHS
        for corner in ("tl", "br"):
            for index, (c_in, c_out) in enumerate(zip(widths[:-1], widths[1:]), start=1):
                self.add_module(f"conv{index}_{corner}", conv_block(c_in, c_out))
            self.add_module(f"conv5_{corner}", nn.Conv2d(widths[-1], 1, kernel_size=1))

    def score_map(self, feat: torch.Tensor, corner: str) -> torch.Tensor:
        """(B, in_dim, H, W) -> (B, 1, H, W) logits of corner ``'tl'`` or ``'br'``."""
        for index in range(1, 6):
            feat = getattr(self, f"conv{index}_{corner}")(feat)
        return feat

    def forward(self, feat: torch.Tensor) -> torch.Tensor:
        """(B, in_dim, H, W) -> (B, 4) box (x_tl, y_tl, x_br, y_br) in search-crop pixels,
        each coordinate in [0, (size - 1) * stride] (0..240 for a 16x16 map)."""
        return torch.cat([soft_argmax(self.score_map(feat, corner), self.stride) for corner in ("tl", "br")], dim=1)


def _refine_branch(c_in: int, c_mid: int, c_out: int) -> nn.Sequential:
    """3x3 conv -> ReLU -> 3x3 conv -> ReLU (no BN): (B, c_in, H, W) -> (B, c_out, H, W)."""
    return nn.Sequential(nn.Conv2d(c_in, c_mid, kernel_size=3, padding=1), nn.ReLU(inplace=True),
                         nn.Conv2d(c_mid, c_out, kernel_size=3, padding=1), nn.ReLU(inplace=True))


class MaskHead(nn.Module):
    """SiamMask-style top-down refinement from the 16x16 neck feature to a full-size mask.

    Wiring (shapes for 256x256 crops; ``v*`` take the adjusted low-level features, ``h*`` the
    decoder state, both branches end in ReLU; ``post*`` are plain 3x3 convs; upsampling is
    bilinear to the size of the skip feature)::

        neck (64@16)  -> h2 (64->32->32)  -> up 32  + v2(adj. layer2 512@32 -> 128 -> 32) -> post0 (32->16)
        (16@32)       -> h1 (16->16->16)  -> up 64  + v1(adj. layer1 256@64 -> 64 -> 16)  -> post1 (16->4)
        (4@64)        -> h0 (4->4->4)     -> up 128 + v0(adj. conv1   64@128 -> 16 -> 4)  -> post2 (4->1)
        (1@128)       -> up to the crop size (256): mask logits

    Args:
        in_dim: channels of the neck output.
        skip_dims: channels of the adjusted (conv1, layer1, layer2) features.
    """

    def __init__(self, in_dim: int = KERNEL_SIZE * KERNEL_SIZE, skip_dims: Sequence[int] = (64, 256, 512)):
        super().__init__()
        self.v0 = _refine_branch(skip_dims[0], 16, 4)
        self.v1 = _refine_branch(skip_dims[1], 64, 16)
        self.v2 = _refine_branch(skip_dims[2], 128, 32)
        self.h2 = _refine_branch(in_dim, 32, 32)
        self.h1 = _refine_branch(16, 16, 16)
        self.h0 = _refine_branch(4, 4, 4)
        self.post0 = nn.Conv2d(32, 16, kernel_size=3, padding=1)
        self.post1 = nn.Conv2d(16, 4, kernel_size=3, padding=1)
        self.post2 = nn.Conv2d(4, 1, kernel_size=3, padding=1)

    def forward(self, feat: torch.Tensor, skips: Sequence[torch.Tensor], output_size: Sequence[int]) -> torch.Tensor:
        """Mask logits.

        Args:
            feat: (B, in_dim, H/16, W/16) neck output.
            skips: adjusted (conv1, layer1, layer2) features, (B, 64, H/2, W/2), (B, 256, H/4, W/4),
                (B, 512, H/8, W/8).
            output_size: (H, W) of the crop.
        Returns:
            (B, 1, H, W) logits.
        """
        stages = ((self.h2, self.v2, self.post0), (self.h1, self.v1, self.post1), (self.h0, self.v0, self.post2))
        for (top_down, lateral, post), skip in zip(stages, reversed(skips)):
            feat = post(_upsample(top_down(feat), skip.shape[-2:]) + lateral(skip))
        return _upsample(feat, output_size)


def _upsample(x: torch.Tensor, size: Sequence[int]) -> torch.Tensor:
    """Bilinear resize of (B, C, h, w) to (B, C, *size) (``align_corners=False``)."""
    return F.interpolate(x, size=tuple(size), mode="bilinear", align_corners=False)
