"""CompressTracker-6 (6 ViT-B blocks replacing OSTrack-256's 12); test-time settings as OSTrack-256."""
from pytracking.parameter.ostrack import vitb_256
from pytracking.utils.params import TrackerParams


def parameters() -> TrackerParams:
    params = vitb_256.parameters()
    params.net_path = "compresstracker_vitb_256_6.pth"
    params.net_constructor = "ltr.models.ostrack.compresstracker_vitb_256_6"
    return params
