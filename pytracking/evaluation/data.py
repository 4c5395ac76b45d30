"""Sequence objects, dataset base class and strict annotation reading.

Boxes are ``[x, y, w, h]`` in pixels with (x, y) the top-left corner, as in every benchmark
this package reads. Arrays are float64.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional, Sequence as SequenceType, Union

import numpy as np

from pytracking.evaluation.environment import PathLike

_SPLIT = re.compile(r"[,\t ;]+")


class DatasetError(ValueError):
    """A benchmark file is missing or malformed; the message names the file (and line)."""


def read_number_rows(path: PathLike, num_cols: Union[int, SequenceType[int]] = 4,
                     allow_nan: bool = False, max_rows: Optional[int] = None) -> np.ndarray:
    """Read a text file of numeric rows separated by commas, tabs, spaces or semicolons.

    Args:
        path: the annotation file.
        num_cols: the accepted number of values per row (an int or several, e.g. ``(4, 8)``
            for VOT boxes or polygons). All rows must have the same count.
        allow_nan: accept ``NaN`` values (UAV123 marks frames without a target so).
        max_rows: read only the first ``max_rows`` non-empty rows.
    Returns:
        (N, C) float64 array.
    Raises:
        DatasetError naming the file and line of the first malformed row.
    """
    path = Path(path)
    if not path.is_file():
        raise DatasetError(f"annotation file '{path}' does not exist")
    accepted = (num_cols,) if isinstance(num_cols, int) else tuple(num_cols)
    rows: list[list[float]] = []
    with open(path) as handle:
        for line_no, line in enumerate(handle, start=1):
            text = line.strip()
            if not text:
                continue
            tokens = _SPLIT.split(text)
            try:
                values = [float(tok) for tok in tokens]
            except ValueError:
                raise DatasetError(f"{path}:{line_no}: non-numeric value in row '{text}'") from None
            if len(values) not in accepted or (rows and len(values) != len(rows[0])):
                expected = len(rows[0]) if rows else " or ".join(map(str, accepted))
                raise DatasetError(f"{path}:{line_no}: expected {expected} values, got {len(values)} in '{text}'")
            if not allow_nan and any(v != v for v in values):
                raise DatasetError(f"{path}:{line_no}: NaN value in row '{text}'")
            rows.append(values)
            if max_rows is not None and len(rows) >= max_rows:
                break
    if not rows:
        raise DatasetError(f"annotation file '{path}' holds no rows")
    return np.asarray(rows, dtype=np.float64)


def read_boxes(path: PathLike, num_frames: int, skip_rows: int = 0, allow_nan: bool = False) -> np.ndarray:
    """Ground-truth boxes of a sequence, one ``x, y, w, h`` row per evaluated frame.

    Args:
        path: annotation file (comma, tab or space separated).
        num_frames: number of evaluated frames the rows must match.
        skip_rows: leading rows to drop (frames left out of the evaluation, e.g. OTB Tiger1).
        allow_nan: accept NaN rows (UAV123).
    Returns:
        (num_frames, 4) float64 array.
    Raises:
        DatasetError naming the file (and line) of a malformed row, or the file and both counts
        when the row count differs from ``num_frames``.
    """
    boxes = read_number_rows(path, num_cols=4, allow_nan=allow_nan)[skip_rows:]
    if len(boxes) != num_frames:
        skipped = f" after skipping the first {skip_rows}" if skip_rows else ""
        raise DatasetError(f"{path}: {len(boxes)} ground-truth rows{skipped} for {num_frames} frames")
    return boxes


def read_name_list(path: PathLike, what: str = "sequence list") -> list:
    """Non-empty stripped lines of a list file (``list.txt``); raise naming the file when absent."""
    path = Path(path)
    if not path.is_file():
        raise DatasetError(f"{what} '{path}' does not exist")
    return [line.strip() for line in path.read_text().splitlines() if line.strip()]


def read_flag_rows(path: PathLike, expected_len: Optional[int] = None) -> np.ndarray:
    """Read integer flags separated by commas/whitespace/newlines (LaSOT occlusion, GOT-10k labels).

    Returns a 1-D int64 array; raises DatasetError naming the file on a non-integer token, or
    when ``expected_len`` is given and the number of flags differs.
    """
    path = Path(path)
    if not path.is_file():
        raise DatasetError(f"label file '{path}' does not exist")
    values = []
    for line_no, line in enumerate(path.read_text().splitlines(), start=1):
        for tok in _SPLIT.split(line.strip()):
            if not tok:
                continue
            try:
                value = float(tok)
            except ValueError:
                value = None
            if value is None or not value.is_integer():
                raise DatasetError(f"{path}:{line_no}: flag '{tok}' is not an integer")
            values.append(int(value))
    if expected_len is not None and len(values) != expected_len:
        raise DatasetError(f"{path}: {len(values)} flags for {expected_len} ground-truth rows")
    return np.asarray(values, dtype=np.int64)


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
        from pytracking.evaluation.environment import require_dir
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
