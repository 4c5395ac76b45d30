"""SiamFC labels (diamond, L1 radius r_pos / stride) and the balanced BCE loss."""
import math

import pytest
import torch

from ltr.models.loss import BalancedBCELoss, siamfc_labels


def test_labels_are_a_diamond_of_l1_radius_two_cells():
    expected = torch.tensor([[0, 0, 1, 0, 0],
                             [0, 1, 1, 1, 0],
                             [1, 1, 1, 1, 1],
                             [0, 1, 1, 1, 0],
                             [0, 0, 1, 0, 0]], dtype=torch.float32)
    assert torch.equal(siamfc_labels(5), expected)


def test_17x17_labels_have_13_positives_around_the_centre():
    labels = siamfc_labels(17)
    assert labels.shape == (17, 17) and labels.sum() == 13
    assert labels[8, 10] == 1 and labels[9, 9] == 1 and labels[8, 11] == 0 and labels[9, 10] == 0


def test_radius_is_r_pos_over_total_stride():
    assert siamfc_labels(15, r_pos=8, total_stride=8).sum() == 5


def test_all_zero_logits_cost_log_2():
    logits = torch.zeros(2, 1, 5, 5)
    assert BalancedBCELoss()(logits, siamfc_labels(5)).item() == pytest.approx(math.log(2))


def test_positives_and_negatives_weigh_half_each_whatever_their_counts():
    labels = siamfc_labels(5)
    logits = torch.where(labels.bool(), torch.tensor(2.0), torch.tensor(-1.0)).expand(2, 1, 5, 5)
    softplus = torch.nn.functional.softplus
    expected = 0.5 * softplus(torch.tensor(-2.0)) + 0.5 * softplus(torch.tensor(-1.0))
    assert BalancedBCELoss()(logits, labels).item() == pytest.approx(expected.item())


def test_loss_accepts_per_sample_labels():
    labels = siamfc_labels(5).expand(3, 1, 5, 5)
    logits = torch.randn(3, 1, 5, 5)
    assert BalancedBCELoss()(logits, labels).item() == pytest.approx(BalancedBCELoss()(logits, labels[0, 0]).item())


def test_loss_needs_both_classes():
    with pytest.raises(ValueError, match="positive and negative"):
        BalancedBCELoss()(torch.zeros(1, 1, 3, 3), torch.ones(3, 3))
