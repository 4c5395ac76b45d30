"""LaSOT test set: the 280 sequences (70 classes x 4) of the official test split (Protocol II).

Layout under the ``lasot_path`` root::

    <class>/<class>-<k>/img/00000001.jpg ...
    <class>/<class>-<k>/groundtruth.txt      # one comma-separated "x,y,w,h" row per frame
    <class>/<class>-<k>/full_occlusion.txt   # one comma-separated line of 0/1 flags
    <class>/<class>-<k>/out_of_view.txt      # likewise

The number of frames is the number of ground-truth rows; the target is visible where it is
neither fully occluded nor out of view.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from ltr.admin.environment import PathLike
from ltr.data.annotations import read_flag_rows, read_number_rows
from ltr.dataset.lasot import lasot_class, lasot_test_sequence_names
from pytracking.evaluation.data import BaseDataset, Sequence, frame_paths


class LaSOTDataset(BaseDataset):
    """LaSOT test set (Fan et al., CVPR 2019); sequences have ``dataset='lasot'``."""
    name = "lasot"
    path_key = "lasot_path"

    def __init__(self, root: Optional[PathLike] = None, check_images: bool = True):
        super().__init__(root, check_images)
        self._names = lasot_test_sequence_names()

    def sequence_names(self) -> list:
        return list(self._names)

    def annotation_file(self, name: str) -> Path:
        return self.root / lasot_class(name) / name / "groundtruth.txt"

    def _build_sequence(self, name: str) -> Sequence:
        object_class = lasot_class(name)
        seq_dir = self.root / object_class / name
        ground_truth = read_number_rows(self.annotation_file(name), num_cols=4)
        frames = frame_paths(seq_dir / "img", "%08d.jpg", 1, len(ground_truth))
        self.check_frames(frames, name)
        occluded = read_flag_rows(seq_dir / "full_occlusion.txt", len(ground_truth))
        out_of_view = read_flag_rows(seq_dir / "out_of_view.txt", len(ground_truth))
        return Sequence(name, frames, self.name, ground_truth,
                        target_visible=(occluded == 0) & (out_of_view == 0), object_class=object_class)
