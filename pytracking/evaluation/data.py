"""Sequence objects and the benchmark base class (annotation files are read by :mod:`ltr.data.annotations`).

Boxes are ``[x, y, w, h]`` in pixels with (x, y) the top-left corner, as in every benchmark
this package reads. Arrays are float64.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional
from typing import Sequence as SequenceType

import numpy as np

from ltr.admin.environment import PathLike, require_dir
from ltr.data.annotations import DatasetError


class MissingImagesError(DatasetError):
    """Images of a sequence are missing (a partial download, or a folder holding only annotations)."""


def check_frames_exist(frames: SequenceType[str], sequence_name: str) -> None:
    """Raise MissingImagesError naming the first missing image of a sequence (one listdir per folder)."""
    listed: dict[str, set] = {}
    missing = []
    for frame in frames:
        folder, name = os.path.split(frame)
        if folder not in listed:
            listed[folder] = set(os.listdir(folder)) if os.path.isdir(folder) else set()
        if name not in listed[folder]:
            missing.append(frame)
    if missing:
        more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
        raise MissingImagesError(f"sequence '{sequence_name}': missing image '{missing[0]}'{more}")


MAX_BOX_TO_IMAGE = 10.0
"""A first box more than this many times the image's width or height is refused (a unit mix-up, and a
tracker would allocate crops of that size)."""


def check_init_box(box: SequenceType[float], image_size: Optional[tuple] = None, where: str = "first box") -> None:
    """Raise DatasetError unless ``box`` = [x, y, w, h] can initialise a tracker: finite values, width and
    height > 0 and, given the first frame's ``image_size`` = (width, height), overlapping the image and at
    most :data:`MAX_BOX_TO_IMAGE` times its size. ``where`` names the sequence/file in the message."""
    values = [float(v) for v in box]
    shown = "[" + ", ".join(f"{v:g}" for v in values) + "]"
    if len(values) != 4 or not all(np.isfinite(values)):
        raise DatasetError(f"{where}: first box {shown} is not four finite numbers x, y, w, h")
    x, y, w, h = values
    if w <= 0 or h <= 0:
        raise DatasetError(f"{where}: first box {shown} has zero or negative width/height")
    if image_size is None:
        return
    width, height = image_size
    if x >= width or y >= height or x + w <= 0 or y + h <= 0:
        raise DatasetError(f"{where}: first box {shown} lies entirely outside the {width}x{height} image")
    if w > MAX_BOX_TO_IMAGE * width or h > MAX_BOX_TO_IMAGE * height:
        raise DatasetError(f"{where}: first box {shown} is more than {MAX_BOX_TO_IMAGE:g} times the "
                           f"{width}x{height} image; are the annotations in pixels?")


@dataclass
class Sequence:
    """One evaluation sequence.

    Attributes:
        name: sequence name, unique in its dataset.
        frames: image paths, one per evaluated frame (frame 0 is the initialisation frame).
        dataset: dataset name (``otb``, ``lasot``, ``uav`` ...); analysis conventions key on it.
        ground_truth_rect: (N, 4) float64 boxes ``x, y, w, h``; N = len(frames), or 1 for test
            sets that publish only the first box (GOT-10k test, TrackingNet). Rows may be NaN
            where the benchmark marks the target absent (UAV123).
        target_visible: (N,) bool, or None when the benchmark has no visibility labels.
        object_class: category name where the benchmark gives one.
        attributes: challenge attributes of the sequence (e.g. ``('IV', 'SV')``), or None.
    """
    name: str
    frames: list
    dataset: str
    ground_truth_rect: np.ndarray
    target_visible: Optional[np.ndarray] = None
    object_class: Optional[str] = None
    attributes: Optional[tuple] = None
    ground_truth_polygon: Optional[np.ndarray] = field(default=None, repr=False)

    def __post_init__(self) -> None:
        gt = np.asarray(self.ground_truth_rect, dtype=np.float64)
        if gt.ndim != 2 or gt.shape[1] != 4:
            raise DatasetError(f"sequence '{self.name}': ground truth must be (N, 4), got {gt.shape}")
        if len(gt) not in (1, len(self.frames)):
            raise DatasetError(f"sequence '{self.name}': {len(gt)} ground-truth rows for {len(self.frames)} frames")
        self.ground_truth_rect = gt
        if self.target_visible is not None:
            self.target_visible = np.asarray(self.target_visible, dtype=bool)
            if len(self.target_visible) != len(gt):
                raise DatasetError(f"sequence '{self.name}': {len(self.target_visible)} visibility flags "
                                   f"for {len(gt)} ground-truth rows")

    def __len__(self) -> int:
        return len(self.frames)

    def init_info(self) -> dict:
        """The information a tracker gets on the first frame: ``{'init_bbox': [x, y, w, h]}``."""
        return {"init_bbox": [float(v) for v in self.ground_truth_rect[0]]}

    def check_init_box(self, image_size: Optional[tuple] = None) -> None:
        """Raise DatasetError naming the sequence and its first frame when the first box cannot start a
        tracker (see :func:`check_init_box`); ``image_size`` = (width, height) of the first frame."""
        check_init_box(self.ground_truth_rect[0], image_size, f"sequence '{self.name}' ({self.frames[0]})")


class SequenceList(list):
    """A list of sequences that can also be indexed by sequence name."""

    def __getitem__(self, item):
        if isinstance(item, str):
            for seq in self:
                if seq.name == item:
                    return seq
            raise KeyError(f"no sequence named '{item}'")
        result = super().__getitem__(item)
        return SequenceList(result) if isinstance(item, slice) else result

    def __add__(self, other: Iterable[Sequence]) -> "SequenceList":
        return SequenceList(list(self) + list(other))

    def names(self) -> list:
        return [seq.name for seq in self]


_MAX_LISTED = 10
"""A partial benchmark's message names its complete sequences when there are at most this many."""


