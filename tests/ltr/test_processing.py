"""Crop geometry (processing_utils), SiamFC training pairs and the SiamFC data filter."""
import math
import random

import numpy as np
import pytest
import torch

from ltr.data.processing import SiamFCProcessing, siamfc_frame_filter
from ltr.data.processing_utils import (
    CropWindow,
    centered_window,
    context_size,
    crop_window,
    jitter_box,
    rect_window,
    sample_target,
    search_area_size,
    transform_box_from_crop,
    transform_box_to_crop,
)
from ltr.data.transforms import ToGrayscale


def _target_image(size=301, box=(118.75, 118.75, 63.5, 63.5), background=0, target=255):
    """(size, size, 3) uint8 image, ``target`` inside the box's pixels, ``background`` elsewhere."""
    image = np.full((size, size, 3), background, dtype=np.uint8)
    x, y, w, h = box
    image[math.ceil(y):math.floor(y + h), math.ceil(x):math.floor(x + w)] = target
    return image


# ---- processing_utils -----------------------------------------------------------------------

def test_context_size_of_a_50_pixel_square_is_100():
    assert context_size([10, 10, 50, 50], context=0.5) == 100.0  # p = 50, sqrt(100 * 100)


def test_context_size_of_a_rectangle():
    assert math.isclose(context_size([0, 0, 30, 10]), math.sqrt(50 * 30))  # p = 20


def test_search_area_size_is_the_factor_times_the_geometric_mean_side():
    assert search_area_size([0, 0, 8, 2], search_area_factor=5) == 20.0


def test_window_is_centred_on_the_box_with_rounded_side():
    window = centered_window([118.75, 118.75, 63.5, 63.5], 254.8, 255)
    assert window == CropWindow.square(x0=23, y0=23, side=255, output_size=255)  # centre 150.5 - 127.5


def test_unscaled_crop_inside_the_image_is_the_image_slice():
    image = np.random.default_rng(0).integers(0, 256, (20, 20, 3), dtype=np.uint8)
    crop, window = sample_target(image, [5, 6, 4, 4], size=8, output_size=8)
    assert (window.x0, window.y0, window.scale) == (3, 4, (1.0, 1.0))
    assert np.array_equal(crop, image[4:12, 3:11])


def test_mean_padding_uses_the_image_mean_colour():
    image = np.full((10, 10, 3), 100, dtype=np.uint8)
    image[:5] = (0, 50, 200)  # mean colour (50, 75, 150)
    crop = crop_window(image, CropWindow.square(x0=-4, y0=-4, side=8, output_size=8), pad="mean")
    assert crop[0, 0].tolist() == [50, 75, 150] and crop[7, 7].tolist() == [0, 50, 200]


def test_upscaled_window_at_the_image_edge_has_no_padding_fringe():
    image = np.full((10, 10, 3), 200, dtype=np.uint8)
    crop = crop_window(image, CropWindow.square(x0=0, y0=0, side=10, output_size=40), pad="zero")
    assert (crop == 200).all()


def test_zero_and_replicate_padding():
    image = np.full((4, 4, 3), 90, dtype=np.uint8)
    window = CropWindow.square(x0=-2, y0=0, side=4, output_size=4)
    assert crop_window(image, window, pad="zero")[0, 0].tolist() == [0, 0, 0]
    assert crop_window(image, window, pad="replicate")[0, 0].tolist() == [90, 90, 90]


def test_unknown_pad_mode_is_an_error_naming_it():
    with pytest.raises(ValueError, match="'edge'"):
        crop_window(np.zeros((4, 4, 3), np.uint8), CropWindow.square(0, 0, 4, 4), pad="edge")


def test_box_to_crop_subtracts_the_corner_and_scales():
    window = CropWindow.square(x0=10, y0=20, side=50, output_size=100)
    box = transform_box_to_crop(torch.tensor([15.0, 30.0, 10.0, 5.0]), window)
    assert box.tolist() == [10.0, 20.0, 20.0, 10.0]


def test_scaled_crop_puts_the_target_where_the_box_says():
    box = [40.0, 20.0, 20.0, 20.0]
    image = _target_image(size=100, box=box)
    crop, window = sample_target(image, box, size=50, output_size=100)  # scale 2
    x, y, w, h = transform_box_to_crop(box, window).tolist()
    assert (x, y, w, h) == (30.0, 30.0, 40.0, 40.0)
    assert crop[31:69, 31:69].min() == 255 and crop[:29].max() == 0 and crop[71:].max() == 0


