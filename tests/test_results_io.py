import numpy as np
import pytest

from ltr.admin.file_io import atomic_write
from pytracking.evaluation.results_io import ResultFileError, load_result_boxes, save_tracking_result


def test_boxes_are_saved_as_truncated_tab_separated_integers(tmp_path):
    save_tracking_result(tmp_path, "seq", np.array([[1.9, 2.2, 3.7, 4.0], [-0.5, 5.5, 6.1, 7.9]]), [0.5, 0.25])
    assert (tmp_path / "seq.txt").read_text() == "1\t2\t3\t4\n0\t5\t6\t7\n"
    assert (tmp_path / "seq_time.txt").read_text().split() == ["0.500000", "0.250000"]


@pytest.mark.parametrize("text", ["1\t2\t3\t4\n5\t6\t7\t8\n", "1,2,3,4\n5,6,7,8", "1 2 3 4\r\n5 6 7 8\r\n"])
def test_result_reader_accepts_tab_comma_or_space(tmp_path, text):
    path = tmp_path / "r.txt"
    path.write_text(text)
    np.testing.assert_array_equal(load_result_boxes(path), [[1, 2, 3, 4], [5, 6, 7, 8]])


def test_empty_result_file_gives_no_rows(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text("")
    assert load_result_boxes(path).shape == (0, 4)


def test_short_row_in_result_file_names_the_line(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text("1,2,3,4\n5,6,7\n1,2,3,4,5\n")
    with pytest.raises(ResultFileError, match=r"r\.txt:2: expected 4 values, got 3"):
        load_result_boxes(path)


def test_failed_atomic_write_leaves_nothing(tmp_path):
    def broken(handle):
        handle.write(b"partial")
        raise RuntimeError("killed")
    with pytest.raises(RuntimeError):
        atomic_write(tmp_path / "out.txt", broken)
    assert list(tmp_path.iterdir()) == []


def test_nan_rows_are_read_for_the_analysis_to_reject(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text("1,2,3,4\nnan,nan,nan,nan\n")
    assert np.isnan(load_result_boxes(path)[1]).all()


def test_non_numeric_value_in_result_file_names_the_line(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text("1,2,3,4\n1,2,three,4\n")
    with pytest.raises(ResultFileError, match=r"r\.txt:2: non-numeric"):
        load_result_boxes(path)
