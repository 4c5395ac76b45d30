"""ImageNet DET (Russakovsky et al., IJCV 2015) training objects as one-image "sequences".

Layout under the ``imagenetdet_path`` root (the extracted ``ILSVRC2015`` folder, which also holds
VID, or a folder holding ``ILSVRC/``)::

    [ILSVRC/]Annotations/DET/train/<subfolders>/<image>.xml
    [ILSVRC/]Data/DET/train/<subfolders>/<image>.JPEG

Each XML lists the image's objects (synset ``name``, ``bndbox`` xmin/ymin/xmax/ymax); every
object is one sequence of a single frame with box ``[xmin, ymin, xmax - xmin, ymax - ymin]``
(as Alpha-Refine's ImageNet DET and this package's ImageNet VID), its class the synset id.
Images without objects give no sequence. Parsing the ~456k XMLs takes long, so the index is
cached as JSON (written atomically) in ``cache_dir`` (default: the root).
"""
from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Optional

from tqdm import tqdm

from ltr.admin.environment import PathLike, require_dir
from ltr.data.annotations import DatasetError
from ltr.data.image_loader import imread_rgb
from ltr.dataset.base_video_dataset import BaseVideoDataset, ImageLoader, SequenceAnnotation, cached_index

CACHE_FILE = "imagenetdet_train_index.json"
CACHE_FORMAT = 1
BOX_KEYS = ("xmin", "ymin", "xmax", "ymax")


def parse_objects(xml_file: Path) -> list:
    """``[(synset, [x, y, w, h]), ...]`` of one annotation file.

    Raises:
        DatasetError naming the file when it is not XML or an object lacks a name or a numeric box.
    """
    try:
        tree = ET.parse(xml_file).getroot()
    except ET.ParseError as err:
        raise DatasetError(f"{xml_file}: not valid XML ({err})") from None
    objects = []
    for obj in tree.findall("object"):
        fields = {key: obj.findtext(path) for key, path in [("name", "name")] + [(k, f"bndbox/{k}") for k in BOX_KEYS]}
        missing = [key for key, value in fields.items() if value is None or not value.strip()]
        if missing:
            raise DatasetError(f"{xml_file}: an <object> lacks {', '.join(f'<{key}>' for key in missing)}")
        try:
            xmin, ymin, xmax, ymax = (float(fields[key]) for key in BOX_KEYS)
        except ValueError as err:
            raise DatasetError(f"{xml_file}: non-numeric box value ({err})") from None
        objects.append((fields["name"].strip(), [xmin, ymin, xmax - xmin, ymax - ymin]))
    return objects


def build_index(anno_dir: Path) -> list:
    """``[image, k, synset, [x, y, w, h]]`` for object ``k`` (0-based) of every image (its path relative to
    the train folder, without suffix), in path order."""
    xml_files = sorted(Path(folder, name) for folder, _, names in os.walk(anno_dir)
                       for name in names if name.endswith(".xml"))
    index = []
    for xml_file in tqdm(xml_files, desc="ImageNet DET: parsing annotations", unit="image"):
        image = xml_file.relative_to(anno_dir).with_suffix("").as_posix()
        index.extend([image, k, synset, box] for k, (synset, box) in enumerate(parse_objects(xml_file)))
    return index


class ImagenetDET(BaseVideoDataset):
    """ImageNet DET objects as single-frame sequences (``is_video_sequence()`` is False).

    Args:
        root: dataset root (see module docstring); default: the ``imagenetdet_path`` setting.
        cache_dir: folder of the index cache (default: the root).
        image_loader: reads an image path into an (H, W, 3) RGB uint8 array.
    """
    name = "imagenetdet"
    layout = "[ILSVRC/]Annotations/DET/train/.../*.xml and [ILSVRC/]Data/DET/train/.../*.JPEG"

    def __init__(self, root: Optional[PathLike] = None, cache_dir: Optional[PathLike] = None,
                 image_loader: ImageLoader = imread_rgb):
        root = require_dir("imagenetdet_path", root, what="ImageNet DET dataset")
        data_root = root / "ILSVRC" if (root / "ILSVRC" / "Annotations").is_dir() else root
        self.anno_dir = data_root / "Annotations" / "DET" / "train"
        self.data_dir = data_root / "Data" / "DET" / "train"
        self.cache_file = Path(cache_dir if cache_dir is not None else root) / CACHE_FILE
        self._objects: list = []
        super().__init__(root, image_loader)

    def _list_sequences(self) -> list:
        if not self.anno_dir.is_dir():
            return []
        self._objects = cached_index(self.cache_file, {"format": CACHE_FORMAT}, lambda: build_index(self.anno_dir),
                                     "ImageNet DET")
        return [f"{image.rsplit('/', 1)[-1]}_{k}" for image, k, _, _ in self._objects]

    def is_video_sequence(self) -> bool:
        return False

    def _read_annotation(self, seq_id: int) -> SequenceAnnotation:
        return SequenceAnnotation([self._objects[seq_id][3]])

    def _frame_path(self, seq_id: int, frame_id: int) -> str:
        return str(self.data_dir / f"{self._objects[seq_id][0]}.JPEG")

    def _meta_info(self, seq_id: int) -> dict:
        return {"object_class_name": self._objects[seq_id][2]}
