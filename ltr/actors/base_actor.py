"""Actor: the piece of a training setup that runs the network on a batch and computes the loss."""
from __future__ import annotations

from typing import Mapping, Union

import torch
from torch import nn

from ltr.admin.distributed import unwrap

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
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        """Called by the trainer at the start of every epoch (1-based); epoch-dependent losses read ``self.epoch``."""
        self.epoch = epoch

    def __call__(self, data: dict) -> tuple[torch.Tensor, dict[str, float]]:
        """Forward pass and loss on one batch: ``(scalar loss tensor, {statistic name: float})``."""
        raise NotImplementedError

    def checkpoint_net(self) -> nn.Module:
        """The network a checkpoint stores under ``'net'`` (default: ``self.net`` without its DDP wrapper)."""
        return unwrap(self.net)

    def extra_state(self) -> dict:
        """Training state beyond :meth:`checkpoint_net` needed to resume exactly (stored under ``'actor'``).

        Default: the objective's state dict when it has parameters or buffers (e.g. learnable
        projections of a distillation loss), else nothing.
        """
        objective = unwrap(self.objective) if isinstance(self.objective, nn.Module) else None
        state = objective.state_dict() if objective is not None else {}
        return {"objective": state} if state else {}

    def load_extra_state(self, state: dict) -> None:
        """Restore what :meth:`extra_state` returned."""
        if "objective" in state:
            unwrap(self.objective).load_state_dict(state["objective"])

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
