"""Small building blocks of the IoU-Net / DirectReg heads.

Parameter names follow the published ATOM / DRNet checkpoints: a :func:`conv_block` is an
``nn.Sequential`` (``0`` convolution, ``1`` batch norm, ``2`` ReLU); a :class:`LinearBlock`
has the sub-modules ``linear`` and ``bn``.
"""
from __future__ import annotations

import torch
import torch.nn as nn


def conv_block(in_planes: int, out_planes: int, kernel_size: int = 3, stride: int = 1, padding: int = 1,
               dilation: int = 1, bias: bool = True) -> nn.Sequential:
    """Conv2d (with bias) + BatchNorm2d + ReLU: (B, in_planes, H, W) -> (B, out_planes, H', W')."""
    return nn.Sequential(
        nn.Conv2d(in_planes, out_planes, kernel_size=kernel_size, stride=stride, padding=padding,
                  dilation=dilation, bias=bias),
        nn.BatchNorm2d(out_planes),
        nn.ReLU(inplace=True))


class LinearBlock(nn.Module):
    """Fully connected layer over a whole ``input_sz x input_sz`` feature map, then BatchNorm and ReLU.

    Shapes: (K, in_planes, input_sz, input_sz) -> (K, out_planes).
    """

    def __init__(self, in_planes: int, out_planes: int, input_sz: int, bias: bool = True):
        super().__init__()
        self.linear = nn.Linear(in_planes * input_sz * input_sz, out_planes, bias=bias)
        self.bn = nn.BatchNorm2d(out_planes)
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.linear(x.reshape(x.shape[0], -1))
        x = self.bn(x.reshape(x.shape[0], -1, 1, 1))
        return self.relu(x).reshape(x.shape[0], -1)
