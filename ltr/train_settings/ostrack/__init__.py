"""OSTrack training (the CompressTracker teacher) and the data recipe shared with ``compresstracker/``.

Defaults are OSTrack's published ``vitb_256_mae_32x4_ep300`` recipe (github botaoye/OSTrack:
``experiments/ostrack/vitb_256_mae_32x4_ep300.yaml``, ``lib/config/ostrack/config.py``,
``lib/train/base_functions.py``, ``lib/train/train_script.py``):

- data: LaSOT train, GOT-10k ``vottrain``, COCO 2017 train and TrackingNet (all 12 chunks), weights
  1:1:1:1, 60000 samples per epoch; validation on GOT-10k ``votval``, 10000 samples every 20th epoch;
  sampler 'causal' mode, ``max_gap`` 200, one template and one search frame;
- processing :class:`ltr.data.ostrack_processing.OSTrackProcessing`: template factor 2.0 -> 128, search
  4.0 -> 256, jitter centre 0 / 3 and scale 0 / 0.25 (template / search), zero padding; grayscale 0.05
  and a joint flip 0.5 on both loaders, per-crop brightness 0.2 and per-crop flip 0.5 on the training
  loader only, ImageNet normalisation; batches (1, B, ...) (``stack_dim=1``);
- batch 32 per process (the paper: 32 on each of 4 GPUs), 8 loader workers;
- network ``ostrack_vitb_256`` (drop path 0.1, no candidate elimination) with its ViT initialised from
  MAE ViT-B/16 weights (``pretrained_path`` = ``mae_pretrain_vit_base.pth``, a file name in the network
  folder or a path); loss 2 * GIoU + 5 * L1 + 1 * focal (``loss``);
- AdamW, ``lr`` 4e-4 for the head and ``lr * backbone_lr_multiplier`` (0.1) for the backbone, weight decay
  1e-4, StepLR(``lr_step`` 240, ``lr_gamma`` 0.1), 300 epochs, gradient norm clipped to 0.1, FP32.

Settings declared (``--set``): ``train_data`` / ``val_data`` (entries as in :mod:`ltr.train_settings.bbreg`),
``samples_per_epoch``, ``val_samples_per_epoch``, ``val_epoch_interval``, ``batch_size``, ``num_workers``,
``max_gap``, ``processing`` {search_area_factor, output_size, center_jitter, scale_jitter (each
{template, search}), grayscale_probability, flip_probability, crop_flip_probability, brightness}.

CPU studies (``cpu_study=True``): synthetic training videos (``synthetic_train_path``), validation on
10 synthetic videos of another seed under ``<workspace>/synthetic_val``, 64 / 128 crops, batch 16,
100 batches per epoch, validation every 5th epoch on 20 batches. Smoke mode: two synthetic videos,
batch 2, four samples, 64 / 128 crops, validation every epoch, ViT-tiny networks with random weights.
"""
from __future__ import annotations

from functools import partial

from pathlib import Path

import torch

from ltr.actors.ostrack import OSTrackActor
from ltr.admin.environment import gather_missing
from ltr.admin.loading import import_callable, network_file
from ltr.admin.settings import Settings
from ltr.data.ostrack_processing import OSTrackProcessing, ostrack_frame_transform, ostrack_joint_transform
from ltr.models.backbone.vit import load_pretrained_vit
from ltr.models.loss.ostrack_loss import OSTrackLoss
from ltr.models.ostrack.ostrack import OSTrack
from ltr.train_settings.data import SMOKE_SEQUENCES, build_loaders, dataset_entry
from ltr.trainers.ltr_trainer import LTRTrainer

SMALL_CROPS = {"template": 64, "search": 128}  # 4 x 4 template and 8 x 8 search tokens
STUDY_VAL_SEQUENCES = 10
STUDY_VAL_SEED = 2


def declare_ostrack_data_defaults(settings: Settings, cpu_study: bool = False) -> None:
    """Declare OSTrack's data settings (module doc); ``cpu_study`` switches to synthetic videos and small crops."""
    settings.train_data = {"lasot": dataset_entry("lasot", split="train"),
                           "got10k": dataset_entry("got10k", split="vottrain"),
                           "coco": dataset_entry("coco", version="2017", split="train"),
                           "trackingnet": dataset_entry("trackingnet")}
    settings.val_data = {"got10k": dataset_entry("got10k", split="votval")}
    settings.batch_size = 32
    settings.samples_per_epoch = 60000
    settings.val_samples_per_epoch = 10000
    settings.val_epoch_interval = 20
    settings.num_workers = 8
    settings.max_gap = 200
    settings.processing = {"search_area_factor": {"template": 2.0, "search": 4.0},
                           "output_size": {"template": 128, "search": 256},
                           "center_jitter": {"template": 0.0, "search": 3.0},
                           "scale_jitter": {"template": 0.0, "search": 0.25},
                           "grayscale_probability": 0.05, "flip_probability": 0.5, "crop_flip_probability": 0.5,
                           "brightness": 0.2}
    if cpu_study:
        val_root = str(Path(settings.env.workspace_path) / "synthetic_val")
        settings.train_data = {"synthetic": dataset_entry("synthetic")}
        settings.val_data = {"synthetic": dataset_entry("synthetic", root=val_root, seed=STUDY_VAL_SEED,
                                                        num_sequences=STUDY_VAL_SEQUENCES)}
        settings.batch_size = 16
        settings.samples_per_epoch = 100 * settings.batch_size
        settings.val_samples_per_epoch = 20 * settings.batch_size
        settings.val_epoch_interval = 5
        settings.num_workers = 2
        settings.processing["output_size"] = dict(SMALL_CROPS)
    if settings.smoke:
        root = str(Path(settings.env.workspace_path) / "smoke" / "synthetic_train")
        settings.train_data = {"synthetic": dataset_entry("synthetic", root=root, num_sequences=SMOKE_SEQUENCES)}
        settings.val_data = {"synthetic": dataset_entry("synthetic", root=root, num_sequences=SMOKE_SEQUENCES)}
        settings.batch_size = 2
        settings.samples_per_epoch = settings.val_samples_per_epoch = 4
        settings.val_epoch_interval = 1
        settings.num_workers = 0
        settings.processing["output_size"] = dict(SMALL_CROPS)


