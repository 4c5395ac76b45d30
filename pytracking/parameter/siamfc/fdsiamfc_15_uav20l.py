"""FDSiamFC_15 on UAV20L: scale search and window as in the public FDSiamFC code's UAV20L configuration."""
from pytracking.parameter.siamfc import fdsiamfc_15
from pytracking.utils.params import TrackerParams


def parameters() -> TrackerParams:
    params = fdsiamfc_15.parameters()
    params.scale_step = 1.19
    params.window_influence = 0.1766
    return params
