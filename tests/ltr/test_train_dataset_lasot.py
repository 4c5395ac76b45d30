"""LaSOT training set: official train split (all class-1..20 minus test), sequences on disk, visibility flags."""
from pathlib import Path

import pytest

from ltr.data.annotations import DatasetError
from ltr.data.image_loader import UnreadableImageError
from ltr.dataset.lasot import Lasot, lasot_train_sequence_names
from tests.conftest import write_images

# 4 frames: visible / fully occluded / out of view / zero-height box
BOXES = [[1, 2, 3, 4], [2, 2, 3, 4], [3, 2, 3, 4], [4, 2, 3, 0]]
OCCLUSION = [0, 1, 0, 0]
OUT_OF_VIEW = [0, 0, 1, 0]


def _make_sequence(root: Path, name: str) -> Path:
    seq_dir = root / name.rsplit("-", 1)[0] / name
    write_images(seq_dir / "img", len(BOXES), pattern="%08d.jpg", size=(8, 8))
    (seq_dir / "groundtruth.txt").write_text("".join(",".join(map(str, b)) + "\n" for b in BOXES))
    (seq_dir / "full_occlusion.txt").write_text(",".join(map(str, OCCLUSION)) + "\n")
    (seq_dir / "out_of_view.txt").write_text(",".join(map(str, OUT_OF_VIEW)) + "\n")
    return seq_dir


@pytest.fixture
def root(tmp_path):
    for name in ("airplane-2", "airplane-1", "zebra-20"):  # airplane-1 is a test sequence
        _make_sequence(tmp_path, name)
    return tmp_path


def test_official_train_split_has_1120_sequences_20_per_class_minus_test():
    names = lasot_train_sequence_names()
    assert len(names) == len(set(names)) == 1120
    assert names[:3] == ["airplane-2", "airplane-3", "airplane-4"] and "airplane-1" not in names


def test_only_train_sequences_present_on_disk_are_used(root):
    assert Lasot(root).sequence_list == ["airplane-2", "zebra-20"]


def test_visible_is_not_occluded_not_out_of_view_and_valid(root):
    info = Lasot(root).get_sequence_info(0)
    assert info["bbox"].shape == (4, 4)
    assert info["valid"].tolist() == [True, True, True, False]
    assert info["visible"].tolist() == [True, False, False, False]
    assert "visible_ratio" not in info


def test_get_frames_reads_img_folder_one_based(root):
    frames, anno, meta = Lasot(root).get_frames(1, [3, 1])
    assert [int(round(f.mean())) for f in frames] == [28, 14]  # img/00000004.jpg, img/00000002.jpg
    assert [b.tolist() for b in anno["bbox"]] == [BOXES[3], BOXES[1]]
    assert meta["object_class_name"] == "zebra"


def test_corrupt_image_raises_unreadable_image_error(root):
    (root / "airplane" / "airplane-2" / "img" / "00000001.jpg").write_bytes(b"")
    with pytest.raises(UnreadableImageError, match="00000001.jpg"):
        Lasot(root).get_frames(0, [0])


def test_flag_count_mismatch_names_the_file(root):
    (root / "airplane" / "airplane-2" / "out_of_view.txt").write_text("0,0\n")
    with pytest.raises(DatasetError, match="out_of_view.txt: 2 flags for 4 ground-truth rows"):
        Lasot(root).get_sequence_info(0)


def test_only_test_sequences_on_disk_is_a_value_error_naming_the_root(tmp_path):
    _make_sequence(tmp_path, "airplane-1")
    with pytest.raises(ValueError, match=f"lasot: no usable sequences under '{tmp_path}'"):
        Lasot(tmp_path)


def test_unknown_split_is_rejected(root):
    with pytest.raises(ValueError, match="split must be one of"):
        Lasot(root, split="test")
