"""The element-wise regression criteria the distillation terms are configured with (means over all elements)."""
from __future__ import annotations

from typing import Callable

import torch.nn.functional as F
from torch import Tensor

Regression = Callable[[Tensor, Tensor], Tensor]

REGRESSIONS: dict[str, Regression] = {"mse": F.mse_loss, "smoothl1": F.smooth_l1_loss}


def regression_loss(name: str) -> Regression:
    """``'mse'`` -> mean squared error, ``'smoothl1'`` -> mean Smooth-L1 (beta 1); ValueError for other names."""
    if name not in REGRESSIONS:
        raise ValueError(f"reg: unknown regression {name!r}, expected one of {sorted(REGRESSIONS)}")
    return REGRESSIONS[name]