class BaseDataset:
    """A benchmark: a list of sequence names whose sequences are built on demand.

    Subclasses set ``name`` and ``path_key`` (the environment setting of the root, e.g.
    ``otb_path``) and implement :meth:`sequence_names`, :meth:`annotation_file` and
    :meth:`_build_sequence`, which calls :meth:`check_frames` after reading the annotations.
    Building one sequence reads only that sequence's files, so a subset works on a partial
    download; loading the whole benchmark from a partial download is one error that lists the
    complete sequences (:meth:`get_sequence_list`).

    Args:
        root: the benchmark folder (default: the ``path_key`` setting).
        check_images: check that every frame's image exists (tracking). False for the analysis,
            which needs only the annotation files: ``Sequence.frames`` are then the paths the
            images would have, and a folder holding only annotations loads like a full one.
    """
    name: str = ""
    path_key: str = ""

    def __init__(self, root: Optional[PathLike] = None, check_images: bool = True):
        self.root = require_dir(self.path_key, root, what=f"{self.name} dataset", flag="--dataset-path")
        self.check_images = check_images

    def sequence_names(self) -> list:
        raise NotImplementedError

    def annotation_file(self, name: str) -> Path:
        """The ground-truth file of sequence ``name``; a sequence without it is absent from the folder."""
        raise NotImplementedError

    def _build_sequence(self, name: str) -> Sequence:
        raise NotImplementedError

    def check_frames(self, frames: SequenceType[str], sequence_name: str) -> None:
        """:func:`check_frames_exist`, unless the dataset was opened with ``check_images=False``."""
        if self.check_images:
            check_frames_exist(frames, sequence_name)

    def get_sequence(self, name: str) -> Sequence:
        if name not in self.sequence_names():
            raise KeyError(f"sequence '{name}' is not part of {self.name}")
        return self._build_sequence(name)

    def get_sequence_list(self, names: Optional[Iterable[str]] = None) -> SequenceList:
        """Only ``names`` (in the given order), or all sequences.

        Raises:
            DatasetError: loading all sequences when only some are complete in the folder (the
                others lack their annotation file or, with ``check_images``, images): one message
                listing the complete ones (their number when there are many) and suggesting
                ``--sequence``. A malformed file of a complete sequence raises its own error.
        """
        if names is not None:
            return SequenceList(self.get_sequence(n) for n in names)
        sequences, absent = SequenceList(), {}
        for name in self.sequence_names():
            try:
                sequences.append(self._build_sequence(name))
            except DatasetError as err:
                if not isinstance(err, MissingImagesError) and self.annotation_file(name).is_file():
                    raise
                absent[name] = err
        if absent and not sequences:
            raise next(iter(absent.values()))
        if absent:
            raise DatasetError(self._partial_message(sequences.names(), absent))
        return sequences

    def _partial_message(self, complete: list, absent: dict) -> str:
        total = len(complete) + len(absent)
        listed = f" ({', '.join(complete)})" if len(complete) <= _MAX_LISTED else ""
        select = " ".join(complete) if len(complete) <= _MAX_LISTED else "NAME ..."
        return (f"{self.name}: only {len(complete)} of its {total} sequences are complete under '{self.root}'"
                f"{listed}; select them with --sequence {select} (first incomplete: {next(iter(absent.values()))})")

    def __len__(self) -> int:
        return len(self.sequence_names())


def frame_paths(folder: PathLike, pattern: str, first: int, last: int) -> list:
    """Image paths ``folder/pattern % i`` for i = first..last inclusive."""
    folder = os.fspath(folder)
    return [os.path.join(folder, pattern % i) for i in range(first, last + 1)]


LoaderFn = Callable[..., SequenceList]
