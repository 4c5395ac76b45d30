"""OSTrack's losses (GIoU, L1, Gaussian centre label, focal) and CompressTracker's distillation terms."""
import math

import pytest
import torch

from ltr.models.loss.ostrack_loss import (
    OSTrackLoss,
    box_losses,
    cxcywh_to_xyxy,
    feature_mimicking_loss,
    focal_loss,
    gaussian_label,
    gaussian_radius,
    generalized_iou,
    prediction_guidance_loss,
)


def xyxy(*boxes):
    return torch.tensor(boxes, dtype=torch.float32)


def test_giou_of_identical_boxes_is_one_so_the_loss_is_zero():
    boxes = xyxy([0.1, 0.2, 0.5, 0.6], [0.0, 0.0, 1.0, 0.25])
    giou, iou = generalized_iou(boxes, boxes)
    assert torch.allclose(giou, torch.ones(2)) and torch.allclose(iou, torch.ones(2))
    assert box_losses(boxes, boxes)[0] == 0


def test_giou_of_disjoint_boxes_subtracts_the_empty_part_of_the_hull():
    # two unit-area squares 1 apart: IoU 0, hull 3 x 1, union 2 -> GIoU = 0 - 1/3
    giou, iou = generalized_iou(xyxy([0.0, 0.0, 1.0, 1.0]), xyxy([2.0, 0.0, 3.0, 1.0]))
    assert iou.item() == 0 and giou.item() == pytest.approx(-1 / 3)
    assert box_losses(xyxy([0.0, 0.0, 1.0, 1.0]), xyxy([2.0, 0.0, 3.0, 1.0]))[0].item() == pytest.approx(4 / 3)


def test_giou_of_overlapping_boxes_by_hand():
    # [0,2]x[0,2] and [1,3]x[1,3]: intersection 1, union 7, hull 9 -> 1/7 - 2/9
    giou, iou = generalized_iou(xyxy([0.0, 0.0, 2.0, 2.0]), xyxy([1.0, 1.0, 3.0, 3.0]))
    assert iou.item() == pytest.approx(1 / 7) and giou.item() == pytest.approx(1 / 7 - 2 / 9)


def test_giou_of_a_box_without_area_is_finite():
    giou, iou = generalized_iou(xyxy([0.5, 0.5, 0.5, 0.5]), xyxy([0.0, 0.0, 1.0, 1.0]))
    assert torch.isfinite(giou).all() and iou.item() == 0


def test_l1_term_is_the_mean_over_all_coordinates():
    _, l1, _ = box_losses(xyxy([0.0, 0.0, 1.0, 1.0], [0.0, 0.0, 1.0, 1.0]),
                          xyxy([0.4, 0.0, 1.0, 1.0], [0.0, 0.0, 1.0, 1.0]))
    assert l1.item() == pytest.approx(0.4 / 8)


def test_cxcywh_to_xyxy():
    assert torch.equal(cxcywh_to_xyxy(torch.tensor([0.5, 0.5, 0.25, 0.5])), torch.tensor([0.375, 0.25, 0.625, 0.75]))


def test_gaussian_radius_of_a_4x4_box_is_cornernets_third_case():
    # a3 = 2.8, b3 = -11.2, c3 = -4.8: (b3 + sqrt(b3^2 - 4 a3 c3)) / 2 = (-11.2 + sqrt(179.2)) / 2; the other
    # two radii, (8 + sqrt(64 - 4 * 16 * 0.3 / 1.7)) / 2 and (16 + sqrt(256 - 76.8)) / 2, are larger
    expected = (-11.2 + math.sqrt(179.2)) / 2
    radius = gaussian_radius(torch.tensor([4.0]), torch.tensor([4.0]), 0.7)
    assert radius.item() == pytest.approx(expected, rel=1e-6)
    assert expected == pytest.approx(1.0933, abs=1e-4)


def test_gaussian_label_of_a_4_cell_box_has_radius_1_and_sigma_one_half():
    # box of 4 x 4 cells centred on cell (8, 5) of a 16 x 16 map: r = int(1.09) = 1, sigma = 3 / 6
    box = torch.tensor([[6.0 / 16, 3.0 / 16, 4.0 / 16, 4.0 / 16]])
    label = gaussian_label(box, 16)
    assert label.shape == (1, 1, 16, 16) and label.dtype == torch.float32
    window = label[0, 0, 4:7, 7:10]
    expected = torch.tensor([[math.exp(-4), math.exp(-2), math.exp(-4)],
                             [math.exp(-2), 1.0, math.exp(-2)],
                             [math.exp(-4), math.exp(-2), math.exp(-4)]])
    assert torch.allclose(window, expected)
    assert label.sum().item() == pytest.approx(expected.sum().item())  # nothing outside the 3 x 3 window
    assert label[0, 0, 5, 8] == 1


def test_gaussian_label_rounds_the_centre_to_a_cell():
    box = torch.tensor([[0.3, 0.6, 0.1, 0.1]])  # centre (0.35, 0.65) * 16 = (5.6, 10.4) -> cell (6, 10)
    assert (gaussian_label(box, 16)[0, 0] == 1).nonzero().tolist() == [[10, 6]]


