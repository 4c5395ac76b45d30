"""Image transforms: the images change as documented and the boxes follow them."""
import random

import numpy as np
import pytest
import torch

from ltr.data.transforms import (
    Blur,
    CenterCrop,
    ColorJitter,
    Compose,
    Normalize,
    RandomCrop,
    RandomHorizontalFlip,
    RandomStretch,
    ToGrayscale,
    ToTensor,
)


class FixedRng:
    """A stand-in generator whose every draw is known."""

    def __init__(self, value=0.0, integer=0):
        self.value, self.integer = value, integer

    def random(self):
        return self.value

    def uniform(self, low, high):
        return self.value

    def randint(self, low, high):
        assert low <= self.integer <= high
        return self.integer


def _ramp(height=4, width=6):
    """(H, W, 3) uint8 image whose pixel (r, c) is 10 * c + r in every channel."""
    rows, cols = np.mgrid[0:height, 0:width]
    return np.repeat((10 * cols + rows).astype(np.uint8)[:, :, None], 3, axis=2)


def test_flip_mirrors_the_image_and_moves_the_box():
    images, boxes = RandomHorizontalFlip(probability=1.0)([_ramp()], [torch.tensor([0.0, 1.0, 2.0, 3.0])])
    assert np.array_equal(images[0], _ramp()[:, ::-1])
    assert boxes[0].tolist() == [4.0, 1.0, 2.0, 3.0]  # W - x - w = 6 - 0 - 2


def test_flip_with_probability_zero_changes_nothing():
    box = torch.tensor([0.0, 1.0, 2.0, 3.0])
    images, boxes = RandomHorizontalFlip(probability=0.0)([_ramp()], [box])
    assert np.array_equal(images[0], _ramp()) and torch.equal(boxes[0], box)


def test_joint_transform_draws_once_for_all_frames():
    flips = RandomHorizontalFlip(probability=0.5, joint=True)
    for seed in range(10):
        images, _ = flips([_ramp()] * 6, rng=random.Random(seed))
        assert len({img.tobytes() for img in images}) == 1


def test_per_frame_transform_draws_for_each_frame():
    images, _ = RandomHorizontalFlip(probability=0.5)([_ramp()] * 20, rng=random.Random(0))
    assert len({img.tobytes() for img in images}) == 2


def test_same_rng_seed_gives_the_same_result():
    flips = RandomHorizontalFlip(probability=0.5)
    first, _ = flips([_ramp()] * 10, rng=random.Random(3))
    second, _ = flips([_ramp()] * 10, rng=random.Random(3))
    assert all(np.array_equal(a, b) for a, b in zip(first, second, strict=True))


def test_grayscale_puts_the_gray_level_in_all_channels():
    image = np.zeros((2, 2, 3), dtype=np.uint8)
    image[..., 1] = 200  # pure green: gray = round(0.587 * 200) = 117
    images, _ = ToGrayscale(probability=1.0)([image])
    assert images[0].shape == (2, 2, 3) and (images[0] == 117).all()


def test_grayscale_with_probability_zero_keeps_colour():
    images, _ = ToGrayscale(probability=0.0)([_ramp()])
    assert np.array_equal(images[0], _ramp())


def test_brightness_jitter_multiplies_and_clips_to_255():
    image = np.array([[[100, 200, 0]]], dtype=np.uint8)
    images, _ = ColorJitter(brightness=0.25)([image], rng=FixedRng(value=1.25))
    assert images[0].dtype == np.float32 and images[0].tolist() == [[[125.0, 250.0, 0.0]]]
    images, _ = ColorJitter(brightness=0.5)([image], rng=FixedRng(value=1.5))
    assert images[0].tolist() == [[[150.0, 255.0, 0.0]]]


def test_brightness_factor_stays_in_its_range():
    rng = random.Random(0)
    factors = [ColorJitter(brightness=0.2).draw(rng, (1, 1)) for _ in range(200)]
    assert 0.8 <= min(factors) and max(factors) <= 1.2


