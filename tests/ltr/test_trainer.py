"""Training core: loader collate/seeding, base actor, statistics, checkpoints and the LTRTrainer loop."""
import random

import numpy as np
import pytest
import torch
from torch import nn
from torch.utils.data import Dataset

from ltr.actors.base_actor import BaseActor
from ltr.admin.checkpoints import (
    capture_rng_state,
    latest_checkpoint,
    list_checkpoints,
    restore_rng_state,
    save_checkpoint,
)
from ltr.admin.loading import load_network
from ltr.admin.settings import Settings
from ltr.admin.stats import StatsAccumulator
from ltr.data.loader import LTRLoader, ltr_collate
from ltr.trainers.ltr_trainer import LTRTrainer, move_to_device


class RandomPairs(Dataset):
    """Samples drawn fresh from torch's and NumPy's generators: {'x': (2,), 'y': (1,)}."""

    def __init__(self, num_samples: int, target_scale: float = 1.0):
        self.num_samples = num_samples
        self.target_scale = target_scale

    def __len__(self):
        return self.num_samples

    def __getitem__(self, index):
        return {"x": torch.randn(2), "y": torch.tensor([np.random.normal()], dtype=torch.float32) * self.target_scale}


class RecordingActor(BaseActor):
    """MSE actor that records, per call, whether gradients were enabled and the net was in training mode."""

    def __init__(self, net, objective):
        super().__init__(net, objective)
        self.calls = []

    def __call__(self, data):
        self.calls.append((torch.is_grad_enabled(), self.net.training))
        loss = self.objective(self.net(data["x"]), data["y"])
        return loss, {"Loss/total": loss.item(), "Stat/constant": 2.0}


def make_trainer(tmp_path, smoke=False, num_samples=8, lr=0.1, target_scale=1.0, apply_overrides=True, **kwargs):
    settings = Settings("examples", "unit", workspace=tmp_path, smoke=smoke)
    if apply_overrides:
        settings.apply_overrides()
    net = nn.Linear(2, 1)
    loaders = [LTRLoader("train", RandomPairs(num_samples, target_scale), batch_size=2, shuffle=True),
               LTRLoader("val", RandomPairs(4), training=False, batch_size=2)]
    optimizer = torch.optim.SGD(net.parameters(), lr=lr)
    return LTRTrainer(RecordingActor(net, nn.MSELoss()), loaders, optimizer, settings, **kwargs)


# --- loader -------------------------------------------------------------------------------------

def test_collate_stacks_tensors_arrays_and_numbers_and_keeps_other_values_as_lists():
    batch = ltr_collate([{"t": torch.zeros(3), "a": np.ones(2), "n": 1, "s": "a", "l": [1, 2]},
                         {"t": torch.ones(3), "a": np.zeros(2), "n": 2, "s": "b", "l": [3]}])
    assert batch["t"].shape == (2, 3) and batch["a"].shape == (2, 2)
    assert batch["n"].tolist() == [1, 2]
    assert batch["s"] == ["a", "b"] and batch["l"] == [[1, 2], [3]]


def test_collate_stacks_along_stack_dim():
    assert ltr_collate([torch.zeros(3, 4), torch.ones(3, 4)], stack_dim=1).shape == (3, 2, 4)


def test_loader_repeats_an_epoch_exactly_with_worker_processes():
    loader = LTRLoader("train", RandomPairs(8), batch_size=2, shuffle=True, num_workers=2, seed=5)
    loader.set_epoch(3)
    first = torch.cat([batch["y"] for batch in loader])
    torch.manual_seed(123)  # the main process's generators do not matter
    loader.set_epoch(3)
    assert torch.equal(first, torch.cat([batch["y"] for batch in loader]))


def test_loader_draws_different_samples_in_different_epochs():
    loader = LTRLoader("train", RandomPairs(8), batch_size=2, num_workers=1)
    loader.set_epoch(1)
    first = torch.cat([batch["x"] for batch in loader])
    loader.set_epoch(2)
    assert not torch.equal(first, torch.cat([batch["x"] for batch in loader]))


# --- actor, statistics, device moves -----------------------------------------------------------

def test_base_actor_moves_and_switches_mode_of_net_and_objective_modules():
    actor = BaseActor(nn.Linear(1, 1), {"reg": nn.Linear(1, 1)})
    actor.to("meta")
    actor.train(False)
    for module in (actor.net, actor.objective["reg"]):
        assert module.weight.device.type == "meta" and not module.training


def test_move_to_device_moves_tensors_nested_in_dicts_and_lists():
    data = move_to_device({"a": torch.zeros(1), "b": [torch.zeros(1), "text"]}, torch.device("meta"))
    assert data["a"].is_meta and data["b"][0].is_meta and data["b"][1] == "text"


def test_stats_accumulator_weights_means_by_batch_size():
    stats = StatsAccumulator()
    stats.update({"loss": 1.0}, n=3)
    stats.update({"loss": 5.0}, n=1)
    assert stats.averages() == {"loss": 2.0}


# --- checkpoint files ---------------------------------------------------------------------------

def test_rng_state_round_trip_repeats_random_draws():
    state = capture_rng_state()
    draws = (torch.rand(2), np.random.rand(2), random.random())
    restore_rng_state(state)
    assert torch.equal(draws[0], torch.rand(2)) and np.array_equal(draws[1], np.random.rand(2))
    assert draws[2] == random.random()


def test_only_the_last_n_checkpoints_are_kept_and_latest_is_highest_epoch(tmp_path):
    net = nn.Linear(1, 1)
    for epoch in range(1, 5):
        save_checkpoint(tmp_path, net, epoch, keep_last=2)
    assert [epoch for epoch, _ in list_checkpoints(tmp_path)] == [3, 4]
    assert latest_checkpoint(tmp_path) == tmp_path / "Linear_ep0004.pth.tar"


