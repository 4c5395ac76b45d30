"""ATOM's fast box step (closed-form PrRoIPool box gradients, per-frame terms computed once) gives the
boxes of autograd through the IoU-Net, and the ATOM / DRNet students track real frames as before it."""
import numpy as np
import pytest
import torch

from ltr.models.bbreg.atom import atom_mobilenetsmall, atom_resnet18
from ltr.models.bbreg.drnet import drnet_mobilenetsmall
from pytracking.analysis.profiling import load_frames
from pytracking.features.preprocessing import sample_patch
from pytracking.tracker.atom.atom import ATOMTracker
from pytracking.tracker.atom.iou_refine import ascend_boxes, jittered_boxes
from pytracking.tracker.drnet.drnet import DRNetTracker
from tests.conftest import require_otb_sample
from tests.online_tracker_helpers import cheap_tracker, run

SAMPLE_SIZE = 288  # the parameter files' sample size


@pytest.fixture(scope="module")
def football() -> tuple:
    """The first 6 frames of the real OTB sequence Football1 and its first box [x, y, w, h]."""
    sample = require_otb_sample()
    images, box, _ = load_frames("otb", sample.name, str(sample.parent), 6)
    return images, box


def refinement_inputs(constructor, football: tuple) -> tuple:
    """(tracker, IoU-Net features of frame 2, (10, 4) start boxes) for a random-weight network (seed 0).

    Both frames are sampled at the first box; the tracker holds the IoU-Net modulation of frame 1; the
    start boxes are the target box at the sample centre and 9 jittered ones, in sample pixels. The
    backbone features are scaled to unit RMS: a random MobileNetV2's are ~1e-5, which leaves the
    random IoU-Net's predictions and box gradients near 1e-9 and the boxes in place.
    """
    images, (x, y, w, h) = football
    torch.manual_seed(0)
    tracker = cheap_tracker(ATOMTracker, "atom", "mobilenetsmall", constructor().eval(), sample_size=SAMPLE_SIZE)
    tracker.target_sz = np.array([h, w])
    pos, side = np.array([y + h / 2, x + w / 2]), tracker._sample_side()
    reference_feat, iou_feat = ([f / f.square().mean().sqrt() for f in tracker._features(patch[None])[1]]
                                for patch in (sample_patch(image, pos, side, SAMPLE_SIZE) for image in images[:2]))
    box = tracker._crop_box(np.array([SAMPLE_SIZE / 2, SAMPLE_SIZE / 2]), side / SAMPLE_SIZE)
    with torch.no_grad():
        tracker.modulation = tracker.net.bb_regressor.get_modulation(reference_feat, box.view(1, 4))
    p = tracker.params
    boxes = jittered_boxes(box, p.num_init_random_boxes, p.box_jitter_pos, p.box_jitter_sz,
                           torch.Generator().manual_seed(0))
    return tracker, iou_feat, boxes


def autograd_iou_function(tracker: ATOMTracker, iou_feat: list):
    """The plain path: the IoU-Net's ``predict_iou``, differentiated by autograd through ``prroi_pool2d``."""
    head = tracker.net.bb_regressor
    return lambda boxes: head.predict_iou(tracker.modulation, head.get_iou_feat(iou_feat), boxes)


@pytest.mark.parametrize("constructor", [atom_mobilenetsmall, atom_resnet18], ids=["mobilenetsmall", "resnet18"])
def test_fast_box_step_climbs_to_the_boxes_of_autograd_through_the_iou_net(football, constructor):
    tracker, iou_feat, boxes = refinement_inputs(constructor, football)
    steps, step_length = tracker.params.box_refinement_iter, tracker.params.box_refinement_step_length
    fast_boxes, fast_iou = ascend_boxes(tracker.iou_function(iou_feat), boxes, steps, step_length)
    plain_boxes, plain_iou = ascend_boxes(autograd_iou_function(tracker, iou_feat), boxes, steps, step_length)
    assert (plain_boxes - boxes).abs().max() > 0.1  # the boxes do move
    assert (fast_boxes - plain_boxes).abs().max() < 1e-4  # pixels
    torch.testing.assert_close(fast_iou, plain_iou, rtol=0, atol=1e-5)


def test_fast_iou_function_predicts_the_iou_nets_values(football):
    tracker, iou_feat, boxes = refinement_inputs(atom_mobilenetsmall, football)
    with torch.no_grad():
        torch.testing.assert_close(tracker.iou_function(iou_feat)(boxes[None]),
                                   autograd_iou_function(tracker, iou_feat)(boxes[None]), rtol=0, atol=1e-6)


# Boxes [x, y, w, h] of frames 2-6 recorded with the box step before the fast path (autograd through
# the IoU-Net); random weights (seed 0), the cheap test settings with a 20-iteration first-frame
# optimisation, and a not-found threshold of -1 so that every frame runs the box step. The same on 1
# and 2 threads.
RECORDED_BOXES = {
    "atom": [[151.655032, 104.277819, 28.934042, 41.715738], [149.674667, 84.070728, 31.315108, 37.367013],
             [147.182755, 105.516804, 36.24246, 39.518141], [145.398219, 81.350803, 37.647043, 41.852833],
             [143.213715, 82.642287, 40.854135, 41.427432]],
    "drnet": [[153.000003, 104.999998, 26.0, 42.999999], [153.000006, 104.999996, 25.999999, 42.999998],
              [153.000009, 104.999993, 25.999999, 42.999997], [153.000012, 82.012394, 25.999998, 42.999996],
              [153.000015, 82.012391, 25.999998, 42.999995]],
}


@pytest.mark.parametrize("name, tracker_class, constructor", [("atom", ATOMTracker, atom_mobilenetsmall),
                                                              ("drnet", DRNetTracker, drnet_mobilenetsmall)])
def test_students_track_real_frames_to_the_recorded_boxes(football, name, tracker_class, constructor):
    torch.manual_seed(0)
    tracker = cheap_tracker(tracker_class, name, "mobilenetsmall", constructor().eval(), init_CG_iter=20,
                            init_GN_iter=2, target_not_found_threshold=-1.0)
    boxes = run(tracker, *football)
    np.testing.assert_allclose(boxes, RECORDED_BOXES[name], rtol=0, atol=1e-3)
