"""DRNet tracker: offset decoding, residual reweighting, runs with random weights, repeats exactly, parameters,
profile script."""
import json
import math

import pytest
import torch

from ltr.data.bounding_box_utils import decode_offsets
from ltr.models.bbreg.drnet import drnet_mobilenetsmall
from pytracking import run_profile
from pytracking.evaluation.tracker import Tracker
from pytracking.libs.tensorlist import TensorList
from pytracking.tracker.atom.classifier import (
    FactorizedConvProblem,
    FilterProblem,
    SampleMemory,
    effective_weights,
    residual_reweighting,
)
from pytracking.tracker.drnet import get_tracker_class
from pytracking.tracker.drnet.drnet import DRNetTracker
from tests.online_tracker_helpers import assert_finite_positive_boxes, cheap_tracker, run, small_clip


@pytest.fixture(scope="module")
def frames():
    return small_clip()


@pytest.fixture(scope="module")
def network():
    torch.manual_seed(0)
    return drnet_mobilenetsmall().eval()


def make_tracker(network, **overrides) -> DRNetTracker:
    """Also cheaper first-frame optimisation: 20 CG iterations over 2 GN iterations."""
    return cheap_tracker(DRNetTracker, "drnet", "mobilenetsmall", network, init_CG_iter=20, init_GN_iter=2,
                         **overrides)


@pytest.fixture(scope="module")
def two_runs(network, frames):
    """Two independent trackers (residual reweighting on, as in the parameter file; the update CG on every
    frame) and their boxes."""
    trackers = make_tracker(network, train_skipping=1), make_tracker(network, train_skipping=1)
    return trackers, [run(tracker, *frames) for tracker in trackers]


def test_decode_offsets_hand_case():
    # proposal centre (20, 30), size (20, 10); dx = 0.5 -> cx 30, dy = -1 -> cy 20, dw = log 2 -> w 40, dh = 0 -> h 10
    proposal = torch.tensor([10.0, 25.0, 20.0, 10.0])
    offsets = torch.tensor([0.5, -1.0, math.log(2.0), 0.0])
    assert decode_offsets(proposal, offsets).tolist() == pytest.approx([10.0, 15.0, 40.0, 10.0])


def test_zero_offsets_keep_the_proposal():
    proposals = torch.rand(2, 3, 4) * 50 + 1
    assert torch.allclose(decode_offsets(proposals, torch.zeros(2, 3, 4)), proposals)


def test_residual_reweighting_factors_hand_values():
    residuals = torch.zeros(3, 1, 2, 2)
    residuals[0, 0, 1, 0], residuals[1, 0, 0, 1] = 2.0, -1.0  # max |r|: 2, 1, 0 -> exp(1), exp(1/2), exp(0)
    assert residual_reweighting(residuals).tolist() == pytest.approx([math.e, math.exp(0.5), 1.0])


def test_all_zero_residuals_give_unit_factors():
    assert residual_reweighting(torch.zeros(2, 1, 3, 3)).tolist() == [1.0, 1.0]


def test_largest_residual_gets_the_largest_effective_weight_and_the_sum_is_kept():
    residuals = torch.tensor([1.0, 3.0, 2.0]).view(3, 1, 1, 1)
    weights = torch.tensor([0.2, 0.2, 0.2])
    factors = torch.exp(torch.tensor([1 / 3, 1.0, 2 / 3]))
    effective = effective_weights(residuals, weights, reweight=True)
    assert int(effective.argmax()) == 1
    assert effective.tolist() == pytest.approx((0.6 * factors / factors.sum()).tolist())


def test_without_reweighting_the_weights_are_unchanged():
    weights = torch.tensor([0.7, 0.3])
    assert effective_weights(torch.rand(2, 1, 3, 3), weights, reweight=False) is weights


def test_first_frame_problem_weights_the_residuals_by_the_reweighted_weights():
    labels = torch.zeros(2, 1, 5, 5)
    labels[0, 0, 2, 2], labels[1, 0, 2, 2] = 1.0, 0.5  # zero filter: scores 0, residual peaks 1 and 0.5
    problem = FactorizedConvProblem(torch.randn(2, 4, 4, 4), labels, torch.tensor([0.5, 0.5]), filter_reg=0.1,
                                    proj_reg=1e-4, min_val=0.05, reweight=True)
    residuals = problem(TensorList([torch.zeros(1, 2, 4, 4), torch.randn(2, 4, 1, 1)]))[0]
    w_eff = torch.tensor([math.e, math.exp(0.5)]) / (math.e + math.exp(0.5))
    assert torch.allclose(residuals, -labels * w_eff.sqrt().view(2, 1, 1, 1))


