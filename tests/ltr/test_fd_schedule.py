"""FDSiamFC's phase schedule: order, trainable sets, the state file (skip / resume) and pruning."""
import json

import pytest
import torch

from ltr.admin.checkpoints import list_checkpoints, save_checkpoint
from ltr.admin.loading import torch_load
from ltr.admin.settings import Settings
from ltr.models.siamfc import current_step, siamfc_alexnet
from ltr.trainers.fd_schedule import Candidate, ScheduleState, ScheduleStateError, fd_phases, run_phases, teacher_phases
from ltr.trainers.phases import phase_settings

TINY = (4, 8, 8, 8, 8)
IDENTITY = {"teacher": "tiny", "squeeze_ratio": 0.5}


class Crash(RuntimeError):
    pass


class SpyTrainer:
    """train/choose callbacks: record each phase's trainable parameter names, save one checkpoint."""

    def __init__(self, root, crash_after=None):
        self.root = root
        self.crash_after = crash_after
        self.visited = []
        self.all_names = {}

    def train(self, net, phase, parameters):
        if self.crash_after is not None and len(self.visited) == self.crash_after:
            raise Crash(phase.name)
        chosen = {id(p) for p in parameters}
        self.visited.append((phase.name, {n for n, p in net.named_parameters() if p.requires_grad},
                             {n for n, p in net.named_parameters() if id(p) in chosen}))
        self.all_names[phase.name] = {n for n, _ in net.named_parameters()}
        folder = self.root / phase.name
        for p in parameters:  # make every phase's weights recognisable
            p.data.add_(1.0)
        save_checkpoint(folder, net, 1)
        save_checkpoint(folder, net, 2)
        return folder

    def choose(self, phase, folder):
        return Candidate(1, str(dict(list_checkpoints(folder))[1]), {"score": 0.5})


def run(tmp_path, spy, net=None, prune=True):
    net = net if net is not None else siamfc_alexnet(channels=TINY)
    state = ScheduleState(tmp_path / "state.json", IDENTITY)
    return run_phases(net, fd_phases(), state, spy.train, spy.choose, squeeze_ratio=0.5, prune=prune,
                      log=lambda line: None)


def expected_trainable(phase_name, all_names):
    """The hand-written trainable set of each phase (parameter names of the network at that step)."""
    step, kind = int(phase_name.split("_")[0][4:]), phase_name.split("_")[1]
    layer = (step + 1) // 2
    if kind == "finetune":
        return set(all_names)
    if kind == "fd":
        parts = ("squeeze",) if step == 9 else ("squeeze", "combine")
        return {f"backbone.conv{layer}.0.{part}.{p}" for part in parts for p in ("weight", "bias")}
    return {f"backbone.conv{layer}.1.weight", f"backbone.conv{layer}.1.bias",
            f"backbone.conv{layer + 1}.0.weight", f"backbone.conv{layer + 1}.0.bias"}


def test_fd_phases_are_steps_1_to_9_each_followed_by_a_finetune_phase():
    names = [phase.name for phase in fd_phases()]
    assert names == ["step1_fd", "step1_finetune", "step2_rebuild", "step2_finetune", "step3_fd", "step3_finetune",
                     "step4_rebuild", "step4_finetune", "step5_fd", "step5_finetune", "step6_rebuild",
                     "step6_finetune", "step7_fd", "step7_finetune", "step8_rebuild", "step8_finetune", "step9_fd",
                     "step9_finetune"]
    assert [p.regime for p in fd_phases()] == ["train", "finetune"] * 9


def test_teacher_phase_is_step_0_training_everything_with_the_train_regime():
    (phase,) = teacher_phases()
    assert (phase.step, phase.kind, phase.surgery, phase.regime) == (0, "finetune", False, "train")


def test_schedule_visits_the_phases_in_order_training_exactly_their_parameters(tmp_path):
    spy = SpyTrainer(tmp_path / "ckpt")
    net = run(tmp_path, spy)
    assert [name for name, _, _ in spy.visited] == [p.name for p in fd_phases()]
    for name, requires_grad, passed in spy.visited:
        assert passed == requires_grad == expected_trainable(name, spy.all_names[name]), name
    assert current_step(net) == 9


