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

Settings declared (overridable with ``--set``): ``train_data`` and ``val_data`` ({entry name:
{dataset: one of :data:`DATASETS`, root (None: the dataset's path setting), options
(constructor arguments), weight}}; an entry of weight 0 is not loaded, e.g. ``--set
train_data.coco.weight=0``), ``samples_per_epoch``, ``val_samples_per_epoch``, ``val_epoch_interval``, ``batch_size``,
``num_workers``, ``max_gap``, ``processing`` {search_area_factor, output_size, center_jitter,
scale_jitter, num_proposals, min_iou, sigma_factors, grayscale_probability, brightness}.
Smoke mode: two small synthetic videos, batch 2, four samples per epoch, 96-pixel crops,
validation every epoch.
"""
from __future__ import annotations

from functools import partial
from pathlib import Path

from ltr.admin.environment import MissingPathError, gather_missing
from ltr.admin.settings import SettingError, Settings
from ltr.data.atom_processing import SIGMA_FACTORS, ATOMProcessing, atom_frame_transform
from ltr.data.loader import LTRLoader
from ltr.data.sampler import TrackingSampler
from ltr.data.transforms import ToGrayscale
from ltr.dataset.base_video_dataset import BaseVideoDataset
from ltr.dataset.coco_seq import MSCOCOSeq
from ltr.dataset.got10k import Got10k
from ltr.dataset.lasot import Lasot
from ltr.dataset.synthetic_video import SyntheticVideo
from ltr.dataset.trackingnet import TrackingNet

DATASETS = {"lasot": Lasot, "got10k": Got10k, "trackingnet": TrackingNet, "coco": MSCOCOSeq,
            "synthetic": SyntheticVideo}
SMOKE_SEQUENCES = 2
SMOKE_OUTPUT_SIZE = 96  # crops of 6 x 6 layer3 cells keep smoke runs of the big teachers fast


def dataset_entry(dataset: str, weight: float = 1, root: str | None = None, **options) -> dict:
    """One dataset entry of ``train_data`` / ``val_data``."""
    return {"dataset": dataset, "root": root, "options": options, "weight": weight}


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


def build_dataset(setting: str, spec: dict) -> BaseVideoDataset:
    """The dataset of one ``settings.<setting>`` entry; a missing root names the setting to change."""
    try:
        return DATASETS[spec["dataset"]](spec["root"], **spec["options"])
    except MissingPathError as err:
        raise MissingPathError(f"{err} (settings.{setting}: give --set {setting}.root=DIR, or leave it out with "
                               f"--set {setting}.weight=0)") from None


def build_datasets(settings: Settings, key: str) -> tuple:
    """``([datasets], [weights])`` of ``settings.<key>`` (``'train_data'`` or ``'val_data'``), entries of
    weight 0 left out.

    Raises:
        ValueError for an unknown dataset name or no entry of positive weight; MissingPathError
        (naming the settings to change) listing every dataset whose root is missing.
    """
    entries = [(name, spec) for name, spec in getattr(settings, key).items() if spec["weight"] > 0]
    for name, spec in entries:
        if spec["dataset"] not in DATASETS:
            raise SettingError(f"settings.{key}.{name}.dataset = {spec['dataset']!r}; known: {sorted(DATASETS)}")
    datasets = gather_missing(*(partial(build_dataset, f"{key}.{name}", spec) for name, spec in entries))
    weights = [spec["weight"] for _, spec in entries]
    if not datasets:
        raise SettingError(f"settings.{key} has no dataset of positive weight")
    return datasets, weights


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
    loaders = []
    specs = (("train", "train_data", settings.samples_per_epoch, True, 1),
             ("val", "val_data", settings.val_samples_per_epoch, False, settings.val_epoch_interval))
    data = gather_missing(*(partial(build_datasets, settings, key) for _, key, *_ in specs))
    for (name, key, samples, training, interval), (datasets, weights) in zip(specs, data):
        sampler = TrackingSampler(datasets, weights, samples, max_gap=settings.max_gap,
                                  processing=atom_processing(settings, training), frame_sample_mode="interval")
        loaders.append(LTRLoader(name, sampler, training=training, batch_size=settings.batch_size,
                                 num_workers=settings.num_workers, drop_last=True, stack_dim=1, seed=settings.seed,
                                 epoch_interval=interval))
    return loaders

