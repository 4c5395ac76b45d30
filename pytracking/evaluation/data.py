"""Sequence objects and the benchmark base class (annotation files are read by :mod:`ltr.data.annotations`).

Boxes are ``[x, y, w, h]`` in pixels with (x, y) the top-left corner, as in every benchmark
this package reads. Arrays are float64.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Callable, Iterable, Optional
from typing import Sequence as SequenceType

import numpy as np

from ltr.admin.environment import PathLike
from ltr.data.annotations import DatasetError


def check_frames_exist(frames: SequenceType[str], sequence_name: str) -> None:
    """Raise DatasetError naming the first missing image of a sequence (one listdir per folder)."""
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
        raise DatasetError(f"sequence '{sequence_name}': missing image '{missing[0]}'{more}")


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


class BaseDataset:
    """A benchmark: a list of sequence names whose sequences are built on demand.

    Subclasses set ``name`` and ``path_key`` (the environment setting of the root, e.g.
    ``otb_path``) and implement :meth:`sequence_names` and :meth:`_build_sequence`. Building
    one sequence reads only that sequence's files, so a subset works on a partial download.
    """
    name: str = ""
    path_key: str = ""

    def __init__(self, root: Optional[PathLike] = None):
        from ltr.admin.environment import require_dir
        self.root = require_dir(self.path_key, root, what=f"{self.name} dataset")

    def sequence_names(self) -> list:
        raise NotImplementedError

    def _build_sequence(self, name: str) -> Sequence:
        raise NotImplementedError

    def get_sequence(self, name: str) -> Sequence:
        if name not in self.sequence_names():
            raise KeyError(f"sequence '{name}' is not part of {self.name}")
        return self._build_sequence(name)

    def get_sequence_list(self, names: Optional[Iterable[str]] = None) -> SequenceList:
        """All sequences, or only ``names`` (in the given order)."""
        selected = self.sequence_names() if names is None else list(names)
        return SequenceList(self.get_sequence(n) for n in selected)

    def __len__(self) -> int:
        return len(self.sequence_names())


def frame_paths(folder: PathLike, pattern: str, first: int, last: int) -> list:
    """Image paths ``folder/pattern % i`` for i = first..last inclusive."""
    folder = os.fspath(folder)
    return [os.path.join(folder, pattern % i) for i in range(first, last + 1)]


LoaderFn = Callable[..., SequenceList]
