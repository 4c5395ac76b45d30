"""Knowledge-distillation losses for tracker compression: CFKD, Liu's TSKD/TSsKD and Wang's joint compression.

Every term is an ``nn.Module`` with ``forward(out: DistillOutputs) -> scalar``; ``WeightedLoss`` sums named
terms and reports statistics; ``cfkd_loss``, ``tskd_loss``, ``compression_loss`` and ``gt_loss`` build the
published recipes.
"""
from ltr.models.loss.distillation.fidelity import Fidelity, ProjectedFidelity, projected_fidelity_for
from ltr.models.loss.distillation.iou import AdaptiveHard, GroundTruthLoss, TeacherSoft, TSsKDLoss
from ltr.models.loss.distillation.maps import channel_abs_sum, gaussian_map, patch_size, pool_target_patch, xcorr_same
from ltr.models.loss.distillation.outputs import DistillOutputs
from ltr.models.loss.distillation.response import CFLoss, TargetResponse, TrackingLoss
from ltr.models.loss.distillation.total import WeightedLoss, cfkd_loss, compression_loss, gt_loss, tskd_loss

__all__ = ["DistillOutputs", "channel_abs_sum", "patch_size", "pool_target_patch", "xcorr_same", "gaussian_map",
           "TeacherSoft", "AdaptiveHard", "GroundTruthLoss", "TSsKDLoss", "TargetResponse", "CFLoss",
           "TrackingLoss", "Fidelity", "ProjectedFidelity", "projected_fidelity_for", "WeightedLoss", "cfkd_loss",
           "tskd_loss", "compression_loss", "gt_loss"]
