"""DTB70 evaluation dataset: the real samples, the sequence table, strict reading, partial folders."""
import re
from pathlib import Path

import numpy as np
import pytest

from ltr.data.annotations import DatasetError
from pytracking.evaluation.datasets import get_dataset_loader
from pytracking.evaluation.dtb70dataset import DTB70_SEQUENCES, DTB70Dataset
from pytracking.evaluation.otbdataset import OTBDataset
from tests.conftest import SHARED_DIR, write_images

SAMPLE = SHARED_DIR / "data" / "dtb70_sample"


def _write_sequence(root: Path, official: str, num_rows: int, num_images: int = 0) -> Path:
    """``<official>/groundtruth_rect.txt`` with rows ``i,2,30,40`` and ``num_images`` images; returns the file."""
    folder = root / official
    folder.mkdir(parents=True, exist_ok=True)
    gt = folder / "groundtruth_rect.txt"
    gt.write_text("".join(f"{i},2,30,40\n" for i in range(num_rows)))
    if num_images:
        write_images(folder / "img", num_images, "%05d.jpg")
    return gt


@pytest.fixture(scope="module")
def sample() -> DTB70Dataset:
    if not SAMPLE.is_dir():
        pytest.skip(f"shared DTB70 sample not available ({SAMPLE} missing)")
    return DTB70Dataset(root=SAMPLE)


def test_real_sample_mountainbike6_has_81_frames_and_its_first_box(sample):
    seq = sample.get_sequence("dtb70_MountainBike6")
    assert len(seq) == 81 and seq.ground_truth_rect.shape == (81, 4)
    assert seq.frames[0] == str(SAMPLE / "MountainBike6" / "img" / "00001.jpg")
    np.testing.assert_array_equal(seq.ground_truth_rect[0], [618, 329, 53, 46])
    assert seq.dataset == "dtb70"


def test_real_sample_surfing06_has_106_frames(sample):
    seq = sample.get_sequence("dtb70_Surfing06")
    assert len(seq) == 106 and seq.frames[-1].endswith("Surfing06/img/00106.jpg")


def test_table_has_the_70_official_sequences():
    names = [official for official, _ in DTB70_SEQUENCES]
    assert len(set(names)) == 70
    assert {"Animal1", "ChasingDrones", "RcCar9", "SUP5", "Zebra"} <= set(names)


def test_names_are_prefixed_and_never_collide_with_otb(tmp_path):
    names = DTB70Dataset(root=tmp_path).sequence_names()
    assert all(name.startswith("dtb70_") for name in names)
    assert not set(names) & set(OTBDataset(root=tmp_path).sequence_names())


def test_row_count_differing_from_the_table_raises_naming_file_and_counts(tmp_path):
    gt = _write_sequence(tmp_path, "Car2", 73, 74)
    with pytest.raises(DatasetError, match=re.escape(f"{gt}: 73 ground-truth rows for 74 frames")):
        DTB70Dataset(root=tmp_path).get_sequence("dtb70_Car2")


def test_malformed_row_raises_naming_file_and_line(tmp_path):
    gt = _write_sequence(tmp_path, "Car2", 74, 74)
    lines = gt.read_text().splitlines()
    lines[6] = "1,2,x,4"
    gt.write_text("\n".join(lines) + "\n")
    with pytest.raises(DatasetError, match=re.escape(f"{gt}:7")):
        DTB70Dataset(root=tmp_path).get_sequence("dtb70_Car2")


def test_missing_image_raises_naming_it(tmp_path):
    _write_sequence(tmp_path, "Car2", 74, 73)
    with pytest.raises(DatasetError, match=re.escape("Car2/img/00074.jpg")):
        DTB70Dataset(root=tmp_path).get_sequence("dtb70_Car2")


def test_without_image_check_an_annotation_only_folder_loads(tmp_path):
    _write_sequence(tmp_path, "Car2", 74)
    seq = DTB70Dataset(root=tmp_path, check_images=False).get_sequence("dtb70_Car2")
    assert seq.frames[-1] == str(tmp_path / "Car2" / "img" / "00074.jpg") and len(seq) == 74


def test_missing_annotation_raises_naming_the_file(tmp_path):
    (tmp_path / "Car2" / "img").mkdir(parents=True)
    with pytest.raises(DatasetError, match=re.escape(str(tmp_path / "Car2" / "groundtruth_rect.txt"))):
        DTB70Dataset(root=tmp_path, check_images=False).get_sequence("dtb70_Car2")


def test_whole_benchmark_on_a_partial_folder_lists_the_complete_sequences(tmp_path):
    _write_sequence(tmp_path, "Car2", 74, 74)
    _write_sequence(tmp_path, "Motor2", 68, 68)
    _write_sequence(tmp_path, "Car4", 217)        # annotation without images: incomplete for tracking
    message = (f"dtb70: only 2 of its 70 sequences are complete under '{tmp_path}' (dtb70_Car2, dtb70_Motor2); "
               f"select them with --sequence dtb70_Car2 dtb70_Motor2")
    with pytest.raises(DatasetError, match=re.escape(message)):
        DTB70Dataset(root=tmp_path).get_sequence_list()


def test_whole_benchmark_raises_a_malformed_file_of_a_complete_sequence_as_such(tmp_path):
    _write_sequence(tmp_path, "Car2", 74, 74)
    gt = _write_sequence(tmp_path, "Motor2", 67, 68)
    with pytest.raises(DatasetError, match=re.escape(f"{gt}: 67 ground-truth rows for 68 frames")):
        DTB70Dataset(root=tmp_path).get_sequence_list()


def test_registry_name(tmp_path):
    assert isinstance(get_dataset_loader("dtb70", root=tmp_path), DTB70Dataset)
