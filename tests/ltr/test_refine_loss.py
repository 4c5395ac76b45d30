"""Alpha-Refine loss: corner MSE + 1000 x mask BCE over mask-labelled samples; the actor logs each term."""
import math

import pytest
import torch
from torch import nn

from ltr.actors.refine import RefineActor
from ltr.models.loss.refine_loss import RefineLoss


def masks(batch: int, logits: float = 0.0, target: float = 1.0) -> tuple:
    return torch.full((batch, 1, 4, 4), logits), torch.full((batch, 1, 4, 4), target)


def test_corner_term_is_the_mean_squared_error_over_all_coordinates():
    corners, corners_gt = torch.tensor([[0.0, 0.0, 10.0, 10.0]]), torch.tensor([[1.0, 2.0, 10.0, 12.0]])
    losses = RefineLoss()(corners, corners_gt, *masks(1), torch.tensor([False]))
    assert losses["corner"].item() == pytest.approx((1 + 4 + 0 + 4) / 4)


def test_mask_term_counts_only_samples_with_masks():
    logits, target = masks(2)  # logit 0 -> BCE ln 2 whatever the target
    logits[1] = -50.0  # far off, but the sample has no mask label
    corners = torch.zeros(2, 4)
    losses = RefineLoss()(corners, corners, logits, target, torch.tensor([True, False]))
    assert losses["mask"].item() == pytest.approx(math.log(2))
    assert losses["total"].item() == pytest.approx(1000 * math.log(2))


def test_mask_term_is_zero_not_nan_without_mask_labels():
    corners = torch.zeros(2, 4)
    losses = RefineLoss()(corners, corners + 2.0, *masks(2), torch.tensor([False, False]))
    assert losses["mask"].item() == 0.0 and losses["total"].item() == pytest.approx(4.0)


def test_mask_weight_scales_the_mask_term():
    corners = torch.zeros(1, 4)
    losses = RefineLoss(mask_weight=2.0)(corners, corners, *masks(1, logits=0.0, target=0.0), torch.tensor([True]))
    assert losses["total"].item() == pytest.approx(2 * math.log(2))


def test_mismatched_shapes_are_an_error_naming_both():
    with pytest.raises(ValueError, match=r"corners \(1, 4\) vs \(2, 4\)"):
        RefineLoss()(torch.zeros(1, 4), torch.zeros(2, 4), *masks(1), torch.tensor([True]))


class FixedOutputNet(nn.Module):
    """Predicts the corners (8, 8, 24, 24) and mask logits 0 for every sample."""

    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(torch.ones(()))

    def forward(self, template, search, with_mask=True):
        batch = search.shape[0]
        corners = self.scale * torch.tensor([[8.0, 8.0, 24.0, 24.0]]).repeat(batch, 1)
        return {"corners": corners, "mask_logits": self.scale * torch.zeros(batch, 1, 32, 32)}


def test_actor_scores_xyxy_corners_against_the_xywh_search_box_and_logs_every_term():
    batch = {"template_images": torch.zeros(2, 3, 32, 32), "search_images": torch.zeros(2, 3, 32, 32),
             "search_anno": torch.tensor([[8.0, 8.0, 16.0, 16.0], [8.0, 8.0, 16.0, 8.0]]),
             "search_mask": torch.ones(2, 1, 32, 32), "has_mask": torch.tensor([True, False])}
    loss, stats = RefineActor(FixedOutputNet())(batch)
    # second sample: y2 predicted 24, true 16 -> (8^2) / 8 coordinates
    assert stats["Loss/corner"] == pytest.approx(64 / 8)
    assert stats["Loss/mask"] == pytest.approx(math.log(2))
    assert stats["Loss/total"] == pytest.approx(loss.item()) == pytest.approx(8 + 1000 * math.log(2))
    assert stats["mIoU"] == pytest.approx((1 + 0.5) / 2)
