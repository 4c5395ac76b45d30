"""SiamFC: a shared backbone on template and search images, cross-correlated.

Response shapes with AlexNetV1 (total stride 8): template 127 -> 6x6 features; search
255 -> 22x22 features -> 17x17 response; search 239 (training) -> 20x20 -> 15x15.

Two networks share the matching (:class:`SiameseMatching`): :class:`SiamFC`, a backbone
module with batch norm (this project's and FDSiamFC's layout, ``backbone.conv1.0.weight``,
...), and :class:`BNFoldedSiamFC`, the original SiamFC as released, its batch norm folded into
biasful convolutions that are the network's own parameters (``conv1.weight``, ``conv1.bias``, ...).
"""
from __future__ import annotations

from typing import Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F

from ltr.admin.loading import model_constructor
from ltr.models.backbone.alexnet import (DEFAULT_CHANNELS, HAS_POOL, NUM_LAYERS, AlexNetV1, check_channels,
                                       conv_layer)

OUT_SCALE = 0.001


class SiameseMatching(nn.Module):
    """Template and search images through the same :meth:`features`, cross-correlated, times ``out_scale``.

    Subclasses define :meth:`features`; the scores have no bias.
    """

    def __init__(self, out_scale: float = OUT_SCALE):
        super().__init__()
        self.out_scale = out_scale

    def features(self, images: torch.Tensor) -> torch.Tensor:
        """(B, 3, H, W) raw RGB 0-255 -> (B, C, (H - 87) / 8, (W - 87) / 8)."""
        raise NotImplementedError

    def template_features(self, z: torch.Tensor) -> torch.Tensor:
        """(Bz, 3, 127, 127) raw RGB 0-255 -> (Bz, C, 6, 6)."""
        return self.features(z)

    def search_features(self, x: torch.Tensor) -> torch.Tensor:
        """(Bx, 3, H, W) raw RGB 0-255 -> (Bx, C, (H - 87) / 8, (W - 87) / 8)."""
        return self.features(x)

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


class SiamFC(SiameseMatching):
    """Fully-convolutional Siamese network with a backbone module.

    Args:
        backbone: feature extractor applied to both images.
        out_scale: factor on the cross-correlation (no bias).
    """

    def __init__(self, backbone: nn.Module, out_scale: float = OUT_SCALE):
        super().__init__(out_scale)
        self.backbone = backbone

    def features(self, images: torch.Tensor) -> torch.Tensor:
        return self.backbone(images)


class BNFoldedSiamFC(SiameseMatching):
    """The original SiamFC network as released: AlexNetV1 with every batch norm folded into the convolution
    before it, so five biasful convolutions ``conv1``..``conv5`` (kernels, strides and groups of
    :mod:`ltr.models.backbone.alexnet`), ReLU after conv1-4, max-pool 3/2 after conv1-2, no batch norm.

    The release is the feature extractor alone, so the convolutions are this network's own children:
    its state dict is the released one, ``conv<i>.weight`` (OIHW) and ``conv<i>.bias``. The released
    score is ``out_scale * xcorr`` plus a bias that is not part of the file; it is left out (it moves
    no map's peak, though under the tracker's multiplicative scale penalty it could change which scale
    wins).

    Args:
        channels: output channels of conv1..conv5 (SiamFC's 96, 256, 384, 384, 256).
        out_scale: factor on the cross-correlation (SiamFC's 0.001).
    """

    def __init__(self, channels: Sequence[int] = DEFAULT_CHANNELS, out_scale: float = OUT_SCALE):
        super().__init__(out_scale)
        in_channels = 3
        for layer, out_channels in enumerate(check_channels(channels), start=1):
            self.add_module(f"conv{layer}", conv_layer(layer, in_channels, out_channels))
            in_channels = out_channels

    def features(self, images: torch.Tensor) -> torch.Tensor:
        x = images
        for layer in range(1, NUM_LAYERS + 1):
            x = getattr(self, f"conv{layer}")(x)
            if layer < NUM_LAYERS:
                x = F.relu(x)
            if HAS_POOL[layer - 1]:
                x = F.max_pool2d(x, 3, 2)
        return x


@model_constructor
def siamfc_alexnet(channels: Sequence[int] = DEFAULT_CHANNELS, out_scale: float = OUT_SCALE) -> SiamFC:
    """SiamFC with an AlexNetV1 backbone of output channels ``channels`` (conv1..conv5), SiamFC-initialised."""
    return SiamFC(AlexNetV1(channels), out_scale)


@model_constructor
def siamfc_alexnet_bnfolded(channels: Sequence[int] = DEFAULT_CHANNELS,
                            out_scale: float = OUT_SCALE) -> BNFoldedSiamFC:
    """The original SiamFC's architecture (:class:`BNFoldedSiamFC`), Xavier-initialised: loads the released
    ``conv<i>.weight`` / ``conv<i>.bias`` file strictly."""
    return BNFoldedSiamFC(channels, out_scale)
