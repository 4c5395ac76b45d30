"""AlexNetV1: the SiamFC backbone (five convolutions, total stride 8, no padding).

| stage | conv kernel/stride | groups | after the conv        |
|-------|--------------------|--------|-----------------------|
| conv1 | 11 / 2             | 1      | BN, ReLU, MaxPool 3/2 |
| conv2 | 5 / 1              | 2      | BN, ReLU, MaxPool 3/2 |
| conv3 | 3 / 1              | 1      | BN, ReLU              |
| conv4 | 3 / 1              | 2      | BN, ReLU              |
| conv5 | 3 / 1              | 2      | nothing               |

Each stage is an ``nn.Sequential`` named ``conv<i>`` whose element 0 is the convolution and
element 1 the batch norm, so the parameter names are those of the published SiamFC / FDSiamFC
weights (``conv1.0.weight``, ``conv1.1.running_mean``, ...). Input: raw RGB 0-255 floats.
"""
from __future__ import annotations

from typing import Sequence

import torch.nn as nn

DEFAULT_CHANNELS = (96, 256, 384, 384, 256)
NUM_LAYERS = 5
KERNEL_SIZES = (11, 5, 3, 3, 3)
STRIDES = (2, 1, 1, 1, 1)
GROUPS = (1, 2, 1, 2, 2)
HAS_POOL = (True, True, False, False, False)
TOTAL_STRIDE = 8
BN_EPS = 1e-6
BN_MOMENTUM = 0.05


def init_weights(module: nn.Module) -> None:
    """SiamFC initialisation of every sub-module: Xavier-uniform conv weights, zero biases, BN gamma 1 beta 0."""
    for m in module.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.xavier_uniform_(m.weight)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)


def batch_norm(num_features: int) -> nn.BatchNorm2d:
    """The backbone's batch norm (eps 1e-6, momentum 0.05), gamma 1 beta 0."""
    return nn.BatchNorm2d(num_features, eps=BN_EPS, momentum=BN_MOMENTUM)


def conv_layer(layer: int, in_channels: int, out_channels: int) -> nn.Conv2d:
    """Freshly initialised convolution of stage ``layer`` (1-5) with the given channel counts."""
    index = layer - 1
    conv = nn.Conv2d(in_channels, out_channels, KERNEL_SIZES[index], STRIDES[index], groups=GROUPS[index])
    init_weights(conv)
    return conv


def check_channels(channels: Sequence[int]) -> tuple:
    """``channels`` as a tuple of 5 positive ints; grouped convolutions need even in/out counts."""
    channels = tuple(int(c) for c in channels)
    if len(channels) != NUM_LAYERS or min(channels) < 1:
        raise ValueError(f"channels must be {NUM_LAYERS} positive output-channel counts, got {channels}")
    for index, groups in enumerate(GROUPS):
        in_channels = 3 if index == 0 else channels[index - 1]
        if in_channels % groups or channels[index] % groups:
            raise ValueError(f"channels {channels}: conv{index + 1} has groups={groups}, so its input "
                             f"({in_channels}) and output ({channels[index]}) channel counts must be divisible by it")
    return channels


class AlexNetV1(nn.Module):
    """SiamFC's AlexNet of configurable width.

    Args:
        channels: output channels of conv1..conv5 (default: SiamFC's 96, 256, 384, 384, 256;
            FDSiamFC_30 is (28, 76, 114, 114, 76), FDSiamFC_15 (14, 38, 56, 56, 38)).

    Shapes: (B, 3, 127, 127) -> (B, C5, 6, 6); (B, 3, 255, 255) -> (B, C5, 22, 22);
    (B, 3, 239, 239) -> (B, C5, 20, 20).
    """

    output_stride = TOTAL_STRIDE

    def __init__(self, channels: Sequence[int] = DEFAULT_CHANNELS):
        super().__init__()
        channels = check_channels(channels)
        in_channels = 3
        for layer, out_channels in enumerate(channels, start=1):
            stage = [conv_layer(layer, in_channels, out_channels)]
            if layer < NUM_LAYERS:
                stage += [batch_norm(out_channels), nn.ReLU(inplace=True)]
            if HAS_POOL[layer - 1]:
                stage.append(nn.MaxPool2d(3, 2))
            self.add_module(f"conv{layer}", nn.Sequential(*stage))
            in_channels = out_channels

    def stage(self, layer: int) -> nn.Sequential:
        """Stage ``conv<layer>`` (1-5): element 0 the convolution, element 1 the batch norm (layers 1-4)."""
        if not 1 <= layer <= NUM_LAYERS:
            raise ValueError(f"AlexNetV1 has layers 1..{NUM_LAYERS}, got {layer}")
        return getattr(self, f"conv{layer}")

    def forward(self, x):
        for layer in range(1, NUM_LAYERS + 1):
            x = self.stage(layer)(x)
        return x
