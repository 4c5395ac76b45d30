"""Training data shared by the settings modules: the dataset registry, dataset entries and the loaders.

A recipe declares ``settings.train_data`` and ``settings.val_data`` as ``{entry name: {dataset: one of
:data:`DATASETS`, root (None: the dataset's path setting), options (constructor arguments), weight}}`` (an
entry of weight 0 is not loaded, e.g. ``--set train_data.coco.weight=0``), and :func:`build_loaders` turns
them into a training and a validation loader with the recipe's processing. Every dataset root that is
missing is reported in one error naming the settings to change.
"""
from __future__ import annotations

from functools import partial
from typing import Callable, Optional

from ltr.admin.environment import MissingPathError, gather_missing
from ltr.admin.settings import SettingError, Settings
from ltr.data.loader import LTRLoader
from ltr.data.sampler import TrackingSampler
from ltr.dataset import (Got10k, ImagenetDET, ImagenetVID, Lasot, MSCOCOSeq, Saliency, SyntheticVideo, TrackingNet,
                         YouTubeVOS)
from ltr.dataset.base_video_dataset import BaseVideoDataset

DATASETS = {"lasot": Lasot, "got10k": Got10k, "trackingnet": TrackingNet, "coco": MSCOCOSeq, "imagenetvid": ImagenetVID,
            "imagenetdet": ImagenetDET, "youtubevos": YouTubeVOS, "saliency": Saliency, "synthetic": SyntheticVideo}
SMOKE_SEQUENCES = 2

Processing = Callable[[dict], dict]


def dataset_entry(dataset: str, weight: float = 1, root: str | None = None, **options) -> dict:
    """One dataset entry of ``train_data`` / ``val_data``."""
    return {"dataset": dataset, "root": root, "options": options, "weight": weight}


def build_dataset(setting: str, spec: dict) -> BaseVideoDataset:
    """The dataset of one ``settings.<setting>`` entry; a missing root names the setting to change."""
    try:
        return DATASETS[spec["dataset"]](spec["root"], **spec["options"])
    except MissingPathError as err:
        raise MissingPathError(f"{err} (settings.{setting}: give --set {setting}.root=DIR, or leave it out with "
                               f"--set {setting}.weight=0)") from None


def build_datasets(settings: Settings, key: str) -> tuple:
    """``([datasets], [weights])`` of the entries of ``settings.<key>`` (``'train_data'`` or ``'val_data'``) of
    positive weight (possibly none).

    Raises:
        SettingError for an unknown dataset name; MissingPathError (naming the settings to change) listing
        every dataset whose root is missing.
    """
    entries = [(name, spec) for name, spec in getattr(settings, key).items() if spec["weight"] > 0]
    for name, spec in entries:
        if spec["dataset"] not in DATASETS:
            raise SettingError(f"settings.{key}.{name}.dataset = {spec['dataset']!r}; known: {sorted(DATASETS)}")
    datasets = gather_missing(*(partial(build_dataset, f"{key}.{name}", spec) for name, spec in entries))
    return datasets, [spec["weight"] for _, spec in entries]


def build_loaders(settings: Settings, processing: Callable[[bool], Processing], frame_sample_mode: str,
                  stack_dim: int = 0, min_sequence_length: Optional[Callable[[BaseVideoDataset], int]] = None) -> list:
    """``[train loader, val loader]`` of ``settings.train_data`` / ``settings.val_data`` (the validation loader
    left out when ``val_data`` has no entry of positive weight).

    Args:
        settings: reads ``samples_per_epoch``, ``val_samples_per_epoch``, ``val_epoch_interval``, ``max_gap``,
            ``batch_size``, ``num_workers``, ``seed``.
        processing: ``processing(training)`` -> the sampler's processing of the training / validation loader.
        frame_sample_mode: the sampler's mode (``'interval'`` ATOM / Alpha-Refine, ``'causal'`` OSTrack).
        stack_dim: the loaders' collate dimension (1: (num_frames, B, ...) batches).
        min_sequence_length: frames a video of a dataset needs (default: the sampler's 20 for all).
    Raises:
        SettingError when ``train_data`` has no entry of positive weight; MissingPathError listing every
        missing dataset of both loaders.
    """
    specs = (("train", "train_data", settings.samples_per_epoch, True, 1),
             ("val", "val_data", settings.val_samples_per_epoch, False, settings.val_epoch_interval))
    data = gather_missing(*(partial(build_datasets, settings, key) for _, key, *_ in specs))
    if not data[0][0]:
        raise SettingError("settings.train_data has no dataset of positive weight")
    loaders = []
    for (name, _, samples, training, interval), (datasets, weights) in zip(specs, data):
        if not datasets:
            continue
        lengths = [min_sequence_length(d) for d in datasets] if min_sequence_length else 20
        sampler = TrackingSampler(datasets, weights, samples, max_gap=settings.max_gap, processing=processing(training),
                                  frame_sample_mode=frame_sample_mode, min_sequence_length=lengths)
        loaders.append(LTRLoader(name, sampler, training=training, batch_size=settings.batch_size,
                                 num_workers=settings.num_workers, drop_last=True, stack_dim=stack_dim,
                                 seed=settings.seed, epoch_interval=interval))
    return loaders
