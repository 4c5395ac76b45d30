"""KCF on raw grayscale pixels with a Gaussian kernel (Henriques et al., TPAMI 2015) + 3-scale search."""
from pytracking.utils.params import TrackerParams


def parameters() -> TrackerParams:
    return TrackerParams(
        padding=1.5,                 # search window = target size * (1 + padding)
        max_patch_size=64,           # the window is resampled so its larger side is at most this many cells
        lambda_=1e-4,                # ridge regularisation
        output_sigma_factor=0.1,     # Gaussian label sigma = factor * sqrt(w * h) (in cells)
        kernel_sigma=0.2,            # Gaussian kernel bandwidth on pixels scaled to [-0.5, 0.5]
        interp_factor=0.075,         # model learning rate
        scales=(0.98, 1.0, 1.02),    # relative scales searched per frame
        scale_penalty=0.995,         # response multiplier of the non-unit scales
        min_size=4.0,                # the box never shrinks below this many pixels per side
        num_threads=1,               # torch intra-op threads while tracking (tiny FFTs: 1 is fastest)
        debug=0,
    )
