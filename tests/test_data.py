import numpy as np
import pytest

from ltr.data.annotations import DatasetError, read_flag_rows, read_number_rows
from pytracking.evaluation.data import Sequence, SequenceList, check_frames_exist


@pytest.mark.parametrize("text", ["1,2,3,4\n5,6,7,8\n", "1\t2\t3\t4\n5\t6\t7\t8", "1 2 3 4\n\n5  6 7 8\n\n"])
def test_rows_are_read_with_any_separator(tmp_path, text):
    path = tmp_path / "gt.txt"
    path.write_text(text)
    np.testing.assert_array_equal(read_number_rows(path), [[1, 2, 3, 4], [5, 6, 7, 8]])


def test_malformed_row_names_file_and_line(tmp_path):
    path = tmp_path / "gt.txt"
    path.write_text("1,2,3,4\n5,6,7\n")
    with pytest.raises(DatasetError, match=r"gt\.txt:2: expected 4 values, got 3"):
        read_number_rows(path)


def test_non_numeric_value_names_file_and_line(tmp_path):
    path = tmp_path / "gt.txt"
    path.write_text("1,2,3,4\n1,2,x,4\n")
    with pytest.raises(DatasetError, match=r"gt\.txt:2: non-numeric"):
        read_number_rows(path)


def test_nan_rows_only_when_allowed(tmp_path):
    path = tmp_path / "gt.txt"
    path.write_text("1,2,3,4\nNaN,NaN,NaN,NaN\n")
    with pytest.raises(DatasetError, match="NaN"):
        read_number_rows(path)
    assert np.isnan(read_number_rows(path, allow_nan=True)[1]).all()


def test_rows_of_mixed_length_are_rejected_even_when_each_is_accepted(tmp_path):
    path = tmp_path / "gt.txt"
    path.write_text("1,2,3,4\n1,2,3,4,5,6,7,8\n")
    with pytest.raises(DatasetError, match=":2:"):
        read_number_rows(path, num_cols=(4, 8))


def test_flags_read_across_commas_and_lines(tmp_path):
    path = tmp_path / "occ.txt"
    path.write_text("0,0,1,\n1\n")
    np.testing.assert_array_equal(read_flag_rows(path), [0, 0, 1, 1])


def test_missing_frame_is_named(tmp_path):
    (tmp_path / "0001.jpg").write_bytes(b"x")
    frames = [str(tmp_path / "0001.jpg"), str(tmp_path / "0002.jpg"), str(tmp_path / "0003.jpg")]
    with pytest.raises(DatasetError, match=r"0002\.jpg' \(and 1 more\)"):
        check_frames_exist(frames, "seq")


def test_sequence_rejects_ground_truth_of_wrong_length():
    with pytest.raises(DatasetError, match="2 ground-truth rows for 3 frames"):
        Sequence("s", ["a", "b", "c"], "otb", np.zeros((2, 4)))


def test_sequence_accepts_first_box_only_test_sets():
    seq = Sequence("s", ["a", "b", "c"], "got10k", [[1, 2, 3, 4]])
    assert seq.init_info() == {"init_bbox": [1.0, 2.0, 3.0, 4.0]}


def test_sequence_list_indexes_by_name_and_position():
    seqs = SequenceList([Sequence(n, ["a"], "otb", [[0, 0, 1, 1]]) for n in ("x", "y")])
    assert seqs["y"] is seqs[1]
    assert isinstance(seqs[:1], SequenceList) and seqs.names() == ["x", "y"]
    with pytest.raises(KeyError, match="'z'"):
        seqs["z"]


def test_box_count_must_match_frames_after_skipped_rows(tmp_path):
    from ltr.data.annotations import read_boxes
    path = tmp_path / "gt.txt"
    path.write_text("1,1,1,1\n2,2,2,2\n3,3,3,3\n")
    np.testing.assert_array_equal(read_boxes(path, 2, skip_rows=1)[:, 0], [2, 3])
    with pytest.raises(DatasetError, match="3 ground-truth rows for 2 frames"):
        read_boxes(path, 2)


def test_fractional_flag_is_rejected(tmp_path):
    path = tmp_path / "absence.label"
    path.write_text("0\n0.5\n")
    with pytest.raises(DatasetError, match=r"absence\.label:2: flag '0.5' is not an integer"):
        read_flag_rows(path)


def test_flag_count_is_checked_when_expected(tmp_path):
    path = tmp_path / "cover.label"
    path.write_text("1\n2\n")
    with pytest.raises(DatasetError, match="2 flags for 3 ground-truth rows"):
        read_flag_rows(path, expected_len=3)


def test_missing_list_file_is_named(tmp_path):
    from ltr.data.annotations import read_name_list
    with pytest.raises(DatasetError, match="VOT sequence list .*list.txt' does not exist"):
        read_name_list(tmp_path / "list.txt", "VOT sequence list")
