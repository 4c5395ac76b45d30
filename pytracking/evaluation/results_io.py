"""Reading and atomically writing raw tracking results (PyTracking's result-file format).

Layout: ``<results_path>/<tracker>/<param>[_<runid:03d>]/<seq>.txt`` with one box
``x y w h`` per frame (frame 0 = the init box), tab-separated integers (truncated), and
``<seq>_time.txt`` with one time in seconds per frame. Readers accept tab, comma or spaces.
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import Iterable, Union

import numpy as np
import pandas as pd

from ltr.admin.environment import PathLike
from ltr.admin.errors import InputError
from ltr.admin.file_io import atomic_write_text

_SEPARATORS_TO_SPACE = bytes.maketrans(b"\t,\r", b"   ")


class ResultFileError(InputError, ValueError):
    """A raw result file is malformed; the message names the file and line."""


def format_rows(rows: Iterable[Iterable[float]], delimiter: str = "\t", fmt: str = "int") -> str:
    """Rows as text: ``fmt='int'`` truncates towards zero (PyTracking), else a %-format like '%.2f'."""
    lines = []
    for row in rows:
        if fmt == "int":
            lines.append(delimiter.join(str(int(v)) for v in row))
        else:
            lines.append(delimiter.join(fmt % v for v in row))
    return "\n".join(lines) + "\n"


def save_tracking_result(results_dir: PathLike, sequence_name: str, boxes: np.ndarray,
                         times: Union[np.ndarray, list, None] = None) -> Path:
    """Write ``<seq>.txt`` (integer boxes) and ``<seq>_time.txt`` atomically; return the box file.

    The time file is written first so a complete box file always has its times beside it
    (the runner treats the box file as the marker of a finished sequence).
    """
    results_dir = Path(results_dir)
    if times is not None:
        atomic_write_text(results_dir / f"{sequence_name}_time.txt",
                          "\n".join(f"{t:.6f}" for t in times) + "\n")
    box_file = results_dir / f"{sequence_name}.txt"
    atomic_write_text(box_file, format_rows(np.asarray(boxes, dtype=np.float64)))
    return box_file


def load_result_boxes(path: PathLike) -> np.ndarray:
    """Read a raw result file as an (N, 4) float64 array (tab, comma or space separated).

    Fast path for large benchmarks: pandas' C parser after mapping separators to spaces; any
    irregularity falls back to a line-by-line parse that names the first malformed line. An
    empty file gives a (0, 4) array.

    Raises:
        ResultFileError naming the file and line of a row that is not four numbers.
    """
    path = Path(path)
    raw = path.read_bytes().translate(_SEPARATORS_TO_SPACE)
    if not raw.strip():
        return np.zeros((0, 4))
    try:
        values = pd.read_csv(io.BytesIO(raw), sep=r"\s+", header=None, dtype=np.float64, engine="c").to_numpy()
    except (ValueError, pd.errors.ParserError):
        values = None
    if values is None or values.shape[1] != 4 or np.isnan(values).any():
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            raise ResultFileError(f"result file '{path}' is not UTF-8 text (byte 0x{err.object[err.start]:02x} at "
                                  f"offset {err.start})") from None
        return _parse_line_by_line(path, text)
    return values


def _parse_line_by_line(path: Path, text: str) -> np.ndarray:
    rows = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        tokens = line.split()
        if not tokens:
            continue
        try:
            row = [float(t) for t in tokens]
        except ValueError:
            raise ResultFileError(f"{path}:{line_no}: non-numeric value in '{line.strip()}'") from None
        if len(row) != 4:
            raise ResultFileError(f"{path}:{line_no}: expected 4 values, got {len(row)} in '{line.strip()}'")
        rows.append(row)
    return np.asarray(rows, dtype=np.float64).reshape(-1, 4)
