"""Helpers shared by the ATOM and DRNet tracker tests: a small synthetic clip and cheap trackers."""
import math

from ltr.data.synthetic import SequenceSpec, make_sequence, sequence_rng
from pytracking.evaluation.tracker import Tracker


def small_clip() -> tuple:
    """(6 frames of 160x120, first box [x, y, w, h]) of a generated sequence."""
    seq = make_sequence(sequence_rng(0, 0), SequenceSpec("Unit", num_frames=6, image_size=(160, 120),
                                                         target_size=24))
    return seq.frames, [float(v) for v in seq.boxes[0]]


def cheap_tracker(tracker_class: type, name: str, param: str, network, **overrides):
    """The tracker of ``name/param`` with a random-weight ``network`` given directly (no file), made cheaper
    for tests: 128-px samples (8x8 features), 2 of the 12 rotations, plus ``overrides``; every other setting
    as in the parameter file."""
    params = Tracker(name, param).get_parameters()
    params.device, params.net = "cpu", network
    params.sample_size, params.augmentation_rotations = 128, (10, -10)
    params.tracker_name, params.param_name = name, param
    for key, value in overrides.items():
        setattr(params, key, value)
    return tracker_class(params)


def run(tracker, images, box) -> list:
    """Boxes of ``tracker`` over ``images[1:]`` after initialising on ``images[0]``."""
    tracker.initialize(images[0], {"init_bbox": box})
    return [tracker.track(image, {})["target_bbox"] for image in images[1:]]


def assert_finite_positive_boxes(boxes: list, count: int) -> None:
    assert len(boxes) == count
    for box in boxes:
        assert isinstance(box, list) and len(box) == 4 and all(isinstance(v, float) and math.isfinite(v) for v in box)
        assert box[2] > 0 and box[3] > 0
