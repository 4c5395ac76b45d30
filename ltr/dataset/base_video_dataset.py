"""Base class of the training datasets: sequence listing, annotation assembly and frame picking.

A training dataset is a list of sequences (videos, tracklets, or single images for COCO). A
subclass lists its usable sequences, reads one sequence's raw labels and names the image file
of a frame; this class turns the labels into the tensors the sampler expects and serves the
frames. Boxes are ``[x, y, w, h]`` in pixels, (x, y) the top-left corner.

Datasets with target segmentations (YouTube-VOS, saliency images, the synthetic videos) say so
with :meth:`BaseVideoDataset.has_masks` and read one frame's mask in ``_read_mask``; their
:meth:`~BaseVideoDataset.get_frames` then also returns ``frame_anno['mask']``. The helpers
below read binary masks, box them and cache a dataset's parsed index.
"""
from __future__ import annotations

import json
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

import cv2
import numpy as np
import torch

from ltr.admin.environment import PathLike
from ltr.admin.file_io import atomic_write_text
from ltr.data.annotations import DatasetError
from ltr.data.image_loader import UnreadableImageError, imread_rgb

ImageLoader = Callable[[str], np.ndarray]

META_KEYS = ("object_class_name", "motion_class", "major_class", "root_class", "motion_adverb")


@dataclass
class SequenceAnnotation:
    """Per-frame labels of one sequence as read from disk.

    Attributes:
        boxes: (N, 4) float target boxes ``x, y, w, h``.
        visible: (N,) bool, the dataset's own visibility label (not occluded, not out of view,
            ...), or None when the dataset has none.
        visible_ratio: (N,) float fraction of the target that is visible, or None.
    """
    boxes: np.ndarray
    visible: Optional[np.ndarray] = None
    visible_ratio: Optional[np.ndarray] = None


def sequence_info(anno: SequenceAnnotation) -> dict:
    """The tensors of :meth:`BaseVideoDataset.get_sequence_info` from a sequence's raw labels.

    Returns:
        ``{'bbox': (N, 4) float32, 'valid': (N,) bool, 'visible': (N,) bool}`` plus
        ``'visible_ratio': (N,) float32`` when the labels have it. ``valid`` is ``w > 0 and
        h > 0``; ``visible`` is the dataset's label (all True without one) and ``valid``.
    """
    bbox = torch.as_tensor(np.asarray(anno.boxes, dtype=np.float32).reshape(-1, 4))
    valid = (bbox[:, 2] > 0) & (bbox[:, 3] > 0)
    visible = valid.clone()
    if anno.visible is not None:
        visible &= torch.as_tensor(np.asarray(anno.visible, dtype=bool))
    info = {"bbox": bbox, "valid": valid, "visible": visible}
    if anno.visible_ratio is not None:
        info["visible_ratio"] = torch.as_tensor(np.asarray(anno.visible_ratio, dtype=np.float32))
    return info


def read_gray_mask(path: PathLike, threshold: int = 128) -> np.ndarray:
    """(H, W) uint8 mask of a gray image file: 1 where the gray level is at least ``threshold``, else 0.

    Raises:
        UnreadableImageError naming the file when it does not exist or cannot be decoded.
    """
    if not os.path.isfile(path):
        raise UnreadableImageError(path, "file does not exist")
    gray = cv2.imread(os.fspath(path), cv2.IMREAD_GRAYSCALE)
    if gray is None:
        raise UnreadableImageError(path, "cannot be decoded")
    return (gray >= threshold).astype(np.uint8)


def mask_box(mask: np.ndarray) -> list:
    """Tight ``[x, y, w, h]`` box of the non-zero pixels of an (H, W) uint8 mask (a pixel ``i`` spans
    ``[i, i + 1)``, so one pixel at (3, 4) gives ``[3, 4, 1, 1]``); ``[0, 0, 0, 0]`` for an empty mask."""
    return [float(v) for v in cv2.boundingRect(np.ascontiguousarray(mask, dtype=np.uint8))]


def cached_index(cache_file: Path, key: dict, build: Callable[[], Any], what: str) -> Any:
    """A dataset's parsed index, cached as JSON because building it reads every annotation file.

    Args:
        cache_file: the cache; read when it holds ``key``, else written atomically after ``build()``
            (a warning, not an error, when it cannot be written).
        key: JSON-able description of what was parsed (a format number, the parsed folders, ...);
            a cache of another key is rebuilt.
        build: parses the annotations; returns a JSON-able index.
        what: the dataset's name in messages.
    Raises:
        DatasetError naming the cache file when it is not valid JSON.
    """
    if cache_file.is_file():
        try:
            cached = json.loads(cache_file.read_text())
        except json.JSONDecodeError as err:
            raise DatasetError(f"{what} index cache '{cache_file}' is corrupt ({err}); delete it to rebuild") from None
        if isinstance(cached, dict) and cached.get("key") == key:
            return cached["index"]
    index = build()
    try:
        atomic_write_text(cache_file, json.dumps({"key": key, "index": index}))
    except OSError as err:
        warnings.warn(f"{what}: cannot write the index cache '{cache_file}' ({err}); pass cache_dir to a "
                      "writable folder to avoid parsing again", stacklevel=3)
    return index


def _read_each(indices: Sequence[int], read: Callable[[int], np.ndarray]) -> list:
    """``read(i)`` for each index; a repeated index is read once and gets its own copy."""
    values: dict = {}
    out = []
    for index in indices:
        if index in values:
            out.append(values[index].copy())
        else:
            values[index] = read(index)
            out.append(values[index])
    return out


