"""MS-COCO (Lin et al., ECCV 2014) as a training source of one-image "sequences".

Layout under the ``coco_path`` root::

    annotations/instances_<split><version>.json    # e.g. instances_train2017.json
    images/<split><version>/<file_name>            # e.g. images/train2017/000000000009.jpg

Every object annotation that is not a crowd region and has a positive area, width and height
is one sequence of a single frame; :meth:`get_frames` serves that image and box for every
requested frame id. The object class is the annotation's category name (its supercategory
is the ``major_class``).
"""
from __future__ import annotations

import json
from typing import NamedTuple, Optional

from ltr.admin.environment import PathLike, require_dir
from ltr.data.annotations import DatasetError
from ltr.data.image_loader import imread_rgb
from ltr.dataset.base_video_dataset import BaseVideoDataset, ImageLoader, SequenceAnnotation


class CocoObject(NamedTuple):
    """One usable annotation: its image file name, box ``[x, y, w, h]`` and category id."""
    file_name: str
    bbox: tuple
    category_id: int


def read_coco_objects(anno_file: PathLike) -> tuple:
    """Usable objects and categories of a COCO instances file.

    Returns:
        ``(names, objects, categories)``: annotation ids as strings, the matching
        :class:`CocoObject` list, and ``{category id: (name, supercategory)}``.
    Raises:
        DatasetError naming the file when it is missing, not JSON, or lacks a required field.
    """
    try:
        with open(anno_file) as handle:
            data = json.load(handle)
    except FileNotFoundError:
        raise DatasetError(f"COCO annotation file '{anno_file}' does not exist") from None
    except json.JSONDecodeError as err:
        raise DatasetError(f"COCO annotation file '{anno_file}' is not valid JSON: {err}") from None
    try:
        images = {image["id"]: image["file_name"] for image in data["images"]}
        categories = {cat["id"]: (cat["name"], cat.get("supercategory")) for cat in data["categories"]}
        names, objects = [], []
        for ann in data["annotations"]:
            x, y, w, h = (float(v) for v in ann["bbox"])
            if ann.get("iscrowd", 0) or ann.get("area", w * h) <= 0 or w <= 0 or h <= 0:
                continue
            names.append(str(ann["id"]))
            objects.append(CocoObject(images[ann["image_id"]], (x, y, w, h), ann["category_id"]))
    except (KeyError, TypeError, ValueError) as err:
        raise DatasetError(f"COCO annotation file '{anno_file}' is malformed: {err!r}") from None
    return names, objects, categories


class MSCOCOSeq(BaseVideoDataset):
    """COCO object annotations as single-frame sequences (``is_video_sequence()`` is False).

    Args:
        root: dataset root (holding ``annotations/`` and ``images/``); default: ``coco_path``.
        version: '2017' or '2014'.
        split: 'train' or 'val'.
        image_loader: reads an image path into an (H, W, 3) RGB uint8 array.
    """
    name = "coco"
    layout = "<root>/annotations/instances_<split><version>.json and <root>/images/<split><version>/"

    def __init__(self, root: Optional[PathLike] = None, version: str = "2017", split: str = "train",
                 image_loader: ImageLoader = imread_rgb):
        root = require_dir("coco_path", root, what="COCO dataset")
        self.version, self.split = version, split
        self.anno_file = root / "annotations" / f"instances_{split}{version}.json"
        self.image_dir = root / "images" / f"{split}{version}"
        self._objects: list = []
        self._categories: dict = {}
        super().__init__(root, image_loader)

    def _list_sequences(self) -> list:
        names, self._objects, self._categories = read_coco_objects(self.anno_file)
        return names

    def is_video_sequence(self) -> bool:
        return False

    def _read_annotation(self, seq_id: int) -> SequenceAnnotation:
        return SequenceAnnotation([self._objects[seq_id].bbox])

    def _frame_path(self, seq_id: int, frame_id: int) -> str:
        return str(self.image_dir / self._objects[seq_id].file_name)

    def _meta_info(self, seq_id: int) -> dict:
        name, supercategory = self._categories.get(self._objects[seq_id].category_id, (None, None))
        return {"object_class_name": name, "major_class": supercategory}
