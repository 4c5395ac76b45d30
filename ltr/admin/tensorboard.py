"""Tensorboard scalar logging for the trainer (one event directory per experiment)."""
from __future__ import annotations

from pathlib import Path
from typing import Mapping

from ltr.admin.environment import PathLike


class TensorboardWriter:
    """Writes groups of scalars as ``<prefix>/<stat name>`` tags into ``directory``."""

    def __init__(self, directory: PathLike) -> None:
        from torch.utils.tensorboard import SummaryWriter  # imports tensorboard: only when logging
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self._writer = SummaryWriter(log_dir=str(self.directory))

    def write_scalars(self, prefix: str, stats: Mapping[str, float], step: int) -> None:
        """One scalar per entry of ``stats``, tagged ``f"{prefix}/{name}"``, at global ``step``."""
        for name, value in stats.items():
            self._writer.add_scalar(f"{prefix}/{name}", value, step)

    def flush(self) -> None:
        self._writer.flush()

    def close(self) -> None:
        self._writer.close()
