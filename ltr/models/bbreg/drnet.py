"""DRNet networks: ATOM's network with the direct box-regression head (DirectReg).

Constructor names and parameter layouts are those of the published DRNet checkpoints and the
CFKD student; the network class is :class:`~ltr.models.bbreg.atom.ATOMnet`, whose forward
returns (num_test, B, N, 4) offsets here. Backbone weights: see :mod:`ltr.models.bbreg.atom`.
"""
from __future__ import annotations

from typing import Optional, Sequence

from ltr.admin.environment import PathLike
from ltr.admin.loading import model_constructor
from ltr.models.backbone.base import MOBILENETV2_FILE, RESNET50_FILE, backbone_weights
from ltr.models.backbone.mobilenetv2 import mobilenetv2
from ltr.models.backbone.resnet import resnet50
from ltr.models.bbreg.atom import SMALL_HEAD_DIM, ATOMnet, head_dims
from ltr.models.bbreg.drnet_head import DirectReg


@model_constructor
def drnet_resnet50(iou_input_dim: Sequence[int] = (256, 256), iou_inter_dim: Sequence[int] = (256, 256),
                   backbone_pretrained: bool = False, backbone_path: Optional[PathLike] = None) -> ATOMnet:
    """DRNet teacher: ResNet-50 backbone, DirectReg on layer2 (512 ch) + layer3 (1024 ch)."""
    backbone = resnet50(pretrained_path=backbone_weights(backbone_pretrained, backbone_path, RESNET50_FILE))
    head = DirectReg(input_dim=(512, 1024), pred_input_dim=iou_input_dim, pred_inter_dim=iou_inter_dim)
    return ATOMnet(backbone, head)


@model_constructor
def drnet_mobilenetsmall(backbone_pretrained: bool = False, backbone_path: Optional[PathLike] = None) -> ATOMnet:
    """mDRNet, the CFKD student: MobileNetV2 backbone, 64-d DirectReg on layer2 (32) + layer3 (64)."""
    backbone = mobilenetv2(pretrained_path=backbone_weights(backbone_pretrained, backbone_path, MOBILENETV2_FILE))
    return ATOMnet(backbone, DirectReg(input_dim=(32, 64), **head_dims(SMALL_HEAD_DIM)))
