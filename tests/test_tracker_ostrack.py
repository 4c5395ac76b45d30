"""OSTrack / CompressTracker tracker: crops, Hann-windowed decoding, map-back through the search crop,
clipping with OSTrack's margin, determinism, parameter files."""
import math

import numpy as np
import pytest
import torch

from ltr.admin.loading import import_callable
from ltr.data.synthetic import SequenceSpec, make_sequence, sequence_rng
from ltr.data.transforms import IMAGENET_MEAN, IMAGENET_STD
from pytracking.analysis.profiling import load_frames
from pytracking.evaluation.tracker import Tracker
from pytracking.parameter.ostrack import vitb_256
from pytracking.tracker.ostrack.ostrack import OSTracker, clip_box_with_margin
from tests.conftest import require_otb_sample

GRID = 16  # score-map side of the 256-pixel search crops
BLACK = torch.tensor([-m / s for m, s in zip(IMAGENET_MEAN, IMAGENET_STD)])  # a zero pixel, normalised
WHITE = torch.tensor([(1 - m) / s for m, s in zip(IMAGENET_MEAN, IMAGENET_STD)])


class StubNet(torch.nn.Module):
    """Returns fixed (1, k, 16, 16) maps whatever the crops, and records the crops it was given."""

    def __init__(self, score: torch.Tensor, size: tuple = (0.25, 0.25), offset: tuple = (0.0, 0.0)):
        super().__init__()
        self.score = score.view(1, 1, GRID, GRID)
        self.size = torch.tensor(size).view(1, 2, 1, 1).expand(1, 2, GRID, GRID)
        self.offset = torch.tensor(offset).view(1, 2, 1, 1).expand(1, 2, GRID, GRID)
        self.calls = []

    def forward(self, template: torch.Tensor, search: torch.Tensor) -> dict:
        self.calls.append((template.clone(), search.clone()))
        return {"score_map": self.score, "size_map": self.size, "offset_map": self.offset}


def peak_at(row: int, col: int) -> torch.Tensor:
    score = torch.full((GRID, GRID), 1e-4)
    score[row, col] = 1.0
    return score


def make_tracker(param: str = "vit_tiny", net: torch.nn.Module = None) -> OSTracker:
    """Tracker from the parameter file with ``net`` (default: the file's network with random weights, seed 0)."""
    params = Tracker("ostrack", param).get_parameters()
    params.tracker_name, params.param_name, params.device = "ostrack", param, "cpu"
    if net is None:
        torch.manual_seed(0)
        net = import_callable(params.net_constructor)(**params.net_kwargs)
    params.net = net
    return OSTracker(params)


def stub_tracker(net: StubNet, image_size=(360, 480), box=(100, 80, 40, 40)) -> OSTracker:
    """vitb_256 settings (2.0 -> 128, 4.0 -> 256 crops) with a stub network, initialised on a black image."""
    tracker = make_tracker("vitb_256", net)
    tracker.initialize(np.zeros((*image_size, 3), np.uint8), {"init_bbox": list(box)})
    return tracker


def track_boxes(tracker: OSTracker, images: list, box: list) -> list:
    tracker.initialize(images[0], {"init_bbox": box})
    return [tracker.track(image, {})["target_bbox"] for image in images[1:]]


@pytest.fixture(scope="module")
def synthetic_frames():
    seq = make_sequence(sequence_rng(0, 0), SequenceSpec("Unit", num_frames=4))
    return seq.frames, [float(v) for v in seq.boxes[0]]


@pytest.mark.parametrize("param", ["vit_tiny", "compresstracker_vit_tiny_4"])
def test_tracks_real_frames_with_random_weights(param):
    root = require_otb_sample().parent
    images, box, _ = load_frames("otb", "Football1", str(root), 4)
    height, width = images[0].shape[:2]
    for x, y, w, h in track_boxes(make_tracker(param), images, box):
        assert all(math.isfinite(v) for v in (x, y, w, h)) and w >= 10 and h >= 10
        assert 0 <= x <= width - 10 and 0 <= y <= height - 10


def test_same_boxes_twice_on_cpu(synthetic_frames):
    images, box = synthetic_frames
    tracker = make_tracker()
    assert track_boxes(tracker, images, box) == track_boxes(tracker, images, box)


def test_template_comes_from_the_first_frame_and_is_never_updated(synthetic_frames):
    images, box = synthetic_frames
    net = StubNet(peak_at(8, 8))
    tracker = make_tracker("vitb_256", net)
    tracker.initialize(images[0], {"init_bbox": box})
    first_frame_template = tracker._crop(images[0], box, 2.0, 128)[0]
    for image in images[1:]:
        tracker.track(image, {})
    assert len(net.calls) == len(images) - 1
    assert all(torch.equal(template, first_frame_template) for template, _ in net.calls)


def square_mask(size: int, lo: int, hi: int) -> torch.Tensor:
    """(size, size) mask of the square [lo, hi) x [lo, hi)."""
    mask = torch.zeros(size, size, dtype=torch.bool)
    mask[lo:hi, lo:hi] = True
    return mask


