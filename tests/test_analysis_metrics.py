"""Per-frame measures, per-sequence cleaning and curves (PyTracking's analysis conventions)."""
import numpy as np
import pytest

from pytracking.analysis import metrics as m
from pytracking.evaluation.data import Sequence


def box(*rows):
    return np.array(rows, dtype=np.float64)


def table_of(gt, dataset="otb", visible=None):
    seq = Sequence("seq", ["frame.jpg"] * len(gt), dataset, box(*gt), target_visible=visible)
    return m.GroundTruthTable.from_sequences([seq])


def aligned(pred, gt, dataset="otb", visible=None):
    return m.align_predictions(table_of(gt, dataset, visible), [box(*pred)], ["tracker 'x' sequence 'seq'"])


def measures(pred, gt, dataset="otb", visible=None):
    table = table_of(gt, dataset, visible)
    return m.frame_measures(table, m.align_predictions(table, [box(*pred)], ["seq"]), ["seq"])


# ----------------------------------------------------------------------------- per-frame measures

def test_iou_of_identical_boxes_is_exactly_one():
    assert m.iou(box([3, 4, 10, 20]), box([3, 4, 10, 20]))[0] == 1.0


def test_iou_of_disjoint_boxes_is_zero():
    assert m.iou(box([0, 0, 10, 10]), box([50, 50, 10, 10]))[0] == 0.0


def test_iou_of_boxes_touching_at_an_edge_is_zero():
    assert m.iou(box([0, 0, 10, 10]), box([10, 0, 10, 10]))[0] == 0.0


def test_iou_is_continuous_intersection_over_union():
    # overlap 5 x 10 = 50, union 100 + 100 - 50 = 150
    assert m.iou(box([0, 0, 10, 10]), box([5, 0, 10, 10]))[0] == pytest.approx(1 / 3)


def test_centre_is_xy_plus_half_of_wh_minus_one():
    np.testing.assert_array_equal(m.box_centres(box([10, 20, 5, 7])), [[12.0, 23.0]])


def test_centre_error_is_euclidean_distance_of_centres():
    assert m.centre_error(box([0, 0, 10, 10]), box([3, 4, 10, 10]))[0] == 5.0


def test_normalised_centre_error_divides_each_axis_by_ground_truth_size():
    # dx = 5 / 10 = 0.5, dy = 10 / 20 = 0.5
    assert m.normalised_centre_error(box([5, 10, 10, 20]), box([0, 0, 10, 20]))[0] == pytest.approx(np.sqrt(0.5))


# ----------------------------------------------------------------------------- per-sequence cleaning

GT4 = [[10, 10, 10, 10]] * 4


def test_zero_size_prediction_is_replaced_by_previous_box_cascading():
    pred = aligned([[10, 10, 10, 10], [12, 10, 10, 10], [0, 0, 0, 0], [5, 5, 10, 0]], GT4)
    np.testing.assert_array_equal(pred[2:], [[12, 10, 10, 10], [12, 10, 10, 10]])


def test_zero_size_replacement_uses_the_raw_first_prediction():
    # replacement happens before frame 0 is overwritten by the ground truth
    pred = aligned([[0, 0, 5, 5], [0, 0, 0, 0], [10, 10, 10, 10], [10, 10, 10, 10]], GT4)
    np.testing.assert_array_equal(pred[:2], [[10, 10, 10, 10], [0, 0, 5, 5]])


def test_zero_size_prediction_is_kept_where_ground_truth_is_nan():
    gt = [[10, 10, 10, 10], [10, 10, 10, 10], [np.nan] * 4]
    pred = aligned([[10, 10, 10, 10], [11, 10, 10, 10], [0, 0, 0, 0]], gt, dataset="uav")
    np.testing.assert_array_equal(pred[2], [0, 0, 0, 0])


def test_nan_in_prediction_raises_naming_the_source():
    with pytest.raises(m.PredictionError, match="tracker 'x' sequence 'seq'.*frame 2"):
        aligned([[10, 10, 10, 10], [10, 10, 10, 10], [np.nan, 1, 1, 1], [10, 10, 10, 10]], GT4)


