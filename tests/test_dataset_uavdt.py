"""UAVDT single-object benchmark on a tiny fixture in the official layout: names, frames, attributes, errors."""
import re
from pathlib import Path

import numpy as np
import pytest

from ltr.data.annotations import DatasetError
from pytracking.evaluation.datasets import get_dataset_loader
from pytracking.evaluation.uavdtdataset import UAVDTDataset
from tests.conftest import write_images


def _write_sequence(root: Path, name: str, num_rows: int, num_images: int) -> Path:
    """``UAV-benchmark-SOT_v1.0/anno/<name>_gt.txt`` (rows ``i,5,20,10``) and ``num_images`` frames."""
    gt = root / "UAV-benchmark-SOT_v1.0" / "anno" / f"{name}_gt.txt"
    gt.parent.mkdir(parents=True, exist_ok=True)
    gt.write_text("".join(f"{i},5,20,10\n" for i in range(num_rows)))
    if num_images:
        write_images(root / "UAV-benchmark-S" / name, num_images, "img%06d.jpg")
    return gt


def _write_attributes(root: Path, name: str, text: str) -> Path:
    path = root / "UAV-benchmark-SOT_v1.0" / "anno" / "att" / f"{name}_att.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture
def root(tmp_path) -> Path:
    """Two complete sequences, S0102 (3 frames) and S0101 (4 frames)."""
    _write_sequence(tmp_path, "S0102", 3, 3)
    _write_sequence(tmp_path, "S0101", 4, 4)
    return tmp_path


def test_sequences_are_the_annotation_files_in_sorted_order(root):
    (root / "UAV-benchmark-SOT_v1.0" / "anno" / "readme.txt").write_text("not a sequence")
    assert UAVDTDataset(root=root).sequence_names() == ["S0101", "S0102"]


def test_frames_are_one_image_per_ground_truth_row(root):
    seq = UAVDTDataset(root=root).get_sequence("S0101")
    assert len(seq) == 4 and seq.dataset == "uavdt"
    assert seq.frames[0] == str(root / "UAV-benchmark-S" / "S0101" / "img000001.jpg")
    assert seq.frames[-1].endswith("img000004.jpg")
    np.testing.assert_array_equal(seq.ground_truth_rect[3], [3, 5, 20, 10])


def test_attribute_flags_are_read_in_the_toolkit_order(root):
    _write_attributes(root, "S0101", "1,0,0,1,0,0,0,1,1\n")
    assert UAVDTDataset(root=root).get_sequence("S0101").attributes == ("BC", "SO", "LT", "LO")


def test_sequence_without_attribute_file_has_none(root):
    assert UAVDTDataset(root=root).get_sequence("S0101").attributes is None


def test_malformed_attribute_file_raises_naming_it(root):
    att = _write_attributes(root, "S0101", "1,0,1\n")
    with pytest.raises(DatasetError, match=re.escape(f"{att}: expected 9 attribute flags")):
        UAVDTDataset(root=root).get_sequence("S0101")


def test_malformed_row_raises_naming_file_and_line(root):
    gt = _write_sequence(root, "S0101", 4, 0)
    gt.write_text("1,2,3,4\n1,2,3\n1,2,3,4\n1,2,3,4\n")
    with pytest.raises(DatasetError, match=re.escape(f"{gt}:2")):
        UAVDTDataset(root=root).get_sequence("S0101")


def test_missing_image_raises_naming_it(root):
    (root / "UAV-benchmark-S" / "S0101" / "img000003.jpg").unlink()
    with pytest.raises(DatasetError, match="img000003.jpg"):
        UAVDTDataset(root=root).get_sequence("S0101")


def test_without_image_check_the_annotation_download_alone_loads(tmp_path):
    _write_sequence(tmp_path, "S1701", 5, 0)
    seq = UAVDTDataset(root=tmp_path, check_images=False).get_sequence("S1701")
    assert len(seq) == 5 and seq.frames[-1] == str(tmp_path / "UAV-benchmark-S" / "S1701" / "img000005.jpg")


def test_missing_annotation_folder_raises_naming_it(tmp_path):
    (tmp_path / "UAV-benchmark-S").mkdir()
    with pytest.raises(DatasetError, match=re.escape(str(tmp_path / "UAV-benchmark-SOT_v1.0" / "anno"))):
        UAVDTDataset(root=tmp_path)


def test_annotation_folder_without_ground_truth_files_raises(tmp_path):
    (tmp_path / "UAV-benchmark-SOT_v1.0" / "anno").mkdir(parents=True)
    with pytest.raises(DatasetError, match="holds no <seq>_gt.txt files"):
        UAVDTDataset(root=tmp_path)


def test_whole_benchmark_with_images_of_only_some_sequences_lists_them(root):
    _write_sequence(root, "S0201", 3, 0)
    with pytest.raises(DatasetError, match=re.escape("only 2 of its 3 sequences are complete")
                       + r".*--sequence S0101 S0102 \(first incomplete: sequence 'S0201': missing image"):
        UAVDTDataset(root=root).get_sequence_list()


def test_registry_name(root):
    assert isinstance(get_dataset_loader("uavdt", root=root), UAVDTDataset)
