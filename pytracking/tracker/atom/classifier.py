"""ATOM's online classifier: a projection (1x1 conv) and a small filter on normalised layer3 features.

Scores ``s = mlu(conv(conv(x, P), f, padding=k/2), min_val)`` for features ``x`` (N, C, H, W),
projection ``P`` (D, C, 1, 1) and filter ``f`` (1, D, k, k); with an even ``k`` the score map is
(H + 1, W + 1) and score cell ``i`` is centred on crop pixel ``i * stride`` (its window covers
feature cells ``i - k/2 .. i + k/2 - 1``, whose centre is ``(i - 1/2 + 1/2) * stride``).

First frame: :class:`FactorizedConvProblem` on ``TensorList([f, P])`` (Gauss-Newton + CG).
Later frames: :class:`FilterProblem` on ``TensorList([f])`` over the projected sample memory
(:class:`SampleMemory`).

Residual reweighting (DRNet). The methods reference only says "residual reweighting by
exp(normalised max |res|)"; this module implements the following interpretation of it. With the
unweighted score residuals ``r_n = scores_n - y_n`` and ``m_n = max |r_n|`` over the map, sample
``n`` gets the factor ``exp(m_n / max_j m_j)`` (:func:`residual_reweighting`; all factors 1 when
every residual is zero), and its effective weight is ``w_n * factor_n``, renormalised to keep
``sum(w)`` (:func:`effective_weights`): samples the filter fits worst count up to ``e`` times more.
The factors are computed from the detached residuals whenever a problem is evaluated and are
constants for the derivatives. The optimisers evaluate a problem once per linearisation, so the
factors are recomputed at the start of every Gauss-Newton iteration of the first frame (IRLS-style)
and at every run of the update CG from the current filter; the memory's stored weights are never
changed.
"""
from __future__ import annotations

import math
from typing import Optional, Tuple

import torch
import torch.nn.functional as F

from pytracking.libs.dcf import label_function_spatial, mlu
from pytracking.libs.optimization import L2Problem
from pytracking.libs.tensorlist import TensorList


