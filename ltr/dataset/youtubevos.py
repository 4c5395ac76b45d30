"""YouTube-VOS (Xu et al., ECCV 2018) training videos with object masks, 2018 or 2019 ``train`` split.

Layout under the ``youtubevos_path`` root (the extracted ``train`` folder, or a folder holding ``train/``)::

    [train/]meta.json                          {"videos": {<video>: {"objects": {<id>: {"category": ...,
                                                                                       "frames": ["00000", ...]}}}}}
    [train/]JPEGImages/<video>/<frame>.jpg
    [train/]Annotations/<video>/<frame>.png    palette PNG, pixel value = object id (0 = background)

Every object of every video is one sequence over the frames ``meta.json`` lists for it, in name order.
Its box in a frame is the tight box of its pixels; the frame is visible where the object covers at
least ``min_area`` pixels (Alpha-Refine's 1000: the published code dropped such frames from the
sequence, here they stay as invisible frames so the frame gaps keep their meaning) and its mask is
``Annotations == id``. The object class is the ``category`` of ``meta.json``.

Building the index reads every annotation PNG once; it is cached as JSON (written atomically) in
``cache_dir`` (default: the root). The published code read the palette PNGs as gray images and
matched gray levels; the palette indices are read here (the object ids of ``meta.json``).
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Optional

import numpy as np
from PIL import Image, UnidentifiedImageError
from tqdm import tqdm

from ltr.admin.environment import PathLike, require_dir
from ltr.data.annotations import DatasetError
from ltr.data.image_loader import UnreadableImageError, imread_rgb
from ltr.dataset.base_video_dataset import (
    BaseVideoDataset,
    ImageLoader,
    SequenceAnnotation,
    cached_index,
    mask_box,
)

CACHE_FILE = "youtubevos_train_index.json"
CACHE_FORMAT = 1
MIN_AREA = 1000


def read_index_png(path: PathLike) -> np.ndarray:
    """(H, W) uint8 object ids of an annotation PNG (palette indices; a gray PNG's levels).

    Raises:
        UnreadableImageError naming the file when it is missing or cannot be decoded;
        DatasetError naming it when it holds colours instead of indices.
    """
    if not os.path.isfile(path):
        raise UnreadableImageError(path, "file does not exist")
    try:
        with Image.open(path) as image:
            image.load()
            if image.mode not in ("P", "L"):
                raise DatasetError(f"YouTube-VOS annotation '{path}' is a {image.mode} image, not a palette "
                                   "(indexed) PNG of object ids")
            return np.asarray(image, dtype=np.uint8)
    except (UnidentifiedImageError, OSError, SyntaxError) as err:
        raise UnreadableImageError(path, f"cannot be decoded ({err})") from None


def read_meta(meta_file: Path) -> dict:
    """``{video: {object id (str): {'category': str | None, 'frames': [frame names, sorted]}}}`` of meta.json.

    Raises:
        DatasetError naming the file when it is missing, not JSON or lacks a field.
    """
    try:
        videos = json.loads(meta_file.read_text())["videos"]
        return {video: {str(obj_id): {"category": obj.get("category"), "frames": sorted(obj["frames"])}
                        for obj_id, obj in entry["objects"].items()}
                for video, entry in videos.items()}
    except FileNotFoundError:
        raise DatasetError(f"YouTube-VOS meta file '{meta_file}' does not exist") from None
    except json.JSONDecodeError as err:
        raise DatasetError(f"YouTube-VOS meta file '{meta_file}' is not valid JSON: {err}") from None
    except (KeyError, TypeError, AttributeError) as err:
        raise DatasetError(f"YouTube-VOS meta file '{meta_file}' is malformed: missing or wrong field {err!r} "
                           "(expected {'videos': {<video>: {'objects': {<id>: {'frames': [...]}}}}})") from None


def build_index(anno_dir: Path, meta: dict) -> list:
    """One entry per object: ``video``, ``object_id`` (int), ``category``, ``frames`` (names), per frame
    ``boxes`` ([x, y, w, h] of its pixels) and ``areas`` (pixel counts). Every annotation PNG is read once."""
    objects = []
    for video, video_objects in tqdm(meta.items(), desc="YouTube-VOS: reading annotations", unit="video"):
        ids = {}
        for frame in sorted({f for obj in video_objects.values() for f in obj["frames"]}):
            ids[frame] = read_index_png(anno_dir / video / f"{frame}.png")
        for obj_id, obj in video_objects.items():
            masks = [(ids[frame] == int(obj_id)).astype(np.uint8) for frame in obj["frames"]]
            objects.append({"video": video, "object_id": int(obj_id), "category": obj["category"],
                            "frames": obj["frames"], "boxes": [mask_box(mask) for mask in masks],
                            "areas": [int(mask.sum()) for mask in masks]})
    return objects


class YouTubeVOS(BaseVideoDataset):
    """YouTube-VOS training objects as video sequences with masks (``has_masks()`` is True).

    Args:
        root: dataset root (see module docstring); default: the ``youtubevos_path`` setting.
        min_area: a frame is visible where the object covers at least this many pixels.
        cache_dir: folder of the index cache (default: the root).
        image_loader: reads an image path into an (H, W, 3) RGB uint8 array.
    """
    name = "youtubevos"
    layout = "[train/]meta.json, [train/]JPEGImages/<video>/<frame>.jpg, [train/]Annotations/<video>/<frame>.png"

    def __init__(self, root: Optional[PathLike] = None, min_area: int = MIN_AREA,
                 cache_dir: Optional[PathLike] = None, image_loader: ImageLoader = imread_rgb):
        root = require_dir("youtubevos_path", root, what="YouTube-VOS dataset")
        data_root = root / "train" if (root / "train" / "meta.json").is_file() else root
        self.image_dir, self.anno_dir = data_root / "JPEGImages", data_root / "Annotations"
        self.meta_file = data_root / "meta.json"
        self.cache_file = Path(cache_dir if cache_dir is not None else root) / CACHE_FILE
        self.min_area = min_area
        self._objects: list = []
        super().__init__(root, image_loader)

    def _list_sequences(self) -> list:
        self._objects = cached_index(self.cache_file, {"format": CACHE_FORMAT},
                                     lambda: build_index(self.anno_dir, read_meta(self.meta_file)), "YouTube-VOS")
        return [f"{obj['video']}_{obj['object_id']}" for obj in self._objects]

    def has_masks(self) -> bool:
        return True

    def _read_annotation(self, seq_id: int) -> SequenceAnnotation:
        obj = self._objects[seq_id]
        return SequenceAnnotation(obj["boxes"], visible=[area >= self.min_area for area in obj["areas"]])

    def _frame_path(self, seq_id: int, frame_id: int) -> str:
        obj = self._objects[seq_id]
        return str(self.image_dir / obj["video"] / f"{obj['frames'][frame_id]}.jpg")

    def _read_mask(self, seq_id: int, frame_id: int) -> np.ndarray:
        obj = self._objects[seq_id]
        ids = read_index_png(self.anno_dir / obj["video"] / f"{obj['frames'][frame_id]}.png")
        return (ids == obj["object_id"]).astype(np.uint8)

    def _meta_info(self, seq_id: int) -> dict:
        return {"object_class_name": self._objects[seq_id]["category"]}
