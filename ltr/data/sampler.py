"""TrackingSampler: random template/search frame sets from weighted training datasets.

Each item is drawn at random, independently of its index: a dataset by weight, a sequence
uniformly, then template and search frames among the sequence's usable frames (visible, and
kept by the optional ``frame_filter``). All randomness comes from Python's global :mod:`random`
generator, which :class:`ltr.data.loader.LTRLoader` seeds per worker and epoch (and the
trainer checkpoints for the main process), so an epoch's samples depend only on the loader's
seed and the epoch number.

Usable sequences (PyTracking's rule): a video sequence needs more than
``2 * (num_template_frames + num_search_frames)`` usable frames (``min_visible_frames``
overrides it) and at least ``min_sequence_length`` (20) frames (one value, or one per dataset:
Alpha-Refine asks only 2 of its mask datasets, whose objects are often annotated in a few
frames); an image dataset
(``is_video_sequence()`` False) needs its single frame usable, and serves it as every template
and search frame. A drawn sequence that is not usable is replaced by another draw.

Frame selection in a video (draws with replacement, so frames may repeat):

- ``'causal'`` (SiamFC): a base frame ``b`` is drawn among the usable frames; the template
  frames are ``b`` and ``num_template_frames - 1`` usable frames in ``[b - gap, b]``; the
  search frames are usable frames in ``(b, b + gap]``, strictly after ``b``. ``gap`` starts at
  ``max_gap`` and grows by 5 each time the base has no usable frame within it. SiamFC's
  "exemplar before search, less than 100 frames apart" is ``max_gap=99``.
- ``'interval'`` (ATOM): a base frame ``b``; the template frames are ``b`` and
  ``num_template_frames - 1`` usable frames in ``[b - max_gap, b + max_gap]``, the search
  frames usable frames in the same interval. Since ``b`` itself is in the interval this always
  succeeds (a search frame may be the base frame itself, as in ATOM).
"""
from __future__ import annotations

import bisect
import math
import random
import warnings
from typing import Callable, Optional, Sequence, Union

import torch
from torch.utils.data import Dataset

from ltr.data.image_loader import UnreadableImageError
from ltr.dataset.base_video_dataset import BaseVideoDataset

FRAME_SAMPLE_MODES = ("causal", "interval")
GAP_INCREASE = 5

FrameFilter = Callable[[dict, tuple], torch.Tensor]


class UnreadableImageWarning(UserWarning):
    """A training image could not be read; the sample was drawn again."""


def identity(data: dict) -> dict:
    """The default processing: return the sampler's data unchanged."""
    return data


