"""MobileNetV2 backbone (torchvision's v2, ReLU6) split into ResNet-like named stages.

torchvision's ``features`` are regrouped so the parameter names are those of the published
CFKD student checkpoints (``conv1.0.0.weight``, ``layer1.0.conv.0.0.weight``, ...):

| name       | torchvision modules | output channels | stride |
|------------|---------------------|-----------------|--------|
| conv1      | features[0]         | 32              | 2      |
| layer1     | features[1:4]       | 24              | 4      |
| layer2     | features[4:7]       | 32              | 8      |
| layer3     | features[7:11]      | 64              | 16     |
| layer4     | features[11:19]     | 1280            | 32     |
| classifier | avg pool + dropout + linear | 1000    | -      |

The IoU-Net uses layer2 + layer3 and the ATOM classifier layer3; layer4 and the classifier
are kept so the checkpoints (and torchvision ImageNet weights) load strictly.
"""
from __future__ import annotations

from typing import Iterator, Optional, Sequence

import torch
import torch.nn as nn
from torchvision.models import mobilenet_v2

from ltr.admin.environment import PathLike
from ltr.models.backbone.base import Backbone, load_pretrained

MOBILENETV2_LAYERS = ("conv1", "layer1", "layer2", "layer3", "layer4", "classifier")
# stage name -> (first, last + 1) index into torchvision's MobileNetV2.features
FEATURE_SPLITS = {"conv1": (0, 1), "layer1": (1, 4), "layer2": (4, 7), "layer3": (7, 11), "layer4": (11, 19)}


class MobileNetV2(Backbone):
    """torchvision MobileNetV2 (width 1.0) run stage by stage.

    Args:
        output_layers: default stages returned by :meth:`forward` (subset of
            :data:`MOBILENETV2_LAYERS`; default layer3).
        pretrained_path: local torchvision-format ImageNet weights (``mobilenet_v2-b0353104.pth``).
    """

    layer_names = MOBILENETV2_LAYERS
    default_output_layers = ("layer3",)

    def __init__(self, output_layers: Optional[Sequence[str]] = None, pretrained_path: Optional[PathLike] = None):
        super().__init__(output_layers)
        reference = mobilenet_v2(weights=None)
        if pretrained_path is not None:
            load_pretrained(reference, pretrained_path)
        for name, (first, last) in FEATURE_SPLITS.items():
            self.add_module(name, nn.Sequential(*reference.features[first:last]))
        self.classifier = reference.classifier

    def stages(self) -> Iterator[tuple]:
        for name in FEATURE_SPLITS:
            yield name, getattr(self, name)
        yield "classifier", lambda x: self.classifier(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))


def mobilenetv2(output_layers: Optional[Sequence[str]] = None,
                pretrained_path: Optional[PathLike] = None) -> MobileNetV2:
    """MobileNetV2 backbone; see :class:`MobileNetV2`."""
    return MobileNetV2(output_layers, pretrained_path)