def test_jitter_box_without_jitter_is_the_box():
    assert jitter_box([1.0, 2.0, 3.0, 4.0], 0.0, 0.0, random.Random(0)).tolist() == [1.0, 2.0, 3.0, 4.0]


def test_jitter_box_moves_the_centre_at_most_half_the_factor_times_the_size():
    rng = random.Random(0)
    for _ in range(50):
        box = jitter_box([0.0, 0.0, 10.0, 10.0], center_jitter_factor=4.5, scale_jitter_factor=0.0, rng=rng)
        x, y, w, h = box.tolist()
        assert (w, h) == (10.0, 10.0)
        assert abs(x + w / 2 - 5) <= 22.5 and abs(y + h / 2 - 5) <= 22.5


def test_jitter_box_scale_jitter_keeps_the_centre():
    x, y, w, h = jitter_box([0.0, 0.0, 10.0, 20.0], center_jitter_factor=0.0, scale_jitter_factor=0.5,
                            rng=random.Random(1)).tolist()
    assert math.isclose(x + w / 2, 5.0, abs_tol=1e-5) and math.isclose(y + h / 2, 10.0, abs_tol=1e-5)
    assert (w, h) != (10.0, 20.0)


# ---- SiamFCProcessing -------------------------------------------------------------------------

def _pair(template_image, template_box, search_image=None, search_box=None):
    search_image = template_image if search_image is None else search_image
    search_box = template_box if search_box is None else search_box
    return {"template_images": [template_image], "template_anno": [torch.tensor(template_box)],
            "search_images": [search_image], "search_anno": [torch.tensor(search_box)],
            "dataset": "toy", "object_class": None}


def test_siamfc_outputs_raw_float32_crops_of_127_and_239():
    random.seed(0)
    out = SiamFCProcessing()(_pair(_target_image(), [118.75, 118.75, 63.5, 63.5]))
    assert out["template_images"].shape == (3, 127, 127) and out["template_images"].dtype == torch.float32
    assert out["search_images"].shape == (3, 239, 239) and out["search_images"].dtype == torch.float32
    assert out["search_images"].max() == 255.0  # no normalisation
    assert out["template_anno"].shape == (4,) and out["dataset"] == "toy"


def test_siamfc_target_is_centred_in_the_127_crop_at_exemplar_scale():
    # 63.5 x 63.5 target: p = 63.5, z_sz = 127, x_sz = 255: the crops are unscaled
    processing = SiamFCProcessing(max_stretch=0.0, center_crop_size=239, search_size=239)
    out = processing(_pair(_target_image(), [118.75, 118.75, 63.5, 63.5]))
    assert out["template_anno"].tolist() == [31.75, 31.75, 63.5, 63.5]  # centre 63.5 of 127
    assert out["search_anno"].tolist() == [87.75, 87.75, 63.5, 63.5]  # centre 119.5 of 239
    template = out["template_images"]
    assert template[:, 63, 63].tolist() == [255.0] * 3 and template[:, 2, 2].tolist() == [0.0] * 3


def test_siamfc_random_crop_shifts_the_target_by_at_most_4_pixels():
    processing = SiamFCProcessing(max_stretch=0.0)
    random.seed(1)
    centres = set()
    for _ in range(30):
        out = processing(_pair(_target_image(), [118.75, 118.75, 63.5, 63.5]))
        x, _, w, _ = out["template_anno"].tolist()
        centres.add(x + w / 2)
        assert w == 63.5
    assert min(centres) >= 63.5 - 4 and max(centres) <= 63.5 + 4 and len(centres) > 1


def test_siamfc_stretch_changes_the_target_size_by_at_most_5_percent():
    random.seed(2)
    for _ in range(20):
        w = SiamFCProcessing()(_pair(_target_image(), [118.75, 118.75, 63.5, 63.5]))["search_anno"][2].item()
        assert 63.5 * 0.949 <= w <= 63.5 * 1.051


def test_siamfc_crops_each_frame_around_its_own_box():
    processing = SiamFCProcessing(max_stretch=0.0, center_crop_size=239, search_size=239)
    search_box = [20.75, 180.75, 63.5, 63.5]  # centre (52.5, 212.5): window corner integral
    out = processing(_pair(_target_image(), [118.75, 118.75, 63.5, 63.5], _target_image(box=search_box), search_box))
    assert out["search_anno"].tolist() == [87.75, 87.75, 63.5, 63.5]
    assert out["search_images"][:, 119, 119].tolist() == [255.0] * 3


