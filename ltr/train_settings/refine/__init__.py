"""Alpha-Refine training, shared by the ``refine/`` settings (``secm_r34`` as published, ``secm_r18``).

The defaults reproduce the published SEcm_r34 recipe (``../shared/reference/methods/alpharefine.md``
section 2):

- training data: LaSOT train, GOT-10k ``train``, COCO 2014 train, ImageNet VID, ImageNet DET,
  YouTube-VOS (masks) and the saliency images (masks), weights 1:1:1:1:1:2:3; 128000 samples per
  epoch (the published 4000 iterations of batch 32, summed over its 8 GPUs: under torchrun the
  samples are split across the processes);
- sampler 'interval' mode (:class:`ltr.data.sampler.TrackingSampler`), ``max_gap`` 50, one
  template and one search frame; image datasets serve the same image twice. The published
  sampler widened the gap by 5 after a failed try, which never happens in this mode (the
  template frame itself is always a candidate search frame);
- processing :class:`ltr.data.refine_processing.RefineProcessing`: ``ceil(2 w) x ceil(2 h)`` crops
  resized to 256, zero padding, jitter only on the search frame (centre 0.25, scale 0.25),
  grayscale with probability 0.05 on both frames, brightness jitter 0.2 per frame (training
  loader only), ImageNet normalisation; masks cropped like the images;
- loss :class:`ltr.models.loss.refine_loss.RefineLoss` (corner MSE + 1000 x mask BCE on the
  samples with masks) through :class:`ltr.actors.refine.RefineActor`;
- Adam lr 1e-3 on all network parameters (ImageNet backbone from ``backbone_weights``, fully
  trainable), StepLR(8, 0.5), batch 32, 40 epochs;
- validation: LaSOT test, 500 batches every 5th epoch, as published; declared with weight 0
  because :class:`ltr.dataset.lasot.Lasot` serves only the train split (``--set
  val_data.lasot.weight=1`` once it serves 'test'). Without a validation entry of positive
  weight no validation loader is built.

Settings declared (overridable with ``--set``): ``train_data`` / ``val_data`` ({entry: {dataset:
one of :data:`ltr.train_settings.data.DATASETS`, root (None: the dataset's path setting), options, weight}}; weight 0
leaves an entry out), ``samples_per_epoch``, ``val_samples_per_epoch``, ``val_epoch_interval``,
``batch_size``, ``num_workers``, ``max_gap``, ``processing`` {search_area_factor, output_size,
center_jitter, scale_jitter, grayscale_probability, brightness}, ``num_epochs``, ``lr``,
``lr_step``, ``lr_gamma``, ``backbone_weights``, ``backbone_pretrained`` (True: the backbone starts from
``backbone_weights``; False: random initialisation, e.g. ``--set backbone_pretrained=False`` for studies on
synthetic videos without ImageNet weights). Smoke mode: two synthetic videos with masks (training and
validation), batch 2, four samples per epoch, 128-pixel crops, random backbone.
"""
from __future__ import annotations

from pathlib import Path
from functools import partial
from typing import Callable

import torch

from ltr.actors.refine import RefineActor
from ltr.admin.loading import network_file
from ltr.admin.settings import Settings
from ltr.data.atom_processing import atom_frame_transform
from ltr.data.refine_processing import RefineProcessing
from ltr.data.transforms import ToGrayscale
from ltr.models.backbone.resnet import load_pretrained
from ltr.models.refine.alpharefine import AlphaRefineNet
from ltr.train_settings.data import SMOKE_SEQUENCES, dataset_entry
from ltr.train_settings.data import build_loaders as build_data_loaders
from ltr.trainers.ltr_trainer import LTRTrainer

MASK_MIN_SEQUENCE_LENGTH = 2
SMOKE_OUTPUT_SIZE = 128  # the smallest crop with the 8 x 8 template kernel


