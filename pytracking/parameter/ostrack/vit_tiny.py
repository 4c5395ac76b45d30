"""OSTrack on ViT-tiny/16 (12 blocks, width 192) with 64 / 128 crops: a CPU-sized teacher for studies."""
from pytracking.parameter.ostrack import vitb_256
from pytracking.utils.params import TrackerParams


def parameters() -> TrackerParams:
    params = vitb_256.parameters()
    params.net_path = "ostrack_vit_tiny.pth"
    params.net_constructor = "ltr.models.ostrack.ostrack_vit_tiny"
    params.template_size = 64
    params.search_size = 128
    params.net_kwargs = {"template_size": params.template_size, "search_size": params.search_size}
    return params
