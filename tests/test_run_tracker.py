"""The run_tracker / run_experiment command lines, as users type them."""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pytracking import run_experiment, run_tracker

REPO_ROOT = Path(__file__).resolve().parents[1]


def test_script_tracks_one_sequence_and_skips_it_on_rerun(tmp_path, synthetic_root):
    command = [sys.executable, "pytracking/run_tracker.py", "kcf", "default", "--dataset", "synthetic",
               "--dataset-path", str(synthetic_root), "--sequence", "Dash", "--results-path", str(tmp_path)]
    first = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    assert "Dash: 70 frames, FPS" in first.stdout + first.stderr
    assert len((tmp_path / "kcf" / "default" / "Dash.txt").read_text().splitlines()) == 70
    second = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True)
    assert "0 tracked, 1 skipped" in second.stdout


def test_script_runs_from_inside_the_pytracking_folder_with_a_run_id(tmp_path, synthetic_root):
    command = [sys.executable, "run_tracker.py", "kcf", "default", "--dataset", "synthetic", "--dataset-path",
               str(synthetic_root), "--sequence", "0", "--runid", "2", "--results-path", str(tmp_path)]
    result = subprocess.run(command, cwd=REPO_ROOT / "pytracking", capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "kcf" / "default_002" / "Glide.txt").is_file()


def test_unknown_sequence_is_a_clear_error(tmp_path, synthetic_root, capsys):
    assert run_tracker.main(["kcf", "default", "--dataset", "synthetic", "--dataset-path", str(synthetic_root),
                             "--sequence", "Nope", "--results-path", str(tmp_path)]) == 2
    assert "sequence 'Nope' is neither a name nor an index of dataset 'synthetic'" in capsys.readouterr().err


def test_missing_dataset_is_one_line_naming_the_flag_and_variable(tmp_path, capsys):
    assert run_tracker.main(["kcf", "default", "--dataset", "otb", "--dataset-path", str(tmp_path / "none")]) == 2
    err = capsys.readouterr().err
    assert re.search("--dataset-path DIR.*PYTRACKING_OTB_PATH", err) and len(err.strip().splitlines()) == 1


def test_experiment_runs_the_trackers_and_sequences_it_returns(tmp_path, monkeypatch, synthetic_root):
    monkeypatch.setenv("PYTRACKING_SYNTHETIC_PATH", str(synthetic_root))
    monkeypatch.setenv("PYTRACKING_RESULTS_PATH", str(tmp_path))
    assert run_experiment.main(["baselines", "synthetic_kcf"]) == 0
    assert sorted(p.name for p in (tmp_path / "kcf" / "default").glob("*_time.txt")) == sorted(
        f"{name}_time.txt" for name in os.listdir(synthetic_root) if (synthetic_root / name).is_dir())


def test_unknown_experiment_is_a_usage_error():
    with pytest.raises(SystemExit):
        run_experiment.main(["baselines", "nope"])
