"""EXAMPLE (not a tracking method): fit a tiny MLP to noisy linear data drawn at random.

Exercises the whole training core on the CPU in well under a second per epoch: seeded loaders
whose samples are drawn fresh from the random generators on every access (Python/NumPy/torch,
so checkpointed RNG states matter), dropout, a validation loader, SGD with momentum, a per-epoch
StepLR schedule and gradient clipping. It doubles as a template for real settings files::

    python ltr/run_training.py examples toy_regression --epochs 3 --set num_workers=2
"""
from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.utils.data import Dataset

from ltr.actors.base_actor import BaseActor
from ltr.admin.loading import model_constructor
from ltr.admin.settings import Settings
from ltr.data.loader import LTRLoader
from ltr.trainers.ltr_trainer import LTRTrainer


class NoisyLinearData(Dataset):
    """``num_samples`` fresh random samples per epoch: input x (dim,) ~ N(0, 1), target (1,) = x @ w + noise."""

    def __init__(self, num_samples: int, dim: int, noise_std: float) -> None:
        self.num_samples = num_samples
        self.weight = torch.linspace(-1.0, 1.0, dim)
        self.noise_std = noise_std

    def __len__(self) -> int:
        return self.num_samples

    def __getitem__(self, index: int) -> dict:
        x = torch.randn(self.weight.numel())
        noise = float(np.random.normal(0.0, self.noise_std))
        return {"input": x, "target": (x @ self.weight + noise).reshape(1)}


class ToyRegressionNet(nn.Sequential):
    """Linear(dim, hidden) -> ReLU -> Dropout(0.1) -> Linear(hidden, 1): (B, dim) -> (B, 1)."""

    def __init__(self, dim: int, hidden: int) -> None:
        super().__init__(nn.Linear(dim, hidden), nn.ReLU(), nn.Dropout(0.1), nn.Linear(hidden, 1))


@model_constructor
def toy_regression_net(dim: int, hidden: int) -> ToyRegressionNet:
    """Factory recording its arguments (``net.constructor``), so checkpoints rebuild the network."""
    return ToyRegressionNet(dim, hidden)


class RegressionActor(BaseActor):
    """Mean squared error between ``net(data['input'])`` and ``data['target']``."""

    def __call__(self, data: dict) -> tuple[torch.Tensor, dict[str, float]]:
        loss = self.objective(self.net(data["input"]), data["target"])
        return loss, {"Loss/total": loss.item()}


def run(settings: Settings) -> None:
    settings.description = "Toy regression example for the training core."
    settings.num_epochs = 5
    settings.batch_size = 2 if settings.smoke else 16
    settings.samples_per_epoch = 8 if settings.smoke else 256
    settings.num_workers = 0
    settings.dim = 4
    settings.hidden = 16
    settings.noise_std = 0.1
    settings.optimizer = {"lr": 0.05, "momentum": 0.9}
    settings.lr_gamma = 0.5
    settings.grad_clip = 1.0
    settings.keep_last = 5
    settings.apply_overrides()

    train_data = NoisyLinearData(settings.samples_per_epoch, settings.dim, settings.noise_std)
    val_data = NoisyLinearData(settings.samples_per_epoch // 4, settings.dim, settings.noise_std)
    loaders = [
        LTRLoader("train", train_data, training=True, batch_size=settings.batch_size, shuffle=True,
                  num_workers=settings.num_workers, drop_last=True, seed=settings.seed),
        LTRLoader("val", val_data, training=False, batch_size=settings.batch_size,
                  num_workers=settings.num_workers, seed=settings.seed),
    ]
    net = toy_regression_net(settings.dim, settings.hidden)
    optimizer = torch.optim.SGD(net.parameters(), **settings.optimizer)
    lr_scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=settings.lr_gamma)
    trainer = LTRTrainer(RegressionActor(net, nn.MSELoss()), loaders, optimizer, settings, lr_scheduler,
                         grad_clip=settings.grad_clip, keep_last=settings.keep_last)
    trainer.train(settings.num_epochs)
