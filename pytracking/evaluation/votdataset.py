"""VOT short-term sequences (VOT2016-2019 style), evaluated one-pass from the first-frame box.

Layout under the ``vot_path`` root::

    list.txt                          # one sequence name per line
    <seq>/color/00000001.jpg ...      # or the images directly in <seq>/
    <seq>/groundtruth.txt             # one row per frame: "x,y,w,h" or a polygon "x1,y1,...,x4,y4"

Polygons are kept in ``Sequence.ground_truth_polygon`` and converted to boxes by
:func:`polygon_to_box` (the 'preserve_area' rule of the VOT toolkit).
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import numpy as np

from ltr.admin.environment import PathLike
from ltr.data.annotations import DatasetError, read_name_list, read_number_rows
from pytracking.evaluation.data import BaseDataset, Sequence, frame_paths


def polygon_to_box(polygons: np.ndarray) -> np.ndarray:
    """Axis-aligned boxes with the area of the annotated polygons ('preserve_area').

    With corners p1..p4, the box is centred on the corners' mean, has the aspect ratio of the
    corners' bounding box [x1, x2] x [y1, y2], and is scaled by s = sqrt(A1 / A2) where
    A1 = |p1 - p2| * |p2 - p3| (the rotated rectangle's area) and A2 = (x2 - x1) * (y2 - y1):
    w = s * (x2 - x1) + 1, h = s * (y2 - y1) + 1, box = [cx - w/2, cy - h/2, w, h].

    Args:
        polygons: (N, 8) corners ``x1, y1, x2, y2, x3, y3, x4, y4`` per row.
    Returns:
        (N, 4) float64 boxes ``x, y, w, h``; rows whose corners span no area are NaN.
    """
    corners = np.asarray(polygons, dtype=np.float64).reshape(-1, 4, 2)
    centre = corners.mean(axis=1)
    low, high = corners.min(axis=1), corners.max(axis=1)
    rect_area = (np.linalg.norm(corners[:, 0] - corners[:, 1], axis=1)
                 * np.linalg.norm(corners[:, 1] - corners[:, 2], axis=1))
    bbox_area = np.prod(high - low, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(bbox_area > 0, np.sqrt(rect_area / bbox_area), np.nan)
    size = scale[:, None] * (high - low) + 1
    return np.concatenate([centre - size / 2, size], axis=1)


class VOTDataset(BaseDataset):
    """A VOT sequence collection listed in ``<root>/list.txt``; sequences have ``dataset='vot'``."""
    name = "vot"
    path_key = "vot_path"

    def __init__(self, root: Optional[PathLike] = None, check_images: bool = True):
        super().__init__(root, check_images)
        self._names = read_name_list(self.root / "list.txt", "VOT sequence list")

    def sequence_names(self) -> list:
        return list(self._names)

    def annotation_file(self, name: str) -> Path:
        return self.root / name / "groundtruth.txt"

    def _build_sequence(self, name: str) -> Sequence:
        seq_dir = self.root / name
        gt_file = self.annotation_file(name)
        rows = read_number_rows(gt_file, num_cols=(4, 8))
        image_dir = seq_dir / "color" if (seq_dir / "color").is_dir() else seq_dir
        frames = frame_paths(image_dir, "%08d.jpg", 1, len(rows))
        self.check_frames(frames, name)
        if rows.shape[1] == 4:
            return Sequence(name, frames, self.name, rows)
        return Sequence(name, frames, self.name, _polygon_boxes(rows, gt_file), ground_truth_polygon=rows)


def _polygon_boxes(polygons: np.ndarray, gt_file: Path) -> np.ndarray:
    """polygon_to_box, raising DatasetError naming the file and row of the first degenerate polygon."""
    boxes = polygon_to_box(polygons)
    bad = np.flatnonzero(~np.isfinite(boxes).all(axis=1))
    if bad.size:
        raise DatasetError(f"{gt_file}: row {bad[0] + 1}: polygon spans no area: {polygons[bad[0]].tolist()}")
    return boxes
