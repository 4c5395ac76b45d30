"""Alpha-Refine on ResNet-18 (the lighter variant, e.g. trained by ``python ltr/run_training.py refine secm_r18``)."""
from pytracking.parameter.refine import ar34
from pytracking.utils.params import TrackerParams


def parameters() -> TrackerParams:
    params = ar34.parameters()
    params.net_path = "alpharefine_secm_r18.pth"
    params.net_constructor = "ltr.models.refine.alpharefine_secm_r18"
    return params
