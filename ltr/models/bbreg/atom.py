"""ATOM networks: a backbone plus the IoU-Net head, and their constructors.

Constructor names, module and parameter layouts are those of the published ATOM checkpoints
and the CFKD students (``ltr.models.bbreg.atom.atom_resnet18``, ...), so model-zoo files
rebuild from their recorded constructor and load strictly. Backbone ImageNet weights are read
from a local torchvision-format file, never downloaded: ``backbone_pretrained=True`` uses
``backbone_path`` or the torchvision file name under the network folder (``network_path``).
When rebuilding a trained checkpoint, pass ``backbone_pretrained=False`` (its weights replace
the backbone's anyway).
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Optional, Sequence

import torch
import torch.nn as nn

from ltr.admin.environment import PathLike
from ltr.admin.loading import model_constructor
from ltr.models.backbone.base import MOBILENETV2_FILE, RESNET18_FILE, RESNET50_FILE, backbone_weights
from ltr.models.backbone.mobilenetv2 import mobilenetv2
from ltr.models.backbone.resnet import resnet18, resnet18_variant, resnet50
from ltr.models.bbreg.atom_iou_net import AtomIoUNet

BB_REGRESSOR_LAYERS = ("layer2", "layer3")
# head widths (iou_input_dim = iou_inter_dim = inner width) of the scaled students
SMALL_HEAD_DIM = 64
VARIANT_HEAD_DIM = {"medium": 128, "small": 64, "tiny": 32}


class ATOMnet(nn.Module):
    """Backbone + bounding-box regressor (IoU-Net for ATOM, DirectReg for DRNet).

    Args:
        feature_extractor: backbone called as ``feature_extractor(im, layers)`` -> OrderedDict.
        bb_regressor: head called as ``bb_regressor(feat1, feat2, bb1, proposals2)``.
        bb_regressor_layer: backbone stages fed to the head (block 3 then block 4).
    """

    def __init__(self, feature_extractor: nn.Module, bb_regressor: nn.Module,
                 bb_regressor_layer: Sequence[str] = BB_REGRESSOR_LAYERS):
        super().__init__()
        self.feature_extractor = feature_extractor
        self.bb_regressor = bb_regressor
        self.bb_regressor_layer = list(bb_regressor_layer)
        self.feature_extractor_layers = sorted(set(self.bb_regressor_layer))

    def forward(self, train_imgs: torch.Tensor, test_imgs: torch.Tensor, train_bb: torch.Tensor,
                test_proposals: torch.Tensor, feature_layers: Optional[Sequence[str]] = None):
        """Head predictions for the test proposals given the reference target boxes.

        Args:
            train_imgs: (num_train, B, 3, H, W) reference images (or (B, 3, H, W)).
            test_imgs: (num_test, B, 3, H, W) test images (or (B, 3, H, W)).
            train_bb: (num_train, B, 4) reference boxes (x, y, w, h) in image pixels.
            test_proposals: (num_test, B, N, 4) proposals (x, y, w, h).
            feature_layers: backbone stages to return as well (knowledge distillation), e.g.
                ``('conv1', 'layer1', 'layer2', 'layer3')``.
        Returns:
            (num_test, B, N) IoU predictions (ATOM) or (num_test, B, N, 4) offsets (DRNet); with
            ``feature_layers``, the tuple ``(predictions, reference features, test features)``
            whose feature dicts map each stage to (num_train * B, C, h, w) / (num_test * B, C, h, w).
        """
        num_sequences = train_imgs.shape[-4]
        num_train = train_imgs.shape[0] if train_imgs.dim() == 5 else 1
        num_test = test_imgs.shape[0] if test_imgs.dim() == 5 else 1
        layers = self.feature_extractor_layers
        if feature_layers is not None:
            layers = sorted(set(layers) | set(feature_layers))
        train_feat = self.extract_backbone_features(train_imgs.reshape(-1, *train_imgs.shape[-3:]), layers)
        test_feat = self.extract_backbone_features(test_imgs.reshape(-1, *test_imgs.shape[-3:]), layers)
        prediction = self.bb_regressor([train_feat[name] for name in self.bb_regressor_layer],
                                       [test_feat[name] for name in self.bb_regressor_layer],
                                       train_bb.reshape(num_train, num_sequences, 4),
                                       test_proposals.reshape(num_test, num_sequences, -1, 4))
        if feature_layers is None:
            return prediction
        return (prediction, {name: train_feat[name] for name in feature_layers},
                {name: test_feat[name] for name in feature_layers})

    def extract_backbone_features(self, im: torch.Tensor,
                                  layers: Optional[Sequence[str]] = None) -> "OrderedDict[str, torch.Tensor]":
        """(K, 3, H, W) -> OrderedDict of backbone stages (default: the head's layers)."""
        return self.feature_extractor(im, layers if layers is not None else self.feature_extractor_layers)

    def extract_features(self, im: torch.Tensor, layers: Sequence[str]) -> "OrderedDict[str, torch.Tensor]":
        """(K, 3, H, W) -> OrderedDict of the backbone stages ``layers``."""
        return self.feature_extractor(im, layers)


def head_dims(dim: int) -> dict:
    """Keyword arguments of a scaled head whose inner and prediction widths are all ``dim``."""
    return {"pred_input_dim": (dim, dim), "pred_inter_dim": (dim, dim), "hidden_dim": dim}


@model_constructor
def atom_resnet18(iou_input_dim: Sequence[int] = (256, 256), iou_inter_dim: Sequence[int] = (256, 256),
                  backbone_pretrained: bool = False, backbone_path: Optional[PathLike] = None) -> ATOMnet:
    """ATOM: ResNet-18 backbone, IoU-Net on layer2 (128 ch) + layer3 (256 ch)."""
    backbone = resnet18(pretrained_path=backbone_weights(backbone_pretrained, backbone_path, RESNET18_FILE))
    head = AtomIoUNet(input_dim=(128, 256), pred_input_dim=iou_input_dim, pred_inter_dim=iou_inter_dim)
    return ATOMnet(backbone, head)


@model_constructor
def atom_resnet50(iou_input_dim: Sequence[int] = (256, 256), iou_inter_dim: Sequence[int] = (256, 256),
                  backbone_pretrained: bool = False, backbone_path: Optional[PathLike] = None) -> ATOMnet:
    """ATOM: ResNet-50 backbone, IoU-Net on layer2 (512 ch) + layer3 (1024 ch)."""
    backbone = resnet50(pretrained_path=backbone_weights(backbone_pretrained, backbone_path, RESNET50_FILE))
    head = AtomIoUNet(input_dim=(512, 1024), pred_input_dim=iou_input_dim, pred_inter_dim=iou_inter_dim)
    return ATOMnet(backbone, head)


def _atom_resnet18_variant(variant: str, backbone_pretrained: bool, backbone_path: Optional[PathLike]) -> ATOMnet:
    """ATOM on a narrow ResNet-18 (CFKD architecture study) with a proportionally scaled head."""
    backbone = resnet18_variant(variant, pretrained_path=backbone_weights(backbone_pretrained, backbone_path, None))
    dim = VARIANT_HEAD_DIM[variant]
    return ATOMnet(backbone, AtomIoUNet(input_dim=(dim // 2, dim), **head_dims(dim)))


@model_constructor
def atom_resnet18medium(backbone_pretrained: bool = False, backbone_path: Optional[PathLike] = None) -> ATOMnet:
    """ATOM on ResNet-18-medium (inplanes 32; layer2 64, layer3 128 ch), 128-d head."""
    return _atom_resnet18_variant("medium", backbone_pretrained, backbone_path)


@model_constructor
def atom_resnet18small(backbone_pretrained: bool = False, backbone_path: Optional[PathLike] = None) -> ATOMnet:
    """ATOM on ResNet-18-small (inplanes 16; layer2 32, layer3 64 ch), 64-d head."""
    return _atom_resnet18_variant("small", backbone_pretrained, backbone_path)


@model_constructor
def atom_resnet18tiny(backbone_pretrained: bool = False, backbone_path: Optional[PathLike] = None) -> ATOMnet:
    """ATOM on ResNet-18-tiny (inplanes 8; layer2 16, layer3 32 ch), 32-d head."""
    return _atom_resnet18_variant("tiny", backbone_pretrained, backbone_path)


def _atom_mobilenet_small(backbone_pretrained: bool, backbone_path: Optional[PathLike]) -> ATOMnet:
    """MobileNetV2 backbone (layer2 32 ch, layer3 64 ch) with a 64-d IoU-Net."""
    backbone = mobilenetv2(pretrained_path=backbone_weights(backbone_pretrained, backbone_path, MOBILENETV2_FILE))
    return ATOMnet(backbone, AtomIoUNet(input_dim=(32, 64), **head_dims(SMALL_HEAD_DIM)))


@model_constructor
def atom_mobilenetsmall(backbone_pretrained: bool = False, backbone_path: Optional[PathLike] = None) -> ATOMnet:
    """mATOM, the CFKD student: MobileNetV2 backbone, 64-d IoU-Net on layer2 (32) + layer3 (64)."""
    return _atom_mobilenet_small(backbone_pretrained, backbone_path)


@model_constructor
def atom_mobilenet(backbone_pretrained: bool = False, backbone_path: Optional[PathLike] = None) -> ATOMnet:
    """MobileNetV2 ATOM; the published checkpoint has the same layout as :func:`atom_mobilenetsmall`."""
    return _atom_mobilenet_small(backbone_pretrained, backbone_path)
