"""Every training settings file runs in smoke mode (two iterations, tiny synthetic data, random weights).

Settings files are discovered on disk, so ones added later are covered without editing this test.
"""
from pathlib import Path

import pytest

from ltr import run_training

SETTINGS_ROOT = Path(__file__).resolve().parents[2] / "ltr" / "train_settings"
SETTINGS_FILES = sorted(path for path in SETTINGS_ROOT.glob("*/*.py") if path.stem != "__init__")


@pytest.mark.parametrize("settings_file", SETTINGS_FILES,
                         ids=[f"{path.parent.name}/{path.stem}" for path in SETTINGS_FILES])
def test_settings_file_runs_in_smoke_mode_and_writes_a_checkpoint(tmp_path, settings_file):
    run_training.main([settings_file.parent.name, settings_file.stem, "--smoke", "--workspace", str(tmp_path)])
    assert list((tmp_path / "checkpoints").rglob("*.pth.tar")), "no checkpoint written"
