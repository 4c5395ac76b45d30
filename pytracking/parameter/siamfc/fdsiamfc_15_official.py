"""FDSiamFC_15 with the official weights under their published file name (``FDSiamfc_15.pth``, MIT, from
github.com/conquerhuang/FDSiamFC ``pretrained/``); otherwise ``fdsiamfc_15``."""
from pytracking.parameter.siamfc import fdsiamfc_15
from pytracking.utils.params import TrackerParams


def parameters() -> TrackerParams:
    params = fdsiamfc_15.parameters()
    params.net_path = "FDSiamfc_15.pth"
    return params
