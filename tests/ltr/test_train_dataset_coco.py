"""COCO as single-image sequences: usable annotations, the image repeated per frame id, category meta info."""
import json
from pathlib import Path

import pytest

from ltr.data.annotations import DatasetError
from ltr.data.image_loader import UnreadableImageError
from ltr.dataset.coco_seq import MSCOCOSeq
from tests.conftest import write_images


def _annotation(ann_id, image_id, bbox, category_id=1, iscrowd=0, area=10.0):
    return {"id": ann_id, "image_id": image_id, "bbox": bbox, "category_id": category_id, "iscrowd": iscrowd,
            "area": area}


def _make_root(root: Path, annotations=None) -> Path:
    write_images(root / "images" / "train2017", 2, pattern="%012d.jpg", size=(8, 8))  # filled with 7 and 14
    data = {
        "images": [{"id": 1, "file_name": "000000000001.jpg"}, {"id": 2, "file_name": "000000000002.jpg"}],
        "categories": [{"id": 1, "name": "dog", "supercategory": "animal"},
                       {"id": 2, "name": "car", "supercategory": "vehicle"}],
        "annotations": annotations if annotations is not None else [
            _annotation(10, 1, [1, 2, 3, 4]),
            _annotation(11, 1, [0, 0, 5, 5], iscrowd=1),
            _annotation(12, 2, [0, 0, 5, 5], area=0.0),
            _annotation(13, 2, [0, 0, 0, 5]),
            _annotation(14, 2, [2, 1, 4, 3], category_id=2),
        ],
    }
    (root / "annotations").mkdir()
    (root / "annotations" / "instances_train2017.json").write_text(json.dumps(data))
    return root


def test_every_usable_annotation_is_a_sequence(tmp_path):
    dataset = MSCOCOSeq(_make_root(tmp_path))
    assert dataset.sequence_list == ["10", "14"]  # crowd, zero-area and zero-width annotations skipped
    assert not dataset.is_video_sequence()


def test_sequence_info_is_one_frame(tmp_path):
    info = MSCOCOSeq(_make_root(tmp_path)).get_sequence_info(1)
    assert info["bbox"].tolist() == [[2, 1, 4, 3]]
    assert info["valid"].tolist() == info["visible"].tolist() == [True]


def test_image_and_box_are_repeated_for_every_frame_id(tmp_path):
    frames, anno, _ = MSCOCOSeq(_make_root(tmp_path)).get_frames(1, [0, 3, 7])
    assert [int(round(f.mean())) for f in frames] == [14, 14, 14]
    assert [b.tolist() for b in anno["bbox"]] == [[2, 1, 4, 3]] * 3


def test_meta_info_is_the_category(tmp_path):
    meta = MSCOCOSeq(_make_root(tmp_path)).get_meta_info(1)
    assert (meta["object_class_name"], meta["major_class"]) == ("car", "vehicle")


def test_missing_image_raises_unreadable_image_error(tmp_path):
    root = _make_root(tmp_path)
    (root / "images" / "train2017" / "000000000001.jpg").unlink()
    with pytest.raises(UnreadableImageError, match="000000000001.jpg"):
        MSCOCOSeq(root).get_frames(0, [0])


def test_invalid_json_names_the_file(tmp_path):
    root = _make_root(tmp_path)
    (root / "annotations" / "instances_train2017.json").write_text("{")
    with pytest.raises(DatasetError, match="instances_train2017.json' is not valid JSON"):
        MSCOCOSeq(root)


def test_annotation_of_unknown_image_names_the_file(tmp_path):
    root = _make_root(tmp_path, [_annotation(10, 99, [1, 2, 3, 4])])
    with pytest.raises(DatasetError, match="instances_train2017.json' is malformed"):
        MSCOCOSeq(root)


def test_no_usable_annotation_is_a_value_error_naming_the_root(tmp_path):
    root = _make_root(tmp_path, [_annotation(11, 1, [0, 0, 5, 5], iscrowd=1)])
    with pytest.raises(ValueError, match=f"coco: no usable sequences under '{root}'"):
        MSCOCOSeq(root)
