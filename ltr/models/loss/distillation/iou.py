"""Prediction-level terms on the IoU (ATOM) or offset (DRNet) outputs, and the two-student TSsKD loss."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ltr.models.loss.distillation.outputs import DistillOutputs, teacher_prediction
from ltr.models.loss.distillation.regression import regression_loss


class TeacherSoft(nn.Module):
    """TS: reg(student_pred, teacher_pred), the teacher prediction detached. ``forward(out) -> scalar``."""

    def __init__(self, reg: str = "smoothl1"):
        super().__init__()
        self.reg_name = reg
        self.reg = regression_loss(reg)

    def forward(self, out: DistillOutputs) -> Tensor:
        return self.reg(out.student_pred, teacher_prediction(out, "TeacherSoft"))

    def extra_repr(self) -> str:
        return f"reg={self.reg_name!r}"


class AdaptiveHard(nn.Module):
    """AH: reg(student_pred, gt) when ``reg(teacher_pred, gt) - reg(student_pred, gt) < margin``, else 0.

    One decision for the whole batch, as in the reference. The decision is taken on device (no host sync);
    when it is off the result is a zero of the same dtype and device that is still on the graph (its
    gradient is zero). ``forward(out) -> scalar``.
    """

    def __init__(self, reg: str = "smoothl1", margin: float = 0.005):
        super().__init__()
        self.reg_name = reg
        self.reg = regression_loss(reg)
        self.margin = margin

    def forward(self, out: DistillOutputs) -> Tensor:
        teacher = teacher_prediction(out, "AdaptiveHard")
        student_loss = self.reg(out.student_pred, out.gt)
        gap = self.reg(teacher, out.gt) - student_loss.detach()
        return torch.where(gap < self.margin, student_loss, torch.zeros_like(student_loss))

    def extra_repr(self) -> str:
        return f"reg={self.reg_name!r}, margin={self.margin}"


class GroundTruthLoss(nn.Module):
    """The GT-only ablation: reg(student_pred, gt). ``forward(out) -> scalar``."""

    def __init__(self, reg: str = "smoothl1"):
        super().__init__()
        self.reg_name = reg
        self.reg = regression_loss(reg)

    def forward(self, out: DistillOutputs) -> Tensor:
        return self.reg(out.student_pred, out.gt)

    def extra_repr(self) -> str:
        return f"reg={self.reg_name!r}"


class TSsKDLoss(nn.Module):
    """TSsKD: a dull and an intelligent student taught by one teacher and by each other.

    ``SS = SmoothL1(dull_pred, intel_pred)``; for each student x, ``L_x = reg(x_pred, gt)`` and
    ``sigma_x = decay ** epoch`` if ``L_x - L_teacher < margin`` else 0 (decided per batch, not
    differentiated); ``total = TS_dull + sigma_dull * SS + TS_intel + intelligent_peer_weight * sigma_intel * SS``
    with ``TS_x = reg(x_pred, teacher_pred)``. Each SS term teaches one student from its peer: in the dull
    term the intelligent prediction is detached, in the intelligent term the dull one, so the peer acts as a
    fixed target, like the teacher. (The reference defines this loss but never uses it, and its code is broken.)
    ``forward(dull, intelligent) -> (total scalar, stats)``; each record carries its own teacher_pred.
    """

    def __init__(self, reg: str = "smoothl1", margin: float = 0.005, decay: float = 0.9,
                 intelligent_peer_weight: float = 0.5):
        super().__init__()
        self.reg_name = reg
        self.reg = regression_loss(reg)
        self.margin = margin
        self.decay = decay
        self.intelligent_peer_weight = intelligent_peer_weight

    def peer_weight(self, out: DistillOutputs, teacher: Tensor) -> Tensor:
        """sigma_x (0-d, detached): ``decay ** epoch`` when the student's GT loss is within margin of the teacher's."""
        with torch.no_grad():
            gap = self.reg(out.student_pred, out.gt) - self.reg(teacher, out.gt)
            return (gap < self.margin).to(gap.dtype) * self.decay ** out.epoch

    def forward(self, dull: DistillOutputs, intelligent: DistillOutputs) -> tuple[Tensor, dict[str, float]]:
        if dull.epoch != intelligent.epoch:
            raise ValueError(f"TSsKDLoss: dull.epoch {dull.epoch} != intelligent.epoch {intelligent.epoch}")
        if dull.student_pred.shape != intelligent.student_pred.shape:
            raise ValueError(f"TSsKDLoss: dull student_pred {tuple(dull.student_pred.shape)} and intelligent "
                             f"student_pred {tuple(intelligent.student_pred.shape)} differ in shape")
        teacher_dull = teacher_prediction(dull, "TSsKDLoss (dull)")
        teacher_intel = teacher_prediction(intelligent, "TSsKDLoss (intelligent)")
        ts_dull = self.reg(dull.student_pred, teacher_dull)
        ts_intel = self.reg(intelligent.student_pred, teacher_intel)
        sigma_dull = self.peer_weight(dull, teacher_dull)
        sigma_intel = self.peer_weight(intelligent, teacher_intel)
        ss_dull = F.smooth_l1_loss(dull.student_pred, intelligent.student_pred.detach())
        ss_intel = F.smooth_l1_loss(dull.student_pred.detach(), intelligent.student_pred)
        total = ts_dull + sigma_dull * ss_dull + ts_intel + self.intelligent_peer_weight * sigma_intel * ss_intel
        stats = {"Loss/ts_dull": ts_dull.item(), "Loss/ts_intel": ts_intel.item(), "Loss/ss": ss_dull.item(),
                 "sigma_dull": sigma_dull.item(), "sigma_intel": sigma_intel.item(), "Loss/total": total.item()}
        return total, stats

    def extra_repr(self) -> str:
        return f"reg={self.reg_name!r}, margin={self.margin}, decay={self.decay}, " \
               f"intelligent_peer_weight={self.intelligent_peer_weight}"
