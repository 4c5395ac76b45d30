"""TrackingNet training set: TRAIN_<i> chunks present on disk, 0-based frames, visible = valid."""
from pathlib import Path

import pytest

from ltr.data.image_loader import UnreadableImageError
from ltr.dataset.trackingnet import TrackingNet
from tests.conftest import write_images

BOXES = [[1, 2, 3, 4], [2, 2, 0, 4], [3, 2, 3, 4]]


def _make_video(root: Path, set_id: int, name: str) -> None:
    chunk = root / f"TRAIN_{set_id}"
    write_images(chunk / "frames" / name, len(BOXES), pattern="%d.jpg", first=0, size=(8, 8))
    (chunk / "anno").mkdir(parents=True, exist_ok=True)
    (chunk / "anno" / f"{name}.txt").write_text("".join(",".join(map(str, b)) + "\n" for b in BOXES))


@pytest.fixture
def root(tmp_path):
    _make_video(tmp_path, 0, "b_video")
    _make_video(tmp_path, 0, "a_video")
    _make_video(tmp_path, 3, "c_video")
    return tmp_path


def test_sequences_of_all_chunks_on_disk(root):
    assert TrackingNet(root).sequence_list == ["a_video", "b_video", "c_video"]


def test_set_ids_select_chunks(root):
    assert TrackingNet(root, set_ids=[3]).sequence_list == ["c_video"]


def test_visible_equals_valid(root):
    info = TrackingNet(root).get_sequence_info(0)
    assert info["bbox"].shape == (3, 4)
    assert info["valid"].tolist() == info["visible"].tolist() == [True, False, True]


def test_get_frames_reads_zero_based_frames(root):
    frames, anno, meta = TrackingNet(root, set_ids=[3]).get_frames(0, [0, 2])
    assert [int(round(f.mean())) for f in frames] == [0, 14]  # frames/c_video/0.jpg, 2.jpg
    assert [b.tolist() for b in anno["bbox"]] == [BOXES[0], BOXES[2]]
    assert meta["object_class_name"] is None


def test_missing_frame_raises_unreadable_image_error(root):
    (root / "TRAIN_3" / "frames" / "c_video" / "1.jpg").unlink()
    with pytest.raises(UnreadableImageError, match="1.jpg': file does not exist"):
        TrackingNet(root, set_ids=[3]).get_frames(0, [1])


def test_no_requested_chunk_on_disk_is_a_value_error_naming_the_root(root):
    with pytest.raises(ValueError, match=f"trackingnet: no usable sequences under '{root}'"):
        TrackingNet(root, set_ids=[5])


def test_set_id_outside_0_to_11_is_rejected(root):
    with pytest.raises(ValueError, match="set id 12 is outside 0..11"):
        TrackingNet(root, set_ids=[12])
