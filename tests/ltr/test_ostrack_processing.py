"""OSTrack training samples: crop geometry, normalised boxes, zero padding, augmentations."""
import random

import numpy as np
import pytest
import torch

from ltr.data.loader import ltr_collate
from ltr.data.ostrack_processing import OSTrackProcessing, ostrack_frame_transform, ostrack_joint_transform
from ltr.data.transforms import IMAGENET_MEAN, IMAGENET_STD, Compose, ToTensor

# 20 x 20 target centred at (100, 100): template side ceil(2 * 20) = 40 at corner (80, 80),
# search side ceil(4 * 20) = 80 at corner (60, 60)
BOX = [90.0, 90.0, 20.0, 20.0]
NO_JITTER = {"template": 0.0, "search": 0.0}
NO_AUGMENTATION = Compose([])


def _image(box=BOX, size=(200, 240)):
    """(H, W, 3) uint8: 255 inside the integer box, 100 elsewhere."""
    image = np.full((*size, 3), 100, dtype=np.uint8)
    x, y, w, h = (int(v) for v in box)
    image[y:y + h, x:x + w] = 255
    return image


def _sample(box=BOX, size=(200, 240)):
    return {"template_images": [_image(box, size)], "template_anno": [torch.tensor(box)],
            "search_images": [_image(box, size)], "search_anno": [torch.tensor(box)],
            "dataset": "toy", "object_class": None}


def _raw_processing(**kwargs):
    """OSTrackProcessing with 0-255 tensors, no jitter and no augmentation (for checking geometry and pixels)."""
    options = {"center_jitter": NO_JITTER, "scale_jitter": NO_JITTER, "joint_transform": NO_AUGMENTATION,
               "frame_transform": Compose([ToTensor()])}
    return OSTrackProcessing(**{**options, **kwargs})


def test_default_output_shapes_and_normalisation():
    random.seed(0)
    out = OSTrackProcessing()(_sample())
    assert out["template_images"].shape == (1, 3, 128, 128) and out["search_images"].shape == (1, 3, 256, 256)
    assert out["template_anno"].shape == (1, 4) and out["search_anno"].shape == (1, 4)
    assert out["template_images"].dtype == torch.float32
    mean, std = torch.tensor(IMAGENET_MEAN).view(3, 1, 1), torch.tensor(IMAGENET_STD).view(3, 1, 1)
    raw = out["search_images"][0] * std + mean  # ImageNet normalisation undone: 0-1 (brightness-jittered)
    assert raw.min() >= -1e-6 and raw.max() <= 1 + 1e-6
    assert out["dataset"] == "toy" and out["object_class"] is None


def test_template_box_lands_where_the_crop_geometry_puts_it():
    out = _raw_processing()(_sample())
    # (90 - 80) / 40 = 0.25, 20 / 40 = 0.5
    assert torch.allclose(out["template_anno"][0], torch.tensor([0.25, 0.25, 0.5, 0.5]))
    image = out["template_images"][0, 0]  # 128 px crop: target on pixels 32..95
    assert image[40, 40] == 255 and image[64, 90] == 255 and image[20, 64] == 100 and image[64, 100] == 100


def test_search_box_lands_where_the_crop_geometry_puts_it():
    out = _raw_processing()(_sample())
    # (90 - 60) / 80 = 0.375, 20 / 80 = 0.25
    assert torch.allclose(out["search_anno"][0], torch.tensor([0.375, 0.375, 0.25, 0.25]))
    image = out["search_images"][0, 0]  # 256 px crop: target on pixels 96..159
    assert image[100, 100] == 255 and image[128, 155] == 255 and image[90, 128] == 100 and image[128, 165] == 100


def test_crop_side_is_rounded_up():
    # side ceil(2 * sqrt(120)) = ceil(21.9) = 22, corner (round(105 - 11), round(106 - 11)) = (94, 95)
    box = [100.0, 100.0, 10.0, 12.0]
    out = _raw_processing()(_sample(box))
    expected = torch.tensor([6 / 22, 5 / 22, 10 / 22, 12 / 22])
    assert torch.allclose(out["template_anno"][0], expected)