def test_fd_modules_are_in_place_when_their_phases_train(tmp_path):
    spy = SpyTrainer(tmp_path / "ckpt")
    run(tmp_path, spy)
    assert "backbone.conv1.0.combine.weight" in spy.all_names["step1_finetune"]
    assert "backbone.conv1.0.combine.weight" not in spy.all_names["step2_rebuild"]
    assert "backbone.conv5.0.squeeze.weight" in spy.all_names["step9_finetune"]


def test_state_file_records_finished_phases_and_their_candidates_as_json(tmp_path):
    run(tmp_path, SpyTrainer(tmp_path / "ckpt"))
    data = json.loads((tmp_path / "state.json").read_text())
    assert data["identity"] == IDENTITY
    assert list(data["phases"]) == [p.name for p in fd_phases()]
    assert data["phases"]["step4_rebuild"]["epoch"] == 1 and data["phases"]["step4_rebuild"]["scores"] == {"score": 0.5}


def test_rerun_after_a_crash_trains_only_the_unfinished_phases(tmp_path):
    with pytest.raises(Crash):
        run(tmp_path, SpyTrainer(tmp_path / "ckpt", crash_after=5))
    spy = SpyTrainer(tmp_path / "ckpt")
    net = run(tmp_path, spy)
    assert [name for name, _, _ in spy.visited] == [p.name for p in fd_phases()[5:]]
    assert current_step(net) == 9


def test_rerun_of_a_finished_schedule_trains_nothing_and_restores_the_chosen_weights(tmp_path):
    first = run(tmp_path, SpyTrainer(tmp_path / "ckpt"))
    spy = SpyTrainer(tmp_path / "ckpt")
    second = run(tmp_path, spy)
    assert spy.visited == []
    for (name, a), b in zip(first.state_dict().items(), second.state_dict().values(), strict=True):
        assert torch.equal(a, b), name


def test_a_skipped_phase_seeds_the_next_with_its_chosen_checkpoint(tmp_path):
    with pytest.raises(Crash):
        run(tmp_path, SpyTrainer(tmp_path / "ckpt", crash_after=1))
    chosen = torch_load(tmp_path / "ckpt" / "step1_fd" / "SiamFC_ep0001.pth.tar")["net"]
    seen = {}

    class Inspect(SpyTrainer):
        def train(self, net, phase, parameters):
            seen.setdefault(phase.name, {k: v.clone() for k, v in net.state_dict().items()})
            return super().train(net, phase, parameters)

    run(tmp_path, Inspect(tmp_path / "ckpt"))
    for key, value in chosen.items():
        assert torch.equal(seen["step1_finetune"][key], value), key


def test_pruning_keeps_only_the_chosen_checkpoint_of_a_phase(tmp_path):
    run(tmp_path, SpyTrainer(tmp_path / "ckpt"))
    assert [epoch for epoch, _ in list_checkpoints(tmp_path / "ckpt" / "step3_fd")] == [1]


def test_without_pruning_every_checkpoint_stays(tmp_path):
    run(tmp_path, SpyTrainer(tmp_path / "ckpt"), prune=False)
    assert [epoch for epoch, _ in list_checkpoints(tmp_path / "ckpt" / "step3_fd")] == [1, 2]


def test_state_file_of_another_run_is_an_error_naming_it(tmp_path):
    ScheduleState(tmp_path / "state.json", IDENTITY).save()
    with pytest.raises(ScheduleStateError, match="state.json"):
        ScheduleState(tmp_path / "state.json", {**IDENTITY, "squeeze_ratio": 0.3})


def test_corrupt_state_file_is_an_error_naming_it(tmp_path):
    (tmp_path / "state.json").write_text("{not json")
    with pytest.raises(ScheduleStateError, match="state.json"):
        ScheduleState(tmp_path / "state.json", IDENTITY)


def test_phase_settings_give_each_phase_its_own_folders_and_resume_only_a_started_phase(tmp_path):
    settings = Settings("fd", "fdsiamfc_30", workspace=tmp_path)
    with phase_settings(settings, "step1_fd") as phase:
        assert phase.checkpoint_dir == tmp_path / "checkpoints" / "fd" / "fdsiamfc_30" / "step1_fd"
        assert phase.tensorboard_dir == tmp_path / "tensorboard" / "fd" / "fdsiamfc_30" / "step1_fd"
        assert phase.resume is False
        save_checkpoint(phase.checkpoint_dir, siamfc_alexnet(channels=TINY), 1)
    with phase_settings(settings, "step1_fd") as phase:
        assert phase.resume is True
    assert (settings.project_path, settings.resume) == ("fd/fdsiamfc_30", False)