def test_negative_size_in_prediction_raises():
    with pytest.raises(m.PredictionError, match="negative"):
        aligned([[10, 10, 10, 10], [10, 10, -1, 10], [10, 10, 10, 10], [10, 10, 10, 10]], GT4)


def test_nan_in_ground_truth_raises_outside_uav():
    with pytest.raises(ValueError, match="sequence 'seq'.*NaN in the ground truth"):
        table_of([[10, 10, 10, 10], [np.nan] * 4])


def test_lasot_prediction_shorter_than_ground_truth_raises():
    with pytest.raises(m.PredictionError, match="2 predicted boxes for 4"):
        aligned([[10, 10, 10, 10]] * 2, GT4, dataset="lasot")


def test_lasot_prediction_longer_than_ground_truth_is_truncated():
    pred = aligned([[10, 10, 10, 10]] * 4 + [[99, 99, 1, 1]], GT4, dataset="lasot")
    assert pred.shape == (4, 4)


def test_otb_prediction_shorter_than_ground_truth_is_padded_with_zero_boxes():
    # padding comes after the zero-size replacement, so padded boxes stay zero
    pred = aligned([[10, 10, 10, 10], [11, 10, 10, 10]], GT4)
    np.testing.assert_array_equal(pred[2:], np.zeros((2, 4)))


def test_first_frame_is_set_to_the_ground_truth():
    pred = aligned([[50, 50, 3, 3]] + [[10, 10, 10, 10]] * 3, GT4)
    np.testing.assert_array_equal(pred[0], GT4[0])


def test_invalid_frame_scores_iou_minus_one_and_infinite_centre_error():
    gt = [[10, 10, 10, 10], [10, 10, 0, 10]]
    result = measures([[10, 10, 10, 10], [10, 10, 10, 10]], gt)
    assert (result.overlap[1], result.centre_error[1], result.norm_centre_error[1]) == (-1.0, np.inf, -1.0)


def test_ground_truth_with_zero_x_is_invalid():
    result = measures([[10, 10, 10, 10], [0, 10, 10, 10]], [[10, 10, 10, 10], [0, 10, 10, 10]])
    assert result.overlap[1] == -1.0


def test_uav_invalid_frame_has_centre_error_minus_one():
    result = measures([[10, 10, 10, 10], [10, 10, 10, 10]], [[10, 10, 10, 10], [np.nan] * 4], dataset="uav")
    assert (result.overlap[1], result.centre_error[1], result.norm_centre_error[1]) == (-1.0, -1.0, -1.0)


def test_lasot_invisible_frame_has_infinite_centre_errors():
    result = measures([[10, 10, 10, 10]] * 2, [[10, 10, 10, 10]] * 2, dataset="lasot", visible=[True, False])
    assert (result.overlap[1], result.centre_error[1], result.norm_centre_error[1]) == (-1.0, np.inf, np.inf)


def test_invisible_frame_outside_lasot_has_normalised_error_minus_one():
    result = measures([[10, 10, 10, 10]] * 2, [[10, 10, 10, 10]] * 2, dataset="otb", visible=[True, False])
    assert (result.overlap[1], result.centre_error[1], result.norm_centre_error[1]) == (-1.0, np.inf, -1.0)


def test_sequences_are_cleaned_independently_when_concatenated():
    seqs = [Sequence(n, ["f"] * 2, "otb", box(*[[10, 10, 10, 10]] * 2)) for n in ("a", "b")]
    table = m.GroundTruthTable.from_sequences(seqs)
    # b's frame 1 is zero-size: replaced by b's frame 0 prediction, not by a's last box
    pred = m.align_predictions(table, [box([10, 10, 10, 10], [40, 40, 5, 5]), box([7, 7, 7, 7], [0, 0, 0, 0])],
                               ["a", "b"])
    np.testing.assert_array_equal(pred[3], [7, 7, 7, 7])


# ----------------------------------------------------------------------------- curves

def test_success_counts_iou_strictly_greater_than_threshold():
    counts = m.threshold_counts(np.array([0.5]), np.array([0]), 1, m.OVERLAP_THRESHOLDS, greater=True)
    assert counts[0, 9] == 1 and counts[0, 10] == 0


