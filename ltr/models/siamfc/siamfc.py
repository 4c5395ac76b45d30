"""SiamFC: a shared backbone on template and search images, cross-correlated.

Response shapes with AlexNetV1 (total stride 8): template 127 -> 6x6 features; search
255 -> 22x22 features -> 17x17 response; search 239 (training) -> 20x20 -> 15x15.
"""
from __future__ import annotations

from typing import Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F

from ltr.admin.loading import model_constructor
from ltr.models.backbone.alexnet import DEFAULT_CHANNELS, AlexNetV1

OUT_SCALE = 0.001


class SiamFC(nn.Module):
    """Fully-convolutional Siamese network.

    Args:
        backbone: feature extractor applied to both images.
        out_scale: factor on the cross-correlation (no bias).
    """

    def __init__(self, backbone: nn.Module, out_scale: float = OUT_SCALE):
        super().__init__()
        self.backbone = backbone
        self.out_scale = out_scale

    def template_features(self, z: torch.Tensor) -> torch.Tensor:
        """(Bz, 3, 127, 127) raw RGB 0-255 -> (Bz, C, 6, 6)."""
        return self.backbone(z)

    def search_features(self, x: torch.Tensor) -> torch.Tensor:
        """(Bx, 3, H, W) raw RGB 0-255 -> (Bx, C, (H - 87) / 8, (W - 87) / 8)."""
        return self.backbone(x)

    def correlate(self, zf: torch.Tensor, xf: torch.Tensor) -> torch.Tensor:
        """Cross-correlate template features with search features, scaled by ``out_scale``.

        Args:
            zf: (Bz, C, hz, wz) template features.
            xf: (Bx, C, hx, wx) search features, Bx a multiple of Bz; search image ``k`` is
                matched with template ``k % Bz`` (Bz = 1: every search image with the one
                template, as the tracker does for its scales; Bz = Bx: pairwise, as in training).
        Returns:
            (Bx, 1, hx - hz + 1, wx - wz + 1) responses.
        """
        num_z, channels = zf.shape[:2]
        num_x, _, height, width = xf.shape
        if num_x % num_z:
            raise ValueError(f"search batch {num_x} is not a multiple of the template batch {num_z}")
        out = F.conv2d(xf.reshape(num_x // num_z, num_z * channels, height, width), zf, groups=num_z)
        return out.reshape(num_x, 1, out.shape[-2], out.shape[-1]) * self.out_scale

    def forward(self, template: torch.Tensor, search: torch.Tensor) -> torch.Tensor:
        """(B, 3, 127, 127), (B, 3, H, W) -> (B, 1, h, w) responses (17x17 for 255, 15x15 for 239)."""
        return self.correlate(self.template_features(template), self.search_features(search))


@model_constructor
def siamfc_alexnet(channels: Sequence[int] = DEFAULT_CHANNELS, out_scale: float = OUT_SCALE) -> SiamFC:
    """SiamFC with an AlexNetV1 backbone of output channels ``channels`` (conv1..conv5), SiamFC-initialised."""
    return SiamFC(AlexNetV1(channels), out_scale)
