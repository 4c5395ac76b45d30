"""ATOM with ResNet-18 (the CFKD teacher): the published OTB/UAV/NfS/LaSOT settings."""
from pytracking.utils.params import TrackerParams


def parameters() -> TrackerParams:
    params = TrackerParams()
    # network: file name under the network folder (PYTRACKING_NETWORK_PATH) or an absolute path
    params.net_path = "atom_default.pth"
    params.net_constructor = "ltr.models.bbreg.atom.atom_resnet18"
    params.net_kwargs = {"backbone_pretrained": False}
    params.use_gpu = True  # params.device ('cpu', 'cuda') overrides
    params.num_threads = None
    params.seed = 0

    # sample
    params.sample_size = 288
    params.search_area_scale = 5.0
    params.min_target_size = 10.0  # pixels; the target scale is clamped between this and the image size

    # classifier features and filter
    params.normalize_power = 2
    params.compressed_dim = 64
    params.filter_size = 4
    params.response_min_val = 0.05  # MLU activation of the scores
    params.output_sigma_factor = 1 / 4
    params.window_output = False

    # first-frame training
    params.augmentation_flip = True
    params.augmentation_rotations = (5, -5, 10, -10, 20, -20, 30, -30, 45, -45, -60, 60)
    params.augmentation_blurs = ((2, 0.2), (0.2, 2), (3, 1), (1, 3), (2, 2))
    params.augmentation_shift = 0.6  # 4 diagonal shifts of +-0.6 * sample_size / 2
    params.dropout_num = 7
    params.dropout_prob = 0.2
    params.init_CG_iter = 60
    params.init_GN_iter = 6
    params.filter_reg = 1e-1
    params.projection_reg = 1e-4

    # online update
    params.sample_memory_size = 250
    params.learning_rate = 0.01
    params.train_skipping = 10
    params.update_CG_iter = 5
    params.fletcher_reeves = False
    params.direction_forget_factor = 0.9
    params.residual_reweighting = False  # DRNet's sample reweighting by the residuals (first frame and updates)

    # localisation
    params.target_not_found_threshold = 0.25
    params.target_neighborhood_scale = 2.2
    params.hard_negative_threshold = 0.5
    params.hard_negative_learning_rate = 0.02
    params.hard_negative_CG_iter = 5
    # a second peak above distractor_threshold * max1: the peak markedly closer to the previous position
    # (normalised distance below displacement_scale times the other's) wins, else the flag is 'uncertain'
    params.distractor_threshold = 0.8
    params.displacement_scale = 0.8
    params.update_scale_when_uncertain = True  # 'uncertain' frames still update the box size (never the memory)

    # IoU-Net refinement
    params.num_init_random_boxes = 9
    params.box_jitter_pos = 0.1
    params.box_jitter_sz = 0.5
    params.box_refinement_iter = 5
    params.box_refinement_step_length = 1.0
    params.maximal_aspect_ratio = 6.0
    params.iounet_k = 3
    return params
