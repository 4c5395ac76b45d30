"""Actor: the piece of a training setup that runs the network on a batch and computes the loss."""
from __future__ import annotations

from typing import Mapping, Union

import torch
from torch import nn

Objective = Union[nn.Module, Mapping[str, nn.Module], None]


class BaseActor:
    """Holds ``net`` and ``objective`` (a loss module, a dict of named loss modules, or None).

    Subclasses implement :meth:`__call__`. The trainer moves the actor to the training device,
    moves every tensor of a batch there before calling the actor, and may replace ``self.net`` by
    a DistributedDataParallel wrapper: run the network through ``self.net(...)`` (its forward), so
    gradients are synchronised across processes.
    """

    def __init__(self, net: nn.Module, objective: Objective = None) -> None:
        self.net = net
        self.objective = objective

    def __call__(self, data: dict) -> tuple[torch.Tensor, dict[str, float]]:
        """Forward pass and loss on one batch: ``(scalar loss tensor, {statistic name: float})``."""
        raise NotImplementedError

    def _modules(self) -> list[nn.Module]:
        if isinstance(self.objective, nn.Module):
            return [self.net, self.objective]
        if isinstance(self.objective, Mapping):
            return [self.net, *self.objective.values()]
        return [self.net]

    def to(self, device: Union[torch.device, str]) -> "BaseActor":
        """Move the network and the objective's parameters/buffers to ``device``; returns self."""
        for module in self._modules():
            module.to(device)
        return self

    def train(self, mode: bool = True) -> None:
        """Set training (True) or evaluation (False) mode of the network and the objective."""
        for module in self._modules():
            module.train(mode)

    def eval(self) -> None:
        """Same as ``train(False)``."""
        self.train(False)
