"""Correlation-filter helpers of ATOM's classifier: windows, Gaussian labels, 2-D argmax, MLU.

Layouts: ``centered=True`` puts a window's peak in the middle of the grid (index ``sz // 2``);
``centered=False`` is the FFT layout, the centred window circularly shifted so that index
``sz // 2`` moves to index 0 (used for score maps whose origin is at index 0).
"""
from __future__ import annotations

import math
from typing import Sequence, Tuple, Union

import torch
import torch.nn as nn

Pair = Union[int, Sequence[int]]
FloatPair = Union[float, Sequence[float]]


def _pair(value, name: str) -> tuple:
    if isinstance(value, (int, float)):
        return value, value
    if len(value) != 2:
        raise ValueError(f"{name} must be a number or a pair (height, width), got {value!r}")
    return tuple(value)


def _to_fft_layout(window: torch.Tensor, dims: Sequence[int]) -> torch.Tensor:
    shifts = [-(window.shape[d] // 2) for d in dims]
    return torch.roll(window, shifts=shifts, dims=list(dims))


def hann1d(sz: int, centered: bool = True) -> torch.Tensor:
    """Hann window of length ``sz`` without zero end points, shape (sz,).

    ``w[n] = 0.5 * (1 - cos(2 pi (n + 1) / (sz + 1)))``, n = 0..sz-1 (the interior of a Hann
    window of length sz + 2), so e.g. ``hann1d(3) = [0.5, 1, 0.5]``.
    """
    if sz < 1:
        raise ValueError(f"hann1d: sz must be >= 1, got {sz}")
    n = torch.arange(1, sz + 1, dtype=torch.float32)
    window = 0.5 * (1 - torch.cos(2 * math.pi * n / (sz + 1)))
    return window if centered else _to_fft_layout(window, [0])


def hann2d(sz: Pair, centered: bool = True) -> torch.Tensor:
    """Separable 2-D Hann window, the outer product of two :func:`hann1d`; shape (H, W)."""
    height, width = _pair(sz, "hann2d: sz")
    return hann1d(height, centered).unsqueeze(1) * hann1d(width, centered).unsqueeze(0)


def hann2d_clipped(sz: Pair, effective_sz: FloatPair, centered: bool = True) -> torch.Tensor:
    """A :func:`hann2d` of size ``effective_sz`` centred in a zero grid of size ``sz``; shape (H, W).

    ``effective_sz`` is rounded and, where its parity differs from ``sz``, grown by one so the
    zero border is symmetric. It must not exceed ``sz``.
    """
    height, width = _pair(sz, "hann2d_clipped: sz")
    eff = []
    for full, e in zip((height, width), _pair(effective_sz, "hann2d_clipped: effective_sz")):
        e = int(round(e))
        e += (full - e) % 2
        if not 1 <= e <= full:
            raise ValueError(f"hann2d_clipped: effective_sz {effective_sz} must lie in [1, sz={sz}]")
        eff.append(e)
    window = torch.zeros(height, width)
    top, left = (height - eff[0]) // 2, (width - eff[1]) // 2
    window[top:top + eff[0], left:left + eff[1]] = hann2d(eff, centered=True)
    return window if centered else _to_fft_layout(window, [0, 1])


def label_function_spatial(sz: Pair, sigma: FloatPair, center: Sequence[float]) -> torch.Tensor:
    """Gaussian label ``exp(-(y - cy)^2 / (2 sy^2) - (x - cx)^2 / (2 sx^2))`` on the grid; shape (H, W).

    Args:
        sz: grid size (H, W) or one int for a square grid.
        sigma: standard deviation in cells, one number or (sy, sx).
        center: peak position (cy, cx) in cell coordinates (row, column; may be fractional);
            the label is 1 there.
    """
    height, width = _pair(sz, "label_function_spatial: sz")
    sigma_y, sigma_x = _pair(sigma, "label_function_spatial: sigma")
    center_y, center_x = _pair(tuple(float(c) for c in center), "label_function_spatial: center")
    gy = torch.exp(-0.5 * ((torch.arange(height, dtype=torch.float32) - center_y) / sigma_y) ** 2)
    gx = torch.exp(-0.5 * ((torch.arange(width, dtype=torch.float32) - center_x) / sigma_x) ** 2)
    return gy.unsqueeze(1) * gx.unsqueeze(0)


def max2d(a: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    """Maximum over the last two dimensions, batched.

    Args:
        a: (..., H, W).
    Returns:
        values (...) and argmax (..., 2) as (row, col), int64; the first maximum in row-major
        order on ties.
    """
    if a.dim() < 2:
        raise ValueError(f"max2d: expected at least 2 dimensions, got shape {tuple(a.shape)}")
    values, flat_index = a.flatten(-2).max(dim=-1)
    width = a.shape[-1]
    return values, torch.stack((flat_index // width, flat_index % width), dim=-1)


def _check_min_val(min_val: float) -> None:
    if min_val <= 0:
        raise ValueError(f"mlu: min_val must be > 0, got {min_val}")


def mlu(x: torch.Tensor, min_val: float) -> torch.Tensor:
    """MLU activation of ATOM's classifier response (``min_val = 0.05`` there).

    ``mlu(x) = x`` for ``x >= 0`` and ``min_val * (exp(x / min_val) - 1)`` for ``x < 0``: an ELU
    applied to ``leaky_relu(x, slope 1 / min_val)``, i.e. identity for positive scores, a smooth
    saturation towards ``-min_val`` for negative ones, continuous with slope 1 at 0.
    """
    _check_min_val(min_val)
    # The exponential branch sees only non-positive inputs, so it cannot overflow (and poison
    # gradients); x = 0 takes that branch, whose slope there is 1 (clamp's would be 0).
    negative = torch.where(x > 0, torch.zeros_like(x), x)
    return torch.where(x > 0, x, min_val * torch.expm1(negative / min_val))


class MLU(nn.Module):
    """Module form of :func:`mlu` with a fixed ``min_val``."""

    def __init__(self, min_val: float):
        super().__init__()
        _check_min_val(min_val)
        self.min_val = min_val

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return mlu(x, self.min_val)
