"""Saliency images (DUTS-TR / MSRA10K layouts): one-image sequences, box of the foreground, masks served."""
from pathlib import Path

import cv2
import numpy as np
import pytest

from ltr.data.annotations import DatasetError
from ltr.data.image_loader import UnreadableImageError
from ltr.dataset import saliency
from ltr.dataset.saliency import Saliency
from tests.conftest import write_images


def write_mask(path: Path, box=None, size=(16, 12)) -> None:
    """A 0 / 255 gray mask, foreground = ``box`` (x, y, w, h), or empty."""
    mask = np.zeros((size[1], size[0]), np.uint8)
    if box is not None:
        x, y, w, h = box
        mask[y:y + h, x:x + w] = 255
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), mask)


def make_duts(root: Path) -> Path:
    """DUTS-TR/DUTS-TR-Image/{1,2}.jpg with masks: 1 has a 5 x 3 object at (2, 4), 2 is empty."""
    write_images(root / "DUTS-TR" / "DUTS-TR-Image", 2, pattern="%d.jpg")
    write_mask(root / "DUTS-TR" / "DUTS-TR-Mask" / "1.png", (2, 4, 5, 3))
    write_mask(root / "DUTS-TR" / "DUTS-TR-Mask" / "2.png")
    return root


def make_msra(root: Path) -> Path:
    """MSRA10K_Imgs_GT/Imgs/3.jpg with 3.png (object 4 x 4 at (0, 0)) in the same folder."""
    write_images(root / "MSRA10K_Imgs_GT" / "Imgs", 1, pattern="%d.jpg", first=3)
    write_mask(root / "MSRA10K_Imgs_GT" / "Imgs" / "3.png", (0, 0, 4, 4))
    return root


def test_published_layouts_are_found_and_empty_masks_left_out(tmp_path):
    dataset = Saliency(make_msra(make_duts(tmp_path)))
    assert dataset.sequence_list == ["DUTS-TR/DUTS-TR-Mask/1", "MSRA10K_Imgs_GT/Imgs/3"]
    assert not dataset.is_video_sequence() and dataset.has_masks()


def test_box_is_the_tight_box_of_the_foreground(tmp_path):
    dataset = Saliency(make_duts(tmp_path))
    assert dataset.get_sequence_info(0)["bbox"].tolist() == [[2, 4, 5, 3]]


def test_get_frames_serves_the_image_and_mask_for_every_requested_frame(tmp_path):
    frames, anno, _ = Saliency(make_msra(tmp_path)).get_frames(0, [0, 4])
    assert len(frames) == len(anno["mask"]) == 2 and int(round(frames[1].mean())) == 21  # 3.jpg: 3 * 7
    expected = np.zeros((12, 16), np.uint8)
    expected[:4, :4] = 1
    np.testing.assert_array_equal(anno["mask"][1], expected)
    assert anno["bbox"][1].tolist() == [0, 0, 4, 4]


def test_explicit_folders_replace_the_published_layouts(tmp_path):
    write_images(tmp_path / "images", 1, pattern="%d.jpg", first=7)
    write_mask(tmp_path / "gt" / "7.png", (1, 1, 2, 2))
    assert Saliency(tmp_path, folders=[["images", "gt"]]).sequence_list == ["gt/7"]


def test_index_is_cached_and_read_back(tmp_path, monkeypatch):
    root = make_duts(tmp_path)
    Saliency(root)
    monkeypatch.setattr(saliency, "build_index", lambda *args: pytest.fail("masks read again"))
    assert len(Saliency(root)) == 1


def test_mask_without_image_is_an_error_naming_the_image(tmp_path):
    root = make_duts(tmp_path)
    write_mask(root / "DUTS-TR" / "DUTS-TR-Mask" / "9.png", (1, 1, 2, 2))
    with pytest.raises(DatasetError, match=f"'{root / 'DUTS-TR' / 'DUTS-TR-Image' / '9.jpg'}' does not exist"):
        Saliency(root)


def test_undecodable_mask_is_an_error_naming_it(tmp_path):
    root = make_duts(tmp_path)
    bad = root / "DUTS-TR" / "DUTS-TR-Mask" / "2.png"
    bad.write_bytes(b"not a png")
    with pytest.raises(UnreadableImageError, match=f"'{bad}': cannot be decoded"):
        Saliency(root)


def test_missing_explicit_folder_is_an_error_naming_it(tmp_path):
    write_images(tmp_path / "images", 1, pattern="%d.jpg")
    with pytest.raises(DatasetError, match=f"'{tmp_path / 'gt'}' does not exist"):
        Saliency(tmp_path, folders=[["images", "gt"]])


def test_mask_of_another_size_than_its_image_is_an_error_naming_the_sequence(tmp_path):
    root = make_duts(tmp_path)
    write_mask(root / "DUTS-TR" / "DUTS-TR-Mask" / "1.png", (2, 4, 5, 3), size=(20, 12))
    with pytest.raises(DatasetError, match="'DUTS-TR/DUTS-TR-Mask/1' frame 0: mask is 20x12 pixels, image 16x12"):
        Saliency(root, cache_dir=tmp_path / "cache").get_frames(0, [0])


def test_default_root_is_the_saliency_path_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTRACKING_SALIENCY_PATH", str(make_duts(tmp_path)))
    assert Saliency().root == tmp_path
