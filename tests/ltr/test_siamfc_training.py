"""SiamFC / FDSiamFC training: the actor, the settings' defaults and overrides, the teacher, short real runs."""
import math

import pytest
import torch
from torch import nn

from ltr import run_training
from ltr.actors import SiamFCActor
from ltr.admin.checkpoints import list_checkpoints
from ltr.admin.environment import MissingPathError
from ltr.admin.loading import load_network, save_network
from ltr.admin.settings import Settings
from ltr.models.loss import siamfc_labels
from ltr.models.siamfc import current_step, siamfc_alexnet
from ltr.train_settings import fd, siamfc
from ltr.trainers.fd_schedule import fd_phases
from ltr.trainers.phase_runner import check_candidate_epochs

TINY = "[4,8,8,8,8]"


class ConstantResponse(nn.Module):
    """Ignores the images and returns fixed (B, 1, 15, 15) logits; counts its calls."""

    def __init__(self, logits):
        super().__init__()
        self.logits = logits
        self.calls = 0

    def forward(self, template, search):
        self.calls += 1
        return self.logits.expand(template.shape[0], 1, 15, 15)


def batch(size=2):
    return {"template_images": torch.zeros(size, 3, 127, 127), "search_images": torch.zeros(size, 3, 239, 239)}


def test_actor_loss_of_all_zero_logits_is_ln_2():
    loss, stats = SiamFCActor(ConstantResponse(torch.zeros(1, 1, 15, 15)))(batch())
    assert loss.item() == pytest.approx(math.log(2))
    assert stats == {"Loss/total": pytest.approx(math.log(2))}


def test_actor_scores_against_the_15x15_diamond_labels():
    labels = siamfc_labels(15)
    assert labels.sum() == 13  # r_pos 16 px / stride 8: |dx| + |dy| <= 2 cells
    perfect = (labels * 40 - 20).reshape(1, 1, 15, 15)
    loss, _ = SiamFCActor(ConstantResponse(perfect))(batch())
    assert loss.item() < 1e-8


def test_actor_runs_the_network_through_self_net():
    actor = SiamFCActor(ConstantResponse(torch.zeros(1, 1, 15, 15)))
    wrapper = ConstantResponse(torch.zeros(1, 1, 15, 15))
    actor.net = wrapper  # what the trainer does with a DistributedDataParallel wrapper
    actor(batch())
    assert wrapper.calls == 1


def test_actor_trains_a_real_siamfc_on_training_crops():
    net = siamfc_alexnet(channels=(4, 8, 8, 8, 8))
    loss, _ = SiamFCActor(net)(batch())
    loss.backward()
    assert net.backbone.conv1[0].weight.grad is not None


def declared(module_name, script, declare, smoke=False):
    settings = Settings(module_name, script, smoke=smoke)
    declare(settings)
    return settings


def test_siamfc_defaults_follow_the_reference_recipe():
    settings = declared("siamfc", "siamfc_alexnet", siamfc.declare_defaults)
    assert (settings.batch_size, settings.num_epochs, settings.lr, settings.lr_end) == (8, 50, 1e-2, 1e-5)
    assert (settings.momentum, settings.weight_decay, settings.max_gap) == (0.9, 5e-4, 99)
    assert settings.samples_per_epoch == 9335 and settings.train_data["dataset"] == "got10k"
    assert settings.candidate_epochs == list(range(10, 51)) and settings.validation["dataset"] == "otb2013"


def test_exponential_gamma_takes_the_lr_from_1e_2_to_1e_5_over_50_epochs():
    gamma = siamfc.exponential_gamma(1e-2, 1e-5, 50)
    assert gamma == pytest.approx((1e-5 / 1e-2) ** (1 / 49))
    assert 1e-2 * gamma ** 49 == pytest.approx(1e-5)


def test_fd_defaults_add_the_teacher_and_the_finetune_schedule():
    settings = declared("fd", "fdsiamfc_30", fd.declare_defaults)
    assert settings.teacher == "siamfc_alexnet.pth"
    assert (settings.finetune_epochs, settings.finetune_lr, settings.finetune_lr_end) == (50, 1e-3, 1e-5)