def test_update_problem_reweights_without_changing_the_stored_weights():
    labels = torch.zeros(2, 1, 5, 5)
    labels[0, 0, 2, 2], labels[1, 0, 2, 2] = 0.5, 1.0
    memory = SampleMemory(3, torch.randn(2, 2, 4, 4), labels, torch.tensor([0.5, 0.5]))
    problem = FilterProblem(memory, filter_reg=0.1, min_val=0.05, reweight=True)
    residuals = problem(TensorList([torch.zeros(1, 2, 4, 4)]))
    w_eff = torch.tensor([math.exp(0.5), math.e]) / (math.e + math.exp(0.5))
    assert torch.allclose(residuals[0], -labels * w_eff.sqrt().view(2, 1, 1, 1))
    assert memory.active()[2].tolist() == [0.5, 0.5]


def test_tracks_five_synthetic_frames_with_residual_reweighting_on(two_runs):
    trackers, boxes = two_runs
    optimizer = trackers[0].filter_optimizer
    assert optimizer.problem.reweight and len(optimizer.losses) == 2 * 5  # before/after each frame's update CG
    assert all(math.isfinite(float(loss)) for loss in optimizer.losses)
    assert_finite_positive_boxes(boxes[0], 5)


def test_two_runs_give_identical_boxes(two_runs):
    assert two_runs[1][0] == two_runs[1][1]


def test_box_step_applies_the_regressed_offsets(network, frames):
    images, box = frames
    tracker = make_tracker(network)
    tracker.initialize(images[0], {"init_bbox": box})
    feat, iou_feat = tracker._features(images[1][:128, :128][None])
    proposal = torch.tensor([40.0, 50.0, 20.0, 30.0])
    head = tracker.net.bb_regressor
    with torch.no_grad():
        offsets = head.predict_offsets(tracker.modulation, head.get_iou_feat(iou_feat), proposal.view(1, 1, 4))
    assert torch.allclose(tracker.estimate_box(iou_feat, proposal), decode_offsets(proposal, offsets[0, 0]))


def test_registered_tracker_class_is_an_atom_subclass():
    from pytracking.tracker.atom.atom import ATOMTracker
    assert get_tracker_class() is DRNetTracker and issubclass(DRNetTracker, ATOMTracker)


@pytest.mark.parametrize("param, constructor, net_path, dim", [
    ("default", "ltr.models.bbreg.drnet.drnet_resnet50", "drnet_default.pth", 64),
    ("mobilenetsmall", "ltr.models.bbreg.drnet.drnet_mobilenetsmall", "drnet_mobilenetsmall.pth", 32)])
def test_parameters_are_atom_with_drnet_changes(param, constructor, net_path, dim):
    drnet = Tracker("drnet", param).get_parameters()
    atom = Tracker("atom", param).get_parameters()
    changed = {k for k in vars(atom) if getattr(atom, k) != getattr(drnet, k)}
    assert changed == {"sample_size", "search_area_scale", "init_CG_iter", "init_GN_iter", "residual_reweighting",
                       "net_path", "net_constructor"}
    assert (drnet.sample_size, drnet.search_area_scale, drnet.init_CG_iter, drnet.init_GN_iter) == (320, 5.5, 100, 10)
    assert drnet.residual_reweighting and not atom.residual_reweighting
    assert (drnet.net_constructor, drnet.net_path, drnet.compressed_dim) == (constructor, net_path, dim)


def test_profile_reports_the_student_parameter_count_with_random_weights(tmp_path):
    report_file = tmp_path / "report.json"
    assert run_profile.main(["drnet", "mobilenetsmall", "--random-weights", "--json", str(report_file)]) == 0
    report = json.loads(report_file.read_text())
    assert report["params"] == 3_856_588  # drnet_mobilenetsmall, all parameters (methods reference)
    assert report["macs_per_frame"] > 0
