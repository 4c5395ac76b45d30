"""mATOM, the CFKD student: MobileNetV2 backbone, 32-d projection; otherwise the default settings."""
from pytracking.parameter.atom import default
from pytracking.utils.params import TrackerParams


def parameters() -> TrackerParams:
    params = default.parameters()
    params.net_path = "atom_mobilenetsmall.pth"
    params.net_constructor = "ltr.models.bbreg.atom.atom_mobilenetsmall"
    params.compressed_dim = 32
    return params
