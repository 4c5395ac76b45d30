"""ATOM / IoU-Net training samples: crops, proposals and IoU labels (ltr.data.atom_processing)."""
import random

import numpy as np
import pytest
import torch

from ltr.data.atom_processing import IMAGENET_MEAN, ATOMProcessing, atom_frame_transform, perturb_box, sample_proposals
from ltr.data.bounding_box_utils import box_iou
from ltr.data.loader import ltr_collate
from ltr.data.transforms import Compose, ToTensor

# 40 x 10 target centred at (120, 85): crop side 5 * sqrt(400) = 100, window corner (70, 35)
BOX = [100.0, 80.0, 40.0, 10.0]
NO_JITTER = {"train": 0.0, "test": 0.0}


def _image(box=BOX, size=(200, 240)):
    """(H, W, 3) uint8: 255 inside the integer box, 0 elsewhere."""
    image = np.zeros((*size, 3), dtype=np.uint8)
    x, y, w, h = (int(v) for v in box)
    image[y:y + h, x:x + w] = 255
    return image


def _sample(num_test=1):
    return {"template_images": [_image()], "template_anno": [torch.tensor(BOX)],
            "search_images": [_image()] * num_test, "search_anno": [torch.tensor(BOX)] * num_test,
            "dataset": "toy", "object_class": None}


def _raw_processing(**kwargs):
    """ATOMProcessing with 0-255 tensors (no jitter of the colours) for checking pixels."""
    return ATOMProcessing(frame_transform=Compose([ToTensor()]), **kwargs)


def test_proposal_ious_equal_the_recomputed_iou_and_are_at_least_min_iou():
    box = torch.tensor([10.0, 20.0, 30.0, 15.0])
    proposals, ious = sample_proposals(box, 500, min_iou=0.1, rng=random.Random(0))
    assert proposals.shape == (500, 4) and ious.shape == (500,)
    assert torch.equal(ious, box_iou(proposals, box))
    assert ious.min() >= 0.1 and (proposals[:, 2:] > 0).all()


def test_proposals_spread_over_the_sigma_factors():
    _, ious = sample_proposals(torch.tensor([0.0, 0.0, 50.0, 50.0]), 500, rng=random.Random(1))
    assert ious.max() > 0.95 and ious.min() < 0.5  # sigma 0.01 boxes hug the target, 0.3 ones do not


def test_perturb_box_with_a_strict_min_iou_still_meets_it():
    box = torch.tensor([0.0, 0.0, 20.0, 20.0])
    rng = random.Random(2)
    for _ in range(20):
        proposal, iou = perturb_box(box, sigma_factor=0.3, min_iou=0.95, rng=rng)
        assert iou >= 0.95 and torch.equal(iou, box_iou(proposal, box))


def test_train_crop_without_jitter_centres_the_target_at_5_sqrt_wh_scaled_to_288():
    random.seed(0)
    out = _raw_processing()(_sample())
    scale = 288 / 100
    expected = torch.tensor([(100 - 70) * scale, (80 - 35) * scale, 40 * scale, 10 * scale])
    assert torch.allclose(out["train_anno"][0], expected)
    x, y, w, h = out["train_anno"][0].tolist()
    assert (x + w / 2, y + h / 2) == pytest.approx((144.0, 144.0))
    image = out["train_images"][0]
    assert image[:, 144, 144].tolist() == [255.0] * 3  # target at the centre
    assert image[:, 144, 30].tolist() == [0.0] * 3 and image[:, 100, 144].tolist() == [0.0] * 3


def test_test_crop_without_jitter_equals_the_train_crop():
    random.seed(0)
    out = _raw_processing(center_jitter=NO_JITTER, scale_jitter=NO_JITTER)(_sample())
    assert torch.equal(out["test_images"], out["train_images"])
    assert torch.equal(out["test_anno"], out["train_anno"])


def test_test_frame_jitter_moves_the_target_off_the_centre():
    random.seed(3)
    out = _raw_processing()(_sample(num_test=4))
    centres = out["test_anno"][:, :2] + out["test_anno"][:, 2:] / 2
    assert not torch.allclose(centres, torch.full_like(centres, 144.0), atol=1.0)


def test_labels_are_two_iou_minus_one_of_the_proposals_with_the_test_box():
    random.seed(4)
    out = _raw_processing()(_sample(num_test=2))
    iou = box_iou(out["test_proposals"], out["test_anno"][:, None, :])
    assert torch.allclose(out["proposal_iou"], 2 * iou - 1)
    assert out["proposal_iou"].min() >= 2 * 0.1 - 1


def test_output_shapes_per_sample():
    random.seed(5)
    out = _raw_processing(output_size=64)(_sample(num_test=2))
    assert out["train_images"].shape == (1, 3, 64, 64) and out["test_images"].shape == (2, 3, 64, 64)
    assert out["train_anno"].shape == (1, 4) and out["test_anno"].shape == (2, 4)
    assert out["test_proposals"].shape == (2, 16, 4) and out["proposal_iou"].shape == (2, 16)
    assert out["dataset"] == "toy" and "template_images" not in out and "search_anno" not in out


def test_collating_with_stack_dim_1_puts_frames_before_the_batch():
    random.seed(6)
    processing = _raw_processing(output_size=32)
    batch = ltr_collate([processing(_sample(num_test=2)) for _ in range(3)], stack_dim=1)
    assert batch["train_images"].shape == (1, 3, 3, 32, 32) and batch["train_anno"].shape == (1, 3, 4)
    assert batch["test_proposals"].shape == (2, 3, 16, 4) and batch["proposal_iou"].shape == (2, 3, 16)


def test_frame_transform_scales_to_0_1_and_normalises_with_imagenet_statistics():
    image = np.full((4, 4, 3), 0, dtype=np.float32)
    image[..., :] = [255 * m for m in IMAGENET_MEAN]
    images, _ = atom_frame_transform(brightness=0.0)([image], None)
    assert images[0].shape == (3, 4, 4) and images[0].abs().max() < 1e-5


def test_jitter_factors_need_train_and_test_keys():
    with pytest.raises(ValueError, match="center_jitter"):
        ATOMProcessing(center_jitter={"test": 4.5})
