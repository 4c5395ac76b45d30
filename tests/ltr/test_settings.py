"""Settings: runner-owned fields, workspace layout, --set overrides and the plain-data summary."""
import pytest
import torch

from ltr.admin.distributed import DistInfo
from ltr.admin.environment import training_env
from ltr.admin.settings import OverrideError, Settings, SettingsGroup, parse_value


def make_settings(tmp_path, overrides=()) -> Settings:
    settings = Settings("bbreg", "atom", workspace=tmp_path, overrides=overrides)
    settings.batch_size = 8
    settings.loss = SettingsGroup(w_cf=1.0)
    settings.optimizer = {"lr": 0.01}
    return settings


def test_runner_fields_are_set_from_arguments(tmp_path):
    settings = Settings("fd", "step1", smoke=True, resume=True, seed=3, device=torch.device("cpu"),
                        dist=DistInfo(rank=1, world_size=2, local_rank=1), workspace=tmp_path)
    assert (settings.project_path, settings.smoke, settings.resume, settings.seed) == ("fd/step1", True, True, 3)
    assert (settings.rank, settings.world_size, settings.local_rank) == (1, 2, 1)


def test_checkpoint_and_tensorboard_dirs_are_under_workspace_by_project_path(tmp_path):
    settings = Settings("bbreg", "atom", workspace=tmp_path)
    assert settings.checkpoint_dir == tmp_path / "checkpoints" / "bbreg" / "atom"
    assert settings.tensorboard_dir == tmp_path / "tensorboard" / "bbreg" / "atom"


def test_workspace_defaults_to_environment_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTRACKING_WORKSPACE_PATH", str(tmp_path / "ws"))
    assert training_env().workspace_path == tmp_path / "ws"


def test_apply_overrides_sets_top_level_nested_attribute_and_dict_key(tmp_path):
    settings = make_settings(tmp_path)
    settings.apply_overrides(["batch_size=4", "loss.w_cf=0.1", "optimizer.lr=1e-3"])
    assert (settings.batch_size, settings.loss.w_cf, settings.optimizer["lr"]) == (4, 0.1, 1e-3)


def test_override_values_are_python_literals():
    assert parse_value("0.5") == 0.5
    assert parse_value("[1, 2]") == [1, 2]
    assert parse_value("True") is True
    assert parse_value("None") is None


def test_override_value_that_is_not_a_literal_stays_a_string():
    assert parse_value("resnet18") == "resnet18"


def test_apply_overrides_without_arguments_applies_pending_command_line_items(tmp_path):
    settings = make_settings(tmp_path, overrides=["batch_size=2"])
    assert not settings.overrides_applied
    settings.apply_overrides()
    assert settings.batch_size == 2 and settings.overrides_applied


def test_unknown_top_level_key_is_an_error_naming_it(tmp_path):
    with pytest.raises(OverrideError, match="'batchsize'"):
        make_settings(tmp_path).apply_overrides(["batchsize=4"])


def test_unknown_nested_key_is_an_error_naming_it(tmp_path):
    with pytest.raises(OverrideError, match=r"'loss\.w_xx'.*settings\.loss has no 'w_xx'"):
        make_settings(tmp_path).apply_overrides(["loss.w_xx=4"])


def test_runner_owned_key_cannot_be_overridden(tmp_path):
    with pytest.raises(OverrideError, match="'smoke' is set by the runner"):
        make_settings(tmp_path).apply_overrides(["smoke=True"])


def test_override_without_equals_sign_is_an_error(tmp_path):
    with pytest.raises(OverrideError, match="key=value"):
        make_settings(tmp_path).apply_overrides(["batch_size"])


def test_summary_is_plain_data_with_paths_as_strings_and_objects_skipped(tmp_path):
    settings = make_settings(tmp_path)
    settings.net = torch.nn.Linear(1, 1)
    summary = settings.summary()
    assert summary["loss"] == {"w_cf": 1.0}
    assert summary["env"]["workspace_path"] == str(tmp_path)
    assert summary["device"] == "cpu"
    assert "net" not in summary and "_pending_overrides" not in summary