def test_template_spans_twice_and_search_four_times_the_target_size():
    image = np.zeros((360, 480, 3), np.uint8)
    image[80:120, 100:140] = 255  # the 40 x 40 target
    net = StubNet(peak_at(8, 8))
    tracker = make_tracker("vitb_256", net)
    tracker.initialize(image, {"init_bbox": [100, 80, 40, 40]})
    tracker.track(image, {})
    template, search = net.calls[0]
    assert template.shape == (1, 3, 128, 128) and search.shape == (1, 3, 256, 256)
    # 80 (160) image px -> 128 (256) crop px: the target covers crop pixels [32, 96) ([96, 160)); bilinear
    # resampling blends the pixels next to its edges
    for crop, lo, hi in ((template[0], 32, 96), (search[0], 96, 160)):
        size = crop.shape[-1]
        assert torch.allclose(crop[:, square_mask(size, lo + 2, hi - 2)], WHITE[:, None], atol=1e-5)
        assert torch.allclose(crop[:, ~square_mask(size, lo - 2, hi + 2)], BLACK[:, None], atol=1e-5)


def test_target_at_the_border_is_zero_padded():
    image = np.full((100, 100, 3), 255, np.uint8)
    tracker = make_tracker("vitb_256", StubNet(peak_at(8, 8)))
    tracker.initialize(image, {"init_bbox": [0, 0, 20, 20]})
    # template window: 40 image px from (-10, -10) -> 128 crop px, the image starts at crop pixel 32
    template = tracker.template[0]
    assert torch.allclose(template[:, :30, :], BLACK[:, None, None], atol=1e-5)
    assert torch.allclose(template[:, :, :30], BLACK[:, None, None], atol=1e-5)
    assert torch.allclose(template[:, 34:, 34:], WHITE[:, None, None], atol=1e-5)


def test_uniform_scores_pick_the_hann_window_centre():
    # search window around [100, 80, 40, 40]: side 160 from (40, 20), 1.6 crop px per image px; without the
    # window the argmax would be cell (0, 0); with it cell (7, 7), centre 112 crop px -> (40 + 70, 20 + 70)
    tracker = stub_tracker(StubNet(torch.full((GRID, GRID), 0.5)))
    assert tracker.track(np.zeros((360, 480, 3), np.uint8))["target_bbox"] == [90, 70, 40, 40]


def test_search_crop_follows_the_previous_box():
    tracker = stub_tracker(StubNet(torch.full((GRID, GRID), 0.5)))
    image = np.zeros((360, 480, 3), np.uint8)
    boxes = [tracker.track(image)["target_bbox"] for _ in range(3)]
    assert boxes == [[90, 70, 40, 40], [80, 60, 40, 40], [70, 50, 40, 40]]  # cell (7, 7) is 10 px up-left


def test_peak_offset_and_size_map_back_through_the_search_crop():
    # cell (row 4, col 10) + offset (0.5, 0.25) -> crop centre (168, 68) -> image (40 + 105, 20 + 42.5);
    # size (0.5, 0.25) of 256 crop px -> 80 x 40 image px
    tracker = stub_tracker(StubNet(peak_at(4, 10), size=(0.5, 0.25), offset=(0.5, 0.25)))
    assert tracker.track(np.zeros((360, 480, 3), np.uint8))["target_bbox"] == [105, 42.5, 80, 40]


def test_box_leaving_the_image_is_clipped_with_margin_10():
    # window around [150, 60, 40, 40] in a 200-px wide image: from x 90; cell 15 + offset 1 -> x centre 250
    tracker = stub_tracker(StubNet(peak_at(7, 15), offset=(1.0, 0.0)), image_size=(150, 200), box=(150, 60, 40, 40))
    assert tracker.track(np.zeros((150, 200, 3), np.uint8))["target_bbox"] == [190, 50, 10, 40]


def test_clip_box_keeps_a_box_inside_the_image_unchanged():
    assert clip_box_with_margin([20, 30, 40, 50], 200, 100, 10) == [20, 30, 40, 50]


def test_clip_box_cuts_the_part_outside_the_image():
    assert clip_box_with_margin([-20, 70, 60, 50], 200, 100, 10) == [0, 70, 40, 30]


def test_clip_box_keeps_margin_pixels_of_a_box_outside_the_image():
    assert clip_box_with_margin([-50, 120, 20, 30], 200, 100, 10) == [0, 90, 10, 10]


def test_clip_box_widens_boxes_smaller_than_the_margin():
    assert clip_box_with_margin([50, 50, 4, 6], 200, 100, 10) == [50, 50, 10, 10]


def test_vitb_256_parameters_are_the_published_test_settings():
    params = vitb_256.parameters()
    assert (params.template_factor, params.template_size, params.search_factor, params.search_size,
            params.clip_margin) == (2.0, 128, 4.0, 256, 10)
    assert params.net_constructor == "ltr.models.ostrack.ostrack_vitb_256"


@pytest.mark.parametrize("layers", [2, 3, 4, 6])
def test_compresstracker_parameters_differ_from_ostrack_only_in_the_network(layers):
    params = Tracker("ostrack", f"compresstracker_vitb_256_{layers}").get_parameters()
    teacher = vitb_256.parameters()
    assert params.net_constructor == f"ltr.models.ostrack.compresstracker_vitb_256_{layers}"
    assert params.net_path == f"compresstracker_vitb_256_{layers}.pth"
    assert ({k: v for k, v in vars(params).items() if k not in ("net_path", "net_constructor")}
            == {k: v for k, v in vars(teacher).items() if k not in ("net_path", "net_constructor")})
