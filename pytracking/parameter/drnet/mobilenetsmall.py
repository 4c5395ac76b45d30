"""mDRNet, the CFKD student: MobileNetV2 backbone, 32-d projection; otherwise the DRNet settings
(residual reweighting included)."""
from pytracking.parameter.atom import mobilenetsmall as atom_mobilenetsmall
from pytracking.parameter.drnet.default import apply_drnet_settings
from pytracking.utils.params import TrackerParams


def parameters() -> TrackerParams:
    params = apply_drnet_settings(atom_mobilenetsmall.parameters())
    params.net_path = "drnet_mobilenetsmall.pth"
    params.net_constructor = "ltr.models.bbreg.drnet.drnet_mobilenetsmall"
    return params
