"""DRNet with ResNet-50 (the CFKD teacher).

The ATOM settings with DRNet's sample size, search area, first-frame optimisation and residual
reweighting of the classifier's samples (our interpretation of the reference's one-line description:
see :mod:`pytracking.tracker.atom.classifier`).
"""
from pytracking.parameter.atom import default as atom_default
from pytracking.utils.params import TrackerParams


def apply_drnet_settings(params: TrackerParams) -> TrackerParams:
    """DRNet's changes to any ATOM parameter set (in place; returns it)."""
    params.sample_size = 320
    params.search_area_scale = 5.5
    params.init_CG_iter = 100
    params.init_GN_iter = 10
    params.residual_reweighting = True
    return params


def parameters() -> TrackerParams:
    params = apply_drnet_settings(atom_default.parameters())
    params.net_path = "drnet_default.pth"
    params.net_constructor = "ltr.models.bbreg.drnet.drnet_resnet50"
    return params
