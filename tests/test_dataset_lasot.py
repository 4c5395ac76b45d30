"""LaSOT test set: official sequence list, layout, visibility flags and strict annotation reading."""
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from ltr.data.annotations import DatasetError
from ltr.dataset.lasot import lasot_class, lasot_test_sequence_names
from pytracking.evaluation.datasets import get_dataset_loader
from pytracking.evaluation.lasotdataset import LaSOTDataset
from tests.conftest import write_images


def _make_sequence(root: Path, name: str, num_frames: int = 3, occlusion=None, out_of_view=None) -> Path:
    """A LaSOT sequence folder; ground-truth row i is [i + 1, 2, 3, 4]."""
    seq_dir = root / lasot_class(name) / name
    write_images(seq_dir / "img", num_frames, pattern="%08d.jpg", size=(8, 8))
    (seq_dir / "groundtruth.txt").write_text("".join(f"{i + 1},2,3,4\n" for i in range(num_frames)))
    (seq_dir / "full_occlusion.txt").write_text(",".join(map(str, occlusion or [0] * num_frames)))
    (seq_dir / "out_of_view.txt").write_text(",".join(map(str, out_of_view or [0] * num_frames)))
    return seq_dir


def test_test_split_has_280_unique_sequences():
    names = lasot_test_sequence_names()
    assert len(names) == 280
    assert len(set(names)) == 280


def test_test_split_has_70_classes_of_4_sequences():
    per_class = Counter(lasot_class(name) for name in lasot_test_sequence_names())
    assert len(per_class) == 70
    assert set(per_class.values()) == {4}


def test_object_class_is_the_name_without_its_index():
    assert lasot_class("rubicCube-14") == "rubicCube"


def test_sequence_reads_frames_boxes_and_class(tmp_path):
    _make_sequence(tmp_path, "airplane-1")
    seq = LaSOTDataset(root=tmp_path).get_sequence("airplane-1")
    assert seq.dataset == "lasot"
    assert seq.object_class == "airplane"
    assert [Path(f).name for f in seq.frames] == ["00000001.jpg", "00000002.jpg", "00000003.jpg"]
    assert Path(seq.frames[0]).parent == tmp_path / "airplane" / "airplane-1" / "img"
    np.testing.assert_array_equal(seq.ground_truth_rect, [[1, 2, 3, 4], [2, 2, 3, 4], [3, 2, 3, 4]])


def test_target_visible_only_where_neither_occluded_nor_out_of_view(tmp_path):
    _make_sequence(tmp_path, "airplane-1", num_frames=4, occlusion=[0, 1, 0, 1], out_of_view=[0, 0, 1, 1])
    seq = LaSOTDataset(root=tmp_path).get_sequence("airplane-1")
    np.testing.assert_array_equal(seq.target_visible, [True, False, False, False])


def test_frame_count_follows_ground_truth_rows(tmp_path):
    seq_dir = _make_sequence(tmp_path, "airplane-1", num_frames=2)
    write_images(seq_dir / "img", 3, pattern="%08d.jpg", first=3, size=(8, 8))
    assert len(LaSOTDataset(root=tmp_path).get_sequence("airplane-1")) == 2


def test_malformed_ground_truth_row_names_file_and_line(tmp_path):
    seq_dir = _make_sequence(tmp_path, "airplane-1")
    (seq_dir / "groundtruth.txt").write_text("1,2,3,4\n1,2,3\n1,2,3,4\n")
    with pytest.raises(DatasetError, match=r"groundtruth\.txt:2"):
        LaSOTDataset(root=tmp_path).get_sequence("airplane-1")


def test_missing_image_is_named(tmp_path):
    seq_dir = _make_sequence(tmp_path, "airplane-1")
    (seq_dir / "img" / "00000002.jpg").unlink()
    with pytest.raises(DatasetError, match="00000002.jpg"):
        LaSOTDataset(root=tmp_path).get_sequence("airplane-1")


def test_occlusion_flag_count_mismatch_names_the_file(tmp_path):
    _make_sequence(tmp_path, "airplane-1", num_frames=3, occlusion=[0, 0])
    with pytest.raises(DatasetError, match=r"full_occlusion\.txt: 2 flags for 3"):
        LaSOTDataset(root=tmp_path).get_sequence("airplane-1")


def test_subset_loads_from_partial_root(tmp_path):
    _make_sequence(tmp_path, "zebra-10")
    _make_sequence(tmp_path, "airplane-9")
    dataset = LaSOTDataset(root=tmp_path)
    assert len(dataset) == 280
    assert dataset.get_sequence_list(["zebra-10", "airplane-9"]).names() == ["zebra-10", "airplane-9"]


def test_sequence_outside_test_split_is_rejected(tmp_path):
    with pytest.raises(KeyError, match="airplane-2"):
        LaSOTDataset(root=tmp_path).get_sequence("airplane-2")


def test_registry_entry_builds_the_loader(tmp_path):
    assert isinstance(get_dataset_loader("lasot", tmp_path), LaSOTDataset)