class BaseVideoDataset:
    """A training dataset of sequences, indexed ``0 .. get_num_sequences() - 1``.

    Subclasses set ``name`` and ``layout`` (the expected files, quoted in errors), resolve their
    root and set their own attributes before calling ``super().__init__``, and implement
    :meth:`_list_sequences`, :meth:`_read_annotation` and :meth:`_frame_path` (and optionally
    :meth:`_meta_info`, :meth:`is_video_sequence`, and :meth:`has_masks` with :meth:`_read_mask`).

    Raises:
        ValueError naming the root when no usable sequence is found.
    """
    name: str = ""
    layout: str = ""

    def __init__(self, root: os.PathLike, image_loader: ImageLoader = imread_rgb):
        self.root = Path(root)
        self.image_loader = image_loader
        self.sequence_list: list = self._list_sequences()
        if not self.sequence_list:
            raise ValueError(f"{self.name}: no usable sequences under '{self.root}' (expected {self.layout})")

    # -- to implement -------------------------------------------------------------------------
    def _list_sequences(self) -> list:
        """Names of the usable sequences, in index order."""
        raise NotImplementedError

    def _read_annotation(self, seq_id: int) -> SequenceAnnotation:
        """The raw labels of sequence ``seq_id``; errors name the file (and line)."""
        raise NotImplementedError

    def _frame_path(self, seq_id: int, frame_id: int) -> str:
        """Image file of frame ``frame_id`` (0-based) of sequence ``seq_id``."""
        raise NotImplementedError

    def _meta_info(self, seq_id: int) -> dict:
        """Known entries of :data:`META_KEYS` for a sequence (the others are None)."""
        return {}

    def _read_mask(self, seq_id: int, frame_id: int) -> np.ndarray:
        """(H, W) uint8 target mask of a frame (1 on the target, 0 elsewhere), for datasets with
        :meth:`has_masks`; raises UnreadableImageError naming a missing or undecodable file."""
        raise NotImplementedError

    # -- public API ---------------------------------------------------------------------------
    def is_video_sequence(self) -> bool:
        """False where each sequence is one image served for every requested frame (COCO)."""
        return True

    def has_masks(self) -> bool:
        """True where every frame has a target mask (:meth:`get_frames` returns ``frame_anno['mask']``)."""
        return False

    def get_num_sequences(self) -> int:
        return len(self.sequence_list)

    def __len__(self) -> int:
        return self.get_num_sequences()

    def get_sequence_name(self, seq_id: int) -> str:
        return self.sequence_list[seq_id]

    def get_sequence_info(self, seq_id: int) -> dict:
        """Tensors ``bbox`` (N, 4) float32, ``valid`` (N,) bool, ``visible`` (N,) bool and,
        where the dataset labels it, ``visible_ratio`` (N,) float32 (see :func:`sequence_info`)."""
        return sequence_info(self._read_annotation(seq_id))

    def get_meta_info(self, seq_id: int) -> dict:
        """``{'object_class_name': str | None, 'motion_class': ..., ...}`` (all of :data:`META_KEYS`)."""
        meta = dict.fromkeys(META_KEYS)
        meta.update(self._meta_info(seq_id))
        return meta

    def get_frames(self, seq_id: int, frame_ids: Sequence[int], anno: Optional[dict] = None) -> tuple:
        """The requested frames of a sequence with their labels.

        Args:
            seq_id: sequence index.
            frame_ids: 0-based frame indices (repeats allowed). Datasets of single images
                serve their image (and its labels) for every requested id.
            anno: the sequence's :meth:`get_sequence_info` when the caller already has it.
        Returns:
            ``(frames, frame_anno, meta)``: a list of (H, W, 3) RGB uint8 arrays, one per
            requested id (a repeated id gets its own copy); a dict with, per key of ``anno``,
            the list of per-frame values ((4,) box tensor, bool tensors ...) and, where
            :meth:`has_masks`, ``'mask'``: one (H, W) uint8 0/1 array per frame; the meta info.
        Raises:
            UnreadableImageError: an image or mask is missing or cannot be decoded.
            DatasetError: a mask's size differs from its image's.
            IndexError: a frame id is outside the sequence.
        """
        if anno is None:
            anno = self.get_sequence_info(seq_id)
        num_frames = len(anno["bbox"])
        indices = [int(i) for i in frame_ids] if self.is_video_sequence() else [0] * len(frame_ids)
        for index in indices:
            if not 0 <= index < num_frames:
                raise IndexError(f"{self.name} sequence '{self.get_sequence_name(seq_id)}': frame {index} "
                                 f"requested, the sequence has {num_frames} frames")
        frames = _read_each(indices, lambda index: self.image_loader(self._frame_path(seq_id, index)))
        frame_anno = {key: [value[index].clone() for index in indices] for key, value in anno.items()}
        if self.has_masks():
            masks = _read_each(indices, lambda index: self._read_mask(seq_id, index))
            for index, frame, mask in zip(indices, frames, masks, strict=True):
                if mask.shape != frame.shape[:2]:
                    raise DatasetError(f"{self.name} sequence '{self.get_sequence_name(seq_id)}' frame {index}: "
                                       f"mask is {mask.shape[1]}x{mask.shape[0]} pixels, image "
                                       f"{frame.shape[1]}x{frame.shape[0]}")
            frame_anno["mask"] = masks
        return frames, frame_anno, self.get_meta_info(seq_id)
