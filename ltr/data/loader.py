"""LTRLoader: a torch DataLoader with reproducible per-epoch randomness and a dict-friendly collate.

Reproducibility: the loader owns a ``torch.Generator`` that :meth:`LTRLoader.set_epoch` reseeds
from ``(seed, epoch, rank)`` before every epoch. It drives the shuffling and the base seed of
the worker processes, and every worker seeds Python's and NumPy's generators from its torch
seed, so the samples of an epoch depend only on the seed and the epoch number: a run resumed
at epoch k sees exactly the data the uninterrupted run saw. With ``num_workers=0`` samples are
drawn in the main process from the global generators, whose states the trainer checkpoints.

Under torch.distributed (more than one process) a :class:`DistributedSampler` splits the
dataset across ranks unless an explicit ``sampler`` is given; ``set_epoch`` reaches it too.
"""
from __future__ import annotations

import functools
import random
from typing import Any, Callable, Optional, Sequence

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset, DistributedSampler, Sampler

from ltr.admin.distributed import current_rank, is_distributed


def ltr_collate(batch: Sequence[Any], stack_dim: int = 0) -> Any:
    """Collate samples into a batch.

    Tensors of shape S are stacked into shape S with a new batch axis at ``stack_dim``; NumPy
    arrays and Python numbers/booleans become tensors and are stacked likewise; dicts are collated per
    key; every other value (strings, lists, None, objects) is kept as a list of the samples'
    values, so a list per sample gives a list of lists.
    """
    first = batch[0]
    if isinstance(first, torch.Tensor):
        return torch.stack(list(batch), dim=stack_dim)
    if isinstance(first, np.ndarray):
        return torch.stack([torch.from_numpy(np.asarray(item)) for item in batch], dim=stack_dim)
    if isinstance(first, (bool, int, float)):
        return torch.tensor(list(batch))
    if isinstance(first, dict):
        return {key: ltr_collate([sample[key] for sample in batch], stack_dim) for key in first}
    return list(batch)


def seed_worker(worker_id: int) -> None:
    """Seed Python's and NumPy's generators of a worker from its torch seed (set by the DataLoader)."""
    seed = torch.initial_seed() % 2 ** 32
    random.seed(seed)
    np.random.seed(seed)


class LTRLoader(DataLoader):
    """DataLoader for training/validation with a ``name`` (tensorboard prefix) and ``training`` flag.

    Args:
        name: 'train', 'val', ... used in logs.
        dataset: map-style dataset; each sample typically a dict of tensors.
        training: True to update the network on this loader, False for evaluation.
        batch_size, shuffle, num_workers, drop_last, pin_memory: as torch's DataLoader.
        sampler: explicit sampler (then ``shuffle`` must be False).
        stack_dim: batch axis for stacked tensors (see :func:`ltr_collate`).
        seed: base of the per-epoch seeds (see module docstring).
        collate_fn: replaces :func:`ltr_collate`.
        epoch_interval: the trainer runs this loader in epochs divisible by it (e.g. validation every 5th).
    """

    def __init__(self, name: str, dataset: Dataset, training: bool = True, batch_size: int = 1,
                 shuffle: bool = False, sampler: Optional[Sampler] = None, num_workers: int = 0,
                 drop_last: bool = False, pin_memory: bool = False, stack_dim: int = 0, seed: int = 0,
                 collate_fn: Optional[Callable] = None, epoch_interval: int = 1) -> None:
        if epoch_interval < 1:
            raise ValueError(f"LTRLoader {name!r}: epoch_interval must be at least 1, got {epoch_interval}")
        if sampler is None and is_distributed():
            sampler = DistributedSampler(dataset, shuffle=shuffle, seed=seed, drop_last=drop_last)
            shuffle = False
        generator = torch.Generator()
        super().__init__(dataset, batch_size=batch_size, shuffle=shuffle, sampler=sampler,
                         num_workers=num_workers, drop_last=drop_last, pin_memory=pin_memory,
                         collate_fn=collate_fn or functools.partial(ltr_collate, stack_dim=stack_dim),
                         worker_init_fn=seed_worker, generator=generator)
        self.name = name
        self.training = training
        self.epoch_interval = epoch_interval
        self.seed = seed
        self.epoch = 0
        self.set_epoch(0)

    def set_epoch(self, epoch: int) -> None:
        """Make the shuffling and worker seeds of the coming iteration a function of (seed, epoch, rank)."""
        self.epoch = epoch
        self.generator.manual_seed(hash((self.seed, epoch, current_rank())) % 2 ** 63)
        if hasattr(self.sampler, "set_epoch"):
            self.sampler.set_epoch(epoch)
