"""SiamFC networks, FDSiamFC's Feature Distilling surgery and the fold transform."""
from ltr.models.siamfc.fd import (
                                  FDConv,
                                  add_fd,
                                  apply_step,
                                  current_step,
                                  drop_combine,
                                  fd_siamfc_alexnet,
                                  schedule_step,
                                  trainable_parameters,
)
from ltr.models.siamfc.fold import fold_fd_network
from ltr.models.siamfc.siamfc import SiamFC, siamfc_alexnet

__all__ = ["FDConv", "SiamFC", "add_fd", "apply_step", "current_step", "drop_combine", "fd_siamfc_alexnet",
           "fold_fd_network", "schedule_step", "siamfc_alexnet", "trainable_parameters"]
