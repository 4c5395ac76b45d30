"""FDSiamFC_30 on UAV123: scale search as in the public FDSiamFC code's UAV123 configuration."""
from pytracking.parameter.siamfc import fdsiamfc_30
from pytracking.utils.params import TrackerParams


def parameters() -> TrackerParams:
    params = fdsiamfc_30.parameters()
    params.scale_step = 1.05
    params.scale_lr = 0.6
    return params
