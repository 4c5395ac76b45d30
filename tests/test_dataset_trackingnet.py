"""TrackingNet test set: names from TEST/anno, 0-based contiguous frames, first box only."""
from pathlib import Path

import numpy as np
import pytest

from ltr.data.annotations import DatasetError
from pytracking.evaluation.datasets import get_dataset_loader
from pytracking.evaluation.trackingnetdataset import TrackingNetDataset
from tests.conftest import write_images


def _make_sequence(root: Path, name: str, num_frames: int = 3, anno: str = "1,2,3,4\n") -> Path:
    frames_dir = root / "TEST" / "frames" / name
    write_images(frames_dir, num_frames, pattern="%d.jpg", first=0, size=(8, 8))
    anno_file = root / "TEST" / "anno" / f"{name}.txt"
    anno_file.parent.mkdir(parents=True, exist_ok=True)
    anno_file.write_text(anno)
    return frames_dir


def test_sequence_names_are_the_annotation_stems(tmp_path):
    _make_sequence(tmp_path, "zz_1")
    _make_sequence(tmp_path, "-3Hbx8h0Tm8_0")
    assert TrackingNetDataset(root=tmp_path).sequence_names() == ["-3Hbx8h0Tm8_0", "zz_1"]


def test_frames_are_zero_based_in_numeric_order(tmp_path):
    _make_sequence(tmp_path, "a_0", num_frames=12)
    seq = TrackingNetDataset(root=tmp_path).get_sequence("a_0")
    assert seq.dataset == "trackingnet"
    assert [Path(f).name for f in seq.frames[:3]] == ["0.jpg", "1.jpg", "2.jpg"]
    assert Path(seq.frames[-1]).name == "11.jpg"


def test_ground_truth_is_the_first_box_only(tmp_path):
    _make_sequence(tmp_path, "a_0", anno="1.5,2,3,4\n9,9,9,9\n")
    seq = TrackingNetDataset(root=tmp_path).get_sequence("a_0")
    np.testing.assert_array_equal(seq.ground_truth_rect, [[1.5, 2, 3, 4]])


def test_first_gap_in_frame_numbers_is_named(tmp_path):
    frames_dir = _make_sequence(tmp_path, "a_0", num_frames=6)
    (frames_dir / "2.jpg").unlink()
    (frames_dir / "4.jpg").unlink()
    with pytest.raises(DatasetError, match=r"frame 2\.jpg is missing"):
        TrackingNetDataset(root=tmp_path).get_sequence("a_0")


def test_image_not_named_by_a_number_is_an_error(tmp_path):
    frames_dir = _make_sequence(tmp_path, "a_0", num_frames=2)
    (frames_dir / "cover.jpg").write_bytes((frames_dir / "0.jpg").read_bytes())
    with pytest.raises(DatasetError, match=r"cover\.jpg"):
        TrackingNetDataset(root=tmp_path).get_sequence("a_0")


def test_missing_frame_folder_is_named(tmp_path):
    _make_sequence(tmp_path, "a_0")
    (tmp_path / "TEST" / "anno" / "b_0.txt").write_text("1,2,3,4\n")
    with pytest.raises(DatasetError, match=r"frames/b_0"):
        TrackingNetDataset(root=tmp_path).get_sequence("b_0")


def test_malformed_annotation_names_file_and_line(tmp_path):
    _make_sequence(tmp_path, "a_0", anno="1,2,three,4\n")
    with pytest.raises(DatasetError, match=r"a_0\.txt:1"):
        TrackingNetDataset(root=tmp_path).get_sequence("a_0")


def test_missing_annotation_folder_is_a_clear_error(tmp_path):
    with pytest.raises(DatasetError, match=r"TEST/anno"):
        TrackingNetDataset(root=tmp_path)


def test_subset_loads_when_other_sequences_are_incomplete(tmp_path):
    _make_sequence(tmp_path, "a_0")
    (tmp_path / "TEST" / "anno" / "b_0.txt").write_text("1,2,3,4\n")  # frames not extracted
    sequences = TrackingNetDataset(root=tmp_path).get_sequence_list(["a_0"])
    assert sequences.names() == ["a_0"]


def test_registry_entry_builds_the_loader(tmp_path):
    _make_sequence(tmp_path, "a_0")
    assert isinstance(get_dataset_loader("trackingnet", tmp_path), TrackingNetDataset)
