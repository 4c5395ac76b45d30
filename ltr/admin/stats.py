"""Running averages of training statistics (losses, accuracies) weighted by batch size."""
from __future__ import annotations

from typing import Mapping

import torch

from ltr.admin.distributed import all_reduce_sum


class AverageMeter:
    """Weighted running mean: ``update(value, n)`` adds ``n`` samples whose mean is ``value``."""

    def __init__(self) -> None:
        self.sum = 0.0
        self.count = 0

    def update(self, value: float, n: int = 1) -> None:
        self.sum += float(value) * n
        self.count += n

    @property
    def avg(self) -> float:
        """Mean of every sample seen so far (NaN before the first update)."""
        return self.sum / self.count if self.count else float("nan")


class StatsAccumulator:
    """One :class:`AverageMeter` per statistic name, created on first use."""

    def __init__(self) -> None:
        self.meters: dict[str, AverageMeter] = {}

    def update(self, stats: Mapping[str, float], n: int = 1) -> None:
        """Add one batch of ``n`` samples whose per-statistic means are ``stats``."""
        for key, value in stats.items():
            self.meters.setdefault(key, AverageMeter()).update(value, n)

    def averages(self) -> dict[str, float]:
        """``{name: running mean}`` in insertion order."""
        return {key: meter.avg for key, meter in self.meters.items()}

    def reduced_averages(self, device: torch.device) -> dict[str, float]:
        """Means over the samples of every process (every process must call this with the same keys;
        ``device`` is the one the process group communicates on)."""
        keys = list(self.meters)
        totals = torch.tensor([[self.meters[k].sum, self.meters[k].count] for k in keys],
                              dtype=torch.float64).reshape(-1, 2)
        totals = all_reduce_sum(totals, device)
        return {key: (s / c if c else float("nan")) for key, (s, c) in zip(keys, totals.tolist(), strict=True)}
