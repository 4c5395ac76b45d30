"""ATOM on ResNet-18-small (CFKD architecture study), 32-d projection; otherwise the default settings."""
from pytracking.parameter.atom import default
from pytracking.utils.params import TrackerParams


def parameters() -> TrackerParams:
    params = default.parameters()
    params.net_path = "atom_resnet18small.pth"
    params.net_constructor = "ltr.models.bbreg.atom.atom_resnet18small"
    params.compressed_dim = 32
    return params