def test_siamfc_crop_pads_outside_the_image_with_the_image_mean():
    image = _target_image(size=64, box=(0, 0, 20, 20), background=100, target=200)  # mean 109.77
    crop, box = SiamFCProcessing().crop(image, torch.tensor([0.0, 0.0, 20.0, 20.0]))
    # z_sz = 40, x_sz = 80.3 -> window [-30, 50)^2 resized to 255
    assert crop.shape == (255, 255, 3)
    assert crop[0, 0].tolist() == [110, 110, 110] and crop[-1, -1].tolist() == [100, 100, 100]
    assert torch.allclose(box, torch.tensor([30.0, 30.0, 20.0, 20.0]) * 255 / 80)


def test_siamfc_joint_transform_reaches_both_frames():
    colour = _target_image()
    colour[..., 0] = 30
    out = SiamFCProcessing(joint_transform=ToGrayscale(probability=1.0))(_pair(colour, [118.75, 118.75, 63.5, 63.5]))
    for key in ("template_images", "search_images"):
        assert torch.equal(out[key][0], out[key][1]) and torch.equal(out[key][1], out[key][2])


def test_siamfc_processing_is_deterministic_given_the_seed():
    data = _pair(_target_image(), [118.75, 118.75, 63.5, 63.5])
    random.seed(5)
    first = SiamFCProcessing()(data)
    random.seed(5)
    second = SiamFCProcessing()(data)
    assert torch.equal(first["search_images"], second["search_images"])
    assert torch.equal(first["template_anno"], second["template_anno"])


def test_siamfc_rejects_more_than_one_template_frame():
    data = _pair(_target_image(), [118.75, 118.75, 63.5, 63.5])
    data["template_images"] = data["template_images"] * 2
    with pytest.raises(ValueError, match="num_template_frames"):
        SiamFCProcessing()(data)


# ---- SiamFC data filter -----------------------------------------------------------------------

def _filter(boxes, image_size=(1000, 1000), visible=None):
    boxes = torch.tensor(boxes, dtype=torch.float32)
    visible = torch.ones(len(boxes), dtype=torch.bool) if visible is None else torch.tensor(visible)
    return siamfc_frame_filter({"bbox": boxes, "visible": visible}, image_size).tolist()


def test_filter_keeps_an_ordinary_target():
    assert _filter([[0, 0, 50, 40]]) == [True]


def test_filter_drops_invisible_frames():
    assert _filter([[0, 0, 50, 40]], visible=[False]) == [False]


def test_filter_drops_sides_outside_20_to_500():
    assert _filter([[0, 0, 19, 40], [0, 0, 40, 19], [0, 0, 501, 400], [0, 0, 20, 20], [0, 0, 500, 500]],
                   image_size=(1000, 1000)) == [False, False, False, True, True]


def test_filter_drops_relative_sizes_outside_1_to_50_percent():
    # 2000 wide: 30 px is 1.5 %; 4000 wide: 30 px is 0.75 %; 100 high: 60 px is 60 %
    assert _filter([[0, 0, 30, 30]], image_size=(1000, 2000)) == [True]
    assert _filter([[0, 0, 30, 30]], image_size=(1000, 4000)) == [False]
    assert _filter([[0, 0, 30, 60]], image_size=(100, 1000)) == [False]


def test_filter_drops_aspect_ratios_outside_quarter_to_four():
    assert _filter([[0, 0, 100, 24], [0, 0, 100, 25], [0, 0, 24, 100], [0, 0, 25, 100]]) == [False, True, False, True]


def test_rect_window_is_ceil_of_factor_times_each_side_centred_on_the_box():
    window = rect_window([10.0, 20.0, 30.5, 10.0], 2.0, (256, 256))
    assert (window.width, window.height) == (61, 20)
    assert (window.x0, window.y0) == (round(25.25 - 30.5), 15)
    assert window.scale == (256 / 61, 256 / 20)


def test_boxes_map_into_a_rectangular_crop_and_back():
    window = CropWindow(x0=-5, y0=10, width=40, height=20, output_width=80, output_height=80)
    box = torch.tensor([5.0, 15.0, 10.0, 4.0])
    in_crop = transform_box_to_crop(box, window)
    assert in_crop.tolist() == [20.0, 20.0, 20.0, 16.0]
    assert torch.allclose(transform_box_from_crop(in_crop, window), box)


def test_rectangular_crop_has_the_output_shape_and_zero_padding():
    image = np.full((10, 10, 3), 200, np.uint8)
    crop = crop_window(image, CropWindow(x0=-10, y0=0, width=20, height=10, output_width=8, output_height=4), "zero")
    assert crop.shape == (4, 8, 3)
    assert (crop[:, :3] == 0).all() and (crop[:, 5:] == 200).all()
