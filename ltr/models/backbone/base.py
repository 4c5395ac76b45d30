"""Base class of the tracking backbones: named stages with output-layer selection, local weights."""
from __future__ import annotations

from collections import OrderedDict
from pathlib import Path
from typing import Iterator, Optional, Sequence

import torch
import torch.nn as nn

from ltr.admin.environment import PathLike
from ltr.admin.loading import load_state_strict, network_file, torch_load

# torchvision ImageNet weight files looked up in the network folder when no path is given
RESNET18_FILE = "resnet18-f37072fd.pth"
RESNET34_FILE = "resnet34-b627a593.pth"
RESNET50_FILE = "resnet50-0676ba61.pth"
MOBILENETV2_FILE = "mobilenet_v2-b0353104.pth"


class Backbone(nn.Module):
    """A network run as a sequence of named stages, returning the outputs of the requested ones.

    Subclasses define :meth:`stages`; :meth:`forward` stops after the last requested stage.
    """

    layer_names: tuple = ()
    default_output_layers: tuple = ()

    def __init__(self, output_layers: Optional[Sequence[str]] = None):
        super().__init__()
        self.output_layers = self.check_layers(output_layers or self.default_output_layers)

    def check_layers(self, layers: Sequence[str]) -> list:
        """``layers`` as a list, each one of :attr:`layer_names`."""
        layers = [layers] if isinstance(layers, str) else list(layers)
        unknown = [name for name in layers if name not in self.layer_names]
        if unknown or not layers:
            raise ValueError(f"{type(self).__name__}: output layers {layers} must be a non-empty subset of "
                             f"{list(self.layer_names)}")
        return layers

    def stages(self) -> Iterator[tuple]:
        """(name, callable) for each stage in order, names as in :attr:`layer_names`."""
        raise NotImplementedError

    def forward(self, x: torch.Tensor,
                output_layers: Optional[Sequence[str]] = None) -> "OrderedDict[str, torch.Tensor]":
        """(B, 3, H, W) -> OrderedDict name -> stage output, for ``output_layers`` (default: the
        constructor's), in network order."""
        wanted = set(self.check_layers(output_layers) if output_layers is not None else self.output_layers)
        outputs = OrderedDict()
        for name, stage in self.stages():
            x = stage(x)
            if name in wanted:
                outputs[name] = x
                if len(outputs) == len(wanted):
                    break
        return outputs


def load_pretrained(net: nn.Module, pretrained_path: PathLike) -> None:
    """Load a local torchvision-format state dict into ``net`` strictly (clear error on mismatch)."""
    load_state_strict(net, torch_load(pretrained_path), f"'{pretrained_path}'")


def backbone_weights(backbone_pretrained: bool, backbone_path: Optional[PathLike],
                     default_file: Optional[str]) -> Optional[Path]:
    """The ImageNet weight file to load into the backbone, or None when not pretrained.

    Raises:
        MissingPathError: ``backbone_path`` is relative and not found in the network folder.
        ValueError: pretrained weights are requested for a backbone that has none.
    """
    if not backbone_pretrained:
        return None
    if backbone_path is None and default_file is None:
        raise ValueError("backbone_pretrained=True needs backbone_path: "
                         "this backbone has no published ImageNet weights")
    return network_file(backbone_path or default_file, "ImageNet backbone weights (backbone_path)")
