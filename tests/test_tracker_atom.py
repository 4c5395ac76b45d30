"""ATOM tracker: runs with random weights, repeats exactly, localisation flags, IoU refinement, classifier parts."""
import math

import numpy as np
import pytest
import torch

from ltr.admin.environment import MissingPathError
from ltr.models.bbreg.atom import atom_mobilenetsmall
from pytracking.evaluation.tracker import Tracker
from pytracking.features.augmentation import Augmentation, first_frame_augmentations
from pytracking.features.preprocessing import sample_patch
from pytracking.libs.optimization import GaussNewtonCG
from pytracking.libs.tensorlist import TensorList
from pytracking.tracker.atom.atom import ATOMTracker
from pytracking.tracker.atom.classifier import FactorizedConvProblem, SampleMemory, find_peaks
from pytracking.tracker.atom.iou_refine import ascend_boxes, select_box
from tests.online_tracker_helpers import assert_finite_positive_boxes, cheap_tracker, run, small_clip


@pytest.fixture(scope="module")
def frames():
    return small_clip()


@pytest.fixture(scope="module")
def network():
    torch.manual_seed(0)
    return atom_mobilenetsmall().eval()


def make_tracker(network, param: str = "mobilenetsmall") -> ATOMTracker:
    return cheap_tracker(ATOMTracker, "atom", param, network)


@pytest.fixture(scope="module")
def two_runs(network, frames):
    """The boxes of two independent runs over the 5 tracked frames."""
    return run(make_tracker(network), *frames), run(make_tracker(network), *frames)


def test_tracks_five_synthetic_frames_with_random_weights(two_runs):
    assert_finite_positive_boxes(two_runs[0], 5)


def test_two_runs_give_identical_boxes(two_runs):
    assert two_runs[0] == two_runs[1]


def test_flat_response_keeps_the_box_and_flags_not_found(network, frames):
    images, box = frames
    tracker = make_tracker(network)
    tracker.initialize(images[0], {"init_bbox": box})
    with torch.no_grad():
        tracker.filter.zero_()  # scores mlu(0) = 0 everywhere, below the 0.25 threshold
    out = tracker.track(images[1], {})
    assert tracker.flag == "not_found"
    assert out["target_bbox"] == pytest.approx(box)


@pytest.fixture
def localizer(network):
    """A tracker whose target neighbourhood is 2 x 2 score cells (32-px target, scale 1, stride 16) and whose
    sample centre (the previous position) is score cell (4, 4) of a 9 x 9 map (128-px samples)."""
    tracker = cheap_tracker(ATOMTracker, "atom", "mobilenetsmall", network, target_neighborhood_scale=1.0)
    tracker.target_sz, tracker.stride = np.array([32.0, 32.0]), 16.0
    return tracker


def localize(tracker: ATOMTracker, *peaks) -> tuple:
    """(flag, peak cell as a list or None) of a 9 x 9 zero score map with the given ((row, col), score) peaks."""
    scores = torch.zeros(9, 9)
    for (row, col), value in peaks:
        scores[row, col] = value
    flag, peak = tracker._localize(scores, 1.0)
    return flag, None if peak is None else peak.tolist()


def test_localize_flags_not_found_below_the_threshold(localizer):
    assert localize(localizer, ((4, 4), 0.2)) == ("not_found", None)


def test_localize_single_peak_is_normal(localizer):
    assert localize(localizer, ((4, 5), 1.0)) == ("normal", [4, 5])


def test_localize_second_peak_above_half_the_first_is_a_hard_negative(localizer):
    assert localize(localizer, ((4, 4), 1.0), ((0, 0), 0.6)) == ("hard_negative", [4, 4])


def test_localize_keeps_the_first_peak_when_the_distractor_is_farther(localizer):
    # normalised displacements from cell (4, 4): d1 = |(0, 1)| / 2 = 0.5, d2 = |(4, 4)| / 2 = 2.83
    assert localize(localizer, ((4, 5), 1.0), ((0, 0), 0.9)) == ("hard_negative", [4, 5])


def test_localize_takes_the_second_peak_when_it_is_at_the_previous_position(localizer):
    # d1 = 2.83, d2 = 0 < 0.8 * d1
    assert localize(localizer, ((0, 0), 1.0), ((4, 4), 0.9)) == ("hard_negative", [4, 4])


def test_localize_is_uncertain_when_both_peaks_are_equally_far(localizer):
    # d1 = d2 = 3 / 2: neither is below 0.8 times the other
    assert localize(localizer, ((4, 1), 1.0), ((4, 7), 0.9)) == ("uncertain", [4, 1])


def test_localize_ignores_a_strong_second_peak_below_the_not_found_threshold(localizer):
    # 0.24 > 0.8 * 0.28 would be a distractor, but 0.24 < 0.25
    assert localize(localizer, ((4, 4), 0.28), ((0, 0), 0.24)) == ("normal", [4, 4])


