"""Trainer checkpoints: atomic per-epoch files, keep-last-N pruning, finding the latest, RNG states.

A checkpoint directory holds ``<NetClass>_ep{epoch:04d}.pth.tar`` files, each a dict with
``epoch``, ``net`` (state dict of the unwrapped network), ``constructor`` (when the network
records one; so :func:`ltr.admin.loading.load_network` rebuilds the network from a checkpoint),
``optimizer``, ``lr_scheduler``, ``grad_scaler``, ``rng`` (one
:func:`capture_rng_state` dict per rank), ``settings`` (summary) and ``stats`` (epoch history).
Everything stored is a tensor, number, string or container of those, so the files load with
``torch.load(weights_only=True)`` (read them with :func:`ltr.admin.loading.torch_load`).
"""
from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any, Optional

import numpy as np
import torch
from torch import nn

from ltr.admin.environment import PathLike
from ltr.admin.loading import save_network

_CHECKPOINT_NAME = re.compile(r"^(?P<net_type>.+)_ep(?P<epoch>\d{4,})\.pth\.tar$")


def checkpoint_path(directory: PathLike, net_type: str, epoch: int) -> Path:
    """``<directory>/<net_type>_ep{epoch:04d}.pth.tar``."""
    return Path(directory) / f"{net_type}_ep{epoch:04d}.pth.tar"


def list_checkpoints(directory: PathLike) -> list[tuple[int, Path]]:
    """``[(epoch, path), ...]`` of the checkpoint files in ``directory``, oldest epoch first."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    found = []
    for path in directory.iterdir():
        match = _CHECKPOINT_NAME.match(path.name)
        if match and path.is_file():
            found.append((int(match["epoch"]), path))
    return sorted(found)


def latest_checkpoint(directory: PathLike) -> Optional[Path]:
    """The checkpoint of the highest epoch in ``directory``, or None when there is none."""
    found = list_checkpoints(directory)
    return found[-1][1] if found else None


def save_checkpoint(directory: PathLike, net: nn.Module, epoch: int, keep_last: int = 5, **extra: Any) -> Path:
    """Write the checkpoint of ``epoch`` atomically (``net``'s state dict and constructor as
    :func:`ltr.admin.loading.save_network` does, plus ``epoch`` and ``extra``), then delete all but
    the last ``keep_last`` checkpoints in ``directory``."""
    if keep_last < 1:
        raise ValueError(f"keep_last must be at least 1, got {keep_last}")
    path = save_network(checkpoint_path(directory, type(net).__name__, epoch), net, epoch=epoch, **extra)
    for _, old in list_checkpoints(directory)[:-keep_last]:
        old.unlink()
    return path


def capture_rng_state() -> dict:
    """States of Python's, NumPy's, torch's and (when available) every CUDA device's generators."""
    name, keys, pos, has_gauss, cached_gaussian = np.random.get_state()
    return {
        "python": random.getstate(),
        "numpy": {"name": name, "keys": torch.from_numpy(keys.astype(np.int64)), "pos": int(pos),
                  "has_gauss": int(has_gauss), "cached_gaussian": float(cached_gaussian)},
        "torch": torch.get_rng_state(),
        "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else None,
    }


def restore_rng_state(state: dict) -> None:
    """Inverse of :func:`capture_rng_state` (CUDA states only when CUDA is available here)."""
    version, internal, gauss_next = state["python"]
    random.setstate((version, tuple(internal), gauss_next))
    numpy_state = state["numpy"]
    np.random.set_state((numpy_state["name"], numpy_state["keys"].numpy().astype(np.uint32), numpy_state["pos"],
                         numpy_state["has_gauss"], numpy_state["cached_gaussian"]))
    torch.set_rng_state(state["torch"])
    if state.get("cuda") is not None and torch.cuda.is_available():
        cuda_states = state["cuda"][:torch.cuda.device_count()]
        for index, cuda_state in enumerate(cuda_states):
            torch.cuda.set_rng_state(cuda_state, index)