def test_every_default_is_overridable_with_set():
    settings = declared("fd", "fdsiamfc_30", fd.declare_defaults)
    settings.apply_overrides(["num_epochs=3", "finetune_epochs=2", "candidate_epochs=[1,2]", "lr=0.5",
                              "validation.dataset=synthetic", "validation.max_frames=10", "batch_size=4",
                              "train_data.options={'seed': 3}", "teacher=/abs/teacher.pth"])
    assert (settings.num_epochs, settings.finetune_epochs, settings.candidate_epochs) == (3, 2, [1, 2])
    assert settings.validation["dataset"] == "synthetic" and settings.train_data["options"] == {"seed": 3}


def test_candidate_epochs_beyond_a_phase_are_an_error_naming_the_settings():
    settings = declared("fd", "fdsiamfc_30", fd.declare_defaults)
    settings.apply_overrides(["num_epochs=5", "finetune_epochs=3", "candidate_epochs=[4,5]"])
    with pytest.raises(ValueError, match="candidate_epochs.*finetune_epochs"):
        check_candidate_epochs(settings, fd_phases())


def test_missing_teacher_is_an_error_naming_the_setting_the_path_and_the_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTRACKING_NETWORK_PATH", str(tmp_path))
    settings = declared("fd", "fdsiamfc_30", fd.declare_defaults)
    settings.apply_overrides()
    with pytest.raises(MissingPathError) as err:
        fd.load_teacher(settings)
    message = str(err.value)
    assert "settings.teacher" in message and str(tmp_path / "siamfc_alexnet.pth") in message
    assert "PYTRACKING_NETWORK_PATH" in message


def test_teacher_is_loaded_from_an_absolute_path_with_its_identity(tmp_path):
    path = save_network(tmp_path / "teacher.pth", siamfc_alexnet(channels=(4, 8, 8, 8, 8)))
    settings = declared("fd", "fdsiamfc_30", fd.declare_defaults)
    settings.apply_overrides([f"teacher={path}"])
    net, identity = fd.load_teacher(settings)
    assert current_step(net) == 0 and identity["teacher"] == str(path) and len(identity["teacher_sha256"]) == 64


def short_run_args(tmp_path, module, name, *extra):
    return [module, name, "--workspace", str(tmp_path), "--set", "num_workers=0", "batch_size=2",
            "samples_per_epoch=2", "train_data.dataset=synthetic", f"train_data.root={tmp_path / 'train'}",
            "train_data.options={'num_sequences': 2}", *extra]


def test_short_teacher_run_saves_the_chosen_network_and_resumes_a_half_trained_phase(tmp_path, capsys):
    args = short_run_args(tmp_path, "siamfc", "siamfc_alexnet", f"channels={TINY}", "num_epochs=2",
                          "candidate_epochs=[2]", "prune_checkpoints=False")
    run_training.main(args)
    phase_dir = tmp_path / "checkpoints" / "siamfc" / "siamfc_alexnet" / "step0"
    assert [e for e, _ in list_checkpoints(phase_dir)] == [1, 2]
    net = load_network(tmp_path / "networks" / "siamfc_alexnet.pth")
    assert net.backbone.conv5[0].out_channels == 8
    (phase_dir.parent / "schedule_state.json").unlink()  # as if killed after epoch 2 of the phase
    list_checkpoints(phase_dir)[-1][1].unlink()
    capsys.readouterr()
    run_training.main(args)
    captured = capsys.readouterr()
    assert f"Resumed from {phase_dir / 'SiamFC_ep0001.pth.tar'}" in captured.out + captured.err
    assert [e for e, _ in list_checkpoints(phase_dir)] == [1, 2]


def test_short_fd_run_folds_and_saves_the_thin_network(tmp_path, capsys):
    teacher = save_network(tmp_path / "teacher.pth", siamfc_alexnet(channels=(8, 16, 16, 16, 16)))
    run_training.main(short_run_args(tmp_path, "fd", "fdsiamfc_30", f"teacher={teacher}", "num_epochs=1",
                                     "finetune_epochs=1", "candidate_epochs=[1]"))
    out = capsys.readouterr().out
    student = load_network(tmp_path / "networks" / "fdsiamfc_30.pth")
    channels = tuple(student.backbone.stage(i)[0].out_channels for i in range(1, 6))
    assert channels == (2, 4, 4, 4, 4)
    assert "conv1-5 channels 2, 4, 4, 4, 4" in out and str(tmp_path / "networks" / "fdsiamfc_30.pth") in out
