"""Temple Color 128 evaluation dataset: layout, naming, OTB overlap and strict annotation reading."""
from pathlib import Path

import cv2
import numpy as np
import pytest

from ltr.data.annotations import DatasetError
from pytracking.evaluation.datasets import get_dataset_loader
from pytracking.evaluation.tpldataset import OTB_OVERLAP, TPLDataset

_TINY_JPG = cv2.imencode(".jpg", np.zeros((8, 8, 3), np.uint8))[1].tobytes()


def _make_sequence(root: Path, folder: str, official: str, first: int, last: int, gt_lines=None) -> Path:
    """``root/folder`` with images first..last and ``<official>_gt.txt`` (row i = ``i,1,2,3``)."""
    seq_dir = root / folder
    (seq_dir / "img").mkdir(parents=True)
    for i in range(first, last + 1):
        (seq_dir / "img" / f"{i:04d}.jpg").write_bytes(_TINY_JPG)
    lines = [f"{i},1,2,3" for i in range(last - first + 1)] if gt_lines is None else gt_lines
    (seq_dir / f"{official}_gt.txt").write_text("\n".join(lines) + "\n")
    return seq_dir


def test_sequence_in_official_layout_loads(tmp_path):
    _make_sequence(tmp_path, "Deer", "Deer", 1, 71)
    seq = TPLDataset(root=tmp_path).get_sequence("tpl_Deer")
    assert seq.dataset == "tpl"
    assert len(seq.frames) == 71
    assert seq.frames[0] == str(tmp_path / "Deer" / "img" / "0001.jpg")
    np.testing.assert_array_equal(seq.ground_truth_rect[-1], [70, 1, 2, 3])


def test_frame_range_follows_the_table(tmp_path):
    _make_sequence(tmp_path, "Hurdle_ce2", "Hurdle_ce2", 27, 330)
    seq = TPLDataset(root=tmp_path).get_sequence("tpl_Hurdle_ce2")
    assert len(seq.frames) == 304
    assert seq.frames[0].endswith("img/0027.jpg")


def test_hyphen_in_official_name_becomes_underscore(tmp_path):
    _make_sequence(tmp_path, "Yo-yos_ce3", "Yo-yos_ce3", 1, 201)
    seq = TPLDataset(root=tmp_path).get_sequence("tpl_Yo_yos_ce3")
    assert seq.frames[0] == str(tmp_path / "Yo-yos_ce3" / "img" / "0001.jpg")


def test_pytracking_renamed_folder_is_read(tmp_path):
    _make_sequence(tmp_path, "tpl_Deer", "Deer", 1, 71)
    seq = TPLDataset(root=tmp_path).get_sequence("tpl_Deer")
    assert seq.frames[0] == str(tmp_path / "tpl_Deer" / "img" / "0001.jpg")


def test_has_129_unique_sequences(tmp_path):
    names = TPLDataset(root=tmp_path).sequence_names()
    assert len(names) == 129
    assert len(set(names)) == 129


def test_44_sequences_overlap_otb():
    assert len(OTB_OVERLAP) == 44


def test_exclude_otb_leaves_85_sequences(tmp_path):
    names = TPLDataset(root=tmp_path, exclude_otb=True).sequence_names()
    assert len(names) == 85
    assert "tpl_Torus" in names and "tpl_Deer" not in names


def test_registry_name_tpl_nootb_excludes_otb(tmp_path):
    assert len(get_dataset_loader("tpl_nootb", root=tmp_path)) == 85


def test_overlapping_sequence_is_unknown_without_otb(tmp_path):
    with pytest.raises(KeyError, match="tpl_Deer"):
        TPLDataset(root=tmp_path, exclude_otb=True).get_sequence("tpl_Deer")


def test_malformed_ground_truth_raises_naming_file_and_line(tmp_path):
    lines = [f"{i},1,2,3" for i in range(71)]
    lines[4] = "4,1,2"
    _make_sequence(tmp_path, "Deer", "Deer", 1, 71, gt_lines=lines)
    with pytest.raises(DatasetError, match=r"Deer_gt\.txt:5"):
        TPLDataset(root=tmp_path).get_sequence("tpl_Deer")


def test_missing_image_raises_naming_it(tmp_path):
    seq_dir = _make_sequence(tmp_path, "Deer", "Deer", 1, 71)
    (seq_dir / "img" / "0071.jpg").unlink()
    with pytest.raises(DatasetError, match=r"img/0071\.jpg"):
        TPLDataset(root=tmp_path).get_sequence("tpl_Deer")