def test_precision_counts_error_less_or_equal_threshold():
    counts = m.threshold_counts(np.array([20.0]), np.array([0]), 1, m.CENTER_THRESHOLDS, greater=False)
    assert counts[0, 19] == 0 and counts[0, 20] == 1


def test_thresholds_follow_the_conventions():
    assert len(m.OVERLAP_THRESHOLDS) == 21 and m.OVERLAP_THRESHOLDS[3] == 3 * 0.05
    assert m.CENTER_THRESHOLDS[-1] == 50 and m.NORM_CENTER_THRESHOLDS[7] == 7 / 100


def test_hand_made_four_frame_sequence_scores():
    # GT [1,1,10,10] on 4 frames. Frame 0 := GT (IoU 1, err 0); frame 1 shifted 5 px in x
    # (IoU 50/150 = 1/3, err 5, nerr 0.5); frame 2 half height (IoU 50/100 = 0.5, err 2.5,
    # nerr 0.25); frame 3 disjoint (IoU 0, err 30, nerr 3).
    # Success counts: t = 0..0.30 (7 thresholds): 3; t = 0.35..0.45 (3): 2; t = 0.5: 1 (0.5 is
    # not > 0.5); t = 0.55..0.95 (9): 1; t = 1.0: 0  ->  sum 37 / 4 / 21 = 44.05 %.
    # OP50 = OP75 = 1/4; P(20) = 3/4 (errors 0, 5, 2.5); NP(0.2) = 1/4 (only frame 0).
    gt = [[1, 1, 10, 10]] * 4
    table = table_of(gt)
    pred = m.align_predictions(table, [box([50, 50, 3, 3], [6, 1, 10, 10], [1, 1, 10, 5], [31, 1, 10, 10])], ["s"])
    curves = m.sequence_curves(table, m.frame_measures(table, pred, ["s"]))
    scores = m.scores_from_curves(curves.success[0], curves.precision[0], curves.norm_precision[0])
    assert scores["auc"] == pytest.approx(37 / 84 * 100)
    assert (scores["op50"], scores["op75"], scores["precision"], scores["norm_precision"]) == (25, 25, 75, 25)


def test_uav_invalid_frame_counts_as_precision_success():
    table = table_of([[10, 10, 10, 10], [np.nan] * 4], dataset="uav")
    pred = m.align_predictions(table, [box([10, 10, 10, 10], [90, 90, 10, 10])], ["s"])
    curves = m.sequence_curves(table, m.frame_measures(table, pred, ["s"]))
    assert curves.precision[0, 0] == 1.0 and curves.success[0, 0] == 0.5


def test_exclude_invalid_frames_divides_by_valid_frame_count():
    # perfect prediction, frame 3 invalid (GT width 0): S(0) = 3/4 by default, 3/3 when excluded
    gt = [[10, 10, 10, 10]] * 3 + [[10, 10, 0, 10]]
    table = table_of(gt)
    pred = m.align_predictions(table, [box(*[[10, 10, 10, 10]] * 4)], ["s"])
    frame = m.frame_measures(table, pred, ["s"])
    assert m.sequence_curves(table, frame).success[0, 0] == 0.75
    assert m.sequence_curves(table, frame, exclude_invalid_frames=True).success[0, 0] == 1.0


def test_average_overlap_is_mean_iou_over_valid_frames():
    gt = [[10, 10, 10, 10], [10, 10, 10, 10], [10, 10, 0, 10]]
    table = table_of(gt)
    pred = m.align_predictions(table, [box([0, 0, 1, 1], [15, 10, 10, 10], [10, 10, 10, 10])], ["s"])
    curves = m.sequence_curves(table, m.frame_measures(table, pred, ["s"]))
    assert curves.average_overlap[0] == pytest.approx((1 + 1 / 3) / 2)


def test_sequence_without_valid_frames_raises_with_exclude_invalid_frames():
    table = table_of([[10, 10, 0, 0]])
    frame = m.frame_measures(table, m.align_predictions(table, [box([1, 1, 1, 1])], ["s"]), ["s"])
    with pytest.raises(ValueError, match="sequence 'seq' has no valid frames"):
        m.sequence_curves(table, frame, exclude_invalid_frames=True)
