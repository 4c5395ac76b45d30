"""FDSiamFC_15 (Sq 0.15, folded: channels 14-38-56-56-38); test-time settings as SiamFC."""
from pytracking.parameter.siamfc import default
from pytracking.utils.params import TrackerParams


def parameters() -> TrackerParams:
    params = default.parameters()
    params.net_path = "fdsiamfc_15.pth"
    params.net_kwargs = {"channels": (14, 38, 56, 56, 38)}
    return params
