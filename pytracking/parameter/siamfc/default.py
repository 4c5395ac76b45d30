"""SiamFC (AlexNetV1, channels 96-256-384-384-256) with the published test-time settings."""
from pytracking.utils.params import TrackerParams


def parameters() -> TrackerParams:
    params = TrackerParams()
    # network: file name under the network folder (PYTRACKING_NETWORK_PATH) or an absolute path;
    # the constructor and its arguments build the architecture the file's weights are loaded into
    params.net_path = "siamfc_alexnet.pth"
    params.net_constructor = "ltr.models.siamfc.siamfc_alexnet"
    params.net_kwargs = {"channels": (96, 256, 384, 384, 256)}
    params.use_gpu = True  # params.device ('cpu', 'cuda', 'cuda:1') overrides

    # crops
    params.exemplar_size = 127
    params.instance_size = 255
    params.context_amount = 0.5

    # scale search and localisation
    params.scale_num = 3
    params.scale_step = 1.0375
    params.scale_penalty = 0.9745
    params.scale_lr = 0.59
    params.window_influence = 0.176
    params.response_upsampling = 16  # 17x17 -> 272x272, bicubic
    params.total_stride = 8
    return params
