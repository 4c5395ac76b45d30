"""VOT sequences: list.txt, color/ or flat image folders, boxes or polygons ('preserve_area')."""
import math
from pathlib import Path

import numpy as np
import pytest

from ltr.data.annotations import DatasetError
from pytracking.evaluation.datasets import get_dataset_loader
from pytracking.evaluation.votdataset import VOTDataset, polygon_to_box
from tests.conftest import write_images


def _make_sequence(root: Path, name: str, rows: list, color_dir: bool = True) -> Path:
    seq_dir = root / name
    write_images(seq_dir / "color" if color_dir else seq_dir, len(rows), pattern="%08d.jpg", size=(8, 8))
    (seq_dir / "groundtruth.txt").write_text("".join(",".join(map(str, row)) + "\n" for row in rows))
    with open(root / "list.txt", "a") as handle:
        handle.write(name + "\n")
    return seq_dir


def test_axis_aligned_rectangle_polygon_gives_size_plus_one():
    # rectangle x 10..30, y 20..60: centre (20, 40), s = 1, w = 21, h = 41
    box = polygon_to_box(np.array([[10, 20, 30, 20, 30, 60, 10, 60]]))
    np.testing.assert_allclose(box, [[20 - 10.5, 40 - 20.5, 21, 41]])


def test_rotated_square_polygon_preserves_its_area():
    # side-2 square rotated 45 degrees around (5, 5): AABB 2*sqrt(2) wide, s = 1/sqrt(2), w = h = 2 + 1
    r = math.sqrt(2)
    box = polygon_to_box(np.array([[5, 5 - r, 5 + r, 5, 5, 5 + r, 5 - r, 5]]))
    np.testing.assert_allclose(box, [[3.5, 3.5, 3, 3]])


def test_polygon_without_area_gives_nan_box():
    assert np.isnan(polygon_to_box(np.array([[1, 1, 5, 1, 5, 1, 1, 1]]))).all()


def test_sequence_names_come_from_list_txt(tmp_path):
    _make_sequence(tmp_path, "bag", [[1, 2, 3, 4]])
    _make_sequence(tmp_path, "ants1", [[1, 2, 3, 4]])
    assert VOTDataset(root=tmp_path).sequence_names() == ["bag", "ants1"]


def test_box_ground_truth_is_used_as_is(tmp_path):
    _make_sequence(tmp_path, "bag", [[1, 2, 3, 4], [2, 2, 3, 4]])
    seq = VOTDataset(root=tmp_path).get_sequence("bag")
    assert seq.dataset == "vot"
    np.testing.assert_array_equal(seq.ground_truth_rect, [[1, 2, 3, 4], [2, 2, 3, 4]])
    assert seq.ground_truth_polygon is None


def test_polygon_ground_truth_is_converted_and_kept(tmp_path):
    polygon = [10, 20, 30, 20, 30, 60, 10, 60]
    _make_sequence(tmp_path, "bag", [polygon, polygon])
    seq = VOTDataset(root=tmp_path).get_sequence("bag")
    np.testing.assert_allclose(seq.ground_truth_rect, [[9.5, 19.5, 21, 41]] * 2)
    np.testing.assert_array_equal(seq.ground_truth_polygon, [polygon, polygon])


def test_frames_come_from_the_color_folder(tmp_path):
    _make_sequence(tmp_path, "bag", [[1, 2, 3, 4]] * 2)
    seq = VOTDataset(root=tmp_path).get_sequence("bag")
    assert seq.frames == [str(tmp_path / "bag" / "color" / "00000001.jpg"),
                          str(tmp_path / "bag" / "color" / "00000002.jpg")]


def test_frames_may_lie_directly_in_the_sequence_folder(tmp_path):
    _make_sequence(tmp_path, "bag", [[1, 2, 3, 4]] * 2, color_dir=False)
    seq = VOTDataset(root=tmp_path).get_sequence("bag")
    assert Path(seq.frames[1]) == tmp_path / "bag" / "00000002.jpg"


def test_malformed_row_names_file_and_line(tmp_path):
    _make_sequence(tmp_path, "bag", [[1, 2, 3, 4], [1, 2, 3, 4, 5, 6], [1, 2, 3, 4]])
    with pytest.raises(DatasetError, match=r"groundtruth\.txt:2"):
        VOTDataset(root=tmp_path).get_sequence("bag")


def test_degenerate_polygon_names_file_and_row(tmp_path):
    _make_sequence(tmp_path, "bag", [[10, 20, 30, 20, 30, 60, 10, 60], [1, 1, 5, 1, 5, 1, 1, 1]])
    with pytest.raises(DatasetError, match=r"groundtruth\.txt: row 2: polygon spans no area"):
        VOTDataset(root=tmp_path).get_sequence("bag")


def test_missing_image_is_named(tmp_path):
    seq_dir = _make_sequence(tmp_path, "bag", [[1, 2, 3, 4]] * 3)
    (seq_dir / "color" / "00000003.jpg").unlink()
    with pytest.raises(DatasetError, match="00000003.jpg"):
        VOTDataset(root=tmp_path).get_sequence("bag")


def test_missing_list_txt_is_a_clear_error(tmp_path):
    with pytest.raises(DatasetError, match=r"list\.txt"):
        VOTDataset(root=tmp_path)


def test_subset_loads_from_partial_root(tmp_path):
    _make_sequence(tmp_path, "bag", [[1, 2, 3, 4]])
    with open(tmp_path / "list.txt", "a") as handle:
        handle.write("ball1\n")  # listed but absent
    assert VOTDataset(root=tmp_path).get_sequence_list(["bag"]).names() == ["bag"]


def test_registry_entry_builds_the_loader(tmp_path):
    _make_sequence(tmp_path, "bag", [[1, 2, 3, 4]])
    assert isinstance(get_dataset_loader("vot", tmp_path), VOTDataset)
