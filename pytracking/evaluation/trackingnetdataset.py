"""TrackingNet test set (511 sequences, scored by the evaluation server).

Layout under the ``trackingnet_path`` root::

    TEST/anno/<seq>.txt            # "x,y,w,h"; only the first-frame box is published
    TEST/frames/<seq>/0.jpg ...    # frames numbered from 0 without leading zeros

The sequence names are the annotation files' stems; the frame count is the number of images,
so the images are needed even with ``check_images=False`` (the test set is scored by the
server, not analysed locally).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

from ltr.admin.environment import PathLike
from ltr.data.annotations import DatasetError, read_number_rows
from pytracking.evaluation.data import BaseDataset, MissingImagesError, Sequence


class TrackingNetDataset(BaseDataset):
    """TrackingNet (Müller et al., ECCV 2018) test split; sequences have ``dataset='trackingnet'``."""
    name = "trackingnet"
    path_key = "trackingnet_path"

    def __init__(self, root: Optional[PathLike] = None, check_images: bool = True):
        super().__init__(root, check_images)
        self.anno_dir = self.root / "TEST" / "anno"
        self.frames_dir = self.root / "TEST" / "frames"
        if not self.anno_dir.is_dir():
            raise DatasetError(f"TrackingNet annotation folder '{self.anno_dir}' does not exist "
                               "(expected <root>/TEST/anno/<seq>.txt)")
        self._names = sorted(f[:-4] for f in os.listdir(self.anno_dir) if f.endswith(".txt"))

    def sequence_names(self) -> list:
        return list(self._names)

    def annotation_file(self, name: str) -> Path:
        return self.anno_dir / f"{name}.txt"

    def _build_sequence(self, name: str) -> Sequence:
        frames = numbered_frames(self.frames_dir / name)
        ground_truth = read_number_rows(self.annotation_file(name), 4, max_rows=1)
        return Sequence(name, frames, self.name, ground_truth)


def numbered_frames(folder: Path) -> list:
    """Paths of the n images ``folder/0.jpg .. folder/<n-1>.jpg``, in frame order.

    Raises:
        MissingImagesError naming the folder when it is missing or empty; DatasetError when an
        image name is not a frame number, or when the numbers are not contiguous from 0 (naming
        the first missing one).
    """
    if not folder.is_dir():
        raise MissingImagesError(f"frame folder '{folder}' does not exist")
    stems = [f[:-4] for f in os.listdir(folder) if f.endswith(".jpg")]
    if not stems:
        raise MissingImagesError(f"no .jpg images in '{folder}'")
    bad = sorted(s for s in stems if not s.isdigit())
    if bad:
        raise DatasetError(f"'{folder / (bad[0] + '.jpg')}' is not named by a frame number (0.jpg, 1.jpg ...)")
    stems.sort(key=int)
    for expected, stem in enumerate(stems):
        if int(stem) != expected:
            raise DatasetError(f"'{folder}': frame {expected}.jpg is missing ({len(stems)} images, "
                               f"numbered up to {stems[-1]})")
    return [os.path.join(folder, f"{stem}.jpg") for stem in stems]
