"""Tracking and distillation losses."""
from ltr.models.loss.siamfc_loss import BalancedBCELoss, siamfc_labels

__all__ = ["BalancedBCELoss", "siamfc_labels"]