def test_crop_outside_the_image_is_zero_padded():
    box = [0.0, 0.0, 20.0, 20.0]  # template window [-10, 30): the left and top 10 pixels lie outside
    out = _raw_processing()(_sample(box))
    image = out["template_images"][0]
    assert torch.allclose(out["template_anno"][0], torch.tensor([0.25, 0.25, 0.5, 0.5]))
    assert (image[:, :30, :30] == 0).all() and (image[:, 64, 64] == 255).all()


def test_jittered_search_keeps_the_target_centre_in_the_middle_three_quarters():
    # centre offset <= 0.5 * 3 * sqrt(w'h') against a crop of 4 * sqrt(w'h'): |centre - 0.5| <= 0.375 (+ rounding)
    random.seed(3)
    processing = OSTrackProcessing(output_size={"template": 16, "search": 32}, joint_transform=NO_AUGMENTATION,
                                   frame_transform=Compose([ToTensor()]))
    centres, sizes = [], []
    for _ in range(100):
        box = processing(_sample())["search_anno"][0]
        centres.append(box[:2] + box[2:] / 2)
        sizes.append(box[2])
    centres = torch.stack(centres)
    assert ((centres - 0.5).abs() <= 0.375 + 0.01).all()
    assert (centres - 0.5).abs().max() > 0.25  # the jitter does move the target
    assert min(sizes) < 0.2 < 0.3 < max(sizes)  # and rescales it (0.25 without jitter)


def test_template_is_not_jittered_by_default():
    random.seed(4)
    processing = OSTrackProcessing(joint_transform=NO_AUGMENTATION, frame_transform=Compose([ToTensor()]))
    for _ in range(5):
        assert torch.allclose(processing(_sample())["template_anno"][0], torch.tensor([0.25, 0.25, 0.5, 0.5]))


def test_joint_flip_mirrors_all_frames_and_boxes_together():
    box = [40.0, 90.0, 20.0, 20.0]
    flipped = _raw_processing(joint_transform=ostrack_joint_transform(0.0, 1.0))(_sample(box))
    mirrored = _raw_processing()(_sample([240 - 40 - 20, 90, 20, 20]))
    for key in ("template_images", "search_images", "template_anno", "search_anno"):
        assert torch.allclose(flipped[key], mirrored[key])


def test_crop_flip_mirrors_each_crop_and_its_normalised_box():
    jitter = {"center_jitter": {"template": 3.0, "search": 0.0}}  # the template's target off the crop centre
    flip = Compose([*ostrack_frame_transform(0.0, 1.0).transforms[:1], ToTensor()])
    random.seed(6)
    flipped = _raw_processing(frame_transform=flip, **jitter)(_sample())
    random.seed(6)
    plain = _raw_processing(**jitter)(_sample())
    x, y, w, h = plain["template_anno"][0]
    assert torch.allclose(flipped["template_anno"][0], torch.stack((1 - x - w, y, w, h)))
    assert torch.equal(flipped["template_images"], plain["template_images"].flip(-1))
    assert abs(x + w / 2 - 0.5) > 0.01


def test_validation_frame_transform_has_no_brightness_jitter_nor_flip():
    transform = ostrack_frame_transform(0.0, 0.0)
    assert [type(t).__name__ for t in transform.transforms] == ["ToTensor", "Normalize"]


def test_processing_needs_both_roles_in_its_dicts():
    with pytest.raises(ValueError, match="center_jitter needs the keys"):
        OSTrackProcessing(center_jitter={"search": 3.0})


def test_collated_batch_has_the_frame_axis_first():
    random.seed(5)
    processing = OSTrackProcessing()
    batch = ltr_collate([processing(_sample()), processing(_sample())], stack_dim=1)
    assert batch["search_images"].shape == (1, 2, 3, 256, 256) and batch["search_anno"].shape == (1, 2, 4)
