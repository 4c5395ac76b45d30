"""OTB-100 evaluation dataset: sequence table, special cases and strict annotation reading."""
from pathlib import Path

import cv2
import numpy as np
import pytest

from ltr.data.annotations import DatasetError
from pytracking.evaluation.otbdataset import OTBDataset

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
FOOTBALL1 = SHARED / "data" / "otb_sample" / "Football1"
_TINY_JPG = cv2.imencode(".jpg", np.zeros((8, 8, 3), np.uint8))[1].tobytes()


def _write_images(img_dir: Path, numbers, pattern: str = "%04d.jpg") -> None:
    img_dir.mkdir(parents=True, exist_ok=True)
    for i in numbers:
        (img_dir / (pattern % i)).write_bytes(_TINY_JPG)


def _write_rows(path: Path, rows, sep: str = ",") -> None:
    path.write_text("".join(sep.join(str(v) for v in row) + "\n" for row in rows))


def _boxes(n: int, offset: int = 0) -> list:
    """n distinct boxes; row i is [i + offset, 1, 2, 3]."""
    return [[i + offset, 1, 2, 3] for i in range(n)]


def _make_football1(root: Path, gt_rows=None) -> Path:
    """A Football1 folder with 81 images and (by default) 74 ground-truth rows."""
    folder = root / "Football1"
    _write_images(folder / "img", range(1, 82))
    _write_rows(folder / "groundtruth_rect.txt", _boxes(74) if gt_rows is None else gt_rows)
    return folder


@pytest.fixture(scope="module")
def football1_sample(tmp_path_factory) -> OTBDataset:
    if not FOOTBALL1.is_dir():
        pytest.skip(f"shared OTB sample not found at {FOOTBALL1}")
    root = tmp_path_factory.mktemp("otb")
    (root / "Football1").symlink_to(FOOTBALL1, target_is_directory=True)
    return OTBDataset(root=root)


def test_football1_sample_evaluates_first_74_of_81_images(football1_sample):
    seq = football1_sample.get_sequence("Football1")
    assert len(seq.frames) == 74
    assert seq.ground_truth_rect.shape == (74, 4)
    assert seq.frames[-1].endswith("img/0074.jpg")


def test_football1_sample_first_box(football1_sample):
    seq = football1_sample.get_sequence("Football1")
    np.testing.assert_array_equal(seq.ground_truth_rect[0], [153, 105, 26, 43])
    assert seq.init_info() == {"init_bbox": [153.0, 105.0, 26.0, 43.0]}


def test_football1_sample_attributes_and_dataset_name(football1_sample):
    seq = football1_sample.get_sequence("Football1")
    assert seq.attributes == ("IPR", "OPR", "BC")
    assert seq.dataset == "otb"


def test_sequence_names_are_100_unique(tmp_path):
    names = OTBDataset(root=tmp_path).sequence_names()
    assert len(names) == 100
    assert len(set(names)) == 100


def test_unknown_sequence_raises_key_error_naming_it(tmp_path):
    with pytest.raises(KeyError, match="NoSuchSeq"):
        OTBDataset(root=tmp_path).get_sequence("NoSuchSeq")


def test_subset_loads_on_root_holding_only_that_subset(tmp_path):
    _make_football1(tmp_path)
    sequences = OTBDataset(root=tmp_path).get_sequence_list(["Football1"])
    assert sequences.names() == ["Football1"]


def test_attributes_are_none_without_attrs_file(tmp_path):
    _make_football1(tmp_path)
    assert OTBDataset(root=tmp_path).get_sequence("Football1").attributes is None


def test_jogging_2_reads_second_annotation_of_shared_folder(tmp_path):
    folder = tmp_path / "Jogging"
    _write_images(folder / "img", range(1, 308))
    _write_rows(folder / "groundtruth_rect.1.txt", _boxes(307, offset=0))
    _write_rows(folder / "groundtruth_rect.2.txt", _boxes(307, offset=1000), sep="\t")
    seq = OTBDataset(root=tmp_path).get_sequence("Jogging_2")
    assert seq.name == "Jogging_2"
    assert seq.frames[0] == str(folder / "img" / "0001.jpg")
    np.testing.assert_array_equal(seq.ground_truth_rect[:, 0], np.arange(1000, 1307))


def test_tiger1_leaves_out_first_five_frames_and_rows(tmp_path):
    folder = tmp_path / "Tiger1"
    _write_images(folder / "img", range(1, 355))
    _write_rows(folder / "groundtruth_rect.txt", _boxes(354))
    seq = OTBDataset(root=tmp_path).get_sequence("Tiger1")
    assert len(seq.frames) == 349
    assert seq.frames[0].endswith("img/0006.jpg")
    np.testing.assert_array_equal(seq.ground_truth_rect[0], [5, 1, 2, 3])


def test_board_frames_have_five_digits(tmp_path):
    folder = tmp_path / "Board"
    _write_images(folder / "img", range(1, 699), pattern="%05d.jpg")
    _write_rows(folder / "groundtruth_rect.txt", _boxes(698))
    seq = OTBDataset(root=tmp_path).get_sequence("Board")
    assert seq.frames[0].endswith("img/00001.jpg")
    assert seq.frames[-1].endswith("img/00698.jpg")


def test_ground_truth_may_separate_values_by_tabs_and_spaces(tmp_path):
    rows = ["1\t2\t3\t4", "5 6 7 8"] + ["1,2,3,4"] * 72
    folder = _make_football1(tmp_path)
    (folder / "groundtruth_rect.txt").write_text("\n".join(rows) + "\n")
    gt = OTBDataset(root=tmp_path).get_sequence("Football1").ground_truth_rect
    np.testing.assert_array_equal(gt[:2], [[1, 2, 3, 4], [5, 6, 7, 8]])


def test_malformed_ground_truth_row_raises_naming_file_and_line(tmp_path):
    rows = _boxes(74)
    rows[2] = [1, 2, "x", 4]
    _make_football1(tmp_path, gt_rows=rows)
    with pytest.raises(DatasetError, match=r"groundtruth_rect\.txt:3"):
        OTBDataset(root=tmp_path).get_sequence("Football1")


def test_row_count_mismatch_raises_naming_file_and_both_counts(tmp_path):
    _make_football1(tmp_path, gt_rows=_boxes(73))
    with pytest.raises(DatasetError, match=r"groundtruth_rect\.txt: 73 ground-truth rows for 74 frames"):
        OTBDataset(root=tmp_path).get_sequence("Football1")


def test_missing_image_raises_naming_it(tmp_path):
    folder = _make_football1(tmp_path)
    (folder / "img" / "0010.jpg").unlink()
    with pytest.raises(DatasetError, match=r"img/0010\.jpg"):
        OTBDataset(root=tmp_path).get_sequence("Football1")
