"""UAVDT single-object tracking benchmark (UAV-benchmark-S) evaluation dataset.

Du et al., "The Unmanned Aerial Vehicle Benchmark: Object Detection and Tracking", ECCV 2018.

Layout under the ``uavdt_path`` root (the two official downloads unpacked side by side)::

    UAV-benchmark-S/<seq>/img000001.jpg ...              the frames (UAV-benchmark-S.zip)
    UAV-benchmark-SOT_v1.0/anno/<seq>_gt.txt             one ``x,y,w,h`` row per frame (comma
                                                         separated) (UAV-benchmark-SOT_v1.0.zip)
    UAV-benchmark-SOT_v1.0/anno/att/<seq>_att.txt        optional: 9 comma-separated 0/1 flags

The sequences are those with a ground-truth file (the release has 50, ``S0101`` ...); every
frame is annotated, so sequence ``<seq>`` has as many frames as its file has rows. Names are
the official ones without a prefix: no other benchmark has ``S<4 digits>`` names, and results
written by other toolkits (``S0101.txt``) analyse directly.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

from ltr.admin.environment import PathLike
from ltr.data.annotations import DatasetError, read_number_rows
from pytracking.evaluation.data import BaseDataset, Sequence, frame_paths
from pytracking.evaluation.uavdataset import read_attribute_flags

UAVDT_ATTRIBUTES: tuple = ("BC", "CM", "OM", "SO", "IV", "OB", "SV", "LT", "LO")
"""Column order of the flags in ``att/<seq>_att.txt`` (the toolkit's attribute names): background
clutter, camera motion, object motion, small object, illumination variations, object blur, scale
variations, long-term tracking, large occlusion."""
ANNOTATION_SUFFIX = "_gt.txt"


class UAVDTDataset(BaseDataset):
    """UAVDT single-object tracking; sequences have ``dataset='uavdt'``.

    Raises:
        DatasetError naming the annotation folder when it is missing or holds no ``<seq>_gt.txt``.
    """
    name = "uavdt"
    path_key = "uavdt_path"

    def __init__(self, root: Optional[PathLike] = None, check_images: bool = True):
        super().__init__(root, check_images)
        self.anno_dir = self.root / "UAV-benchmark-SOT_v1.0" / "anno"
        if not self.anno_dir.is_dir():
            raise DatasetError(f"UAVDT annotation folder '{self.anno_dir}' does not exist "
                               f"(expected <root>/UAV-benchmark-SOT_v1.0/anno/<seq>{ANNOTATION_SUFFIX})")
        self._names = sorted(f[:-len(ANNOTATION_SUFFIX)] for f in os.listdir(self.anno_dir)
                             if f.endswith(ANNOTATION_SUFFIX))
        if not self._names:
            raise DatasetError(f"UAVDT annotation folder '{self.anno_dir}' holds no <seq>{ANNOTATION_SUFFIX} files")

    def sequence_names(self) -> list:
        return list(self._names)

    def annotation_file(self, name: str) -> Path:
        return self.anno_dir / f"{name}{ANNOTATION_SUFFIX}"

    def _build_sequence(self, name: str) -> Sequence:
        boxes = read_number_rows(self.annotation_file(name), num_cols=4)
        frames = frame_paths(self.root / "UAV-benchmark-S" / name, "img%06d.jpg", 1, len(boxes))
        self.check_frames(frames, name)
        attributes = read_attribute_flags(self.anno_dir / "att" / f"{name}_att.txt", UAVDT_ATTRIBUTES)
        return Sequence(name=name, frames=frames, dataset=self.name, ground_truth_rect=boxes, attributes=attributes)
