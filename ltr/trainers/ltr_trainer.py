"""LTRTrainer: epochs over training/validation loaders with checkpointing, logging and resuming."""
from __future__ import annotations

import time
import warnings
from pathlib import Path
from typing import Any, Optional, Sequence

import torch
from torch import nn
from torch.optim import Optimizer
from torch.optim.lr_scheduler import LRScheduler
from tqdm import tqdm

from ltr.actors.base_actor import BaseActor
from ltr.admin.checkpoints import capture_rng_state, latest_checkpoint, restore_rng_state, save_checkpoint
from ltr.admin.distributed import all_gather_objects, wrap_ddp
from ltr.admin.environment import PathLike
from ltr.admin.loading import CheckpointError, load_state_strict, torch_load
from ltr.admin.settings import Settings
from ltr.admin.stats import AverageMeter, StatsAccumulator
from ltr.admin.tensorboard import TensorboardWriter
from ltr.data.loader import LTRLoader

SMOKE_ITERATIONS = 2


def move_to_device(data: Any, device: torch.device) -> Any:
    """``data`` with every tensor (also inside dicts, lists and tuples) moved to ``device``."""
    if isinstance(data, torch.Tensor):
        return data.to(device, non_blocking=True)
    if isinstance(data, dict):
        return {key: move_to_device(value, device) for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        return type(data)(move_to_device(value, device) for value in data)
    return data


class LTRTrainer:
    """Trains ``actor.net`` with ``optimizer`` for a number of epochs.

    The checkpoint's ``'net'`` is ``actor.checkpoint_net()`` (the trained network, e.g. a
    distillation student without its teacher); ``'actor'`` holds ``actor.extra_state()``. An
    objective with trainable parameters (learnable loss projections) is optimised like the network
    and wrapped in DistributedDataParallel too.

    Per epoch: every loader in order whose ``epoch_interval`` divides the epoch
    (``loader.training`` selects update vs. evaluation, with ``torch.no_grad``), then one
    ``lr_scheduler.step()``, then (rank 0) tensorboard scalars and an atomic checkpoint in
    ``settings.checkpoint_dir`` keeping the last ``keep_last``.

    Args:
        actor: computes ``(loss, stats)`` per batch; moved to ``settings.device``.
        loaders: LTRLoaders, e.g. ``[train_loader, val_loader]``.
        optimizer: over (some of) the parameters of ``actor.net``.
        settings: run settings; ``settings.apply_overrides()`` must have been called.
        lr_scheduler: stepped once per epoch.
        grad_clip: clip the gradient norm of the optimised parameters to this value (None: no clipping).
        amp: mixed precision with a gradient scaler; active only when training on CUDA.
        keep_last: number of most recent checkpoints kept.
        log_interval: write running averages to tensorboard every this many iterations.
        find_unused_parameters: passed to DistributedDataParallel (world size > 1).

    ``settings.smoke`` limits training to one epoch of :data:`SMOKE_ITERATIONS` iterations per
    loader and loads data in the main process.
    """

    def __init__(self, actor: BaseActor, loaders: Sequence[LTRLoader], optimizer: Optimizer, settings: Settings,
                 lr_scheduler: Optional[LRScheduler] = None, grad_clip: Optional[float] = None, amp: bool = False,
                 keep_last: int = 5, log_interval: int = 50, find_unused_parameters: bool = False) -> None:
        if not settings.overrides_applied:
            raise RuntimeError(f"ltr/train_settings/{settings.project_path}.py: run(settings) must call "
                               f"settings.apply_overrides() after declaring its defaults and before building "
                               f"the trainer")
        self.actor = actor
        self.loaders = list(loaders)
        self.optimizer = optimizer
        self.settings = settings
        self.lr_scheduler = lr_scheduler
        self.grad_clip = grad_clip
        self.keep_last = keep_last
        self.log_interval = log_interval
        self.device = settings.device
        self.is_main = settings.rank == 0
        self.amp_active = amp and self.device.type == "cuda"
        self.scaler = torch.amp.GradScaler(self.device.type, enabled=self.amp_active)
        self.epoch = 0
        self.stats_history: dict[int, dict[str, dict[str, float]]] = {}
        actor.to(self.device)
        actor.net = wrap_ddp(actor.net, self.device, find_unused_parameters)
        if isinstance(actor.objective, nn.Module) and any(p.requires_grad for p in actor.objective.parameters()):
            actor.objective = wrap_ddp(actor.objective, self.device, find_unused_parameters)
        if settings.smoke:
            for loader in self.loaders:
                loader.num_workers = 0
        self._tensorboard: Optional[TensorboardWriter] = None

    def train(self, num_epochs: int) -> None:
        """Train up to epoch ``num_epochs`` (continuing from the latest checkpoint with ``settings.resume``)."""
        if self.settings.resume:
            self._resume()
        last_epoch = min(num_epochs, self.epoch + 1) if self.settings.smoke else num_epochs
        if self.is_main:
            self._tensorboard = TensorboardWriter(self.settings.tensorboard_dir)
        try:
            for epoch in range(self.epoch + 1, last_epoch + 1):
                self._train_epoch(epoch)
        finally:
            if self._tensorboard is not None:
                self._tensorboard.close()
                self._tensorboard = None

    def _train_epoch(self, epoch: int) -> None:
        self.epoch = epoch
        self.actor.set_epoch(epoch)
        epoch_stats = {}
        for loader in self.loaders:
            if epoch % loader.epoch_interval:
                continue
            loader.set_epoch(epoch)
            epoch_stats[loader.name] = self._cycle(loader)
        learning_rates = {f"group{i}": group["lr"] for i, group in enumerate(self.optimizer.param_groups)}
        if self.lr_scheduler is not None:
            self.lr_scheduler.step()
        self.stats_history[epoch] = epoch_stats
        if self._tensorboard is not None:
            for name, stats in epoch_stats.items():
                self._tensorboard.write_scalars(name, stats, epoch)
            self._tensorboard.write_scalars("lr", learning_rates, epoch)
            self._tensorboard.flush()
        self._save_checkpoint()

    def _cycle(self, loader: LTRLoader) -> dict[str, float]:
        """One pass over ``loader``; returns the epoch means of the actor's statistics over all processes."""
        self.actor.train(loader.training)
        num_iterations = min(len(loader), SMOKE_ITERATIONS) if self.settings.smoke else len(loader)
        stats_meter = StatsAccumulator()
        loss_meter = AverageMeter()
        batch_size = loader.batch_size or 1
        progress = tqdm(total=num_iterations, desc=f"[{self.epoch}] {loader.name}", disable=not self.is_main,
                        dynamic_ncols=True)
        start = time.perf_counter()
        with torch.set_grad_enabled(loader.training), progress:
            for iteration, data in enumerate(loader, 1):
                data = move_to_device(data, self.device)
                with torch.autocast(self.device.type, enabled=self.amp_active):
                    loss, stats = self.actor(data)
                if loader.training:
                    self._step(loss)
                loss_meter.update(loss.item(), batch_size)
                stats_meter.update(stats, batch_size)
                samples_per_s = iteration * batch_size * self.settings.world_size / (time.perf_counter() - start)
                progress.set_postfix(loss=f"{loss_meter.avg:.5f}", samples_per_s=f"{samples_per_s:.1f}")
                progress.update()
                if self._tensorboard is not None and iteration % self.log_interval == 0:
                    step = (self.epoch - 1) * num_iterations + iteration
                    self._tensorboard.write_scalars(f"{loader.name}_iter", stats_meter.averages(), step)
                if iteration >= num_iterations:
                    break
        return stats_meter.reduced_averages(self.device)

    def _step(self, loss: torch.Tensor) -> None:
        self.optimizer.zero_grad(set_to_none=True)
        self.scaler.scale(loss).backward()
        if self.grad_clip is not None:
            self.scaler.unscale_(self.optimizer)
            parameters = [p for group in self.optimizer.param_groups for p in group["params"]]
            torch.nn.utils.clip_grad_norm_(parameters, self.grad_clip)
        self.scaler.step(self.optimizer)
        self.scaler.update()

    def _save_checkpoint(self) -> None:
        """Rank 0 writes the checkpoint of ``self.epoch`` (every rank contributes its RNG state)."""
        rng_states = all_gather_objects(capture_rng_state())
        if not self.is_main:
            return
        save_checkpoint(self.settings.checkpoint_dir, self.actor.checkpoint_net(), self.epoch, self.keep_last,
                        actor=self.actor.extra_state(), optimizer=self.optimizer.state_dict(),
                        lr_scheduler=self.lr_scheduler.state_dict() if self.lr_scheduler is not None else None,
                        grad_scaler=self.scaler.state_dict(), rng=rng_states, settings=self.settings.summary(),
                        stats=self.stats_history)

    def _resume(self) -> None:
        path = latest_checkpoint(self.settings.checkpoint_dir)
        if path is None:
            if self.is_main:
                tqdm.write(f"--resume: no checkpoint in {self.settings.checkpoint_dir}; starting from epoch 1")
            return
        self.load_checkpoint(path)
        if self.is_main:
            tqdm.write(f"Resumed from {path} (epoch {self.epoch})")

    def load_checkpoint(self, path: PathLike) -> None:
        """Restore network, optimizer, scheduler, gradient scaler, statistics, epoch and RNG states."""
        state = torch_load(path)
        missing = [key for key in ("net", "optimizer", "epoch", "rng", "stats") if key not in state]
        if missing:
            raise CheckpointError(f"--resume: '{path}' is not a training checkpoint (it has no {', '.join(missing)}); "
                                  f"move it out of {Path(path).parent} or train without --resume")
        load_state_strict(self.actor.checkpoint_net(), state["net"], f"'{path}'")
        self.actor.load_extra_state(state.get("actor", {}))
        try:
            self.optimizer.load_state_dict(state["optimizer"])
        except ValueError as err:
            raise CheckpointError(f"--resume: the optimizer state in '{path}' does not fit this run's optimizer "
                                  f"({err})") from None
        if self.lr_scheduler is not None and state["lr_scheduler"] is not None:
            self.lr_scheduler.load_state_dict(state["lr_scheduler"])
        if state["grad_scaler"]:  # empty when written without AMP
            self.scaler.load_state_dict(state["grad_scaler"])
        self.epoch = state["epoch"]
        self.stats_history = state["stats"]
        rng_states = state["rng"]
        if len(rng_states) != self.settings.world_size:
            warnings.warn(f"{path} was written by {len(rng_states)} processes, this run has "
                          f"{self.settings.world_size}: the continuation will not repeat the original run exactly",
                          stacklevel=2)
        restore_rng_state(rng_states[self.settings.rank % len(rng_states)])
