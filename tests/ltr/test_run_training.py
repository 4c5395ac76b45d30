"""run_training: settings lookup, command-line flags, the three ways to launch it, bit-exact resume."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from ltr import run_training
from ltr.admin.checkpoints import latest_checkpoint, list_checkpoints
from ltr.admin.loading import torch_load

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ["examples", "toy_regression"]


def checkpoint_dir(workspace: Path) -> Path:
    return workspace / "checkpoints" / "examples" / "toy_regression"


def final_weights(workspace: Path) -> dict:
    return torch_load(latest_checkpoint(checkpoint_dir(workspace)))["net"]


def test_unknown_module_is_an_error_listing_the_available_modules():
    with pytest.raises(run_training.SettingsNotFoundError, match="'nosuch'.*available: .*examples"):
        run_training.load_run_function("nosuch", "toy_regression")


def test_unknown_name_is_an_error_listing_the_available_names():
    with pytest.raises(run_training.SettingsNotFoundError, match="'nosuch'.*available: .*toy_regression"):
        run_training.load_run_function("examples", "nosuch")


def test_command_line_error_for_unknown_settings_exits_with_usage(capsys):
    with pytest.raises(SystemExit) as exit_info:
        run_training.main(["examples", "nosuch"])
    assert exit_info.value.code == 2 and "available: " in capsys.readouterr().err


def test_set_with_undeclared_key_exits_naming_the_key(tmp_path, capsys):
    with pytest.raises(SystemExit):
        run_training.main([*EXAMPLE, "--smoke", "--workspace", str(tmp_path), "--set", "batchsize=4"])
    assert "'batchsize'" in capsys.readouterr().err


def test_set_and_epochs_flags_override_declared_settings(tmp_path):
    run_training.main([*EXAMPLE, "--workspace", str(tmp_path), "--epochs", "1",
                       "--set", "batch_size=4", "optimizer.lr=0.01"])
    summary = torch_load(latest_checkpoint(checkpoint_dir(tmp_path)))["settings"]
    assert (summary["num_epochs"], summary["batch_size"], summary["optimizer"]["lr"]) == (1, 4, 0.01)


def test_smoke_run_writes_one_checkpoint(tmp_path):
    run_training.main([*EXAMPLE, "--smoke", "--workspace", str(tmp_path)])
    assert [epoch for epoch, _ in list_checkpoints(checkpoint_dir(tmp_path))] == [1]


@pytest.mark.parametrize("num_workers", [0, 2])
def test_resume_continues_bit_for_bit(tmp_path, num_workers):
    common = ["--set", f"num_workers={num_workers}", "samples_per_epoch=64"]
    run_training.main([*EXAMPLE, "--workspace", str(tmp_path / "straight"), "--epochs", "4", *common])
    run_training.main([*EXAMPLE, "--workspace", str(tmp_path / "split"), "--epochs", "2", *common])
    torch.manual_seed(999)  # a new process would start from other generator states
    run_training.main([*EXAMPLE, "--workspace", str(tmp_path / "split"), "--epochs", "4", "--resume", *common])
    straight, split = final_weights(tmp_path / "straight"), final_weights(tmp_path / "split")
    assert all(torch.equal(straight[key], split[key]) for key in straight)


def test_resume_without_checkpoint_starts_from_epoch_one(tmp_path):
    run_training.main([*EXAMPLE, "--workspace", str(tmp_path), "--epochs", "1", "--resume"])
    assert [epoch for epoch, _ in list_checkpoints(checkpoint_dir(tmp_path))] == [1]


@pytest.mark.parametrize("command, cwd", [
    (["ltr/run_training.py"], REPO_ROOT),
    (["-m", "ltr.run_training"], REPO_ROOT),
    (["run_training.py"], REPO_ROOT / "ltr"),
], ids=["file", "module", "inside-ltr"])
def test_launched_as_file_as_module_or_from_inside_ltr_it_finds_the_settings(command, cwd):
    # an unknown name is the cheapest run that imports everything and lists the discovered settings;
    # a full training run as a file is launched by the torchrun test in test_distributed.py
    result = subprocess.run([sys.executable, *command, "examples", "nosuch"], cwd=cwd, env=dict(os.environ),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "available: toy_regression" in result.stderr, result.stderr


def test_missing_teacher_file_exits_with_a_one_line_error_naming_the_setting(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PYTRACKING_NETWORK_PATH", str(tmp_path))
    with pytest.raises(SystemExit) as exit_info:
        run_training.main(["cfkd", "atom_cfkd", "--workspace", str(tmp_path)])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2 and "settings.teacher_path" in err and "Traceback" not in err
