"""torch.distributed helpers for training under torchrun.

torchrun sets ``RANK``, ``WORLD_SIZE`` and ``LOCAL_RANK`` (plus ``MASTER_ADDR``/``MASTER_PORT``)
for every process it starts; :func:`init_distributed` reads them and joins the process group
(``nccl`` when the process trains on CUDA, ``gloo`` on CPU). A plain ``python`` launch has none
of them and runs as the single process rank 0 of 1 without a process group.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel

TORCHRUN_ENV_VARS = ("RANK", "WORLD_SIZE", "LOCAL_RANK")


@dataclass(frozen=True)
class DistInfo:
    """Where this process sits in the job: global ``rank`` of ``world_size``, ``local_rank`` on its node."""
    rank: int = 0
    world_size: int = 1
    local_rank: int = 0

    @property
    def is_main(self) -> bool:
        """True for the one process that writes checkpoints, tensorboard logs and progress bars."""
        return self.rank == 0


def launched_by_torchrun() -> bool:
    """True when torchrun's ``RANK``/``WORLD_SIZE``/``LOCAL_RANK`` environment variables are all set."""
    return all(name in os.environ for name in TORCHRUN_ENV_VARS)


def dist_info_from_env() -> DistInfo:
    """The :class:`DistInfo` described by torchrun's environment variables (rank 0 of 1 without them)."""
    if not launched_by_torchrun():
        return DistInfo()
    values = {}
    for name in TORCHRUN_ENV_VARS:
        try:
            values[name.lower()] = int(os.environ[name])
        except ValueError:
            raise ValueError(f"environment variable {name}={os.environ[name]!r} is not an integer") from None
    return DistInfo(**values)


def default_device(info: DistInfo) -> torch.device:
    """``cuda:<local_rank>`` when CUDA is available, else ``cpu``."""
    if torch.cuda.is_available():
        return torch.device("cuda", info.local_rank % torch.cuda.device_count())
    return torch.device("cpu")


def init_distributed(info: DistInfo, device: torch.device) -> None:
    """Join the torchrun process group (``nccl`` on CUDA, ``gloo`` on CPU); no-op without torchrun."""
    if not launched_by_torchrun() or dist.is_initialized():
        return
    if device.type == "cuda":
        torch.cuda.set_device(device)
    backend = "nccl" if device.type == "cuda" else "gloo"
    dist.init_process_group(backend=backend, init_method="env://", rank=info.rank, world_size=info.world_size)


def shutdown_distributed() -> None:
    """Leave the process group if this process joined one."""
    if dist.is_initialized():
        dist.destroy_process_group()


def current_rank() -> int:
    """Global rank of this process (0 outside a process group)."""
    return dist.get_rank() if dist.is_initialized() else 0


def is_distributed() -> bool:
    """True inside a process group of more than one process."""
    return dist.is_initialized() and dist.get_world_size() > 1


def wrap_ddp(net: nn.Module, device: torch.device, find_unused_parameters: bool = False) -> nn.Module:
    """``net`` (already on ``device``) wrapped in DistributedDataParallel when distributed, else unchanged."""
    if not is_distributed():
        return net
    device_ids = [device] if device.type == "cuda" else None
    return DistributedDataParallel(net, device_ids=device_ids, find_unused_parameters=find_unused_parameters)


def unwrap(net: nn.Module) -> nn.Module:
    """The plain network inside a DistributedDataParallel wrapper (``net`` itself otherwise)."""
    return net.module if isinstance(net, DistributedDataParallel) else net


def all_reduce_sum(values: torch.Tensor, device: torch.device) -> torch.Tensor:
    """Element-wise sum of the CPU tensor ``values`` over all processes, reduced on ``device`` (the
    process group's device); ``values`` itself when not distributed."""
    if not is_distributed():
        return values
    reduced = values.to(device)
    dist.all_reduce(reduced, op=dist.ReduceOp.SUM)
    return reduced.cpu()


def all_gather_objects(obj: object) -> list:
    """``[obj of rank 0, obj of rank 1, ...]``; ``[obj]`` when not distributed."""
    if not is_distributed():
        return [obj]
    gathered: list = [None] * dist.get_world_size()
    dist.all_gather_object(gathered, obj)
    return gathered


def barrier() -> None:
    """Wait for every process (no-op when not distributed)."""
    if is_distributed():
        dist.barrier()


def world_size() -> int:
    """Number of processes in the job (1 outside a process group)."""
    return dist.get_world_size() if dist.is_initialized() else 1

