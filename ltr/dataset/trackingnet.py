"""TrackingNet training set (Müller et al., ECCV 2018): the chunks TRAIN_0 .. TRAIN_11.

Layout under the ``trackingnet_path`` root (the evaluation root)::

    TRAIN_<i>/anno/<video>.txt              # one "x,y,w,h" row per frame
    TRAIN_<i>/frames/<video>/0.jpg ...      # frames numbered from 0 without leading zeros

Only the requested chunks present on disk are used. TrackingNet has no visibility labels: a
frame is visible where its box is valid. Object classes are not read (meta info is None).
"""
from __future__ import annotations

import os
from typing import Iterable, Optional

from ltr.admin.environment import PathLike, require_dir
from ltr.data.annotations import read_number_rows
from ltr.data.image_loader import imread_rgb
from ltr.dataset.base_video_dataset import BaseVideoDataset, ImageLoader, SequenceAnnotation

NUM_TRAIN_SETS = 12


class TrackingNet(BaseVideoDataset):
    """TrackingNet training videos of the chunks ``set_ids``.

    Args:
        root: dataset root (holding ``TRAIN_<i>/``); default: the ``trackingnet_path`` setting.
        set_ids: chunk numbers to use, each in 0..11.
        image_loader: reads an image path into an (H, W, 3) RGB uint8 array.
    """
    name = "trackingnet"
    layout = "<root>/TRAIN_<i>/anno/<video>.txt and <root>/TRAIN_<i>/frames/<video>/0.jpg ..."

    def __init__(self, root: Optional[PathLike] = None, set_ids: Iterable[int] = range(NUM_TRAIN_SETS),
                 image_loader: ImageLoader = imread_rgb):
        self.set_ids = [int(i) for i in set_ids]
        outside = [i for i in self.set_ids if not 0 <= i < NUM_TRAIN_SETS]
        if outside:
            raise ValueError(f"TrackingNet set id {outside[0]} is outside 0..{NUM_TRAIN_SETS - 1}")
        self._set_dirs: list = []  # per sequence: its TRAIN_<i> folder
        super().__init__(require_dir("trackingnet_path", root, what="TrackingNet dataset"), image_loader)

    def _list_sequences(self) -> list:
        names = []
        for set_id in self.set_ids:
            set_dir = self.root / f"TRAIN_{set_id}"
            anno_dir = set_dir / "anno"
            if not anno_dir.is_dir():
                continue
            videos = sorted(f[:-4] for f in os.listdir(anno_dir) if f.endswith(".txt"))
            names.extend(videos)
            self._set_dirs.extend([set_dir] * len(videos))
        return names

    def _read_annotation(self, seq_id: int) -> SequenceAnnotation:
        anno_file = self._set_dirs[seq_id] / "anno" / f"{self.sequence_list[seq_id]}.txt"
        return SequenceAnnotation(read_number_rows(anno_file, 4))

    def _frame_path(self, seq_id: int, frame_id: int) -> str:
        return str(self._set_dirs[seq_id] / "frames" / self.sequence_list[seq_id] / f"{frame_id}.jpg")