def apply_filter(feat: torch.Tensor, filt: torch.Tensor, min_val: float) -> torch.Tensor:
    """``mlu(conv2d(feat, filt, padding=k // 2), min_val)``: (N, D, H, W), (1, D, k, k) -> (N, 1, H', W')."""
    return mlu(F.conv2d(feat, filt, padding=filt.shape[-1] // 2), min_val)


def score_map_size(feat_size: Tuple[int, int], filter_size: int) -> Tuple[int, int]:
    """(H, W) of the score map of a (H, W) feature grid and a ``filter_size`` filter."""
    pad = filter_size // 2
    return feat_size[0] + 2 * pad - filter_size + 1, feat_size[1] + 2 * pad - filter_size + 1


def gaussian_label(score_size: Tuple[int, int], sigma: float, center_crop_yx: torch.Tensor,
                   stride: float) -> torch.Tensor:
    """Gaussian label (H', W') peaking on the score cell of crop pixel ``center_crop_yx`` (row, col)."""
    return label_function_spatial(score_size, sigma, (center_crop_yx / stride).tolist())


def residual_reweighting(residuals: torch.Tensor) -> torch.Tensor:
    """Factors ``exp(m_n / max_j m_j)`` with ``m_n = max |residuals_n|``: (N, 1, H', W') -> (N,).

    All factors are 1 when every residual is zero.
    """
    peak = residuals.detach().abs().flatten(1).amax(dim=1)
    return torch.exp(peak / peak.max().clamp(min=torch.finfo(peak.dtype).tiny))


def effective_weights(residuals: torch.Tensor, weights: torch.Tensor, reweight: bool) -> torch.Tensor:
    """Sample weights (N,) for residuals (N, 1, H', W'): ``weights`` itself, or with ``reweight`` the
    weights times :func:`residual_reweighting` factors, renormalised to ``weights.sum()``."""
    if not reweight:
        return weights
    scaled = weights * residual_reweighting(residuals)
    return scaled * (weights.sum() / scaled.sum())


def weighted_residuals(scores: torch.Tensor, labels: torch.Tensor, weights: torch.Tensor,
                       reweight: bool) -> torch.Tensor:
    """``sqrt(w_eff_n) * (scores_n - labels_n)``: (N, 1, H', W') each, weights (N,) -> (N, 1, H', W')."""
    residuals = scores - labels
    return effective_weights(residuals, weights, reweight).sqrt().view(-1, 1, 1, 1) * residuals


class FactorizedConvProblem(L2Problem):
    """First-frame problem on ``x = [filter (1, D, k, k), projection (D, C, 1, 1)]``.

    Residuals: ``sqrt(w_n) * (mlu(conv(conv(feat_n, P), f)) - y_n)`` (N, 1, H', W'),
    ``sqrt(filter_reg) * f`` and ``sqrt(proj_reg) * P``; with ``reweight``, ``w_n`` is the
    reweighted weight of the module docstring.

    Args:
        feat: (N, C, H, W) normalised training features.
        labels: (N, 1, H', W') Gaussian labels.
        weights: (N,) sample weights.
        reweight: apply residual reweighting (DRNet).
    """

    def __init__(self, feat: torch.Tensor, labels: torch.Tensor, weights: torch.Tensor, filter_reg: float,
                 proj_reg: float, min_val: float, reweight: bool = False):
        self.feat, self.labels, self.weights, self.min_val = feat, labels, weights, min_val
        self.filter_reg_sqrt, self.proj_reg_sqrt = math.sqrt(filter_reg), math.sqrt(proj_reg)
        self.reweight = reweight

    def __call__(self, x: TensorList) -> TensorList:
        filt, proj = x
        scores = apply_filter(F.conv2d(self.feat, proj), filt, self.min_val)
        return TensorList([weighted_residuals(scores, self.labels, self.weights, self.reweight),
                           self.filter_reg_sqrt * filt, self.proj_reg_sqrt * proj])


class FilterProblem(L2Problem):
    """Per-frame problem on ``x = [filter]`` over the stored projected samples.

    Residuals: ``sqrt(w_n) * (mlu(conv(feat_n, f)) - y_n)`` and ``sqrt(filter_reg) * f`` (with
    ``reweight``, ``w_n`` reweighted as in the module docstring; the stored weights stay as they
    are); the memory's tensors are read at every call, so new samples are seen without rebuilding.
    """

    def __init__(self, memory: "SampleMemory", filter_reg: float, min_val: float, reweight: bool = False):
        self.memory, self.min_val, self.reweight = memory, min_val, reweight
        self.filter_reg_sqrt = math.sqrt(filter_reg)

    def __call__(self, x: TensorList) -> TensorList:
        feat, labels, weights = self.memory.active()
        scores = apply_filter(feat, x[0], self.min_val)
        return TensorList([weighted_residuals(scores, labels, weights, self.reweight), self.filter_reg_sqrt * x[0]])


class SampleMemory:
    """Up to ``capacity`` projected training samples with labels and weights summing to 1.

    Adding with learning rate ``lr`` scales the old weights by ``1 - lr`` and gives the new sample
    weight ``lr``; when full, the sample with the lowest weight (the oldest, among equals the
    first) is replaced.
    """

    def __init__(self, capacity: int, feat: torch.Tensor, labels: torch.Tensor, weights: torch.Tensor):
        if feat.shape[0] > capacity:
            raise ValueError(f"SampleMemory: {feat.shape[0]} initial samples exceed the capacity {capacity}")
        self.capacity = capacity
        self.feat = feat.new_zeros(capacity, *feat.shape[1:])
        self.labels = labels.new_zeros(capacity, *labels.shape[1:])
        self.weights = weights.new_zeros(capacity)
        n = feat.shape[0]
        self.feat[:n], self.labels[:n], self.weights[:n] = feat, labels, weights / weights.sum()
        self.num = n

    def active(self) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """The stored features (n, D, H, W), labels (n, 1, H', W') and weights (n,)."""
        return self.feat[:self.num], self.labels[:self.num], self.weights[:self.num]

    def add(self, feat: torch.Tensor, label: torch.Tensor, lr: float) -> int:
        """Store one sample (1, D, H, W) with label (1, 1, H', W'); returns its slot."""
        self.weights[:self.num] *= 1.0 - lr
        if self.num < self.capacity:
            slot = self.num
            self.num += 1
        else:
            slot = int(torch.argmin(self.weights))
        self.feat[slot], self.labels[slot], self.weights[slot] = feat[0], label[0], lr
        self.weights[:self.num] /= self.weights[:self.num].sum()
        return slot


def find_peaks(scores: torch.Tensor, exclusion_radius: Tuple[float, float]
               ) -> Tuple[float, torch.Tensor, float, Optional[torch.Tensor]]:
    """Highest score and the highest one outside a box of ``exclusion_radius`` (rows, cols) cells around it.

    Args:
        scores: (H', W').
    Returns:
        (max1, (2,) its cell (row, col) as float, max2, its cell or None when nothing is left).
    """
    flat = int(torch.argmax(scores))
    width = scores.shape[1]
    r, c = divmod(flat, width)
    max1 = float(scores[r, c])
    masked = scores.clone()
    ry, rx = (int(math.ceil(v)) for v in exclusion_radius)
    masked[max(r - ry, 0):r + ry + 1, max(c - rx, 0):c + rx + 1] = -math.inf
    if torch.isinf(masked).all():
        return max1, torch.tensor([r, c], dtype=torch.float64), -math.inf, None
    flat2 = int(torch.argmax(masked))
    r2, c2 = divmod(flat2, width)
    peak1, peak2 = torch.tensor([r, c], dtype=torch.float64), torch.tensor([r2, c2], dtype=torch.float64)
    return max1, peak1, float(masked[r2, c2]), peak2