def test_checkpoint_write_leaves_no_temporary_file(tmp_path):
    save_checkpoint(tmp_path, nn.Linear(1, 1), 1)
    assert [p.name for p in tmp_path.iterdir()] == ["Linear_ep0001.pth.tar"]


def test_latest_checkpoint_of_missing_directory_is_none(tmp_path):
    assert latest_checkpoint(tmp_path / "absent") is None


# --- trainer ------------------------------------------------------------------------------------

def test_trainer_refuses_settings_whose_overrides_were_never_applied(tmp_path):
    with pytest.raises(RuntimeError, match="apply_overrides"):
        make_trainer(tmp_path, apply_overrides=False)


def test_smoke_mode_runs_two_iterations_per_loader_and_one_epoch(tmp_path):
    trainer = make_trainer(tmp_path, smoke=True, num_samples=20)
    trainer.train(5)
    assert len(trainer.actor.calls) == 4 and trainer.epoch == 1


def test_smoke_mode_loads_data_in_the_main_process(tmp_path):
    settings = Settings("examples", "unit", workspace=tmp_path, smoke=True)
    settings.apply_overrides()
    net = nn.Linear(2, 1)
    loader = LTRLoader("train", RandomPairs(4), batch_size=2, num_workers=2)
    LTRTrainer(RecordingActor(net, nn.MSELoss()), [loader], torch.optim.SGD(net.parameters(), lr=0.1), settings)
    assert loader.num_workers == 0


def test_validation_loader_runs_in_eval_mode_without_gradients(tmp_path):
    trainer = make_trainer(tmp_path)
    trainer.train(1)
    assert trainer.actor.calls == [(True, True)] * 4 + [(False, False)] * 2


def test_loader_with_epoch_interval_runs_only_in_epochs_divisible_by_it(tmp_path):
    trainer = make_trainer(tmp_path)
    trainer.loaders[1].epoch_interval = 2
    trainer.train(3)
    assert [sorted(trainer.stats_history[epoch]) for epoch in (1, 2, 3)] == [["train"], ["train", "val"], ["train"]]


def test_loader_rejects_an_epoch_interval_below_one():
    with pytest.raises(ValueError, match="'val'.*epoch_interval"):
        LTRLoader("val", RandomPairs(4), epoch_interval=0)


def test_every_epoch_writes_a_checkpoint_with_the_documented_entries(tmp_path):
    make_trainer(tmp_path).train(2)
    directory = tmp_path / "checkpoints" / "examples" / "unit"
    assert [path.name for _, path in list_checkpoints(directory)] == ["Linear_ep0001.pth.tar", "Linear_ep0002.pth.tar"]
    state = torch.load(directory / "Linear_ep0002.pth.tar", weights_only=True)
    assert {"epoch", "net", "optimizer", "lr_scheduler", "rng", "settings", "stats"} <= set(state)
    assert state["epoch"] == 2 and set(state["stats"][2]) == {"train", "val"}
    assert set(state["rng"][0]) == {"python", "numpy", "torch", "cuda"}


def test_checkpoint_records_network_constructor_so_load_network_rebuilds_it(tmp_path):
    from ltr.train_settings.examples.toy_regression import toy_regression_net
    net = toy_regression_net(3, 5)
    path = save_checkpoint(tmp_path, net, 1)
    rebuilt = load_network(path)
    assert all(torch.equal(a, b) for a, b in zip(net.state_dict().values(), rebuilt.state_dict().values(), strict=True))


def test_trainer_keeps_only_the_last_n_checkpoints(tmp_path):
    make_trainer(tmp_path, keep_last=1).train(3)
    assert [epoch for epoch, _ in list_checkpoints(tmp_path / "checkpoints" / "examples" / "unit")] == [3]


def test_lr_scheduler_steps_once_per_epoch(tmp_path):
    trainer = make_trainer(tmp_path)
    trainer.lr_scheduler = torch.optim.lr_scheduler.StepLR(trainer.optimizer, step_size=1, gamma=0.5)
    trainer.train(3)
    assert trainer.optimizer.param_groups[0]["lr"] == pytest.approx(0.1 * 0.5 ** 3)


def test_gradient_clipping_bounds_the_update_norm(tmp_path):
    trainer = make_trainer(tmp_path, smoke=True, lr=1.0, target_scale=1e6, grad_clip=1e-3)
    trainer.loaders = trainer.loaders[:1]
    before = torch.nn.utils.parameters_to_vector(trainer.actor.net.parameters()).detach().clone()
    trainer.train(1)  # two SGD steps, each of norm <= lr * grad_clip
    change = torch.nn.utils.parameters_to_vector(trainer.actor.net.parameters()).detach() - before
    assert 0 < change.norm() <= 2e-3 + 1e-9


def test_amp_is_inactive_on_cpu(tmp_path):
    assert not make_trainer(tmp_path, amp=True).amp_active


def test_tensorboard_gets_every_stats_key_of_train_and_val_per_epoch_and_per_interval(tmp_path):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    make_trainer(tmp_path, log_interval=2).train(2)
    events = EventAccumulator(str(tmp_path / "tensorboard" / "examples" / "unit"))
    events.Reload()
    tags = set(events.Tags()["scalars"])
    assert {"train/Loss/total", "train/Stat/constant", "val/Loss/total", "val/Stat/constant", "lr/group0",
            "train_iter/Loss/total"} <= tags
    assert [event.step for event in events.Scalars("val/Loss/total")] == [1, 2]
