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
from ltr.models.siamfc.siamfc import BNFoldedSiamFC, SiameseMatching, SiamFC, siamfc_alexnet, siamfc_alexnet_bnfolded

__all__ = ["BNFoldedSiamFC", "FDConv", "SiamFC", "SiameseMatching", "add_fd", "apply_step", "current_step",
           "drop_combine", "fd_siamfc_alexnet", "fold_fd_network", "schedule_step", "siamfc_alexnet",
           "siamfc_alexnet_bnfolded", "trainable_parameters"]