class TrackingSampler(Dataset):
    """Map-style dataset of ``samples_per_epoch`` random training samples (see module doc).

    Args:
        datasets: training datasets (:class:`BaseVideoDataset`).
        p_datasets: relative weight of each dataset (normalised; 0 = never drawn).
        samples_per_epoch: ``len(sampler)``.
        max_gap: frame gap (see the module doc for each mode).
        num_search_frames, num_template_frames: frames per sample.
        processing: called on the data dict; its result is the sample.
        frame_sample_mode: ``'causal'`` or ``'interval'``.
        min_visible_frames: usable frames a video sequence needs; default
            ``2 * (num_template_frames + num_search_frames) + 1``.
        min_sequence_length: frames a video sequence needs (default 20), or one such number per dataset.
        frame_filter: ``f(sequence_info, (H, W)) -> (N,) bool`` restricting the usable frames
            (e.g. :func:`ltr.data.processing.siamfc_frame_filter`). (H, W) is the size of the
            sequence's first frame, read once per sequence and process, then cached.
        max_retries: draws per item before giving up (unusable sequences and unreadable images).

    Items are ``processing(data)`` with ``data`` =
    ``{'template_images': [(H, W, 3) uint8 RGB] * num_template_frames, 'template_anno': [(4,)
    float32 xywh tensors], 'search_images': [...], 'search_anno': [...], 'dataset': dataset name,
    'object_class': class name or None}``, plus ``'template_masks'`` / ``'search_masks'`` ((H, W) uint8 0/1
    arrays) when the dataset has target masks (:meth:`BaseVideoDataset.has_masks`).

    An :class:`UnreadableImageError` is warned about once per path (:class:`UnreadableImageWarning`),
    counted in ``num_unreadable`` (per process: each loader worker counts its own) and the item
    drawn again. After ``max_retries`` failed draws a RuntimeError says why.
    """

    def __init__(self, datasets: Sequence[BaseVideoDataset], p_datasets: Sequence[float], samples_per_epoch: int,
                 max_gap: int, num_search_frames: int = 1, num_template_frames: int = 1,
                 processing: Callable[[dict], dict] = identity, frame_sample_mode: str = "causal",
                 min_visible_frames: Optional[int] = None, min_sequence_length: Union[int, Sequence[int]] = 20,
                 frame_filter: Optional[FrameFilter] = None, max_retries: int = 100):
        self.datasets = list(datasets)
        self.p_datasets = self._normalised_weights(p_datasets)
        if frame_sample_mode not in FRAME_SAMPLE_MODES:
            raise ValueError(f"TrackingSampler: frame_sample_mode must be one of {FRAME_SAMPLE_MODES}, "
                             f"got {frame_sample_mode!r}")
        if num_template_frames < 1 or num_search_frames < 1:
            raise ValueError(f"TrackingSampler: num_template_frames and num_search_frames must be >= 1, got "
                             f"{num_template_frames} and {num_search_frames}")
        if max_gap < (1 if frame_sample_mode == "causal" else 0):
            raise ValueError(f"TrackingSampler: max_gap {max_gap} too small for '{frame_sample_mode}' mode")
        self.min_visible_frames = (2 * (num_template_frames + num_search_frames) + 1
                                   if min_visible_frames is None else min_visible_frames)
        if self.min_visible_frames < (2 if frame_sample_mode == "causal" else 1):
            raise ValueError(f"TrackingSampler: min_visible_frames must be >= 2 in 'causal' mode (a template and a "
                             f"later search frame), >= 1 in 'interval' mode; got {self.min_visible_frames}")
        if max_retries < 1:
            raise ValueError(f"TrackingSampler: max_retries must be >= 1, got {max_retries}")
        self.samples_per_epoch = samples_per_epoch
        self.max_gap = max_gap
        self.num_search_frames = num_search_frames
        self.num_template_frames = num_template_frames
        self.processing = processing
        self.frame_sample_mode = frame_sample_mode
        lengths = [min_sequence_length] * len(self.datasets) if isinstance(min_sequence_length, int) \
            else list(min_sequence_length)
        if len(lengths) != len(self.datasets):
            raise ValueError(f"TrackingSampler: {len(lengths)} min_sequence_length values for {len(self.datasets)} "
                             f"datasets")
        self.min_sequence_length = lengths
        self.frame_filter = frame_filter
        self.max_retries = max_retries
        self.num_unreadable = 0
        self._warned_paths: set = set()
        self._image_sizes: dict = {}

    def _normalised_weights(self, p_datasets: Sequence[float]) -> list:
        if not self.datasets:
            raise ValueError("TrackingSampler: no datasets given")
        weights = [float(p) for p in p_datasets]
        if len(weights) != len(self.datasets):
            raise ValueError(f"TrackingSampler: {len(self.datasets)} datasets but {len(weights)} weights in p_datasets")
        if any(not math.isfinite(p) or p < 0 for p in weights) or sum(weights) <= 0:
            raise ValueError(f"TrackingSampler: p_datasets must be finite, >= 0 and not all 0, got {weights}")
        total = sum(weights)
        return [p / total for p in weights]

    def __len__(self) -> int:
        return self.samples_per_epoch

    def __getitem__(self, index: int) -> dict:
        """A random sample (``index`` is ignored: every item is an independent draw)."""
        unusable = unreadable = 0
        for _ in range(self.max_retries):
            dataset_index = random.choices(range(len(self.datasets)), weights=self.p_datasets)[0]
            dataset = self.datasets[dataset_index]
            seq_id = random.randrange(dataset.get_num_sequences())
            try:
                data = self._sample_sequence(dataset_index, seq_id)
            except UnreadableImageError as err:
                self._report_unreadable(err)
                unreadable += 1
                continue
            if data is None:
                unusable += 1
                continue
            return self.processing(data)
        names = ", ".join(f"{d.name} (p={p:.3g})" for d, p in zip(self.datasets, self.p_datasets, strict=True))
        raise RuntimeError(f"TrackingSampler: no usable sample in {self.max_retries} draws ({unusable} sequences "
                           f"with fewer than {self.min_visible_frames} usable frames or "
                           f"{'/'.join(map(str, sorted(set(self.min_sequence_length))))} frames, {unreadable} "
                           f"unreadable images) from {names}")

    def _report_unreadable(self, err: UnreadableImageError) -> None:
        self.num_unreadable += 1
        if err.path not in self._warned_paths:
            self._warned_paths.add(err.path)
            warnings.warn(f"TrackingSampler: {err}; drawing another sample", UnreadableImageWarning, stacklevel=3)

    def _sample_sequence(self, dataset_index: int, seq_id: int) -> Optional[dict]:
        """The data dict of a draw from one sequence, or None when the sequence is not usable."""
        dataset = self.datasets[dataset_index]
        info = dataset.get_sequence_info(seq_id)
        usable = self._usable_frames(dataset_index, seq_id, info)
        if dataset.is_video_sequence():
            usable_ids = torch.nonzero(usable).flatten().tolist()
            if len(usable_ids) < self.min_visible_frames or len(usable) < self.min_sequence_length[dataset_index]:
                return None
            sample_frames = self._sample_causal if self.frame_sample_mode == "causal" else self._sample_interval
            template_ids, search_ids = sample_frames(usable_ids)
        else:
            if not bool(usable[0]):
                return None
            template_ids, search_ids = [0] * self.num_template_frames, [0] * self.num_search_frames
        frames, anno, meta = dataset.get_frames(seq_id, template_ids + search_ids, info)
        split = len(template_ids)
        data = {"template_images": frames[:split], "template_anno": anno["bbox"][:split],
                "search_images": frames[split:], "search_anno": anno["bbox"][split:],
                "dataset": dataset.name, "object_class": meta.get("object_class_name")}
        if "mask" in anno:
            data["template_masks"], data["search_masks"] = anno["mask"][:split], anno["mask"][split:]
        return data

    def _usable_frames(self, dataset_index: int, seq_id: int, info: dict) -> torch.Tensor:
        """(N,) bool: visible frames, restricted by ``frame_filter`` when set."""
        usable = info["visible"]
        if self.frame_filter is None:
            return usable
        key = (dataset_index, seq_id)
        if key not in self._image_sizes:
            frames, _, _ = self.datasets[dataset_index].get_frames(seq_id, [0], info)
            self._image_sizes[key] = tuple(frames[0].shape[:2])
        kept = torch.as_tensor(self.frame_filter(info, self._image_sizes[key]), dtype=torch.bool)
        if kept.shape != usable.shape:
            raise ValueError(f"TrackingSampler: frame_filter returned shape {tuple(kept.shape)} for a sequence of "
                             f"{len(usable)} frames ({self.datasets[dataset_index].name} sequence "
                             f"'{self.datasets[dataset_index].get_sequence_name(seq_id)}')")
        return usable & kept

    @staticmethod
    def _ids_between(usable_ids: list, low: int, high: int) -> list:
        """The usable ids in ``[low, high]`` (``usable_ids`` sorted)."""
        return usable_ids[bisect.bisect_left(usable_ids, low):bisect.bisect_right(usable_ids, high)]

    def _sample_causal(self, usable_ids: list) -> tuple:
        gap = self.max_gap
        while True:  # ends: once gap spans the sequence every base but the last has a later frame
            base = random.choice(usable_ids[:-1])
            later = self._ids_between(usable_ids, base + 1, base + gap)
            if later:
                break
            gap += GAP_INCREASE
        earlier = self._ids_between(usable_ids, base - gap, base)
        template_ids = [base] + random.choices(earlier, k=self.num_template_frames - 1)
        return template_ids, random.choices(later, k=self.num_search_frames)

    def _sample_interval(self, usable_ids: list) -> tuple:
        base = random.choice(usable_ids)
        window = self._ids_between(usable_ids, base - self.max_gap, base + self.max_gap)
        template_ids = [base] + random.choices(window, k=self.num_template_frames - 1)
        return template_ids, random.choices(window, k=self.num_search_frames)
