import json

import pytest

from ltr.admin.environment import REPO_ROOT, MissingPathError, env_settings, env_var_name, require_dir, resolve_path


def test_default_is_under_the_repository():
    assert resolve_path("otb_path") == REPO_ROOT / "data" / "otb"
    assert resolve_path("results_path") == REPO_ROOT / "results"


def test_environment_variable_beats_default(monkeypatch, tmp_path):
    monkeypatch.setenv("PYTRACKING_OTB_PATH", str(tmp_path))
    assert resolve_path("otb_path") == tmp_path


def test_flag_beats_environment_variable(monkeypatch, tmp_path):
    monkeypatch.setenv("PYTRACKING_OTB_PATH", "/somewhere/else")
    assert resolve_path("otb_path", tmp_path) == tmp_path


def test_user_config_file_beats_default_but_not_environment(monkeypatch, tmp_path):
    config = tmp_path / "paths.json"
    config.write_text(json.dumps({"lasot_path": "/data/LaSOT"}))
    monkeypatch.setenv("PYTRACKING_CONFIG", str(config))
    assert str(resolve_path("lasot_path")) == "/data/LaSOT"
    monkeypatch.setenv("PYTRACKING_LASOT_PATH", "/env/LaSOT")
    assert str(resolve_path("lasot_path")) == "/env/LaSOT"


def test_user_config_with_unknown_key_is_an_error(monkeypatch, tmp_path):
    config = tmp_path / "paths.json"
    config.write_text(json.dumps({"otb_pth": "/x"}))
    monkeypatch.setenv("PYTRACKING_CONFIG", str(config))
    with pytest.raises(ValueError, match="otb_pth"):
        resolve_path("otb_path")


def test_missing_dataset_names_flag_and_variable(tmp_path):
    with pytest.raises(MissingPathError) as info:
        require_dir("nfs_path", tmp_path / "nope", what="NFS dataset", flag="--dataset-path")
    message = str(info.value)
    assert "--dataset-path" in message and "PYTRACKING_NFS_PATH" in message and "nope" in message


def test_missing_folder_without_a_flag_names_only_the_variable_and_the_config(tmp_path):
    with pytest.raises(MissingPathError) as info:
        require_dir("coco_path", tmp_path / "nope", what="COCO dataset")
    message = str(info.value)
    assert "--" not in message and "PYTRACKING_COCO_PATH" in message and 'add "coco_path" to' in message


def test_env_settings_exposes_every_key_as_attribute(tmp_path):
    settings = env_settings(results_path=tmp_path)
    assert settings.results_path == tmp_path
    assert env_var_name("got10k_path") == "PYTRACKING_GOT10K_PATH"