def test_gaussian_label_of_a_small_box_is_a_single_positive_cell():
    label = gaussian_label(torch.tensor([[0.5, 0.5, 0.05, 0.05]]), 16)  # 0.8 cells: radius < 1
    assert label.sum() == 1 and label[0, 0, 8, 8] == 1


def test_focal_loss_on_a_hand_made_map():
    label = torch.tensor([[[[1.0, 0.5], [0.0, 0.0]]]])
    score = torch.tensor([[[[0.5, 0.5], [0.25, 0.5]]]])
    positive = math.log(0.5) * 0.5 ** 2
    negatives = (math.log(0.5) * 0.5 ** 2 * 0.5 ** 4 + math.log(0.75) * 0.25 ** 2 + math.log(0.5) * 0.5 ** 2)
    assert focal_loss(score, label).item() == pytest.approx(-(positive + negatives))


def test_focal_loss_is_normalised_by_the_number_of_positives():
    label = torch.tensor([[[[1.0, 0.0]]], [[[1.0, 0.0]]]])
    score = torch.tensor([[[[0.5, 0.5]]], [[[0.5, 0.5]]]])
    assert focal_loss(score, label).item() == pytest.approx(focal_loss(score[:1], label[:1]).item())


def test_focal_loss_without_positives_is_the_negative_sum():
    label = torch.zeros(1, 1, 1, 2)
    score = torch.tensor([[[[0.5, 0.25]]]])
    expected = -(math.log(0.5) * 0.25 + math.log(0.75) * 0.0625)
    assert focal_loss(score, label).item() == pytest.approx(expected)


def _prediction(cxcywh, grid=4):
    boxes = torch.tensor([cxcywh])
    return {"pred_boxes": boxes, "score_map": torch.full((1, 1, grid, grid), 0.5)}


def test_tracking_loss_is_2_giou_plus_5_l1_plus_focal_against_the_clamped_ground_truth():
    pred = _prediction([0.5, 0.5, 0.5, 0.5])
    gt = torch.tensor([[0.25, 0.25, 0.5, 0.5]])  # the same box: GIoU and L1 vanish
    total, terms = OSTrackLoss()(pred, gt)
    assert terms["giou"].item() == pytest.approx(0, abs=1e-6) and terms["l1"].item() == 0
    assert total.item() == pytest.approx(terms["focal"].item()) and terms["iou"].item() == pytest.approx(1)
    clamped = torch.tensor([[-0.25, 0.25, 1.0, 0.5]])  # xyxy (-0.25, .., 0.75, ..) clamps to x1 = 0
    _, terms = OSTrackLoss()(_prediction([0.375, 0.5, 0.75, 0.5]), clamped)
    assert terms["l1"].item() == pytest.approx(0, abs=1e-6)


def test_tracking_loss_weights():
    pred = _prediction([0.5, 0.5, 0.5, 0.5])
    gt = torch.tensor([[0.3, 0.2, 0.4, 0.5]])
    total, terms = OSTrackLoss(w_giou=2.0, w_l1=5.0, w_focal=1.0)(pred, gt)
    assert total.item() == pytest.approx(2 * terms["giou"].item() + 5 * terms["l1"].item() + terms["focal"].item())


def test_tracking_loss_refuses_non_finite_predictions():
    with pytest.raises(FloatingPointError, match="non-finite"):
        OSTrackLoss()(_prediction([float("nan"), 0.5, 0.5, 0.5]), torch.tensor([[0.25, 0.25, 0.5, 0.5]]))


def test_prediction_guidance_is_zero_for_the_teachers_boxes_and_2_giou_plus_5_l1_otherwise():
    teacher = torch.tensor([[0.5, 0.5, 0.2, 0.2]])
    assert prediction_guidance_loss(teacher, teacher).item() == pytest.approx(0, abs=1e-6)
    student = torch.tensor([[0.6, 0.5, 0.2, 0.2]])
    giou, l1, _ = box_losses(cxcywh_to_xyxy(student), cxcywh_to_xyxy(teacher))
    assert prediction_guidance_loss(student, teacher).item() == pytest.approx((2 * giou + 5 * l1).item())


def test_feature_mimicking_averages_search_and_template_mse_then_stages():
    # 1 template token, 2 search tokens, width 1: stage 1 errs by 2 on the template (MSE 4) and 0 on the
    # search tokens -> 2; stage 2 errs by 1 everywhere -> 1; mean 1.5
    teacher = [torch.zeros(1, 3, 1), torch.zeros(1, 3, 1)]
    student = [torch.tensor([[[2.0], [0.0], [0.0]]]), torch.ones(1, 3, 1)]
    assert feature_mimicking_loss(student, teacher, num_search_tokens=2).item() == pytest.approx(1.5)


def test_feature_mimicking_needs_matching_stages():
    with pytest.raises(ValueError, match="1 student and 2 teacher"):
        feature_mimicking_loss([torch.zeros(1, 3, 1)], [torch.zeros(1, 3, 1)] * 2, num_search_tokens=2)
