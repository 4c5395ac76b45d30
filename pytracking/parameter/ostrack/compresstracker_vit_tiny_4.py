"""CompressTracker-4 student of the ViT-tiny OSTrack (``vit_tiny``): 4 blocks, 64 / 128 crops."""
from pytracking.parameter.ostrack import vit_tiny
from pytracking.utils.params import TrackerParams


def parameters() -> TrackerParams:
    params = vit_tiny.parameters()
    params.net_path = "compresstracker_vit_tiny_4.pth"
    params.net_constructor = "ltr.models.ostrack.compresstracker_vit_tiny"
    params.net_kwargs = {**params.net_kwargs, "num_layers": 4}
    return params
