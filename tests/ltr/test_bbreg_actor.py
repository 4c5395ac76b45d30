"""ATOM actor: IoU predictions against 2 * IoU - 1 labels (ltr.actors.bbreg)."""
import pytest
import torch
from torch import nn

from ltr.actors.bbreg import ATOMActor


class FakeATOM(nn.Module):
    """Predicts ``offset`` for every proposal; records its inputs. Has a BN feature extractor."""

    def __init__(self, offset: float = 0.0):
        super().__init__()
        self.feature_extractor = nn.BatchNorm2d(3)
        self.bb_regressor = nn.Linear(1, 1)
        self.offset = nn.Parameter(torch.tensor(offset))
        self.inputs = None

    def forward(self, train_imgs, test_imgs, train_bb, test_proposals):
        self.inputs = (train_imgs, test_imgs, train_bb, test_proposals)
        return torch.zeros(test_proposals.shape[:-1]) + self.offset


def _batch(labels):
    labels = torch.tensor(labels)  # (num_test, B, N)
    num_test, batch, num = labels.shape
    return {"train_images": torch.zeros(1, batch, 3, 8, 8), "test_images": torch.ones(num_test, batch, 3, 8, 8),
            "train_anno": torch.zeros(1, batch, 4), "test_proposals": torch.zeros(num_test, batch, num, 4),
            "test_anno": torch.zeros(num_test, batch, 4), "proposal_iou": labels}


def test_loss_is_the_mse_of_predictions_and_labels_with_mean_iou_stat():
    loss, stats = ATOMActor(FakeATOM(offset=0.0))(_batch([[[1.0, -0.6]]]))
    assert loss.item() == pytest.approx((1.0 + 0.36) / 2)
    assert stats["Loss/total"] == stats["Loss/iou"] == pytest.approx(0.68)
    assert stats["mIoU"] == pytest.approx((1.0 + 0.2) / 2)  # IoUs 1 and 0.2


def test_loss_gradient_reaches_the_network():
    net = FakeATOM(offset=0.5)
    loss, _ = ATOMActor(net)(_batch([[[1.0, 1.0]]]))
    loss.backward()
    assert net.offset.grad.item() == pytest.approx(2 * (0.5 - 1.0))


def test_network_gets_train_images_test_images_train_boxes_and_proposals():
    net = FakeATOM()
    data = _batch([[[0.0]]])
    ATOMActor(net)(data)
    for got, key in zip(net.inputs, ("train_images", "test_images", "train_anno", "test_proposals"), strict=True):
        assert got is data[key]


def test_prediction_shape_mismatch_is_an_error_naming_both_shapes():
    data = _batch([[[0.0, 0.0]]])
    data["proposal_iou"] = torch.zeros(1, 1, 3)
    with pytest.raises(ValueError, match=r"\(1, 1, 2\).*\(1, 1, 3\)"):
        ATOMActor(FakeATOM())(data)


def test_frozen_feature_extractor_stays_in_eval_mode_while_training():
    net = FakeATOM()
    net.feature_extractor.requires_grad_(False)
    ATOMActor(net).train(True)
    assert net.training and net.bb_regressor.training and not net.feature_extractor.training


def test_trainable_feature_extractor_follows_the_training_mode():
    net = FakeATOM()
    actor = ATOMActor(net)
    actor.train(True)
    assert net.feature_extractor.training
    actor.train(False)
    assert not net.feature_extractor.training
