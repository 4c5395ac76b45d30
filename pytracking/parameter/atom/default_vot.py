"""ATOM (ResNet-18) on VOT: smaller sample and search area, lower learning rate, windowed scores."""
from pytracking.parameter.atom import default
from pytracking.utils.params import TrackerParams


def apply_vot_settings(params: TrackerParams) -> TrackerParams:
    """The VOT changes to any ATOM parameter set (in place; returns it)."""
    params.sample_size = 224
    params.search_area_scale = 4.0
    params.learning_rate = 0.0075
    params.window_output = True
    return params


def parameters() -> TrackerParams:
    return apply_vot_settings(default.parameters())
