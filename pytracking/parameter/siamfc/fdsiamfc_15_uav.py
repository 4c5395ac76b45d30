"""FDSiamFC_15 on UAV123: scale search as in the public FDSiamFC code's UAV123 configuration."""
from pytracking.parameter.siamfc import fdsiamfc_15
from pytracking.utils.params import TrackerParams


def parameters() -> TrackerParams:
    params = fdsiamfc_15.parameters()
    params.scale_step = 1.04
    params.scale_lr = 0.8
    return params
