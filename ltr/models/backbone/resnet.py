"""ResNet-18/34/50 backbones with torchvision parameter names, returning selected stages.

Parameter names are torchvision's (``conv1``, ``bn1``, ``layer1``..``layer4``, ``fc``), so an
ImageNet weight file in torchvision's format (e.g. ``resnet18-f37072fd.pth``) loads strictly
from a local path; nothing is downloaded. The ResNet-18 width variants of the CFKD
architecture study (``inplanes`` 32 / 16 / 8) are built from scratch.

Stages and their strides (input (B, 3, H, W), ImageNet-normalised):

| name   | output                                 | stride |
|--------|----------------------------------------|--------|
| conv1  | conv 7x7/2 + BN + ReLU (before max-pool) | 2    |
| layer1 | max-pool 3x3/2 + residual stage 1      | 4      |
| layer2 | residual stage 2                       | 8      |
| layer3 | residual stage 3                       | 16     |
| layer4 | residual stage 4                       | 32     |
| fc     | global average pool + linear (logits)  | -      |
"""
from __future__ import annotations

from typing import Iterator, Optional, Sequence, Type, Union

import torch
import torch.nn as nn
from torchvision.models.resnet import BasicBlock, Bottleneck

from ltr.admin.environment import PathLike
from ltr.models.backbone.base import Backbone, load_pretrained

RESNET_LAYERS = ("conv1", "layer1", "layer2", "layer3", "layer4", "fc")
# inplanes of the ResNet-18 width variants (stage widths inplanes * (1, 2, 4, 8))
RESNET18_VARIANT_INPLANES = {"medium": 32, "small": 16, "tiny": 8}


class ResNet(Backbone):
    """ResNet with torchvision parameter names and configurable base width.

    Args:
        block: ``BasicBlock`` (ResNet-18/34) or ``Bottleneck`` (ResNet-50).
        layers: number of blocks per stage, e.g. (2, 2, 2, 2).
        output_layers: default stages returned by :meth:`forward` (subset of :data:`RESNET_LAYERS`;
            default layer4).
        inplanes: width of conv1 and stage 1 (64 standard); stage widths inplanes * (1, 2, 4, 8)
            (times 4 at the output of a Bottleneck stage).
        num_classes: outputs of ``fc``.
    """

    layer_names = RESNET_LAYERS
    default_output_layers = ("layer4",)

    def __init__(self, block: Type[Union[BasicBlock, Bottleneck]], layers: Sequence[int],
                 output_layers: Optional[Sequence[str]] = None, inplanes: int = 64, num_classes: int = 1000):
        super().__init__(output_layers)
        self.inplanes = inplanes
        self.conv1 = nn.Conv2d(3, inplanes, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(inplanes)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        for index, num_blocks in enumerate(layers):
            stride = 1 if index == 0 else 2
            self.add_module(f"layer{index + 1}", self._make_layer(block, inplanes * 2 ** index, num_blocks, stride))
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(self.inplanes, num_classes)
        self._init_weights()

    def _make_layer(self, block: Type[Union[BasicBlock, Bottleneck]], planes: int, num_blocks: int,
                    stride: int) -> nn.Sequential:
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(
                nn.Conv2d(self.inplanes, planes * block.expansion, kernel_size=1, stride=stride, bias=False),
                nn.BatchNorm2d(planes * block.expansion))
        blocks = [block(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes * block.expansion
        blocks += [block(self.inplanes, planes) for _ in range(1, num_blocks)]
        return nn.Sequential(*blocks)

    def _init_weights(self) -> None:
        """He-normal (fan_out) convolutions, BN gamma 1 beta 0 (torchvision's initialisation)."""
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)

    def stages(self) -> Iterator[tuple]:
        yield "conv1", lambda x: self.relu(self.bn1(self.conv1(x)))
        yield "layer1", lambda x: self.layer1(self.maxpool(x))
        yield "layer2", self.layer2
        yield "layer3", self.layer3
        yield "layer4", self.layer4
        yield "fc", lambda x: self.fc(torch.flatten(self.avgpool(x), 1))


def _build(block: Type[Union[BasicBlock, Bottleneck]], layers: Sequence[int], output_layers: Optional[Sequence[str]],
           pretrained_path: Optional[PathLike], inplanes: int = 64) -> ResNet:
    net = ResNet(block, layers, output_layers, inplanes=inplanes)
    if pretrained_path is not None:
        load_pretrained(net, pretrained_path)
    return net


def resnet18(output_layers: Optional[Sequence[str]] = None, pretrained_path: Optional[PathLike] = None,
             inplanes: int = 64) -> ResNet:
    """ResNet-18 (BasicBlock, 2-2-2-2); ``pretrained_path``: local torchvision ImageNet weights
    (``resnet18-f37072fd.pth``), which fit only ``inplanes=64``."""
    return _build(BasicBlock, (2, 2, 2, 2), output_layers, pretrained_path, inplanes)


def resnet34(output_layers: Optional[Sequence[str]] = None, pretrained_path: Optional[PathLike] = None) -> ResNet:
    """ResNet-34 (BasicBlock, 3-4-6-3); ``pretrained_path``: e.g. ``resnet34-b627a593.pth``."""
    return _build(BasicBlock, (3, 4, 6, 3), output_layers, pretrained_path)


def resnet50(output_layers: Optional[Sequence[str]] = None, pretrained_path: Optional[PathLike] = None) -> ResNet:
    """ResNet-50 (Bottleneck, 3-4-6-3; layer2 512, layer3 1024 channels); ``pretrained_path``:
    e.g. ``resnet50-0676ba61.pth``."""
    return _build(Bottleneck, (3, 4, 6, 3), output_layers, pretrained_path)


def resnet18_variant(variant: str, output_layers: Optional[Sequence[str]] = None,
                     pretrained_path: Optional[PathLike] = None) -> ResNet:
    """Narrow ResNet-18 of the CFKD architecture study (trained from scratch): ``variant``
    'medium' (widths 32/32/64/128/256 for conv1, layer1..4), 'small' (16/...), 'tiny' (8/...);
    ``pretrained_path``: a local state dict of the same width."""
    if variant not in RESNET18_VARIANT_INPLANES:
        raise ValueError(f"ResNet-18 variant must be one of {list(RESNET18_VARIANT_INPLANES)}, got '{variant}'")
    return resnet18(output_layers, pretrained_path, inplanes=RESNET18_VARIANT_INPLANES[variant])
