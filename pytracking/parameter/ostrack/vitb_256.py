"""OSTrack-256 (ViT-B/16, 12 blocks, no candidate elimination) with the published test-time settings."""
from pytracking.utils.params import TrackerParams


def parameters() -> TrackerParams:
    params = TrackerParams()
    # network: file name under the network folder (PYTRACKING_NETWORK_PATH) or an absolute path;
    # the constructor and its arguments build the architecture the file's weights are loaded into
    params.net_path = "ostrack_vitb_256.pth"
    params.net_constructor = "ltr.models.ostrack.ostrack_vitb_256"
    params.net_kwargs = {}
    params.use_gpu = True  # params.device ('cpu', 'cuda', 'cuda:1') overrides

    # crops: side ceil(sqrt(w h) * factor) around the box, resized to size, zero padding
    params.template_factor = 2.0
    params.template_size = 128
    params.search_factor = 4.0
    params.search_size = 256

    # the tracked box keeps at least this many pixels inside the image (and this width / height)
    params.clip_margin = 10
    return params