def initialized_tracker(network, frames, **overrides) -> ATOMTracker:
    """A tracker initialised on the first frame with a cheap first-frame optimisation."""
    images, box = frames
    tracker = cheap_tracker(ATOMTracker, "atom", "mobilenetsmall", network, augmentation_rotations=(),
                            augmentation_blurs=(), dropout_num=0, init_CG_iter=4, init_GN_iter=2, **overrides)
    tracker.initialize(images[0], {"init_bbox": box})
    return tracker


@pytest.mark.parametrize("flag, new_samples", [("hard_negative", 1), ("uncertain", 0)])
def test_uncertain_frame_moves_the_box_without_storing_a_sample(network, frames, monkeypatch, flag, new_samples):
    images, box = frames
    tracker = initialized_tracker(network, frames)
    num, filt = tracker.memory.num, tracker.filter.clone()
    # peak one cell right of the sample centre (4, 4), no box refinement: the centre moves by stride * scale
    monkeypatch.setattr(tracker, "_localize", lambda scores, scale: (flag, torch.tensor([4.0, 5.0])))
    monkeypatch.setattr(tracker, "estimate_box", lambda iou_feat, crop_box: None)
    out = tracker.track(images[1], {})["target_bbox"]
    scale = tracker._sample_side() / tracker.params.sample_size
    assert out == pytest.approx([box[0] + 16 * scale, box[1], box[2], box[3]])
    assert tracker.memory.num == num + new_samples
    assert torch.equal(tracker.filter, filt) == (new_samples == 0)


@pytest.mark.parametrize("update_scale, size_factor", [(True, 2.0), (False, 1.0)])
def test_uncertain_frame_changes_the_size_only_if_update_scale_when_uncertain(network, frames, monkeypatch,
                                                                              update_scale, size_factor):
    images, box = frames
    tracker = initialized_tracker(network, frames, update_scale_when_uncertain=update_scale)
    monkeypatch.setattr(tracker, "_localize", lambda scores, scale: ("uncertain", torch.tensor([4.0, 4.0])))
    # the box step doubles the box around its centre
    monkeypatch.setattr(tracker, "estimate_box", lambda iou_feat, b: torch.cat([b[:2] - b[2:] / 2, 2 * b[2:]]))
    out = tracker.track(images[1], {})["target_bbox"]
    assert out[2:] == pytest.approx([size_factor * box[2], size_factor * box[3]])


@pytest.mark.parametrize("width, height", [(6, 4), (5, 3)])
def test_sample_of_a_box_is_centred_on_the_box(width, height):
    # box [x, y, w, h] = [20, 10, w, h]: pixels x..x+w-1, y..y+h-1; continuous centre (y + h / 2, x + w / 2)
    image = np.zeros((40, 40, 3), np.uint8)
    image[10:10 + height, 20:20 + width] = 255
    patch = sample_patch(image, np.array([10 + height / 2, 20 + width / 2]), 16, 16)[..., 0].astype(np.float64)
    rows, cols = np.indices(patch.shape) + 0.5  # crop pixel k spans [k, k + 1): its centre is k + 1/2
    centroid = [(rows * patch).sum() / patch.sum(), (cols * patch).sum() / patch.sum()]
    assert centroid == pytest.approx([8.0, 8.0], abs=0.1)  # the crop centre; a half-pixel slip would give 7.5


def test_missing_network_file_names_the_parameter_file(monkeypatch, tmp_path):
    monkeypatch.setenv("PYTRACKING_NETWORK_PATH", str(tmp_path))
    params = Tracker("atom", "default").get_parameters()
    params.tracker_name, params.param_name, params.device = "atom", "default", "cpu"
    with pytest.raises(MissingPathError, match="atom/default.py"):
        ATOMTracker(params)


def test_box_ascent_follows_the_predicted_iou_gradient():
    # iou = -|b - t|^2 / 200: gradient -(b - t) / 100, times the box size 10 -> each step removes 1/10 of the gap
    target = torch.tensor([20.0, 30.0, 12.0, 8.0])
    start = torch.tensor([[10.0, 40.0, 10.0, 10.0]])
    boxes, iou = ascend_boxes(lambda b: -((b - target) ** 2).sum(-1) / 200, start, num_steps=5, step_length=1.0)
    expected = target + (start[0] - target) * 0.9 ** 5
    assert torch.allclose(boxes[0], expected)
    assert iou[0] == pytest.approx(float(-((expected - target) ** 2).sum() / 200))