def test_blur_spreads_an_impulse_and_keeps_a_flat_image():
    impulse = np.zeros((9, 9, 3), dtype=np.float32)
    impulse[4, 4] = 90.0
    flat = np.full((9, 9, 3), 50, dtype=np.uint8)
    images, _ = Blur(sigma=1.0)([impulse, flat])
    assert 0 < images[0][4, 4, 0] < 90 and images[0][4, 5, 0] > 0
    assert np.isclose(images[0].sum(), 3 * 90.0, rtol=1e-3)
    assert (images[1] == 50).all()


def test_to_tensor_makes_channel_first_float32_with_scale():
    tensors, _ = ToTensor()([_ramp()])
    assert tensors[0].shape == (3, 4, 6) and tensors[0].dtype == torch.float32
    assert tensors[0][0, 1, 2].item() == 21.0  # raw 0-255 values
    scaled, _ = ToTensor(scale=1 / 255)([_ramp()])
    assert torch.allclose(scaled[0], tensors[0] / 255)


def test_normalize_subtracts_mean_and_divides_by_std_per_channel():
    tensor = torch.ones(3, 2, 2)
    out, _ = Normalize(mean=[0.0, 1.0, 2.0], std=[1.0, 2.0, 0.5])([tensor])
    assert out[0][:, 0, 0].tolist() == [1.0, 0.0, -2.0]


def test_normalize_before_to_tensor_is_a_type_error():
    with pytest.raises(TypeError, match="apply ToTensor first"):
        Normalize(mean=[0, 0, 0], std=[1, 1, 1])([_ramp()])


def test_stretch_resizes_and_scales_the_box_by_the_rounded_size():
    image = np.zeros((10, 20, 3), dtype=np.uint8)
    images, boxes = RandomStretch(max_stretch=0.05)([image], [torch.tensor([2.0, 4.0, 6.0, 2.0])],
                                                    rng=FixedRng(value=0.04))  # factor 1.04
    assert images[0].shape == (10, 21, 3)  # round(10.4), round(20.8)
    assert torch.allclose(boxes[0], torch.tensor([2.1, 4.0, 6.3, 2.0]))


def test_center_crop_takes_the_middle_window_and_shifts_the_box():
    images, boxes = CenterCrop(2)([_ramp()], [torch.tensor([2.0, 1.0, 2.0, 2.0])])
    assert np.array_equal(images[0], _ramp()[1:3, 2:4])  # offsets (6-2)//2 = 2, (4-2)//2 = 1
    assert boxes[0].tolist() == [0.0, 0.0, 2.0, 2.0]


def test_center_crop_larger_than_the_image_pads_with_the_image_mean():
    image = np.zeros((2, 2, 3), dtype=np.uint8)
    image[0, 0] = 40  # mean colour 10
    images, boxes = CenterCrop(4)([image], [torch.tensor([0.0, 0.0, 2.0, 2.0])])
    assert images[0].shape == (4, 4, 3)
    assert np.array_equal(images[0][1:3, 1:3], image) and (images[0][0] == 10).all()
    assert boxes[0].tolist() == [1.0, 1.0, 2.0, 2.0]


def test_random_crop_box_stays_on_the_same_pixels():
    image = np.zeros((8, 8, 3), dtype=np.uint8)
    image[5, 6] = 255
    images, boxes = RandomCrop(4)([image], [torch.tensor([6.0, 5.0, 1.0, 1.0])], rng=FixedRng(integer=3))
    x, y = int(boxes[0][0]), int(boxes[0][1])
    assert (x, y) == (3, 2) and images[0][y, x, 0] == 255


def test_random_crop_offsets_cover_every_position_inside_the_image():
    rng = random.Random(0)
    offsets = {RandomCrop(6).draw(rng, (8, 8)).x0 for _ in range(200)}
    assert offsets == {0, 1, 2}


def test_compose_applies_in_order_and_keeps_boxes():
    pipeline = Compose([RandomHorizontalFlip(probability=1.0), CenterCrop(2), ToTensor()])
    images, boxes = pipeline([_ramp()], [torch.tensor([4.0, 1.0, 2.0, 2.0])])
    assert images[0].shape == (3, 2, 2) and boxes[0].tolist() == [-2.0, 0.0, 2.0, 2.0]
