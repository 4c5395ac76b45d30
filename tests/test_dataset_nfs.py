"""NfS (30 fps) evaluation dataset: layout, naming and strict annotation reading."""
import re
from pathlib import Path

import cv2
import numpy as np
import pytest

from ltr.data.annotations import DatasetError
from pytracking.evaluation.datasets import get_dataset_loader
from pytracking.evaluation.nfsdataset import NFSDataset

_TINY_JPG = cv2.imencode(".jpg", np.zeros((8, 8, 3), np.uint8))[1].tobytes()


def _make_sequence(root: Path, folder: str, count: int, gt_lines=None) -> Path:
    """``sequences/<folder>/00001.jpg..`` and ``anno/nfs_<folder>.txt`` (row i = ``i<TAB>1<TAB>2<TAB>3``)."""
    seq_dir = root / "sequences" / folder
    seq_dir.mkdir(parents=True)
    for i in range(1, count + 1):
        (seq_dir / f"{i:05d}.jpg").write_bytes(_TINY_JPG)
    lines = [f"{i}\t1\t2\t3" for i in range(count)] if gt_lines is None else gt_lines
    anno = root / "anno" / f"nfs_{folder}.txt"
    anno.parent.mkdir(exist_ok=True)
    anno.write_text("\n".join(lines) + "\n")
    return anno


def test_sequence_in_layout_loads(tmp_path):
    _make_sequence(tmp_path, "car_jumping", 22)
    seq = NFSDataset(root=tmp_path).get_sequence("nfs_car_jumping")
    assert seq.dataset == "nfs"
    assert seq.object_class == "car"
    assert len(seq.frames) == 22
    assert seq.frames[0] == str(tmp_path / "sequences" / "car_jumping" / "00001.jpg")
    assert seq.frames[-1] == str(tmp_path / "sequences" / "car_jumping" / "00022.jpg")
    np.testing.assert_array_equal(seq.ground_truth_rect[-1], [21, 1, 2, 3])


def test_has_100_unique_names(tmp_path):
    names = NFSDataset(root=tmp_path).sequence_names()
    assert len(names) == 100 and len(set(names)) == 100
    assert all(name.startswith("nfs_") for name in names)


def test_malformed_row_raises_naming_file_and_line(tmp_path):
    lines = [f"{i}\t1\t2\t3" for i in range(22)]
    lines[3] = "3\t1\tx\t3"
    anno = _make_sequence(tmp_path, "car_jumping", 22, lines)
    with pytest.raises(DatasetError, match=re.escape(f"{anno}:4")):
        NFSDataset(root=tmp_path).get_sequence("nfs_car_jumping")


def test_row_count_differing_from_frame_count_raises_naming_file_and_counts(tmp_path):
    anno = _make_sequence(tmp_path, "car_jumping", 22, [f"{i}\t1\t2\t3" for i in range(21)])
    with pytest.raises(DatasetError, match=re.escape(f"{anno}: 21 ground-truth rows for 22 frames")):
        NFSDataset(root=tmp_path).get_sequence("nfs_car_jumping")


def test_missing_image_raises_naming_the_image(tmp_path):
    _make_sequence(tmp_path, "car_jumping", 22)
    (tmp_path / "sequences" / "car_jumping" / "00022.jpg").unlink()
    with pytest.raises(DatasetError, match="00022.jpg"):
        NFSDataset(root=tmp_path).get_sequence("nfs_car_jumping")


def test_subset_on_a_partial_root_loads(tmp_path):
    _make_sequence(tmp_path, "car_jumping", 22)
    assert NFSDataset(root=tmp_path).get_sequence_list(["nfs_car_jumping"]).names() == ["nfs_car_jumping"]


def test_registry_name_nfs(tmp_path):
    assert isinstance(get_dataset_loader("nfs", root=tmp_path), NFSDataset)