def test_refinement_moves_a_perturbed_box_towards_higher_predicted_iou(network):
    tracker = make_tracker(network)
    tracker.generator = torch.Generator().manual_seed(0)  # refine_box needs only the parameters and the generator
    target = torch.tensor([130.0, 120.0, 40.0, 30.0])
    perturbed = torch.tensor([120.0, 128.0, 50.0, 24.0])
    refined = tracker.refine_box(lambda b: -((b - target) ** 2).sum(-1) / 1000, perturbed)
    assert (refined - target).norm() < 0.5 * (perturbed - target).norm()


def test_select_box_drops_extreme_aspect_ratios_and_averages_the_top_three():
    boxes = torch.tensor([[0, 0, 70, 10], [0, 0, 10, 10], [2, 0, 10, 10], [4, 0, 10, 10], [6, 0, 10, 10.0]])
    iou = torch.tensor([0.99, 0.9, 0.8, 0.7, 0.1])
    assert select_box(boxes, iou, max_aspect=6, top_k=3).tolist() == [2, 0, 10, 10]
    assert select_box(boxes[:1], iou[:1], max_aspect=6, top_k=3) is None


def test_factorized_problem_residual_shapes():
    feat, labels = torch.randn(3, 16, 18, 18), torch.rand(3, 1, 19, 19)
    problem = FactorizedConvProblem(feat, labels, torch.ones(3) / 3, filter_reg=0.1, proj_reg=1e-4, min_val=0.05)
    residuals = problem(TensorList([torch.zeros(1, 8, 4, 4), torch.randn(8, 16, 1, 1)]))
    assert [tuple(r.shape) for r in residuals] == [(3, 1, 19, 19), (1, 8, 4, 4), (8, 16, 1, 1)]
    # zero filter: scores mlu(0) = 0, so the data residual is -sqrt(w) * label
    assert torch.allclose(residuals[0], -labels / math.sqrt(3))


def test_sample_memory_replaces_the_lowest_weight_when_full():
    memory = SampleMemory(2, torch.zeros(2, 1, 1, 1), torch.zeros(2, 1, 1, 1), torch.tensor([1.0, 3.0]))
    slot = memory.add(torch.ones(1, 1, 1, 1), torch.ones(1, 1, 1, 1), lr=0.5)
    # old weights 0.25, 0.75 -> 0.125, 0.375; the new sample takes slot 0 with weight 0.5 -> renormalised
    assert slot == 0
    assert memory.weights.tolist() == pytest.approx([0.5 / 0.875, 0.375 / 0.875])


def test_find_peaks_ignores_the_neighbourhood_of_the_maximum():
    scores = torch.zeros(7, 7)
    scores[3, 3], scores[3, 4], scores[0, 6] = 1.0, 0.9, 0.6
    max1, peak, max2, peak2 = find_peaks(scores, (1.0, 1.0))
    assert (max1, peak.tolist(), max2, peak2.tolist()) == (1.0, [3, 3], pytest.approx(0.6), [0, 6])


def test_shift_augmentation_moves_the_target_as_its_offset_says():
    image = np.zeros((40, 40, 3), np.uint8)
    image[20, 20] = 255  # pixel (20, 20) spans [20, 21): crop pixel 8 of a 16-px sample centred at (20, 20)
    shift = first_frame_augmentations((), (), 0.5, 16, flip=False)[1]  # target moved by +4 px in x and y
    patch = sample_patch(image, np.array([20.0, 20.0]), 16, 16, shift)
    offset = shift.target_offset_yx()
    assert offset.tolist() == [4.0, 4.0]
    assert np.unravel_index(patch[..., 0].argmax(), (16, 16)) == (8 + 4, 8 + 4)
    assert sample_patch(image, np.array([20.0, 20.0]), 16, 16, Augmentation())[8, 8, 0] == 255


def test_vot_parameters_change_only_sample_scale_learning_rate_and_window():
    base = Tracker("atom", "mobilenetsmall").get_parameters()
    vot = Tracker("atom", "mobilenetsmall_vot").get_parameters()
    changed = {k for k in vars(base) if getattr(base, k) != getattr(vot, k)}
    assert changed == {"sample_size", "search_area_scale", "learning_rate", "window_output"}
    assert (vot.sample_size, vot.search_area_scale, vot.learning_rate, vot.window_output) == (224, 4.0, 0.0075, True)


def test_first_frame_gauss_newton_learns_from_a_zero_filter():
    torch.manual_seed(0)
    feat, labels = torch.randn(4, 16, 6, 6), torch.rand(4, 1, 7, 7)
    problem = FactorizedConvProblem(feat, labels, torch.ones(4) / 4, filter_reg=0.1, proj_reg=1e-4, min_val=0.05)
    variables = TensorList([torch.zeros(1, 8, 4, 4), torch.randn(8, 16, 1, 1) / 4])
    losses = GaussNewtonCG(problem, variables).run(10, 3)
    assert losses[-1] < 0.5 * losses[0]
    assert variables[0].abs().sum() > 0
