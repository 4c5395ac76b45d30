"""ATOM's IoU-Net on a frozen ImageNet ResNet-18, as in the ATOM paper (the CFKD teacher's recipe).

``atom_resnet18`` with its backbone loaded from ``backbone_weights`` (a torchvision ResNet-18
ImageNet state dict: a file name under the network folder, ``PYTRACKING_NETWORK_PATH``, or an
absolute path) and frozen (``requires_grad`` False, kept in evaluation mode by
:class:`ltr.actors.bbreg.ATOMActor`); only the IoU-Net head trains: MSE on the ``2 * IoU - 1``
labels, Adam lr 1e-3, StepLR(15, 0.2), batch 64, 50 epochs of 1000 batches. Data: the ATOM
defaults of :mod:`ltr.train_settings.bbreg`. Smoke mode: random weights, synthetic videos::

    python ltr/run_training.py bbreg atom_paper
    python ltr/run_training.py bbreg atom_paper --set backbone_weights=/abs/resnet18-f37072fd.pth \\
        train_data.trackingnet.weight=0 samples_per_epoch=6400
"""
from __future__ import annotations

import torch

from ltr.actors.bbreg import ATOMActor
from ltr.admin.loading import network_file
from ltr.admin.settings import Settings
from ltr.models.backbone.base import RESNET18_FILE
from ltr.models.backbone.resnet import load_pretrained
from ltr.models.bbreg.atom import ATOMnet, atom_resnet18
from ltr.train_settings.bbreg import build_loaders, declare_data_defaults
from ltr.trainers.ltr_trainer import LTRTrainer


def build_network(settings: Settings) -> ATOMnet:
    """``atom_resnet18`` with the backbone read from ``settings.backbone_weights`` (smoke: random) and frozen.

    The weights are loaded after construction, so the checkpoint's recorded constructor rebuilds
    the network without the weight file. Raises MissingPathError naming the setting and the
    looked-up path when the file is missing.
    """
    net = atom_resnet18()
    if not settings.smoke:
        path = network_file(settings.backbone_weights, what="ImageNet ResNet-18 weights (settings.backbone_weights, "
                                                            "--set backbone_weights=PATH)")
        load_pretrained(net.feature_extractor, path)
    net.feature_extractor.requires_grad_(False)
    return net


def run(settings: Settings) -> None:
    settings.description = "ATOM IoU-Net (ResNet-18, frozen ImageNet backbone) trained with MSE, as in ATOM."
    declare_data_defaults(settings)
    settings.backbone_weights = RESNET18_FILE
    settings.num_epochs = 50
    settings.lr = 1e-3
    settings.lr_step = 15
    settings.lr_gamma = 0.2
    settings.apply_overrides()

    net = build_network(settings)
    optimizer = torch.optim.Adam(net.bb_regressor.parameters(), lr=settings.lr)
    lr_scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=settings.lr_step, gamma=settings.lr_gamma)
    trainer = LTRTrainer(ATOMActor(net), build_loaders(settings), optimizer, settings, lr_scheduler)
    trainer.train(settings.num_epochs)
