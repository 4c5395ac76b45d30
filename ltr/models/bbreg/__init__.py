"""Bounding-box regression networks: ATOM's IoU-Net and DRNet's direct regressor, with constructors."""
from ltr.models.bbreg.atom import (
                                   ATOMnet,
                                   atom_mobilenet,
                                   atom_mobilenetsmall,
                                   atom_resnet18,
                                   atom_resnet18medium,
                                   atom_resnet18small,
                                   atom_resnet18tiny,
                                   atom_resnet50,
)
from ltr.models.bbreg.atom_iou_net import AtomIoUNet
from ltr.models.bbreg.drnet import drnet_mobilenetsmall, drnet_resnet50
from ltr.models.bbreg.drnet_head import DirectReg

__all__ = ["ATOMnet", "AtomIoUNet", "DirectReg", "atom_mobilenet", "atom_mobilenetsmall", "atom_resnet18",
           "atom_resnet18medium", "atom_resnet18small", "atom_resnet18tiny", "atom_resnet50", "drnet_mobilenetsmall",
           "drnet_resnet50"]
