"""GOT-10k test and val splits: sequence list, first-row-only test ground truth, visibility labels."""
from pathlib import Path

import numpy as np
import pytest

from ltr.data.annotations import DatasetError
from pytracking.evaluation.datasets import get_dataset_loader
from pytracking.evaluation.got10kdataset import GOT10kDataset
from tests.conftest import write_images


def _make_sequence(root: Path, split: str, name: str, num_frames: int = 3, gt_rows: int = None,
                   labels: dict = None) -> Path:
    """A GOT-10k sequence folder; ground-truth row i is [i + 1, 2, 3, 4]; labels: file name -> values."""
    seq_dir = root / split / name
    write_images(seq_dir, num_frames, pattern="%08d.jpg", size=(8, 8))
    rows = num_frames if gt_rows is None else gt_rows
    (seq_dir / "groundtruth.txt").write_text("".join(f"{i + 1},2,3,4\n" for i in range(rows)))
    for label, values in (labels or {}).items():
        (seq_dir / label).write_text("".join(f"{v}\n" for v in values))
    with open(root / split / "list.txt", "a") as handle:
        handle.write(name + "\n")
    return seq_dir


def test_sequence_names_come_from_list_txt(tmp_path):
    _make_sequence(tmp_path, "test", "GOT-10k_Test_000002")
    _make_sequence(tmp_path, "test", "GOT-10k_Test_000001")
    assert GOT10kDataset(root=tmp_path, split="test").sequence_names() == ["GOT-10k_Test_000002",
                                                                           "GOT-10k_Test_000001"]


def test_test_sequence_has_only_the_first_box(tmp_path):
    _make_sequence(tmp_path, "test", "GOT-10k_Test_000001", num_frames=4, gt_rows=1)
    seq = GOT10kDataset(root=tmp_path, split="test").get_sequence("GOT-10k_Test_000001")
    assert seq.dataset == "got10k"
    assert len(seq.frames) == 4
    np.testing.assert_array_equal(seq.ground_truth_rect, [[1, 2, 3, 4]])
    assert seq.target_visible is None


def test_frames_are_the_sorted_jpgs_of_the_folder(tmp_path):
    seq_dir = _make_sequence(tmp_path, "test", "GOT-10k_Test_000001", num_frames=3, gt_rows=1)
    (seq_dir / "meta_info.ini").write_text("object_class: cat\n")
    seq = GOT10kDataset(root=tmp_path, split="test").get_sequence("GOT-10k_Test_000001")
    assert [Path(f).name for f in seq.frames] == ["00000001.jpg", "00000002.jpg", "00000003.jpg"]


def test_val_visibility_is_cover_above_zero(tmp_path):
    _make_sequence(tmp_path, "val", "GOT-10k_Val_000001", num_frames=3,
                   labels={"cover.label": [8, 0, 3], "absence.label": [0, 0, 1]})
    seq = GOT10kDataset(root=tmp_path, split="val").get_sequence("GOT-10k_Val_000001")
    np.testing.assert_array_equal(seq.ground_truth_rect[:, 0], [1, 2, 3])
    np.testing.assert_array_equal(seq.target_visible, [True, False, True])


def test_val_visibility_falls_back_to_absence_without_cover(tmp_path):
    _make_sequence(tmp_path, "val", "GOT-10k_Val_000001", num_frames=3, labels={"absence.label": [0, 1, 0]})
    seq = GOT10kDataset(root=tmp_path, split="val").get_sequence("GOT-10k_Val_000001")
    np.testing.assert_array_equal(seq.target_visible, [True, False, True])


def test_label_count_mismatch_names_the_file(tmp_path):
    _make_sequence(tmp_path, "val", "GOT-10k_Val_000001", num_frames=3, labels={"cover.label": [8, 8]})
    with pytest.raises(DatasetError, match=r"cover\.label: 2 flags for 3"):
        GOT10kDataset(root=tmp_path, split="val").get_sequence("GOT-10k_Val_000001")


def test_missing_list_txt_is_a_clear_error(tmp_path):
    (tmp_path / "val").mkdir()
    with pytest.raises(DatasetError, match=r"val/list\.txt"):
        GOT10kDataset(root=tmp_path, split="val")


def test_unknown_split_is_rejected(tmp_path):
    with pytest.raises(ValueError, match="train"):
        GOT10kDataset(root=tmp_path, split="train")


def test_malformed_ground_truth_row_names_file_and_line(tmp_path):
    seq_dir = _make_sequence(tmp_path, "val", "GOT-10k_Val_000001", num_frames=3)
    (seq_dir / "groundtruth.txt").write_text("1,2,3,4\n1,2,x,4\n1,2,3,4\n")
    with pytest.raises(DatasetError, match=r"groundtruth\.txt:2"):
        GOT10kDataset(root=tmp_path, split="val").get_sequence("GOT-10k_Val_000001")


def test_val_missing_image_is_a_row_count_error(tmp_path):
    seq_dir = _make_sequence(tmp_path, "val", "GOT-10k_Val_000001", num_frames=3)
    (seq_dir / "00000003.jpg").unlink()
    with pytest.raises(DatasetError, match="3 ground-truth rows for 2 frames"):
        GOT10kDataset(root=tmp_path, split="val").get_sequence("GOT-10k_Val_000001")


def test_sequence_without_images_is_an_error(tmp_path):
    seq_dir = _make_sequence(tmp_path, "test", "GOT-10k_Test_000001", num_frames=1, gt_rows=1)
    (seq_dir / "00000001.jpg").unlink()
    with pytest.raises(DatasetError, match="no .jpg images"):
        GOT10kDataset(root=tmp_path, split="test").get_sequence("GOT-10k_Test_000001")


def test_subset_loads_from_partial_root(tmp_path):
    _make_sequence(tmp_path, "test", "GOT-10k_Test_000001", gt_rows=1)
    with open(tmp_path / "test" / "list.txt", "a") as handle:
        handle.write("GOT-10k_Test_000002\n")  # listed but not downloaded
    dataset = GOT10kDataset(root=tmp_path, split="test")
    assert len(dataset) == 2
    assert dataset.get_sequence_list(["GOT-10k_Test_000001"]).names() == ["GOT-10k_Test_000001"]


def test_registry_entries_select_the_split(tmp_path):
    _make_sequence(tmp_path, "test", "GOT-10k_Test_000001", gt_rows=1)
    _make_sequence(tmp_path, "val", "GOT-10k_Val_000001")
    assert get_dataset_loader("got10k_test", tmp_path).split == "test"
    assert get_dataset_loader("got10k_val", tmp_path).split == "val"
