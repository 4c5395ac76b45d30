"""Alpha-Refine as released (SEcm_r34): ResNet-34, corner + mask heads, trained with the published recipe.

``alpharefine_secm_r34`` with its backbone loaded from ``backbone_weights`` (a torchvision
ResNet-34 ImageNet state dict: a file name under the network folder, ``PYTRACKING_NETWORK_PATH``,
or an absolute path), fully trainable; data, loss and schedule of :mod:`ltr.train_settings.refine`
(Adam 1e-3, StepLR(8, 0.5), 40 epochs, batch 32, datasets 1:1:1:1:1:2:3). Smoke mode: random
weights, synthetic videos with masks::

    python ltr/run_training.py refine secm_r34 --set backbone_weights=/abs/resnet34-b627a593.pth
    python ltr/run_training.py refine secm_r34 --set train_data.imagenetdet.weight=0 samples_per_epoch=32000
"""
from __future__ import annotations

from ltr.admin.settings import Settings
from ltr.models.backbone.base import RESNET34_FILE
from ltr.models.refine.alpharefine import alpharefine_secm_r34
from ltr.train_settings.refine import declare_defaults, train_refine


def run(settings: Settings) -> None:
    settings.description = "Alpha-Refine SEcm_r34 (ResNet-34, corner + mask heads), the published training recipe."
    declare_defaults(settings)
    settings.backbone_weights = RESNET34_FILE
    settings.apply_overrides()
    train_refine(settings, alpharefine_secm_r34)
