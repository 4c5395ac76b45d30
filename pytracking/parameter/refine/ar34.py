"""Alpha-Refine SEcm_r34 (the released model): ResNet-34, pixel-wise correlation, corner head."""
from pytracking.utils.params import TrackerParams


def parameters() -> TrackerParams:
    params = TrackerParams()
    # network: file name under the network folder (PYTRACKING_NETWORK_PATH) or a path
    params.net_path = "alpharefine_secm_r34.pth"
    params.net_constructor = "ltr.models.refine.alpharefine_secm_r34"
    params.net_kwargs = {}
    params.use_gpu = True
    params.search_factor = 2.0   # crop = ceil(2w) x ceil(2h) around the base box
    params.output_size = 256     # resized to 256 x 256
    params.min_size = 10.0       # refined boxes are at least 10 px wide and high
    return params
