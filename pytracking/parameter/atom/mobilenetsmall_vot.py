"""mATOM (MobileNetV2 student) on VOT: the mobilenetsmall network with the VOT settings."""
from pytracking.parameter.atom import mobilenetsmall
from pytracking.parameter.atom.default_vot import apply_vot_settings
from pytracking.utils.params import TrackerParams


def parameters() -> TrackerParams:
    return apply_vot_settings(mobilenetsmall.parameters())
