"""Tracking and distillation losses."""
from ltr.models.loss.distillation import (
                                          AdaptiveHard,
                                          CFLoss,
                                          DistillOutputs,
                                          Fidelity,
                                          GroundTruthLoss,
                                          ProjectedFidelity,
                                          TargetResponse,
                                          TeacherSoft,
                                          TrackingLoss,
                                          TSsKDLoss,
                                          WeightedLoss,
                                          cfkd_loss,
                                          compression_loss,
                                          gt_loss,
                                          projected_fidelity_for,
                                          tskd_loss,
)
from ltr.models.loss.ostrack_loss import OSTrackLoss, feature_mimicking_loss, prediction_guidance_loss
from ltr.models.loss.refine_loss import RefineLoss
from ltr.models.loss.siamfc_loss import BalancedBCELoss, siamfc_labels

__all__ = ["BalancedBCELoss", "siamfc_labels",
           "DistillOutputs", "TeacherSoft", "AdaptiveHard", "GroundTruthLoss", "TSsKDLoss", "TargetResponse",
           "CFLoss", "TrackingLoss", "Fidelity", "ProjectedFidelity", "projected_fidelity_for", "WeightedLoss",
           "cfkd_loss", "tskd_loss", "compression_loss", "gt_loss", "RefineLoss",
           "OSTrackLoss", "prediction_guidance_loss", "feature_mimicking_loss"]
