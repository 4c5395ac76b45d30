"""ATOM IoU-Net training data, shared by the ``bbreg/`` settings (and reusable by other ATOM-style ones).

The defaults reproduce the original ATOM training data (PyTracking's ``bbreg/atom`` settings):

- training: LaSOT train, GOT-10k ``vottrain``, TrackingNet chunks 0-3 and COCO 2017 train,
  weights 1:1:1:1, ``1000 * batch_size`` samples per epoch;
- validation: GOT-10k ``votval``, ``500 * batch_size`` samples every ``val_epoch_interval`` = 5th
  epoch;
- sampler 'interval' mode, ``max_gap`` 50, 1 train + 1 test frame
  (:class:`ltr.data.sampler.TrackingSampler`);
- processing :class:`ltr.data.atom_processing.ATOMProcessing`: search area 5, 288 crops, centre
  jitter 0 / 4.5 and scale jitter 0 / 0.5 (train / test frame), 16 proposals with sigma factors
  {0.01, 0.05, 0.1, 0.2, 0.3} and min IoU 0.1, grayscale with probability 0.05 on both loaders,
  brightness jitter 0.2 on the training loader only, ImageNet normalisation;
- loaders collate with ``stack_dim=1``: batches are (num_frames, B, ...).

Settings declared (overridable with ``--set``): ``train_data`` and ``val_data`` (dataset entries, see
:mod:`ltr.train_settings.data`; an entry of weight 0 is not loaded, e.g. ``--set train_data.coco.weight=0``),
``samples_per_epoch``, ``val_samples_per_epoch``, ``val_epoch_interval``, ``batch_size``,
``num_workers``, ``max_gap``, ``processing`` {search_area_factor, output_size, center_jitter,
scale_jitter, num_proposals, min_iou, sigma_factors, grayscale_probability, brightness}.
Smoke mode: two small synthetic videos, batch 2, four samples per epoch, 96-pixel crops,
validation every epoch.
"""
from __future__ import annotations

from functools import partial
from pathlib import Path

from ltr.admin.settings import Settings
from ltr.data.atom_processing import SIGMA_FACTORS, ATOMProcessing, atom_frame_transform
from ltr.data.transforms import ToGrayscale
from ltr.train_settings.data import SMOKE_SEQUENCES, dataset_entry
from ltr.train_settings.data import build_loaders as build_data_loaders
SMOKE_OUTPUT_SIZE = 96  # crops of 6 x 6 layer3 cells keep smoke runs of the big teachers fast


def declare_data_defaults(settings: Settings) -> None:
    """Declare ATOM's data settings (module doc); smoke mode: tiny synthetic data, batch 2."""
    settings.train_data = {"lasot": dataset_entry("lasot", split="train"),
                           "got10k": dataset_entry("got10k", split="vottrain"),
                           "trackingnet": dataset_entry("trackingnet", set_ids=[0, 1, 2, 3]),
                           "coco": dataset_entry("coco", version="2017", split="train")}
    settings.val_data = {"got10k": dataset_entry("got10k", split="votval")}
    settings.batch_size = 64
    settings.samples_per_epoch = 1000 * settings.batch_size
    settings.val_samples_per_epoch = 500 * settings.batch_size
    settings.val_epoch_interval = 5
    settings.num_workers = 8
    settings.max_gap = 50
    settings.processing = {"search_area_factor": 5.0, "output_size": 288,
                           "center_jitter": {"train": 0.0, "test": 4.5}, "scale_jitter": {"train": 0.0, "test": 0.5},
                           "num_proposals": 16, "min_iou": 0.1, "sigma_factors": list(SIGMA_FACTORS),
                           "grayscale_probability": 0.05, "brightness": 0.2}
    if settings.smoke:
        root = str(Path(settings.env.workspace_path) / "smoke" / "synthetic_train")
        settings.train_data = {"synthetic": dataset_entry("synthetic", root=root, num_sequences=SMOKE_SEQUENCES)}
        settings.val_data = {"synthetic": dataset_entry("synthetic", root=root, num_sequences=SMOKE_SEQUENCES)}
        settings.batch_size = 2
        settings.samples_per_epoch = settings.val_samples_per_epoch = 4
        settings.val_epoch_interval = 1
        settings.num_workers = 0
        settings.processing["output_size"] = SMOKE_OUTPUT_SIZE


def atom_processing(settings: Settings, training: bool) -> ATOMProcessing:
    """The processing of ``settings.processing``; brightness jitter only when ``training``."""
    spec = settings.processing
    return ATOMProcessing(search_area_factor=spec["search_area_factor"], output_size=spec["output_size"],
                          center_jitter=spec["center_jitter"], scale_jitter=spec["scale_jitter"],
                          num_proposals=spec["num_proposals"], sigma_factors=spec["sigma_factors"],
                          min_iou=spec["min_iou"], joint_transform=ToGrayscale(spec["grayscale_probability"]),
                          frame_transform=atom_frame_transform(spec["brightness"] if training else 0.0))


def build_loaders(settings: Settings) -> list:
    """``[train loader, val loader]`` of ATOM samples, batches stacked as (num_frames, B, ...)."""
    return build_data_loaders(settings, partial(atom_processing, settings), "interval", stack_dim=1)
