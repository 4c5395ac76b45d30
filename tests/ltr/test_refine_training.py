"""The refine/ settings: the published Alpha-Refine recipe, smoke runs whose checkpoints rebuild the network."""
import pytest

from ltr import run_training
from ltr.admin.checkpoints import latest_checkpoint
from ltr.admin.environment import MissingPathError
from ltr.admin.loading import load_network
from ltr.admin.settings import Settings
from ltr.models.refine.alpharefine import AlphaRefineNet, alpharefine_secm_r18
from ltr.train_settings.refine import build_network, declare_defaults


def settings_with_defaults(tmp_path, smoke=False, overrides=()):
    settings = Settings("refine", "secm_r34", workspace=tmp_path, smoke=smoke, overrides=overrides)
    declare_defaults(settings)
    settings.backbone_weights = "resnet18-f37072fd.pth"
    settings.apply_overrides()
    return settings


def test_recipe_defaults_follow_the_reference(tmp_path):
    settings = settings_with_defaults(tmp_path)
    assert (settings.lr, settings.lr_step, settings.lr_gamma, settings.num_epochs) == (1e-3, 8, 0.5, 40)
    assert (settings.batch_size, settings.samples_per_epoch, settings.max_gap) == (32, 128000, 50)
    weights = {name: entry["weight"] for name, entry in settings.train_data.items()}
    assert weights == {"lasot": 1, "got10k": 1, "coco": 1, "imagenetvid": 1, "imagenetdet": 1, "youtubevos": 2,
                       "saliency": 3}
    assert settings.processing["search_area_factor"] == 2.0 and settings.processing["output_size"] == 256
    assert settings.processing["center_jitter"] == settings.processing["scale_jitter"] == {"train": 0.0, "test": 0.25}
    assert settings.val_data["lasot"]["options"] == {"split": "test"}
    assert (settings.val_epoch_interval, settings.val_samples_per_epoch) == (5, 500 * 32)


def test_missing_backbone_file_names_the_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTRACKING_NETWORK_PATH", str(tmp_path / "networks"))
    with pytest.raises(MissingPathError, match=r"settings\.backbone_weights.*resnet18-f37072fd\.pth"):
        build_network(settings_with_defaults(tmp_path), alpharefine_secm_r18)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["secm_r18", "secm_r34"])
def test_smoke_checkpoint_rebuilds_the_network(tmp_path, name):
    run_training.main(["refine", name, "--smoke", "--workspace", str(tmp_path)])
    net = load_network(latest_checkpoint(tmp_path / "checkpoints" / "refine" / name))
    assert isinstance(net, AlphaRefineNet) and net.constructor.fun_name == f"alpharefine_{name}"
