"""FDSiamFC_30 (Sq 0.3, folded: channels 28-76-114-114-76); test-time settings as SiamFC."""
from pytracking.parameter.siamfc import default
from pytracking.utils.params import TrackerParams


def parameters() -> TrackerParams:
    params = default.parameters()
    params.net_path = "fdsiamfc_30.pth"
    params.net_kwargs = {"channels": (28, 76, 114, 114, 76)}
    return params
