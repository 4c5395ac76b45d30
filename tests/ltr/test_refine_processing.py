"""Alpha-Refine processing: ceil(2w) x ceil(2h) crops to 256, zero padding, search-only jitter, masks cut alike."""
import random

import numpy as np
import pytest
import torch

from ltr.data.processing_utils import CropWindow
from ltr.data.refine_processing import RefineProcessing
from ltr.data.transforms import Compose, ToGrayscale, ToTensor

NO_JITTER = {"train": 0.0, "test": 0.0}


def raw_processing(**kwargs) -> RefineProcessing:
    """Processing whose crops come out as raw 0-255 tensors (no brightness jitter, no normalisation)."""
    return RefineProcessing(frame_transform=Compose([ToTensor()]), **kwargs)


def sample(image, box, mask=None) -> dict:
    data = {"template_images": [image], "template_anno": [torch.tensor(box, dtype=torch.float32)],
            "search_images": [image.copy()], "search_anno": [torch.tensor(box, dtype=torch.float32)],
            "dataset": "test", "object_class": None}
    if mask is not None:
        data["template_masks"], data["search_masks"] = [mask], [mask.copy()]
    return data


def test_target_fills_the_central_half_of_both_crops():
    # window 80 x 40 at (30, 20): scale (3.2, 6.4) -> box (20 * 3.2, 10 * 6.4, 40 * 3.2, 20 * 6.4)
    out = raw_processing(center_jitter=NO_JITTER, scale_jitter=NO_JITTER)(
        sample(np.zeros((100, 200, 3), np.uint8), [50, 30, 40, 20]))
    assert out["template_images"].shape == out["search_images"].shape == (3, 256, 256)
    assert out["template_anno"].tolist() == out["search_anno"].tolist() == [64.0, 64.0, 128.0, 128.0]


def test_box_lands_where_the_integer_window_puts_it():
    # w 41.3 -> window width ceil(82.6) = 83, x0 = round(70.65 - 41.5) = 29; h 20 -> 40 rows from y0 = 20
    out = raw_processing(center_jitter=NO_JITTER, scale_jitter=NO_JITTER)(
        sample(np.zeros((100, 200, 3), np.uint8), [50, 30, 41.3, 20]))
    expected = [(50 - 29) * 256 / 83, 64.0, 41.3 * 256 / 83, 128.0]
    np.testing.assert_allclose(out["search_anno"].numpy(), expected, rtol=1e-5)


def test_outside_the_image_is_zero_padded_in_image_and_mask():
    # box at the corner: window 40 x 40 from (-10, -10), the first 64 crop pixels lie outside
    image = np.full((100, 100, 3), 200, np.uint8)
    out = raw_processing(center_jitter=NO_JITTER, scale_jitter=NO_JITTER)(
        sample(image, [0, 0, 20, 20], np.ones((100, 100), np.uint8)))
    crop, mask = out["search_images"], out["search_mask"][0]
    assert (crop[:, :60, :] == 0).all() and (crop[:, :, :60] == 0).all() and (crop[:, 70:, 70:] == 200).all()
    assert (mask[:60, :] == 0).all() and (mask[:, :60] == 0).all() and (mask[70:, 70:] == 1).all()


def test_mask_is_cropped_exactly_like_the_image():
    rng = np.random.default_rng(0)
    mask = (rng.random((60, 80)) < 0.5).astype(np.uint8)
    image = np.repeat(mask[:, :, None] * 255, 3, axis=2).astype(np.uint8)
    random.seed(3)
    out = RefineProcessing(frame_transform=Compose([ToTensor(1 / 255)]))(sample(image, [20, 15, 30, 25], mask))
    assert out["has_mask"] is True and out["search_mask"].shape == (1, 256, 256)
    np.testing.assert_allclose(out["search_mask"][0].numpy(), out["search_images"][0].numpy(), atol=0.5 / 255 + 1e-6)


def test_box_beyond_the_window_is_clamped_to_the_crop():
    window = CropWindow(0, 0, 10, 10, 256, 256)  # scale 25.6
    _, box = raw_processing().crop(np.zeros((10, 10, 3), np.uint8), torch.tensor([-5.0, 2.0, 20.0, 4.0]), window)
    np.testing.assert_allclose(box.numpy(), [0.0, 51.2, 256.0, 102.4], rtol=1e-6)


def test_only_the_search_frame_is_jittered():
    processing = raw_processing()
    image = np.zeros((100, 200, 3), np.uint8)
    search_boxes = set()
    for seed in range(5):
        random.seed(seed)
        out = processing(sample(image, [50, 30, 40, 20]))
        assert out["template_anno"].tolist() == [64.0, 64.0, 128.0, 128.0]
        search_boxes.add(tuple(out["search_anno"].tolist()))
    assert len(search_boxes) == 5


def test_sample_without_mask_has_an_empty_mask_flagged_false():
    out = raw_processing()(sample(np.zeros((50, 50, 3), np.uint8), [10, 10, 20, 20]))
    assert out["has_mask"] is False and out["search_mask"].shape == (1, 256, 256) and not out["search_mask"].any()
    assert "search_masks" not in out and "template_masks" not in out and out["dataset"] == "test"


def test_joint_transform_applies_to_both_frames():
    rng = np.random.default_rng(1)
    image = rng.integers(0, 256, (50, 50, 3), dtype=np.uint8)
    out = raw_processing(joint_transform=ToGrayscale(1.0))(sample(image, [10, 10, 20, 20]))
    for key in ("template_images", "search_images"):
        assert torch.equal(out[key][0], out[key][1]) and torch.equal(out[key][1], out[key][2])


def test_more_than_one_search_frame_is_an_error():
    data = sample(np.zeros((50, 50, 3), np.uint8), [10, 10, 20, 20])
    data["search_images"] = data["search_images"] * 2
    with pytest.raises(ValueError, match="one template and one search frame, got 2 search_images"):
        raw_processing()(data)
