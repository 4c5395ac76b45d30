"""YouTube-VOS: one sequence per object over its meta.json frames, boxes and masks from the palette PNGs."""
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ltr.data.annotations import DatasetError
from ltr.data.image_loader import UnreadableImageError
from ltr.dataset import youtubevos
from ltr.dataset.youtubevos import CACHE_FILE, YouTubeVOS
from tests.conftest import write_images

FRAMES = ["00000", "00005", "00010"]


def write_palette_png(path: Path, ids: np.ndarray) -> None:
    image = Image.fromarray(ids.astype(np.uint8))
    image.putpalette([0, 0, 0, 236, 95, 103, 249, 145, 87] + [0] * (256 * 3 - 9))
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path)


def object_ids(frame: int) -> np.ndarray:
    """12 x 16 ids: object 1 a 3 x 4 block moving right, object 2 a 2 x 2 block in frames 0 and 1 only."""
    ids = np.zeros((12, 16), np.uint8)
    ids[2:5, 1 + frame:5 + frame] = 1
    if frame < 2:
        ids[8:10, 10:12] = 2
    return ids


def make_root(root: Path, meta: dict | None = None) -> Path:
    train = root / "train"
    meta = meta if meta is not None else {"videos": {"0a1b2c": {"objects": {
        "1": {"category": "person", "frames": FRAMES}, "2": {"category": "dog", "frames": FRAMES[:2]}}}}}
    train.mkdir(parents=True)
    (train / "meta.json").write_text(json.dumps(meta))
    for index, frame in enumerate(FRAMES):
        write_images(train / "JPEGImages" / "0a1b2c", 1, pattern="%05d.jpg", first=int(frame), size=(16, 12))
        write_palette_png(train / "Annotations" / "0a1b2c" / f"{frame}.png", object_ids(index))
    return root


def test_each_object_is_a_sequence_over_its_listed_frames(tmp_path):
    dataset = YouTubeVOS(make_root(tmp_path), min_area=1)
    assert dataset.sequence_list == ["0a1b2c_1", "0a1b2c_2"]
    assert len(dataset.get_sequence_info(0)["bbox"]) == 3 and len(dataset.get_sequence_info(1)["bbox"]) == 2


def test_box_is_the_tight_box_of_the_object_pixels(tmp_path):
    info = YouTubeVOS(make_root(tmp_path), min_area=1).get_sequence_info(0)
    assert info["bbox"].tolist() == [[1, 2, 4, 3], [2, 2, 4, 3], [3, 2, 4, 3]]


def test_frames_below_min_area_are_not_visible(tmp_path):
    dataset = YouTubeVOS(make_root(tmp_path), min_area=5)  # object 1 covers 12 pixels, object 2 covers 4
    assert dataset.get_sequence_info(0)["visible"].tolist() == [True, True, True]
    assert dataset.get_sequence_info(1)["visible"].tolist() == [False, False]


def test_get_frames_returns_the_frames_and_the_object_masks(tmp_path):
    dataset = YouTubeVOS(make_root(tmp_path), min_area=1)
    frames, anno, meta = dataset.get_frames(0, [2, 0])
    assert dataset.has_masks() and [f.shape for f in frames] == [(12, 16, 3)] * 2
    assert int(round(frames[0].mean())) == 70  # 00010.jpg, gray level 10 * 7
    np.testing.assert_array_equal(anno["mask"][0], (object_ids(2) == 1).astype(np.uint8))
    assert anno["mask"][1].dtype == np.uint8 and anno["mask"][1].sum() == 12
    assert meta["object_class_name"] == "person"


def test_index_is_cached_and_read_back(tmp_path, monkeypatch):
    root = make_root(tmp_path)
    YouTubeVOS(root)
    assert (root / CACHE_FILE).is_file()
    monkeypatch.setattr(youtubevos, "build_index", lambda *args: pytest.fail("annotations parsed again"))
    assert len(YouTubeVOS(root)) == 2


def test_the_train_folder_itself_is_accepted_as_root(tmp_path):
    assert len(YouTubeVOS(make_root(tmp_path) / "train", cache_dir=tmp_path)) == 2


def test_missing_annotation_png_is_an_error_naming_it(tmp_path):
    root = make_root(tmp_path)
    missing = root / "train" / "Annotations" / "0a1b2c" / "00005.png"
    missing.unlink()
    with pytest.raises(UnreadableImageError, match=f"'{missing}': file does not exist"):
        YouTubeVOS(root)


def test_colour_annotation_is_an_error_naming_it(tmp_path):
    root = make_root(tmp_path)
    bad = root / "train" / "Annotations" / "0a1b2c" / "00010.png"
    Image.fromarray(np.zeros((12, 16, 3), np.uint8)).save(bad)
    with pytest.raises(DatasetError, match=f"'{bad}' is a RGB image, not a palette"):
        YouTubeVOS(root)


def test_malformed_meta_json_is_an_error_naming_it(tmp_path):
    root = make_root(tmp_path, meta={"videos": {"0a1b2c": {"objects": {"1": {"category": "person"}}}}})
    with pytest.raises(DatasetError, match=f"'{root / 'train' / 'meta.json'}' is malformed.*'frames'"):
        YouTubeVOS(root)


def test_default_root_is_the_youtubevos_path_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTRACKING_YOUTUBEVOS_PATH", str(make_root(tmp_path)))
    assert YouTubeVOS().root == tmp_path
