"""LaSOT training set (Fan et al., CVPR 2019): the official 1120-sequence train split.

Layout under the ``lasot_path`` root (the evaluation root)::

    <class>/<class>-<k>/img/00000001.jpg ...   # frame i (0-based) is %08d.jpg of i + 1
    <class>/<class>-<k>/groundtruth.txt        # one "x,y,w,h" row per frame
    <class>/<class>-<k>/full_occlusion.txt     # one comma-separated line of 0/1 flags
    <class>/<class>-<k>/out_of_view.txt        # likewise

Each of the 70 classes has sequences 1..20; the train split is every ``<class>-<k>`` that is
not one of the 280 test sequences (4 per class). A frame is visible where the target is
neither fully occluded nor out of view and its box is valid. Only sequences present on disk
are used, so a partial download works.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from ltr.admin.environment import PathLike, require_dir
from ltr.data.annotations import read_flag_rows, read_name_list, read_number_rows
from ltr.data.image_loader import imread_rgb
from ltr.dataset.base_video_dataset import BaseVideoDataset, ImageLoader, SequenceAnnotation

SEQUENCES_PER_CLASS = 20
SPLITS = ("train",)
TEST_LIST_FILE = Path(__file__).resolve().parents[1] / "data_specs" / "lasot_test.txt"


def lasot_test_sequence_names() -> list:
    """The 280 names of the official LaSOT test split (``airplane-1`` ...), class by class (Protocol II)."""
    return read_name_list(TEST_LIST_FILE)


def lasot_class(sequence_name: str) -> str:
    """Object class of a LaSOT sequence: ``'rubicCube-14'`` -> ``'rubicCube'``."""
    return sequence_name.rsplit("-", 1)[0]


def lasot_train_sequence_names() -> list:
    """The 1120 names of the official LaSOT train split (``airplane-2`` ...), class by class."""
    test = lasot_test_sequence_names()
    classes = list(dict.fromkeys(lasot_class(name) for name in test))
    excluded = set(test)
    return [f"{cls}-{k}" for cls in classes for k in range(1, SEQUENCES_PER_CLASS + 1)
            if f"{cls}-{k}" not in excluded]


class Lasot(BaseVideoDataset):
    """LaSOT train split; the object class of a sequence is its class folder.

    Args:
        root: dataset root (holding the class folders); default: the ``lasot_path`` setting.
        split: 'train' (the only training split).
        image_loader: reads an image path into an (H, W, 3) RGB uint8 array.
    """
    name = "lasot"
    layout = "<root>/<class>/<class>-<k>/{img/00000001.jpg ..., groundtruth.txt, full_occlusion.txt, out_of_view.txt}"

    def __init__(self, root: Optional[PathLike] = None, split: str = "train", image_loader: ImageLoader = imread_rgb):
        if split not in SPLITS:
            raise ValueError(f"LaSOT training split must be one of {SPLITS}, got '{split}'")
        self.split = split
        super().__init__(require_dir("lasot_path", root, what="LaSOT dataset"), image_loader)

    def _list_sequences(self) -> list:
        return [name for name in lasot_train_sequence_names() if self._sequence_dir_of(name).is_dir()]

    def _sequence_dir_of(self, name: str) -> Path:
        return self.root / lasot_class(name) / name

    def _read_annotation(self, seq_id: int) -> SequenceAnnotation:
        seq_dir = self._sequence_dir_of(self.sequence_list[seq_id])
        boxes = read_number_rows(seq_dir / "groundtruth.txt", 4)
        occluded = read_flag_rows(seq_dir / "full_occlusion.txt", len(boxes))
        out_of_view = read_flag_rows(seq_dir / "out_of_view.txt", len(boxes))
        return SequenceAnnotation(boxes, visible=(occluded == 0) & (out_of_view == 0))

    def _frame_path(self, seq_id: int, frame_id: int) -> str:
        return str(self._sequence_dir_of(self.sequence_list[seq_id]) / "img" / f"{frame_id + 1:08d}.jpg")

    def _meta_info(self, seq_id: int) -> dict:
        return {"object_class_name": lasot_class(self.sequence_list[seq_id])}
