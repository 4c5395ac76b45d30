"""Salient-object datasets (MSRA10K, DUTS-TR) as one-image sequences with masks.

The ``saliency_path`` root holds pairs of an image folder (``<name>.jpg``) and a mask folder
(``<name>.png``, gray, foreground >= 128), in the published layouts::

    DUTS-TR/DUTS-TR-Image/<name>.jpg   with  DUTS-TR/DUTS-TR-Mask/<name>.png
    MSRA10K_Imgs_GT/Imgs/<name>.jpg    with  MSRA10K_Imgs_GT/Imgs/<name>.png   (one folder)

(also with the root being ``DUTS-TR`` or ``MSRA10K_Imgs_GT`` itself), or as given by ``folders``.
Every mask with foreground pixels is one sequence; its box is the tight box of all foreground
pixels (several salient objects give one box, as in Alpha-Refine) and ``get_frames`` serves the
image and mask for every requested frame. Boxing reads every mask once; the index is cached as
JSON in ``cache_dir`` (default: the root). The published code used its own merged copy of the
datasets (``images/%08d.jpg``, ``gt/%08d.png``, foreground = 255).
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional, Sequence

import numpy as np
from tqdm import tqdm

from ltr.admin.environment import PathLike, require_dir
from ltr.data.annotations import DatasetError
from ltr.data.image_loader import imread_rgb
from ltr.dataset.base_video_dataset import (
    BaseVideoDataset,
    ImageLoader,
    SequenceAnnotation,
    cached_index,
    mask_box,
    read_gray_mask,
)

CACHE_FILE = "saliency_index.json"
CACHE_FORMAT = 1
KNOWN_FOLDERS = (("DUTS-TR/DUTS-TR-Image", "DUTS-TR/DUTS-TR-Mask"), ("DUTS-TR-Image", "DUTS-TR-Mask"),
                 ("MSRA10K_Imgs_GT/Imgs", "MSRA10K_Imgs_GT/Imgs"), ("Imgs", "Imgs"))
"""(image folder, mask folder) pairs looked for under the root when ``folders`` is not given."""
IMAGE_SUFFIX, MASK_SUFFIX = ".jpg", ".png"


def build_index(root: Path, folders: Sequence[Sequence[str]]) -> list:
    """``[image path, mask path, [x, y, w, h]]`` (paths relative to ``root``) of every mask with foreground.

    Raises:
        DatasetError naming the image a mask has none of; UnreadableImageError naming an undecodable mask.
    """
    pairs = [(root / image_dir / f"{mask.stem}{IMAGE_SUFFIX}", mask) for image_dir, mask_dir in folders
             for mask in sorted((root / mask_dir).glob(f"*{MASK_SUFFIX}"))]
    index = []
    for image, mask in tqdm(pairs, desc="Saliency: boxing masks", unit="mask"):
        if not image.is_file():
            raise DatasetError(f"saliency mask '{mask}' has no image: '{image}' does not exist")
        box = mask_box(read_gray_mask(mask))
        if box[2] > 0:
            index.append([image.relative_to(root).as_posix(), mask.relative_to(root).as_posix(), box])
    return index


class Saliency(BaseVideoDataset):
    """Saliency images with masks as single-frame sequences (``is_video_sequence()`` False, ``has_masks()`` True).

    Args:
        root: dataset root; default: the ``saliency_path`` setting.
        folders: (image folder, mask folder) pairs relative to the root; default: those of
            :data:`KNOWN_FOLDERS` that exist.
        cache_dir: folder of the index cache (default: the root).
        image_loader: reads an image path into an (H, W, 3) RGB uint8 array.
    """
    name = "saliency"
    layout = ("image + mask folders <name>.jpg / <name>.png: " +
              ", ".join(f"{images} + {masks}" for images, masks in KNOWN_FOLDERS))

    def __init__(self, root: Optional[PathLike] = None, folders: Optional[Sequence[Sequence[str]]] = None,
                 cache_dir: Optional[PathLike] = None, image_loader: ImageLoader = imread_rgb):
        root = require_dir("saliency_path", root, what="saliency dataset")
        if folders is None:
            folders = [pair for pair in KNOWN_FOLDERS if all((root / folder).is_dir() for folder in pair)]
        self.folders = [[str(image_dir), str(mask_dir)] for image_dir, mask_dir in folders]
        for folder in dict.fromkeys(folder for pair in self.folders for folder in pair):
            if not (root / folder).is_dir():
                raise DatasetError(f"saliency folder '{root / folder}' does not exist")
        self.cache_file = Path(cache_dir if cache_dir is not None else root) / CACHE_FILE
        self._items: list = []
        super().__init__(root, image_loader)

    def _list_sequences(self) -> list:
        key = {"format": CACHE_FORMAT, "folders": self.folders}
        self._items = cached_index(self.cache_file, key, lambda: build_index(self.root, self.folders), "saliency")
        return [mask[:-len(MASK_SUFFIX)] for _, mask, _ in self._items]

    def is_video_sequence(self) -> bool:
        return False

    def has_masks(self) -> bool:
        return True

    def _read_annotation(self, seq_id: int) -> SequenceAnnotation:
        return SequenceAnnotation([self._items[seq_id][2]])

    def _frame_path(self, seq_id: int, frame_id: int) -> str:
        return str(self.root / self._items[seq_id][0])

    def _read_mask(self, seq_id: int, frame_id: int) -> np.ndarray:
        return read_gray_mask(self.root / self._items[seq_id][1])
