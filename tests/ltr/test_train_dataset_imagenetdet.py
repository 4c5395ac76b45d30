"""ImageNet DET: every object of the official train XMLs is a one-image sequence, xyxy -> xywh, index cache."""
from pathlib import Path

import cv2
import numpy as np
import pytest

from ltr.data.annotations import DatasetError
from ltr.dataset import imagenetdet
from ltr.dataset.imagenetdet import CACHE_FILE, ImagenetDET

IMAGE_2013 = "ILSVRC2013_train/n01440764/n01440764_10026"
IMAGE_2014 = "ILSVRC2014_train_0000/ILSVRC2014_train_00000001"


def xml(objects) -> str:
    """objects: (synset, (xmin, ymin, xmax, ymax))."""
    body = "".join(f"<object><name>{name}</name><bndbox><xmin>{b[0]}</xmin><ymin>{b[1]}</ymin><xmax>{b[2]}</xmax>"
                   f"<ymax>{b[3]}</ymax></bndbox></object>" for name, b in objects)
    return f"<annotation><size><width>16</width><height>12</height></size>{body}</annotation>"


def make_root(root: Path, prefix: str = "", annotations=None) -> Path:
    """Three images: two objects in the 2013 one, none in the first 2014 one, one in the second."""
    annotations = annotations if annotations is not None else {
        IMAGE_2013: xml([("n01440764", (1, 2, 5, 6)), ("n02084071", (3, 0, 13, 11))]),
        IMAGE_2014: xml([]),
        IMAGE_2014[:-1] + "2": xml([("n02958343", (0, 0, 8, 4))]),
    }
    for number, (image, text) in enumerate(annotations.items(), start=1):
        xml_file = root / prefix / "Annotations" / "DET" / "train" / f"{image}.xml"
        xml_file.parent.mkdir(parents=True, exist_ok=True)
        xml_file.write_text(text)
        image_file = root / prefix / "Data" / "DET" / "train" / f"{image}.JPEG"
        image_file.parent.mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(image_file), np.full((12, 16, 3), 7 * number, np.uint8))
    return root


def test_each_object_is_a_one_image_sequence_and_empty_images_give_none(tmp_path):
    dataset = ImagenetDET(make_root(tmp_path))
    assert dataset.sequence_list == ["n01440764_10026_0", "n01440764_10026_1", "ILSVRC2014_train_00000002_0"]
    assert not dataset.is_video_sequence()


def test_box_is_xmin_ymin_width_height(tmp_path):
    dataset = ImagenetDET(make_root(tmp_path))
    assert dataset.get_sequence_info(1)["bbox"].tolist() == [[3, 0, 10, 11]]


def test_get_frames_serves_the_image_for_every_requested_frame(tmp_path):
    frames, anno, meta = ImagenetDET(make_root(tmp_path)).get_frames(2, [0, 3])
    assert len(frames) == 2 and int(round(frames[1].mean())) == 21  # the third image: gray 3 * 7
    assert anno["bbox"][1].tolist() == [0, 0, 8, 4] and meta["object_class_name"] == "n02958343"


def test_ilsvrc_subfolder_layout_is_accepted(tmp_path):
    assert len(ImagenetDET(make_root(tmp_path, prefix="ILSVRC"))) == 3


def test_index_is_cached_and_read_back(tmp_path, monkeypatch):
    root = make_root(tmp_path)
    ImagenetDET(root)
    assert (root / CACHE_FILE).is_file()
    monkeypatch.setattr(imagenetdet, "build_index", lambda *args: pytest.fail("annotations parsed again"))
    assert len(ImagenetDET(root)) == 3


def test_malformed_xml_is_an_error_naming_it(tmp_path):
    root = make_root(tmp_path, annotations={IMAGE_2014: "<annotation><object>"})
    with pytest.raises(DatasetError, match=f"{root / 'Annotations' / 'DET' / 'train' / IMAGE_2014}.xml: not valid XML"):
        ImagenetDET(root)


def test_object_without_box_is_an_error_naming_the_file_and_field(tmp_path):
    root = make_root(tmp_path, annotations={IMAGE_2014: "<annotation><object><name>n1</name></object></annotation>"})
    with pytest.raises(DatasetError, match=f"{IMAGE_2014}.xml: an <object> lacks <xmin>, <ymin>, <xmax>, <ymax>"):
        ImagenetDET(root)


def test_default_root_is_the_imagenetdet_path_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTRACKING_IMAGENETDET_PATH", str(make_root(tmp_path)))
    assert ImagenetDET().root == tmp_path
