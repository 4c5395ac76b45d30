"""GOT-10k test and validation sets.

Layout under the ``got10k_path`` root::

    <split>/list.txt                  # one sequence name per line (GOT-10k_Test_000001 ...)
    <split>/<seq>/00000001.jpg ...    # the frames, in sorted file-name order
    <split>/<seq>/groundtruth.txt     # "x,y,w,h" rows; the test split publishes only the first
    <split>/<seq>/absence.label       # val only: 1 where the target is absent
    <split>/<seq>/cover.label         # val only: visible fraction in eighths (0 = fully hidden)

Test sequences get a (1, 4) ground truth (results are scored by the evaluation server);
validation sequences get one row per frame and ``target_visible`` from the labels. The frames
are the sorted images; with ``check_images=False`` (analysis) the validation frames are the
paths ``%08d.jpg`` of the ground-truth rows instead, while the test split, whose ground truth
does not tell the sequence length, still needs its images.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import numpy as np

from ltr.admin.environment import PathLike
from ltr.data.annotations import read_boxes, read_flag_rows, read_name_list, read_number_rows
from pytracking.evaluation.data import BaseDataset, MissingImagesError, Sequence, frame_paths

SPLITS = ("test", "val")


class GOT10kDataset(BaseDataset):
    """GOT-10k (Huang et al., TPAMI 2019) ``test`` or ``val`` split; sequences have ``dataset='got10k'``."""
    name = "got10k"
    path_key = "got10k_path"

    def __init__(self, root: Optional[PathLike] = None, split: str = "test", check_images: bool = True):
        if split not in SPLITS:
            raise ValueError(f"GOT-10k split must be one of {SPLITS}, got '{split}'")
        super().__init__(root, check_images)
        self.split = split
        self.split_dir = self.root / split
        self._names = read_name_list(self.split_dir / "list.txt", "GOT-10k sequence list")

    def sequence_names(self) -> list:
        return list(self._names)

    def annotation_file(self, name: str) -> Path:
        return self.split_dir / name / "groundtruth.txt"

    def _build_sequence(self, name: str) -> Sequence:
        seq_dir = self.split_dir / name
        gt_file = self.annotation_file(name)
        if self.split == "test":
            return Sequence(name, self._frames(seq_dir, name), self.name, read_number_rows(gt_file, 4, max_rows=1))
        if self.check_images:
            frames = self._frames(seq_dir, name)
            ground_truth = read_boxes(gt_file, len(frames))
        else:
            ground_truth = read_number_rows(gt_file, 4)
            frames = frame_paths(seq_dir, "%08d.jpg", 1, len(ground_truth))
        return Sequence(name, frames, self.name, ground_truth,
                        target_visible=self._visibility(seq_dir, len(ground_truth)))

    @staticmethod
    def _frames(seq_dir: Path, name: str) -> list:
        """Sorted paths of the sequence's ``.jpg`` images; raise MissingImagesError when there are none."""
        if not seq_dir.is_dir():
            raise MissingImagesError(f"sequence '{name}': folder '{seq_dir}' does not exist")
        frames = sorted(os.path.join(seq_dir, f) for f in os.listdir(seq_dir) if f.lower().endswith(".jpg"))
        if not frames:
            raise MissingImagesError(f"sequence '{name}': no .jpg images in '{seq_dir}'")
        return frames

    @staticmethod
    def _visibility(seq_dir: Path, num_rows: int) -> Optional[np.ndarray]:
        """(num_rows,) bool: cover > 0 from cover.label, else absence == 0, else None without labels."""
        cover, absence = seq_dir / "cover.label", seq_dir / "absence.label"
        if cover.is_file():
            return read_flag_rows(cover, num_rows) > 0
        if absence.is_file():
            return read_flag_rows(absence, num_rows) == 0
        return None
