"""The run_analysis command line on the real OTB Football1 sample."""
import json
import subprocess
import sys

import numpy as np
import pytest

from pytracking.evaluation.results_io import save_tracking_result
from pytracking.analysis.extract import parse_tracker_spec
from pytracking.run_analysis import main
from tests.conftest import REPO_ROOT, require_otb_sample


@pytest.fixture
def otb(tmp_path):
    """An OTB root holding only Football1 (symlink) and results of a perfect tracker 'good'
    and a tracker 'far' whose boxes are 200 px away after frame 0."""
    sample = require_otb_sample()
    root = tmp_path / "otb"
    root.mkdir()
    (root / "Football1").symlink_to(sample)
    gt = np.loadtxt(sample / "groundtruth_rect.txt", delimiter=",")
    results = tmp_path / "results"
    save_tracking_result(results / "good" / "default", "Football1", gt)
    save_tracking_result(results / "far" / "default", "Football1", gt + [200, 0, 0, 0])
    return ["--dataset", "otb", "--dataset-path", str(root), "--results-path", str(results),
            "--sequences", "Football1"]


def table_rows(output: str) -> dict:
    rows = {}
    for line in output.splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) == 6 and cells[0].endswith("/default"):
            rows[cells[0]] = [float(c) for c in cells[1:]]
    return rows


def test_script_prints_the_score_table(otb):
    out = subprocess.run([sys.executable, "pytracking/run_analysis.py", *otb, "--trackers", "good", "far"],
                         cwd=REPO_ROOT, capture_output=True, text=True, check=True).stdout
    # 74 frames: the perfect tracker scores 20/21; the far one only frame 0 (1/74 of each curve)
    rows = table_rows(out)
    assert rows["good/default"] == [95.24, 100.0, 100.0, 100.0, 100.0]
    assert rows["far/default"] == [round(100 / 74 * 20 / 21, 2)] + [round(100 / 74, 2)] * 4


def test_script_runs_from_inside_the_pytracking_folder(otb):
    out = subprocess.run([sys.executable, "run_analysis.py", *otb, "--trackers", "good/default"],
                         cwd=REPO_ROOT / "pytracking", capture_output=True, text=True, check=True).stdout
    assert "good/default" in table_rows(out)


def test_module_form_runs(otb):
    out = subprocess.run([sys.executable, "-m", "pytracking.run_analysis", *otb, "--trackers", "good"],
                         cwd=REPO_ROOT, capture_output=True, text=True, check=True).stdout
    assert "good/default" in table_rows(out)


def test_json_plots_and_extra_tables_are_written(otb, tmp_path, capsys):
    json_path, plot_dir = tmp_path / "scores.json", tmp_path / "plots"
    assert main([*otb, "--trackers", "good", "far", "--json", str(json_path), "--plot-dir", str(plot_dir),
                 "--per-sequence", "--per-attribute", "--got10k-metrics", "--playback", "Football1"]) == 0
    out = capsys.readouterr().out
    assert "Football1" in out and "IPR (1)" in out and "SR0.5" in out
    assert list(json.loads(json_path.read_text())["trackers"]) == ["good/default", "far/default"]
    assert {p.name for p in plot_dir.iterdir()} >= {"success_plot.png", "precision_plot.pdf", "Football1_playback.png"}


def test_unknown_tracker_is_a_clear_error(otb, capsys):
    assert main([*otb, "--trackers", "nosuch"]) == 2
    assert "no results for tracker 'nosuch/default'" in capsys.readouterr().err


def test_tracker_without_param_uses_default():
    assert parse_tracker_spec("atom") == ("atom", "default")
    assert parse_tracker_spec("atom/mobilenet") == ("atom", "mobilenet")


def test_loosely_named_result_files_are_matched_and_reported_in_one_line(otb, tmp_path, capsys):
    results = tmp_path / "results"
    gt = np.loadtxt(results / "good" / "default" / "Football1.txt")
    save_tracking_result(results / "pysot" / "default", "football1", gt)
    assert main([*otb, "--trackers", "good", "pysot"]) == 0
    out = capsys.readouterr().out
    matched = [line for line in out.splitlines() if line.startswith("Matched")]
    assert matched == [f"Matched ignoring case and '-'/'_' in {results / 'pysot' / 'default'}: "
                       f"football1.txt -> Football1"]
    rows = table_rows(out)
    assert rows["pysot/default"] == rows["good/default"]


def test_partial_benchmark_is_one_error_suggesting_sequence(otb, capsys):
    whole = otb[:otb.index("--sequences")]
    assert main([*whole, "--trackers", "good"]) == 2
    err = capsys.readouterr().err
    assert "otb: only 1 of its 100 sequences are complete" in err and "--sequence Football1 " in err


def test_the_suggested_sequence_flag_is_accepted(otb, capsys):
    whole = otb[:otb.index("--sequences")]
    assert main([*whole, "--sequence", "Football1", "--trackers", "good"]) == 0
    assert "good/default" in table_rows(capsys.readouterr().out)
