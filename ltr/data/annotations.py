"""Strict readers of the text files benchmarks and training datasets ship (boxes, flags, name lists).

Every reader raises :class:`DatasetError` naming the file (and line) of what is wrong: a missing
file, bytes that are not UTF-8 text, a non-numeric or non-finite value, a row of the wrong
length. Rows may be separated by commas, tabs, spaces or semicolons.
"""
from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Optional, Union
from typing import Sequence as SequenceType

import numpy as np

from ltr.admin.environment import PathLike
from ltr.admin.errors import InputError

_SPLIT = re.compile(r"[,\t ;]+")


class DatasetError(InputError, ValueError):
    """A benchmark file is missing or malformed; the message names the file (and line)."""


def read_text(path: PathLike, what: str = "annotation file") -> str:
    """The UTF-8 text of ``path`` (a leading byte-order mark is dropped).

    Raises:
        DatasetError naming ``what`` and the file when it does not exist or is not UTF-8 text.
    """
    path = Path(path)
    if not path.is_file():
        raise DatasetError(f"{what} '{path}' does not exist")
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise DatasetError(f"{what} '{path}' is not UTF-8 text (byte 0x{err.object[err.start]:02x} at offset "
                           f"{err.start}); is it the right file?") from None


def read_number_rows(path: PathLike, num_cols: Union[int, SequenceType[int]] = 4,
                     allow_nan: bool = False, max_rows: Optional[int] = None) -> np.ndarray:
    """Read a text file of numeric rows separated by commas, tabs, spaces or semicolons.

    Args:
        path: the annotation file.
        num_cols: the accepted number of values per row (an int or several, e.g. ``(4, 8)``
            for VOT boxes or polygons). All rows must have the same count.
        allow_nan: accept ``NaN`` values (UAV123 marks frames without a target so). Infinite
            values are always rejected.
        max_rows: read only the first ``max_rows`` non-empty rows.
    Returns:
        (N, C) float64 array.
    Raises:
        DatasetError naming the file and line of the first malformed row.
    """
    path = Path(path)
    accepted = (num_cols,) if isinstance(num_cols, int) else tuple(num_cols)
    rows: list[list[float]] = []
    for line_no, line in enumerate(read_text(path).splitlines(), start=1):
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
        if any(math.isinf(v) for v in values):
            raise DatasetError(f"{path}:{line_no}: infinite value in row '{text}'")
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
    return [line.strip() for line in read_text(path, what).splitlines() if line.strip()]


def read_flag_rows(path: PathLike, expected_len: Optional[int] = None) -> np.ndarray:
    """Read integer flags separated by commas/whitespace/newlines (LaSOT occlusion, GOT-10k labels).

    Returns a 1-D int64 array; raises DatasetError naming the file on a non-integer token, or
    when ``expected_len`` is given and the number of flags differs.
    """
    path = Path(path)
    values = []
    for line_no, line in enumerate(read_text(path, "label file").splitlines(), start=1):
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
