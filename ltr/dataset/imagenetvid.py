"""ImageNet VID (Russakovsky et al., IJCV 2015) training tracklets.

Layout under the ``imagenetvid_path`` root (either the extracted ``ILSVRC2015`` folder or a
folder holding ``ILSVRC/``)::

    [ILSVRC/]Annotations/VID/train/<group>/<snippet>/000000.xml ...
    [ILSVRC/]Data/VID/train/<group>/<snippet>/000000.JPEG ...

Each XML lists the frame's objects (``trackid``, synset ``name``, ``bndbox`` xmin/ymin/xmax/
ymax, ``occluded``) and the image ``size``. A tracklet is a run of consecutive frames of one
``trackid`` (an object that leaves and comes back gives two tracklets); its box is
``[xmin, ymin, xmax - xmin, ymax - ymin]`` and it is visible where not occluded (and valid).

Parsing every XML takes long, so the parsed index is cached as JSON (written atomically) in
``cache_dir`` (default: the root) and read by later constructions. The filters ``min_length``
and ``max_target_area`` apply to the cached index and can change freely.
"""
from __future__ import annotations

import json
import math
import os
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Optional

from tqdm import tqdm

from ltr.admin.environment import PathLike, require_dir
from ltr.admin.file_io import atomic_write_text
from ltr.data.annotations import DatasetError
from ltr.data.image_loader import imread_rgb
from ltr.dataset.base_video_dataset import BaseVideoDataset, ImageLoader, SequenceAnnotation

CACHE_FILE = "imagenetvid_train_index.json"
CACHE_FORMAT = 1


def _text(element: ET.Element, path: str, xml_file: Path) -> str:
    node = element.find(path)
    if node is None or node.text is None:
        raise DatasetError(f"{xml_file}: missing <{path}>")
    return node.text.strip()


def parse_frame(xml_file: Path) -> tuple:
    """One annotation file as ``((width, height), [(trackid, synset, [x, y, w, h], occluded), ...])``."""
    try:
        tree = ET.parse(xml_file).getroot()
    except ET.ParseError as err:
        raise DatasetError(f"{xml_file}: not valid XML ({err})") from None
    try:
        size = (int(_text(tree, "size/width", xml_file)), int(_text(tree, "size/height", xml_file)))
        objects = []
        for obj in tree.findall("object"):
            xmin, ymin, xmax, ymax = (float(_text(obj, f"bndbox/{key}", xml_file))
                                      for key in ("xmin", "ymin", "xmax", "ymax"))
            occluded = obj.find("occluded")
            objects.append((int(_text(obj, "trackid", xml_file)), _text(obj, "name", xml_file),
                            [xmin, ymin, xmax - xmin, ymax - ymin],
                            int(occluded.text) if occluded is not None and occluded.text else 0))
    except ValueError as err:
        raise DatasetError(f"{xml_file}: non-numeric value ({err})") from None
    return size, objects


def snippet_tracklets(anno_dir: Path, snippet: str) -> list:
    """Tracklets of one snippet: dicts with ``snippet``, ``track_id``, ``start`` (frame number of
    the first frame), ``class`` (synset), ``image_size`` [W, H], ``boxes`` [[x, y, w, h], ...]
    and ``occluded`` [0/1, ...]."""
    folder = anno_dir / snippet
    frame_numbers = sorted(int(f[:-4]) for f in os.listdir(folder) if f.endswith(".xml"))
    finished, open_tracks = [], {}
    previous = None
    for number in frame_numbers:
        size, objects = parse_frame(folder / f"{number:06d}.xml")
        present = set()
        for track_id, synset, box, occluded in objects:
            present.add(track_id)
            track = open_tracks.get(track_id)
            if track is None or previous != number - 1:
                if track is not None:
                    finished.append(track)
                track = open_tracks[track_id] = {"snippet": snippet, "track_id": track_id, "start": number,
                                                 "class": synset, "image_size": list(size), "boxes": [],
                                                 "occluded": []}
            track["boxes"].append(box)
            track["occluded"].append(occluded)
        for track_id in [t for t in open_tracks if t not in present]:
            finished.append(open_tracks.pop(track_id))
        previous = number
    finished.extend(open_tracks.values())
    return sorted(finished, key=lambda t: (t["start"], t["track_id"]))


