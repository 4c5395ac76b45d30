"""FDSiamFC_30 on UAV20L: scale search as in the public FDSiamFC code's UAV20L configuration."""
from pytracking.parameter.siamfc import fdsiamfc_30
from pytracking.utils.params import TrackerParams


def parameters() -> TrackerParams:
    params = fdsiamfc_30.parameters()
    params.scale_step = 1.21
    return params
