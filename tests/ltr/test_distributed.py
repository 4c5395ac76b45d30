"""Distributed training: torchrun environment, DDP wrapping, and a real 2-process gloo run.

Run as a script under torchrun (see the last test), this file trains the example settings and
saves each rank's final weights to OUT/rank<r>.pt.
"""
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from torch import nn

from ltr.admin.checkpoints import list_checkpoints
from ltr.admin.distributed import DistInfo, dist_info_from_env, launched_by_torchrun, unwrap, wrap_ddp
from ltr.admin.loading import torch_load

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_without_torchrun_variables_the_process_is_rank_zero_of_one(monkeypatch):
    for name in ("RANK", "WORLD_SIZE", "LOCAL_RANK"):
        monkeypatch.delenv(name, raising=False)
    assert not launched_by_torchrun() and dist_info_from_env() == DistInfo(0, 1, 0)


def test_torchrun_variables_give_rank_world_size_and_local_rank(monkeypatch):
    monkeypatch.setenv("RANK", "3")
    monkeypatch.setenv("WORLD_SIZE", "4")
    monkeypatch.setenv("LOCAL_RANK", "1")
    info = dist_info_from_env()
    assert info == DistInfo(rank=3, world_size=4, local_rank=1) and not info.is_main


def test_without_process_group_the_net_is_not_wrapped():
    net = nn.Linear(1, 1)
    assert wrap_ddp(net, torch.device("cpu")) is net and unwrap(net) is net


@pytest.mark.slow
def test_two_process_training_ends_with_identical_weights_and_one_checkpoint(tmp_path):
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
               str(Path(__file__)), str(tmp_path / "out"), str(tmp_path / "workspace")]
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "OMP_NUM_THREADS": "1"}
    result = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    rank0, rank1 = (torch.load(tmp_path / "out" / f"rank{r}.pt", weights_only=True) for r in (0, 1))
    assert all(torch.equal(rank0[key], rank1[key]) for key in rank0)
    checkpoints = list_checkpoints(tmp_path / "workspace" / "checkpoints" / "examples" / "toy_regression")
    assert [epoch for epoch, _ in checkpoints] == [1]
    assert len(torch_load(checkpoints[0][1])["rng"]) == 2


def _train_and_save_rank_weights(out_dir: Path, workspace: Path) -> None:
    """Under torchrun: train the example for one short epoch, then save this rank's weights."""
    from ltr import run_training
    from ltr.trainers.ltr_trainer import LTRTrainer
    train = LTRTrainer.train

    def train_and_save(trainer: LTRTrainer, num_epochs: int) -> None:
        train(trainer, num_epochs)
        out_dir.mkdir(parents=True, exist_ok=True)
        torch.save(unwrap(trainer.actor.net).state_dict(), out_dir / f"rank{trainer.settings.rank}.pt")

    LTRTrainer.train = train_and_save
    run_training.main(["examples", "toy_regression", "--workspace", str(workspace), "--epochs", "1",
                       "--set", "samples_per_epoch=16", "batch_size=4"])


if __name__ == "__main__":
    _train_and_save_rank_weights(Path(sys.argv[1]), Path(sys.argv[2]))