def build_index(anno_dir: Path) -> list:
    """Tracklets of every snippet under ``anno_dir`` (folders holding ``.xml`` files), in path order."""
    snippets = sorted(os.path.relpath(folder, anno_dir).replace(os.sep, "/")
                      for folder, _, files in os.walk(anno_dir) if any(f.endswith(".xml") for f in files))
    tracklets = []
    for snippet in tqdm(snippets, desc="ImageNet VID: parsing annotations", unit="snippet"):
        tracklets.extend(snippet_tracklets(anno_dir, snippet))
    return tracklets


def target_to_image_ratio(tracklet: dict) -> float:
    """sqrt(first box area / image area) of a tracklet."""
    _, _, w, h = tracklet["boxes"][0]
    width, height = tracklet["image_size"]
    return math.sqrt(max(w * h, 0.0) / (width * height))


class ImagenetVID(BaseVideoDataset):
    """ImageNet VID training tracklets; the object class is the synset id (e.g. 'n02958343').

    Args:
        root: dataset root (see module docstring); default: the ``imagenetvid_path`` setting.
        min_length: keep tracklets of at least this many frames.
        max_target_area: keep tracklets whose first-frame target-to-image ratio
            sqrt(box area / image area) is below this value.
        cache_dir: folder of the parsed-index cache (default: the root).
        image_loader: reads an image path into an (H, W, 3) RGB uint8 array.
    """
    name = "imagenetvid"
    layout = "[ILSVRC/]Annotations/VID/train/<group>/<snippet>/*.xml and [ILSVRC/]Data/VID/train/.../*.JPEG"

    def __init__(self, root: Optional[PathLike] = None, min_length: int = 0, max_target_area: float = 1,
                 cache_dir: Optional[PathLike] = None, image_loader: ImageLoader = imread_rgb):
        root = require_dir("imagenetvid_path", root, what="ImageNet VID dataset")
        data_root = root / "ILSVRC" if (root / "ILSVRC" / "Annotations").is_dir() else root
        self.anno_dir = data_root / "Annotations" / "VID" / "train"
        self.data_dir = data_root / "Data" / "VID" / "train"
        self.cache_file = Path(cache_dir if cache_dir is not None else root) / CACHE_FILE
        self.min_length, self.max_target_area = min_length, max_target_area
        self._tracklets: list = []
        super().__init__(root, image_loader)

    def _list_sequences(self) -> list:
        self._tracklets = [t for t in self._load_index()
                           if len(t["boxes"]) >= self.min_length and target_to_image_ratio(t) < self.max_target_area]
        return [f"{t['snippet'].rsplit('/', 1)[-1]}_{t['track_id']}_{t['start']}" for t in self._tracklets]

    def _load_index(self) -> list:
        """The parsed index: from the cache file when it exists in the current format, else parsed
        from the XMLs and written to the cache (a warning, not an error, when that fails)."""
        if self.cache_file.is_file():
            try:
                cached = json.loads(self.cache_file.read_text())
            except json.JSONDecodeError as err:
                raise DatasetError(f"ImageNet VID index cache '{self.cache_file}' is corrupt ({err}); "
                                   "delete it to rebuild") from None
            if cached.get("format") == CACHE_FORMAT:
                return cached["tracklets"]
        if not self.anno_dir.is_dir():
            return []
        tracklets = build_index(self.anno_dir)
        try:
            atomic_write_text(self.cache_file, json.dumps({"format": CACHE_FORMAT, "tracklets": tracklets}))
        except OSError as err:
            warnings.warn(f"ImageNet VID: cannot write the index cache '{self.cache_file}' ({err}); "
                          "pass cache_dir to a writable folder to avoid parsing again", stacklevel=2)
        return tracklets

    def _read_annotation(self, seq_id: int) -> SequenceAnnotation:
        tracklet = self._tracklets[seq_id]
        return SequenceAnnotation(tracklet["boxes"], visible=[not o for o in tracklet["occluded"]])

    def _frame_path(self, seq_id: int, frame_id: int) -> str:
        tracklet = self._tracklets[seq_id]
        return str(self.data_dir / tracklet["snippet"] / f"{tracklet['start'] + frame_id:06d}.JPEG")

    def _meta_info(self, seq_id: int) -> dict:
        return {"object_class_name": self._tracklets[seq_id]["class"]}
