"""FDSiamFC_30 with the official weights under their published file name (``FDSiamfc_30.pth``, MIT, from
github.com/conquerhuang/FDSiamFC ``pretrained/``); otherwise ``fdsiamfc_30``."""
from pytracking.parameter.siamfc import fdsiamfc_30
from pytracking.utils.params import TrackerParams


def parameters() -> TrackerParams:
    params = fdsiamfc_30.parameters()
    params.net_path = "FDSiamfc_30.pth"
    return params
