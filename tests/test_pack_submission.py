"""GOT-10k / TrackingNet submission packers: zip layout and exact member contents."""
import zipfile
from pathlib import Path

import pytest

from pytracking.evaluation.results_io import save_tracking_result
from pytracking.util_scripts.pack_submission import main, pack_got10k, pack_trackingnet, result_sequence_names


def _save(results: Path, param_dir: str, seq: str, first_x: int, times=(0.5, 0.25)) -> None:
    """Two frames of results under results/atom/<param_dir>: boxes [first_x, 2, 3, 4], [first_x + 1, 2, 3, 4]."""
    boxes = [[first_x, 2, 3, 4], [first_x + 1, 2, 3, 4]]
    save_tracking_result(results / "atom" / param_dir, seq, boxes, times)


def _members(zip_path: Path) -> dict:
    with zipfile.ZipFile(zip_path) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


def test_result_sequence_names_skip_time_files(tmp_path):
    _save(tmp_path, "default", "b", 1)
    _save(tmp_path, "default", "a", 1)
    assert result_sequence_names(tmp_path / "atom" / "default") == ["a", "b"]


def test_got10k_single_run_layout_and_contents(tmp_path):
    _save(tmp_path / "res", "default", "GOT-10k_Test_000001", 1)
    path = pack_got10k("atom", "default", results_path=tmp_path / "res", output_dir=tmp_path / "out")
    assert path == tmp_path / "out" / "atom_default_got10k.zip"
    assert _members(path) == {
        "GOT-10k_Test_000001/GOT-10k_Test_000001_001.txt":
            "1.000000,2.000000,3.000000,4.000000\n2.000000,2.000000,3.000000,4.000000\n",
        "GOT-10k_Test_000001/GOT-10k_Test_000001_time.txt": "0.500000\n0.250000\n",
    }


def test_got10k_three_runs_numbered_in_order_with_first_run_times(tmp_path):
    for run, first_x in enumerate((10, 20, 30)):
        _save(tmp_path, f"default_{run:03d}", "s", first_x, times=(run + 1.0, 0.0))
    members = _members(pack_got10k("atom", "default", (0, 1, 2), results_path=tmp_path, output_dir=tmp_path))
    assert sorted(members) == ["s/s_001.txt", "s/s_002.txt", "s/s_003.txt", "s/s_time.txt"]
    assert members["s/s_003.txt"].startswith("30.000000,2.000000")
    assert members["s/s_time.txt"] == "1.000000\n0.000000\n"


def test_got10k_rejects_more_than_three_runs(tmp_path):
    with pytest.raises(ValueError, match="1 to 3"):
        pack_got10k("atom", "default", (0, 1, 2, 3), results_path=tmp_path, output_dir=tmp_path)


def test_got10k_run_missing_a_sequence_names_the_file(tmp_path):
    _save(tmp_path, "default_000", "s", 1)
    _save(tmp_path, "default_000", "t", 1)
    _save(tmp_path, "default_001", "s", 1)
    with pytest.raises(FileNotFoundError, match=r"default_001/t\.txt"):
        pack_got10k("atom", "default", (0, 1), results_path=tmp_path, output_dir=tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_got10k_missing_time_file_is_named(tmp_path):
    _save(tmp_path, "default", "s", 1, times=None)
    with pytest.raises(FileNotFoundError, match=r"s_time\.txt"):
        pack_got10k("atom", "default", results_path=tmp_path, output_dir=tmp_path)


def test_missing_results_folder_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"atom/default_002"):
        pack_got10k("atom", "default", (2,), results_path=tmp_path, output_dir=tmp_path)


def test_empty_results_folder_is_an_error(tmp_path):
    (tmp_path / "atom" / "default").mkdir(parents=True)
    with pytest.raises(FileNotFoundError, match="no result files"):
        pack_trackingnet("atom", "default", results_path=tmp_path, output_dir=tmp_path)


def test_trackingnet_flat_zip_with_two_decimals(tmp_path):
    save_tracking_result(tmp_path / "atom" / "default", "a_0", [[1, 2, 3, 4], [5, 6, 7, 8]])
    path = pack_trackingnet("atom", "default", results_path=tmp_path, output_dir=tmp_path / "out")
    assert path == tmp_path / "out" / "atom_default_trackingnet.zip"
    assert _members(path) == {"a_0.txt": "1.00,2.00,3.00,4.00\n5.00,6.00,7.00,8.00\n"}


def test_sequences_argument_restricts_and_requires_results(tmp_path):
    _save(tmp_path, "default", "otb_seq", 1)
    _save(tmp_path, "default", "a_0", 1)
    path = pack_trackingnet("atom", "default", results_path=tmp_path, output_dir=tmp_path, sequences=["a_0"])
    assert list(_members(path)) == ["a_0.txt"]
    with pytest.raises(FileNotFoundError, match=r"b_0\.txt"):
        pack_trackingnet("atom", "default", results_path=tmp_path, output_dir=tmp_path, sequences=["b_0"])


def test_default_output_dir_is_the_packed_results_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTRACKING_PACKED_RESULTS_PATH", str(tmp_path / "packed"))
    _save(tmp_path, "default", "a_0", 1)
    assert pack_trackingnet("atom", "default", results_path=tmp_path).parent == tmp_path / "packed"


def test_cli_packs_got10k_runs(tmp_path, capsys):
    for run in range(2):
        _save(tmp_path, f"default_{run:03d}", "s", 1)
    path = main(["got10k", "atom", "default", "--runs", "2", "--results-path", str(tmp_path),
                 "--output-dir", str(tmp_path / "out")])
    assert sorted(_members(path)) == ["s/s_001.txt", "s/s_002.txt", "s/s_time.txt"]
    assert capsys.readouterr().out.strip() == str(path)


def test_cli_packs_only_the_benchmark_sequences_with_dataset_path(tmp_path):
    _save(tmp_path / "res", "default", "a_0", 1)
    _save(tmp_path / "res", "default", "Basketball", 1)
    anno = tmp_path / "trackingnet" / "TEST" / "anno"
    anno.mkdir(parents=True)
    (anno / "a_0.txt").write_text("1,2,3,4\n")
    path = main(["trackingnet", "atom", "default", "--results-path", str(tmp_path / "res"),
                 "--output-dir", str(tmp_path / "out"), "--dataset-path", str(tmp_path / "trackingnet")])
    assert list(_members(path)) == ["a_0.txt"]


def test_cli_rejects_runs_for_trackingnet(tmp_path):
    with pytest.raises(SystemExit):
        main(["trackingnet", "atom", "default", "--runs", "3", "--results-path", str(tmp_path)])
