"""ImageNet VID: tracklets from the XMLs, xyxy -> xywh boxes, visible = not occluded, filters, index cache."""
import json
from pathlib import Path

import pytest

from ltr.data.annotations import DatasetError
from ltr.data.image_loader import UnreadableImageError
from ltr.dataset.imagenetvid import CACHE_FILE, ImagenetVID
from tests.conftest import write_images

SNIPPET = "ILSVRC2015_VID_train_0000/ILSVRC2015_train_00000000"


def _xml(objects, width=20, height=10) -> str:
    """objects: (trackid, synset, (xmin, ymin, xmax, ymax), occluded)."""
    body = "".join(
        f"<object><trackid>{t}</trackid><name>{name}</name><bndbox><xmax>{b[2]}</xmax><xmin>{b[0]}</xmin>"
        f"<ymax>{b[3]}</ymax><ymin>{b[1]}</ymin></bndbox><occluded>{occ}</occluded><generated>0</generated>"
        f"</object>" for t, name, b, occ in objects)
    size = f"<size><width>{width}</width><height>{height}</height></size>"
    return f"<annotation><folder>x</folder>{size}{body}</annotation>"


def _make_root(root: Path, frames=None, prefix: str = "") -> Path:
    """One snippet; by default frame 0 has track 0, frame 1 has track 0 (occluded) and track 1."""
    frames = frames if frames is not None else [
        [(0, "n02958343", (1, 2, 5, 6), 0)],
        [(0, "n02958343", (2, 2, 6, 7), 1), (1, "n02084071", (10, 1, 14, 9), 0)],
    ]
    anno_dir = root / prefix / "Annotations" / "VID" / "train" / SNIPPET
    anno_dir.mkdir(parents=True)
    for number, objects in enumerate(frames):
        (anno_dir / f"{number:06d}.xml").write_text(_xml(objects))
    write_images(root / prefix / "Data" / "VID" / "train" / SNIPPET, len(frames), pattern="%06d.JPEG", first=0,
                 size=(20, 10))
    return root


def test_each_track_is_a_tracklet(tmp_path):
    dataset = ImagenetVID(_make_root(tmp_path))
    assert dataset.sequence_list == ["ILSVRC2015_train_00000000_0_0", "ILSVRC2015_train_00000000_1_1"]


def test_box_is_xmin_ymin_width_height(tmp_path):
    info = ImagenetVID(_make_root(tmp_path)).get_sequence_info(0)
    assert info["bbox"].tolist() == [[1, 2, 4, 4], [2, 2, 4, 5]]


def test_visible_is_not_occluded(tmp_path):
    info = ImagenetVID(_make_root(tmp_path)).get_sequence_info(0)
    assert info["valid"].tolist() == [True, True]
    assert info["visible"].tolist() == [True, False]


def test_get_frames_reads_the_tracklet_frames(tmp_path):
    frames, anno, meta = ImagenetVID(_make_root(tmp_path)).get_frames(1, [0])
    assert int(round(frames[0].mean())) == 7  # 000001.JPEG: the tracklet starts at frame 1
    assert anno["bbox"][0].tolist() == [10, 1, 4, 8]
    assert meta["object_class_name"] == "n02084071"


def test_object_leaving_and_returning_gives_two_tracklets(tmp_path):
    frames = [[(0, "n1", (1, 1, 3, 3), 0)], [], [(0, "n1", (2, 2, 4, 4), 0)]]
    dataset = ImagenetVID(_make_root(tmp_path, frames))
    assert dataset.sequence_list == ["ILSVRC2015_train_00000000_0_0", "ILSVRC2015_train_00000000_0_2"]


def test_min_length_drops_short_tracklets(tmp_path):
    assert ImagenetVID(_make_root(tmp_path), min_length=2).sequence_list == ["ILSVRC2015_train_00000000_0_0"]


def test_max_target_area_drops_large_targets(tmp_path):
    # first boxes 4x4 and 4x8 in a 20x10 image: ratios sqrt(16 / 200) = 0.28 and sqrt(32 / 200) = 0.4
    assert ImagenetVID(_make_root(tmp_path), max_target_area=0.3).sequence_list == ["ILSVRC2015_train_00000000_0_0"]


def test_ilsvrc_subfolder_layout_is_accepted(tmp_path):
    assert len(ImagenetVID(_make_root(tmp_path, prefix="ILSVRC"))) == 2


def test_parsed_index_is_cached_and_reused(tmp_path):
    root = _make_root(tmp_path)
    first = ImagenetVID(root).sequence_list
    assert json.loads((root / CACHE_FILE).read_text())["format"] == 1
    for xml in (root / "Annotations" / "VID" / "train" / SNIPPET).glob("*.xml"):
        xml.write_text("not xml")  # a second construction must not parse them again
    assert ImagenetVID(root).sequence_list == first


def test_cache_dir_holds_the_cache(tmp_path):
    root = _make_root(tmp_path / "data")
    ImagenetVID(root, cache_dir=tmp_path / "cache")
    assert (tmp_path / "cache" / CACHE_FILE).is_file() and not (root / CACHE_FILE).exists()


def test_unwritable_cache_is_a_warning(tmp_path):
    root = _make_root(tmp_path / "data")
    (tmp_path / "not_a_folder").write_text("")
    with pytest.warns(UserWarning, match="cannot write the index cache"):
        assert len(ImagenetVID(root, cache_dir=tmp_path / "not_a_folder")) == 2


def test_malformed_xml_names_the_file(tmp_path):
    root = _make_root(tmp_path)
    (root / "Annotations" / "VID" / "train" / SNIPPET / "000001.xml").write_text("<annotation>")
    with pytest.raises(DatasetError, match="000001.xml: not valid XML"):
        ImagenetVID(root)


def test_missing_frame_raises_unreadable_image_error(tmp_path):
    root = _make_root(tmp_path)
    (root / "Data" / "VID" / "train" / SNIPPET / "000001.JPEG").unlink()
    with pytest.raises(UnreadableImageError, match="000001.JPEG"):
        ImagenetVID(root).get_frames(0, [1])


def test_no_annotations_is_a_value_error_naming_the_root(tmp_path):
    with pytest.raises(ValueError, match=f"imagenetvid: no usable sequences under '{tmp_path}'"):
        ImagenetVID(tmp_path)
