"""The shared distillation recipe: loss settings, teacher loading, student-only checkpoints, two-phase sep."""
import pytest
import torch

from ltr import run_training
from ltr.admin.checkpoints import latest_checkpoint
from ltr.admin.environment import MissingPathError
from ltr.admin.loading import save_network, torch_load
from ltr.admin.settings import Settings
from ltr.models.bbreg.atom import atom_mobilenetsmall, atom_resnet18tiny
from ltr.train_settings.distillation import build_loss, build_teacher, declare_distillation_defaults, loss_settings
from pytracking.features.net_wrappers import load_tracker_network
from pytracking.parameter.atom import mobilenetsmall as atom_mobilenetsmall_params
from pytracking.parameter.drnet import mobilenetsmall as drnet_mobilenetsmall_params


def settings_with_defaults(tmp_path, overrides=()):
    settings = Settings("cfkd", "atom_cfkd", workspace=tmp_path, overrides=overrides)
    declare_distillation_defaults(settings)
    settings.apply_overrides()
    return settings


def smoke_checkpoint(tmp_path, module, name):
    run_training.main([module, name, "--smoke", "--workspace", str(tmp_path)])
    return torch_load(latest_checkpoint(tmp_path / "checkpoints" / module / name))


def test_loss_settings_declare_every_factory_default():
    assert loss_settings("cfkd") == {"type": "cfkd", "w_ts": 1.0, "w_ah": 0.1, "w_fd": 100.0, "w_cf": 0.01,
                                     "fd_layers": ["layer2", "layer3"],
                                     "cf_layers": ["conv1", "layer1", "layer2", "layer3"], "cf_sigma": 0.15,
                                     "reg_iou": "smoothl1"}


def test_loss_settings_reject_an_unknown_argument():
    with pytest.raises(ValueError, match="'cfkd' has no argument.*w_xx"):
        loss_settings("cfkd", w_xx=1.0)


def test_cf_weight_is_one_flag(tmp_path):
    settings = settings_with_defaults(tmp_path, ["loss.w_cf=0.1"])
    loss = build_loss(settings.loss, atom_mobilenetsmall(), None)
    assert settings.loss["w_cf"] == 0.1 and loss.weights["cf"] == 0.1


def test_recipe_defaults_follow_the_reference(tmp_path):
    settings = settings_with_defaults(tmp_path)
    assert (settings.batch_size, settings.samples_per_epoch, settings.num_epochs) == (32, 32000, 50)
    assert (settings.lr, settings.lr_step, settings.lr_gamma) == (1e-2, 15, 0.1)
    assert settings.train_data["trackingnet"]["options"]["set_ids"] == list(range(11))
    assert settings.val_data["trackingnet"]["options"]["set_ids"] == [11]
    assert (settings.val_epoch_interval, settings.val_samples_per_epoch) == (5, 500 * 32)


def test_missing_teacher_file_names_the_setting_and_the_path_tried(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTRACKING_NETWORK_PATH", str(tmp_path / "networks"))
    settings = settings_with_defaults(tmp_path)
    with pytest.raises(MissingPathError, match=r"settings\.teacher_path.*atom_default\.pth.*networks"):
        build_teacher(settings)


def test_teacher_without_recorded_constructor_is_built_by_teacher_constructor(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTRACKING_NETWORK_PATH", str(tmp_path))
    net = atom_resnet18tiny()
    torch.save({"net": net.state_dict()}, tmp_path / "teacher.pth")
    settings = settings_with_defaults(tmp_path, ["teacher_path='teacher.pth'",
                                                 "teacher_constructor='ltr.models.bbreg.atom.atom_resnet18tiny'"])
    teacher = build_teacher(settings)
    assert not teacher.training and not any(p.requires_grad for p in teacher.parameters())
    key = "bb_regressor.iou_predictor.weight"
    assert torch.equal(teacher.state_dict()[key], net.state_dict()[key])


def test_teacher_with_recorded_constructor_ignores_teacher_constructor(tmp_path):
    save_network(tmp_path / "teacher.pth", atom_resnet18tiny())
    settings = settings_with_defaults(tmp_path, [f"teacher_path='{tmp_path / 'teacher.pth'}'"])
    assert build_teacher(settings).feature_extractor.conv1.out_channels == 8


def test_atom_cfkd_checkpoint_holds_the_student_only_and_loads_in_the_tracker(tmp_path):
    checkpoint = smoke_checkpoint(tmp_path, "cfkd", "atom_cfkd")
    assert checkpoint["net"].keys() == atom_mobilenetsmall().state_dict().keys()
    assert "optimizer" in checkpoint
    path = tmp_path / "checkpoints" / "cfkd" / "atom_cfkd"
    params = atom_mobilenetsmall_params.parameters()
    params.net_path = str(latest_checkpoint(path))
    load_tracker_network(params)


def test_drnet_cfkd_checkpoint_loads_in_the_drnet_tracker(tmp_path):
    smoke_checkpoint(tmp_path, "cfkd", "drnet_cfkd")
    params = drnet_mobilenetsmall_params.parameters()
    params.net_path = str(latest_checkpoint(tmp_path / "checkpoints" / "cfkd" / "drnet_cfkd"))
    assert load_tracker_network(params).bb_regressor.box_predictor.out_features == 4


def test_compression_checkpoint_keeps_the_learnable_projections_for_resuming(tmp_path):
    checkpoint = smoke_checkpoint(tmp_path, "compression", "atom_compression")
    assert checkpoint["net"].keys() == atom_mobilenetsmall().state_dict().keys()
    assert any("fid" in key for key in checkpoint["actor"]["objective"])


def test_sep_trains_the_backbone_then_the_box_head_in_separate_folders(tmp_path):
    run_training.main(["ablation", "sep", "--smoke", "--workspace", str(tmp_path)])
    folder = tmp_path / "checkpoints" / "ablation" / "sep"
    backbone, regressor = (torch_load(latest_checkpoint(folder / phase))["net"] for phase in ("backbone", "regressor"))
    for key, value in regressor.items():
        unchanged = torch.equal(value, backbone[key])
        assert unchanged == key.startswith("feature_extractor."), key