def crop_sizes(settings: Settings) -> dict:
    """``{'template_size', 'search_size'}`` of ``settings.processing``: the networks' constructor arguments."""
    sizes = settings.processing["output_size"]
    return {"template_size": sizes["template"], "search_size": sizes["search"]}


def ostrack_processing(settings: Settings, training: bool) -> OSTrackProcessing:
    """The processing of ``settings.processing``; brightness jitter and crop flips only when ``training``."""
    spec = settings.processing
    frame_transform = (ostrack_frame_transform(spec["brightness"], spec["crop_flip_probability"]) if training
                       else ostrack_frame_transform(0.0, 0.0))
    return OSTrackProcessing(search_area_factor=spec["search_area_factor"], output_size=spec["output_size"],
                             center_jitter=spec["center_jitter"], scale_jitter=spec["scale_jitter"],
                             joint_transform=ostrack_joint_transform(spec["grayscale_probability"],
                                                                     spec["flip_probability"]),
                             frame_transform=frame_transform)


def build_ostrack_loaders(settings: Settings) -> list:
    """``[train loader, val loader]`` of OSTrack samples, batches stacked as (1, B, ...)."""
    return build_loaders(settings, partial(ostrack_processing, settings), "causal", stack_dim=1)


def declare_ostrack_training_defaults(settings: Settings) -> None:
    """Declare the network, loss and optimiser settings of OSTrack's recipe (module doc)."""
    settings.network = "ltr.models.ostrack.ostrack_vitb_256"
    settings.pretrained_path = "mae_pretrain_vit_base.pth"
    settings.drop_path_rate = 0.1
    settings.loss = {"w_giou": 2.0, "w_l1": 5.0, "w_focal": 1.0}
    settings.num_epochs = 300
    settings.lr = 4e-4
    settings.backbone_lr_multiplier = 0.1
    settings.weight_decay = 1e-4
    settings.lr_step = 240
    settings.lr_gamma = 0.1
    settings.grad_clip = 0.1
    if settings.smoke:
        settings.network = "ltr.models.ostrack.ostrack_vit_tiny"


def build_ostrack(settings: Settings) -> OSTrack:
    """``settings.network`` for the crop sizes, its ViT loaded from ``settings.pretrained_path`` (empty, None or
    smoke mode: random weights). The weights are loaded after construction, so checkpoints rebuild the network
    without the file. Raises MissingPathError naming the setting when the file is missing, CheckpointError
    when it does not fit."""
    net = import_callable(settings.network)(**crop_sizes(settings), drop_path_rate=settings.drop_path_rate)
    if settings.pretrained_path and not settings.smoke:
        path = network_file(settings.pretrained_path, what="pretrained ViT weights (settings.pretrained_path; "
                                                           "--set pretrained_path=PATH, or empty for random weights)")
        load_pretrained_vit(net.backbone, path)
    return net


def train_ostrack(settings: Settings) -> None:
    """Build network, loaders, AdamW (backbone at ``lr * backbone_lr_multiplier``) and train ``num_epochs``;
    every missing input (weight file, datasets) is reported in one MissingPathError."""
    net, loaders = gather_missing(lambda: build_ostrack(settings), lambda: build_ostrack_loaders(settings))
    head = [p for name, p in net.named_parameters() if not name.startswith("backbone.")]
    backbone = [p for name, p in net.named_parameters() if name.startswith("backbone.")]
    optimizer = torch.optim.AdamW([{"params": head},
                                   {"params": backbone, "lr": settings.lr * settings.backbone_lr_multiplier}],
                                  lr=settings.lr, weight_decay=settings.weight_decay)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=settings.lr_step, gamma=settings.lr_gamma)
    actor = OSTrackActor(net, OSTrackLoss(**settings.loss))
    # cls_token and the 14 x 14 pos_embed are kept for the published layout but unused in the forward pass
    trainer = LTRTrainer(actor, loaders, optimizer, settings, scheduler,
                         grad_clip=settings.grad_clip, find_unused_parameters=True)
    trainer.train(settings.num_epochs)
