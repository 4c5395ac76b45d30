"""Weighted sums of distillation terms and the published loss recipes (CFKD, TSKD, Wang's compression, GT-only)."""
from __future__ import annotations

import math
from typing import Sequence

import torch
from torch import Tensor, nn

from ltr.models.loss.distillation.fidelity import FIDELITY_LAYERS, Fidelity, ProjectedFidelity
from ltr.models.loss.distillation.iou import AdaptiveHard, GroundTruthLoss, TeacherSoft
from ltr.models.loss.distillation.outputs import DistillOutputs
from ltr.models.loss.distillation.response import CF_LAYERS, TRACK_LAYERS, CFLoss, TargetResponse, TrackingLoss

IOU_TERMS = ("ts", "ah", "gt")  # terms summed into the 'Loss/iou' statistic


class WeightedLoss(nn.Module):
    """Sum of ``weight * term(out)`` over named terms; terms of weight 0 are left out (never called).

    The terms of positive weight are submodules (in ``self.terms``), so learnable ones are registered
    parameters; a zero-weight term is not registered, so its parameters are neither optimised nor left
    unused under DistributedDataParallel. ``self.weights`` keeps every weight.
    ``forward(out) -> (total scalar, stats)`` with stats
    ``'Loss/<name>'`` (the unweighted value) for each computed term, ``'Loss/iou'`` (the weighted sum of the
    computed 'ts', 'ah' and 'gt' terms, 0.0 when there are none) and ``'Loss/total'``.

    Args:
        terms: name -> (weight >= 0, module with ``forward(out: DistillOutputs) -> scalar``); at least one
            weight must be positive.
    """

    def __init__(self, terms: dict[str, tuple[float, nn.Module]]):
        super().__init__()
        for name, (weight, _) in terms.items():
            if not math.isfinite(weight) or weight < 0:
                raise ValueError(f"terms[{name!r}]: weight must be finite and >= 0, got {weight}")
        if not any(weight > 0 for weight, _ in terms.values()):
            weights = ", ".join(f"{name}={weight}" for name, (weight, _) in terms.items()) or "no terms"
            raise ValueError(f"terms: at least one weight must be positive, got {weights}")
        self.weights = {name: float(weight) for name, (weight, _) in terms.items()}
        self.terms = nn.ModuleDict({name: module for name, (weight, module) in terms.items() if weight > 0})

    def forward(self, out: DistillOutputs) -> tuple[Tensor, dict[str, float]]:
        weighted = {}
        stats = {}
        for name, term in self.terms.items():
            value = term(out)
            weighted[name] = self.weights[name] * value
            stats[f"Loss/{name}"] = value.item()
        total = torch.stack(list(weighted.values())).sum()
        stats["Loss/iou"] = sum(weighted[name].item() for name in IOU_TERMS if name in weighted)
        stats["Loss/total"] = total.item()
        return total, stats

    def extra_repr(self) -> str:
        return "weights=" + ", ".join(f"{name}={weight}" for name, weight in self.weights.items())


def cfkd_loss(w_ts: float = 1.0, w_ah: float = 0.1, w_fd: float = 100.0, w_cf: float = 0.01,
              fd_layers: Sequence[str] = FIDELITY_LAYERS, cf_layers: Sequence[str] = CF_LAYERS,
              cf_sigma: float = 0.15, reg_iou: str = "smoothl1") -> WeightedLoss:
    """CFKD: w_ts TS + w_ah AH (``reg_iou``) + w_fd Fidelity (MSE) + w_cf CF. The thesis states w_cf = 0.1,
    the published code (and this default) 0.01. Terms: ts, ah, fid, cf."""
    return WeightedLoss({"ts": (w_ts, TeacherSoft(reg_iou)), "ah": (w_ah, AdaptiveHard(reg_iou)),
                         "fid": (w_fd, Fidelity(fd_layers, reg="mse")),
                         "cf": (w_cf, CFLoss(cf_layers, sigma_factor=cf_sigma))})


def tskd_loss(w_ts: float = 1.0, w_ah: float = 0.1, w_tr: float = 100.0, tr_layers: Sequence[str] = FIDELITY_LAYERS,
              use_weight: bool = True, reg: str = "mse") -> WeightedLoss:
    """Liu et al.'s TSKD: w_ts TS + w_ah AH + w_tr TargetResponse, all with ``reg``. Terms: ts, ah, tr."""
    return WeightedLoss({"ts": (w_ts, TeacherSoft(reg)), "ah": (w_ah, AdaptiveHard(reg)),
                         "tr": (w_tr, TargetResponse(tr_layers, use_weight=use_weight, reg=reg))})


def compression_loss(projection: ProjectedFidelity, w_ts: float = 1.0, w_ah: float = 0.1, w_fd: float = 0.01,
                     w_track: float = 100.0, track_layers: Sequence[str] = TRACK_LAYERS) -> WeightedLoss:
    """Wang et al.'s joint compression: w_ts TS + w_ah AH (SmoothL1) + w_fd ``projection`` + w_track Tracking.

    ``projection`` (see ``projected_fidelity_for``) becomes a submodule, so its parameters are the loss's
    parameters. Terms: ts, ah, fid, track.
    """
    return WeightedLoss({"ts": (w_ts, TeacherSoft("smoothl1")), "ah": (w_ah, AdaptiveHard("smoothl1")),
                         "fid": (w_fd, projection), "track": (w_track, TrackingLoss(track_layers))})


def gt_loss(reg: str = "smoothl1") -> WeightedLoss:
    """The GT-only ablation (no teacher): one term 'gt' = reg(student_pred, gt)."""
    return WeightedLoss({"gt": (1.0, GroundTruthLoss(reg))})
