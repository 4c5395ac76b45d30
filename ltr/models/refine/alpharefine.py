"""Alpha-Refine: a box-refinement network that plugs into any base tracker, and its constructors.

Both crops are 256x256 (target in the central 128x128, ImageNet-normalised). The backbone
(ResNet up to layer3) gives conv1 64@128, layer1 64@64, layer2 128@32 and layer3 256@16. The
centre 8x8 of the template's layer3 (rows/cols 4:12) is the kernel: 64 vectors of 256
channels, correlated pixel-wise with the search layer3 -> (B, 64, 16, 16), then ``neck``
(1x1 convs + SE attention). ``corner_head`` turns that into the box (x_tl, y_tl, x_br, y_br)
by soft-argmax (coordinates 0..240 in crop pixels); ``mask_head`` decodes it, with the
search crop's conv1/layer1/layer2 adjusted by ``feat_adjust``, into a 256x256 mask.

The module layout is that of the published checkpoint (config SEcm_r34): ``feature_extractor``
keeps the backbone's layer4 and fc (in the state dict) but never runs them.
Backbone ImageNet weights come from a local torchvision-format file, never downloaded:
``backbone_pretrained=True`` uses ``backbone_path`` or the torchvision file name under the
network folder; pass ``backbone_pretrained=False`` when rebuilding a trained checkpoint.
"""
from __future__ import annotations

from typing import Dict, Optional, Sequence

import torch
import torch.nn as nn

from ltr.admin.environment import PathLike
from ltr.admin.loading import model_constructor
from ltr.models.backbone.base import RESNET18_FILE, RESNET34_FILE, backbone_weights
from ltr.models.backbone.resnet import resnet18, resnet34
from ltr.models.layers.blocks import conv_block
from ltr.models.refine.heads import KERNEL_SIZE, CornerHead, CorrelationNeck, MaskHead

# backbone stages used for the mask's skip connections, and their widths after feat_adjust
SKIP_LAYERS = ("conv1", "layer1", "layer2")
SKIP_ADJUSTED_DIMS = (64, 256, 512)
KERNEL_LAYER = "layer3"
FEATURE_STRIDE = 16


class AlphaRefineNet(nn.Module):
    """Backbone, pixel-wise correlation neck, corner head and mask head.

    Args:
        feature_extractor: backbone called as ``feature_extractor(im, layers)`` -> OrderedDict with
            the stages ``conv1``, ``layer1``, ``layer2``, ``layer3`` (strides 2, 4, 8, 16).
        skip_dims: channels of the backbone's (conv1, layer1, layer2) (64, 64, 128 for ResNet-18/34).
    """

    def __init__(self, feature_extractor: nn.Module, skip_dims: Sequence[int] = (64, 64, 128)):
        super().__init__()
        self.feature_extractor = feature_extractor
        self.neck = CorrelationNeck(KERNEL_SIZE * KERNEL_SIZE)
        self.corner_head = CornerHead(KERNEL_SIZE * KERNEL_SIZE, stride=FEATURE_STRIDE)
        self.mask_head = MaskHead(KERNEL_SIZE * KERNEL_SIZE, SKIP_ADJUSTED_DIMS)
        self.feat_adjust = nn.ModuleList([conv_block(c_in, c_out, kernel_size=1, padding=0)
                                          for c_in, c_out in zip(skip_dims, SKIP_ADJUSTED_DIMS)])

    def template_kernel(self, template_crop: torch.Tensor) -> torch.Tensor:
        """Kernel of the frame-1 crop: the centre 8x8 vectors of its layer3.

        Args:
            template_crop: (B, 3, 256, 256) crop around the target (any size with a layer3 of at
                least 8x8 cells, i.e. >= 128 px).
        Returns:
            (B, 64, C) kernel, vector k = layer3 cell (row 4 + k // 8, col 4 + k % 8) for 16x16 layer3.
        """
        feat = self.feature_extractor(template_crop, [KERNEL_LAYER])[KERNEL_LAYER]
        height, width = feat.shape[-2:]
        if min(height, width) < KERNEL_SIZE:
            raise ValueError(f"template layer3 is {height}x{width}, smaller than the {KERNEL_SIZE}x{KERNEL_SIZE} "
                             f"kernel: the crop must be at least {KERNEL_SIZE * FEATURE_STRIDE} px")
        top, left = (height - KERNEL_SIZE) // 2, (width - KERNEL_SIZE) // 2
        centre = feat[:, :, top:top + KERNEL_SIZE, left:left + KERNEL_SIZE]
        return centre.flatten(2).transpose(1, 2)

    def refine(self, search_crop: torch.Tensor, kernel: torch.Tensor, mask: bool = False) -> Dict[str, torch.Tensor]:
        """Refined box (and mask) in the search crop.

        Args:
            search_crop: (B, 3, 256, 256) crop around the base tracker's box.
            kernel: (B, 64, C) from :meth:`template_kernel`.
            mask: also run the mask head.
        Returns:
            dict with ``corners`` (B, 4) box (x_tl, y_tl, x_br, y_br) in crop pixels (0..240); with
            ``mask``: ``mask_logits`` and ``mask`` (sigmoid probabilities), each (B, 1, 256, 256).
        """
        layers = list(SKIP_LAYERS) + [KERNEL_LAYER] if mask else [KERNEL_LAYER]
        feats = self.feature_extractor(search_crop, layers)
        fused = self.neck(kernel, feats[KERNEL_LAYER])
        output = {"corners": self.corner_head(fused)}
        if mask:
            skips = [adjust(feats[name]) for adjust, name in zip(self.feat_adjust, SKIP_LAYERS)]
            logits = self.mask_head(fused, skips, search_crop.shape[-2:])
            output["mask_logits"] = logits
            output["mask"] = torch.sigmoid(logits)
        return output

    def forward(self, template_crop: torch.Tensor, search_crop: torch.Tensor,
                with_mask: bool = True) -> Dict[str, torch.Tensor]:
        """Training pass: :meth:`template_kernel` of ``template_crop`` (B, 3, 256, 256), then
        :meth:`refine` of ``search_crop`` (B, 3, 256, 256); same outputs as :meth:`refine`."""
        return self.refine(search_crop, self.template_kernel(template_crop), mask=with_mask)


@model_constructor
def alpharefine_secm_r34(backbone_pretrained: bool = False, backbone_path: Optional[PathLike] = None) -> AlphaRefineNet:
    """The released Alpha-Refine (SEcm_r34): ResNet-34, SE neck, corner + mask heads."""
    return AlphaRefineNet(resnet34(pretrained_path=backbone_weights(backbone_pretrained, backbone_path, RESNET34_FILE)))


@model_constructor
def alpharefine_secm_r18(backbone_pretrained: bool = False, backbone_path: Optional[PathLike] = None) -> AlphaRefineNet:
    """Alpha-Refine on ResNet-18 (lighter, for CPU studies); neck and heads as in SEcm_r34."""
    return AlphaRefineNet(resnet18(pretrained_path=backbone_weights(backbone_pretrained, backbone_path, RESNET18_FILE)))
