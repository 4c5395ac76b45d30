"""Alpha-Refine on ResNet-18 (lighter, for CPU studies): SEcm_r34's heads and training recipe.

As :mod:`ltr.train_settings.refine.secm_r34` with ``alpharefine_secm_r18`` and the torchvision
ResNet-18 ImageNet weights in ``backbone_weights``::

    python ltr/run_training.py refine secm_r18 --set backbone_weights=/abs/resnet18-f37072fd.pth
"""
from __future__ import annotations

from ltr.admin.settings import Settings
from ltr.models.backbone.base import RESNET18_FILE
from ltr.models.refine.alpharefine import alpharefine_secm_r18
from ltr.train_settings.refine import declare_defaults, train_refine


def run(settings: Settings) -> None:
    settings.description = "Alpha-Refine with a ResNet-18 backbone (SEcm heads), the published training recipe."
    declare_defaults(settings)
    settings.backbone_weights = RESNET18_FILE
    settings.apply_overrides()
    train_refine(settings, alpharefine_secm_r18)
