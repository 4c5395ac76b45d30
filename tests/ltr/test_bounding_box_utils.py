"""Training-side torch box utilities: format conversion, IoU, rescale, clip, R-CNN offsets."""
import math

import pytest
import torch

from ltr.data.bounding_box_utils import (
    box_iou,
    clip_box,
    decode_offsets,
    encode_offsets,
    rescale_box,
    xywh_to_xyxy,
    xyxy_to_xywh,
)


def test_xywh_to_xyxy_adds_size_to_corner():
    assert xywh_to_xyxy(torch.tensor([1.0, 2.0, 3.0, 4.0])).tolist() == [1.0, 2.0, 4.0, 6.0]


def test_xyxy_to_xywh_inverts_xywh_to_xyxy():
    boxes = torch.tensor([[1.0, 2.0, 3.0, 4.0], [-5.0, 0.5, 10.0, 2.0]])
    assert torch.equal(xyxy_to_xywh(xywh_to_xyxy(boxes)), boxes)


def test_iou_of_half_overlapping_squares_is_one_third():
    # [0,2)x[0,2) and [1,3)x[0,2): intersection 2, union 6
    iou = box_iou(torch.tensor([0.0, 0.0, 2.0, 2.0]), torch.tensor([1.0, 0.0, 2.0, 2.0]))
    assert torch.isclose(iou, torch.tensor(1 / 3))


def test_iou_of_identical_boxes_is_one_and_of_disjoint_boxes_zero():
    a = torch.tensor([[0.0, 0.0, 4.0, 4.0], [0.0, 0.0, 1.0, 1.0]])
    b = torch.tensor([[0.0, 0.0, 4.0, 4.0], [5.0, 5.0, 1.0, 1.0]])
    assert box_iou(a, b).tolist() == [1.0, 0.0]


def test_iou_broadcasts_proposals_against_one_box():
    proposals = torch.tensor([[0.0, 0.0, 2.0, 2.0], [0.0, 0.0, 4.0, 4.0], [2.0, 2.0, 2.0, 2.0]])
    iou = box_iou(proposals, torch.tensor([[0.0, 0.0, 4.0, 4.0]]))
    assert torch.allclose(iou, torch.tensor([0.25, 1.0, 0.25]))


def test_iou_of_empty_boxes_is_zero_not_nan():
    assert box_iou(torch.zeros(4), torch.zeros(4)).item() == 0.0


def test_rescale_box_scales_x_and_y_separately():
    assert rescale_box(torch.tensor([2.0, 4.0, 6.0, 8.0]), 0.5, 2.0).tolist() == [1.0, 8.0, 3.0, 16.0]


def test_clip_box_keeps_the_part_inside_the_image():
    # [-2, 3) x [8, 14) in a 10 x 10 image -> [0, 3) x [8, 10)
    assert clip_box(torch.tensor([-2.0, 8.0, 5.0, 6.0]), 10, 10).tolist() == [0.0, 8.0, 3.0, 2.0]


def test_clip_box_outside_the_image_has_zero_area():
    assert clip_box(torch.tensor([12.0, 1.0, 3.0, 3.0]), 10, 10).tolist() == [10.0, 1.0, 0.0, 3.0]


def test_encode_offsets_hand_case():
    # proposal centre (20, 20), size 20x10; target centre (30, 15), size 40x10
    proposal = torch.tensor([10.0, 15.0, 20.0, 10.0])
    target = torch.tensor([10.0, 10.0, 40.0, 10.0])
    assert encode_offsets(proposal, target).tolist() == pytest.approx([0.5, -0.5, math.log(2.0), 0.0])


def test_decode_offsets_inverts_encode_offsets():
    proposals = torch.tensor([[10.0, 15.0, 20.0, 10.0], [0.0, 0.0, 3.0, 7.0]])
    targets = torch.tensor([[12.0, 9.0, 31.0, 6.0], [-2.0, 1.0, 5.0, 5.0]])
    assert torch.allclose(decode_offsets(proposals, encode_offsets(proposals, targets)), targets, atol=1e-5)