def declare_defaults(settings: Settings) -> None:
    """Declare the published recipe (module doc); smoke mode: tiny synthetic data with masks, batch 2."""
    settings.train_data = {"lasot": dataset_entry("lasot", split="train"),
                           "got10k": dataset_entry("got10k", split="train"),
                           "coco": dataset_entry("coco", version="2014", split="train"),
                           "imagenetvid": dataset_entry("imagenetvid"),
                           "imagenetdet": dataset_entry("imagenetdet"),
                           "youtubevos": dataset_entry("youtubevos", weight=2),
                           "saliency": dataset_entry("saliency", weight=3)}
    settings.val_data = {"lasot": dataset_entry("lasot", weight=0, split="test")}
    settings.batch_size = 32
    settings.samples_per_epoch = 4000 * settings.batch_size
    settings.val_samples_per_epoch = 500 * settings.batch_size
    settings.val_epoch_interval = 5
    settings.num_workers = 4
    settings.max_gap = 50
    settings.processing = {"search_area_factor": 2.0, "output_size": 256,
                           "center_jitter": {"train": 0.0, "test": 0.25}, "scale_jitter": {"train": 0.0, "test": 0.25},
                           "grayscale_probability": 0.05, "brightness": 0.2}
    settings.num_epochs = 40
    settings.lr = 1e-3
    settings.lr_step = 8
    settings.lr_gamma = 0.5
    settings.backbone_pretrained = True
    if settings.smoke:
        root = str(Path(settings.env.workspace_path) / "smoke" / "synthetic_train")
        settings.train_data = {"synthetic": dataset_entry("synthetic", root=root, num_sequences=SMOKE_SEQUENCES)}
        settings.val_data = {"synthetic": dataset_entry("synthetic", root=root, num_sequences=SMOKE_SEQUENCES)}
        settings.batch_size = 2
        settings.samples_per_epoch = settings.val_samples_per_epoch = 4
        settings.val_epoch_interval = 1
        settings.num_workers = 0
        settings.processing["output_size"] = SMOKE_OUTPUT_SIZE
        settings.backbone_pretrained = False


def refine_processing(settings: Settings, training: bool) -> RefineProcessing:
    """The processing of ``settings.processing``; brightness jitter only when ``training``."""
    spec = settings.processing
    return RefineProcessing(search_area_factor=spec["search_area_factor"], output_size=spec["output_size"],
                            center_jitter=spec["center_jitter"], scale_jitter=spec["scale_jitter"],
                            joint_transform=ToGrayscale(spec["grayscale_probability"]),
                            frame_transform=atom_frame_transform(spec["brightness"] if training else 0.0))


def build_loaders(settings: Settings) -> list:
    """``[train loader]`` plus the validation loader when ``val_data`` has an entry of positive weight;
    batches are (B, ...) (see :class:`~ltr.data.refine_processing.RefineProcessing`). As in the published
    sampler, a video with target masks needs only :data:`MASK_MIN_SEQUENCE_LENGTH` frames (YouTube-VOS
    objects are often annotated in a few), the others the usual 20."""
    return build_data_loaders(settings, partial(refine_processing, settings), "interval",
                              min_sequence_length=lambda d: MASK_MIN_SEQUENCE_LENGTH if d.has_masks() else 20)


def build_network(settings: Settings, constructor: Callable[..., AlphaRefineNet]) -> AlphaRefineNet:
    """``constructor()`` with the backbone read from ``settings.backbone_weights`` when
    ``settings.backbone_pretrained`` (else, and in smoke mode, random weights).

    The weights are loaded after construction, so the checkpoint's recorded constructor rebuilds the
    network without the weight file. Raises MissingPathError naming the setting when the file is missing.
    """
    net = constructor()
    if settings.backbone_pretrained:
        path = network_file(settings.backbone_weights, what="ImageNet backbone weights (settings.backbone_weights, "
                                                            "--set backbone_weights=PATH)")
        load_pretrained(net.feature_extractor, path)
    return net


def train_refine(settings: Settings, constructor: Callable[..., AlphaRefineNet]) -> None:
    """Train ``constructor``'s network with the recipe in ``settings`` (``apply_overrides`` already called).

    The backbone's layer4 and fc are in the network (published state-dict layout) but never run, so
    DistributedDataParallel looks for unused parameters.
    """
    net = build_network(settings, constructor)
    optimizer = torch.optim.Adam(net.parameters(), lr=settings.lr)
    lr_scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=settings.lr_step, gamma=settings.lr_gamma)
    trainer = LTRTrainer(RefineActor(net), build_loaders(settings), optimizer, settings, lr_scheduler,
                         find_unused_parameters=True)
    trainer.train(settings.num_epochs)
