"""Precise RoI pooling: exact bin means of the zero-padded bilinear interpolant, and their gradients."""
import numpy as np
import pytest
import torch

from ltr.models.layers import PrRoIPool2D, prroi_pool2d
from ltr.models.layers.prroi_pool import FixedMapPrRoIPool

GAUSS_NODES = np.array([0.5 - 0.5 / np.sqrt(3.0), 0.5 + 0.5 / np.sqrt(3.0)])


def bilinear(feature: np.ndarray, x: float, y: float) -> float:
    """Zero-padded bilinear interpolation of a (H, W) map at (x, y), f[i, j] sitting at (x=j, y=i)."""
    height, width = feature.shape
    x0, y0 = int(np.floor(x)), int(np.floor(y))
    value = 0.0
    for i, wy in ((y0, 1 - (y - y0)), (y0 + 1, y - y0)):
        for j, wx in ((x0, 1 - (x - x0)), (x0 + 1, x - x0)):
            if 0 <= i < height and 0 <= j < width:
                value += wy * wx * feature[i, j]
    return value


def gauss_rule(low: float, high: float) -> list:
    """(node, weight) pairs of 2-point Gauss-Legendre on every unit cell piece of [low, high].

    Exact for the bilinear interpolant, which is a polynomial of degree 1 per axis on each cell.
    """
    knots = [low] + [k for k in range(int(np.floor(low)) + 1, int(np.ceil(high)))] + [high]
    return [(a + (b - a) * t, (b - a) / 2) for a, b in zip(knots[:-1], knots[1:]) for t in GAUSS_NODES]


def reference_pool(features: np.ndarray, rois: np.ndarray, pooled: tuple, scale: float) -> np.ndarray:
    """Bin means by quadrature of the interpolant: (B, C, H, W), (K, 5) -> (K, C, ph, pw)."""
    ph, pw = pooled
    out = np.zeros((len(rois), features.shape[1], ph, pw))
    for k, (b, x1, y1, x2, y2) in enumerate(rois):
        x1, y1, x2, y2 = x1 * scale, y1 * scale, x2 * scale, y2 * scale
        bin_w, bin_h = (x2 - x1) / pw, (y2 - y1) / ph
        for p in range(ph):
            for q in range(pw):
                rule_y = gauss_rule(y1 + p * bin_h, y1 + (p + 1) * bin_h)
                rule_x = gauss_rule(x1 + q * bin_w, x1 + (q + 1) * bin_w)
                for c in range(features.shape[1]):
                    total = sum(wy * wx * bilinear(features[int(b), c], x, y)
                                for y, wy in rule_y for x, wx in rule_x)
                    out[k, c, p, q] = total / (bin_w * bin_h)
    return out


@pytest.fixture
def features() -> torch.Tensor:
    return torch.randn(2, 3, 6, 7, dtype=torch.float64, generator=torch.Generator().manual_seed(0))


def test_matches_quadrature_of_the_bilinear_interpolant(features):
    rois = torch.tensor([[0, 1.3, 0.7, 4.6, 3.9],       # inside the map
                         [1, -1.6, -0.4, 2.2, 6.8],      # crossing the top-left border
                         [1, 4.5, 3.2, 8.9, 7.4],        # crossing the bottom-right border
                         [0, 2.0, 1.0, 5.0, 4.0]],       # on integer knots
                        dtype=torch.float64)
    result = prroi_pool2d(features, rois, 2, 3, 1.0)
    expected = reference_pool(features.numpy(), rois.numpy(), (2, 3), 1.0)
    np.testing.assert_allclose(result.numpy(), expected, rtol=0, atol=1e-6)


def test_spatial_scale_maps_image_boxes_to_feature_coordinates(features):
    image_rois = torch.tensor([[1, 2.6, 1.4, 9.2, 7.8]], dtype=torch.float64)
    feature_rois = torch.cat([image_rois[:, :1], image_rois[:, 1:] * 0.5], dim=1)
    result = prroi_pool2d(features, image_rois, 3, 2, 0.5)
    torch.testing.assert_close(result, prroi_pool2d(features, feature_rois, 3, 2, 1.0))
    np.testing.assert_allclose(result.numpy(), reference_pool(features.numpy(), image_rois.numpy(), (3, 2), 0.5),
                               rtol=0, atol=1e-6)


def test_constant_map_pools_to_the_constant_inside_the_map():
    features = torch.full((1, 1, 5, 5), 2.5)
    result = prroi_pool2d(features, torch.tensor([[0, 0.3, 1.1, 3.7, 4.0]]), 3, 3, 1.0)
    torch.testing.assert_close(result, torch.full((1, 1, 3, 3), 2.5))


def test_batch_index_selects_the_image(features):
    box = [0.5, 0.5, 4.5, 3.5]
    rois = torch.tensor([[1] + box, [0] + box], dtype=torch.float64)
    alone = torch.tensor([[0] + box], dtype=torch.float64)
    result = prroi_pool2d(features, rois, 2, 2, 1.0)
    torch.testing.assert_close(result[0], prroi_pool2d(features[1:], alone, 2, 2, 1.0)[0])
    torch.testing.assert_close(result[1], prroi_pool2d(features[:1], alone, 2, 2, 1.0)[0])


def test_unevenly_spread_rois_pool_as_one_at_a_time():
    features = torch.randn(3, 2, 5, 6, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    rois = torch.tensor([[2, 0.5, 0.5, 4.5, 3.5], [0, 1.2, 0.3, 3.1, 4.4], [2, 2.5, 1.5, 5.5, 4.5],
                         [2, 0.1, 2.2, 2.9, 4.8], [2, 1.7, 0.9, 4.4, 2.6]], dtype=torch.float64)
    result = prroi_pool2d(features, rois, 2, 2, 1.0)
    for k in range(len(rois)):
        torch.testing.assert_close(result[k], prroi_pool2d(features, rois[k:k + 1], 2, 2, 1.0)[0])


def test_module_equals_function(features):
    rois = torch.tensor([[1, 1.5, 2.5, 9.0, 11.0]], dtype=torch.float64)
    module = PrRoIPool2D(3, 3, 0.5)
    torch.testing.assert_close(module(features, rois), prroi_pool2d(features, rois, 3, 3, 0.5))


def test_gradcheck_wrt_features(features):
    rois = torch.tensor([[0, 0.4, 1.3, 3.8, 4.6], [1, -1.2, 2.1, 3.3, 5.5], [1, 2.0, 0.0, 6.0, 3.0]],
                        dtype=torch.float64)
    features = features[:, :2, :5, :5].clone().requires_grad_(True)
    assert torch.autograd.gradcheck(lambda f: prroi_pool2d(f, rois, 2, 3, 1.0), (features,))


def test_gradcheck_wrt_box_coordinates(features):
    boxes = torch.tensor([[0.4, 1.3, 4.9, 5.6], [-1.2, 2.1, 3.3, 7.3], [2.3, 0.2, 5.8, 3.1]],
                         dtype=torch.float64, requires_grad=True)
    batch = torch.tensor([[0.0], [1.0], [1.0]], dtype=torch.float64)
    features = features[:, :2, :5, :5]
    assert torch.autograd.gradcheck(lambda b: prroi_pool2d(features, torch.cat([batch, b], 1), 2, 3, 1.0), (boxes,))


@pytest.mark.parametrize("box", [[2.0, 1.0, 2.0, 4.0],      # zero width
                                 [1.0, 3.0, 4.0, 3.0],      # zero height
                                 [4.0, 1.0, 2.0, 3.0],      # x2 < x1
                                 [9.5, 1.0, 12.0, 4.0],     # right of the map
                                 [1.0, -5.0, 4.0, -1.5]],   # above the map
                         ids=["zero-width", "zero-height", "inverted", "right-outside", "above-outside"])
def test_degenerate_and_outside_boxes_pool_zeros_with_finite_gradients(features, box):
    features = features.clone().requires_grad_(True)
    rois = torch.tensor([[1.0] + box], dtype=torch.float64, requires_grad=True)
    result = prroi_pool2d(features, rois, 2, 2, 1.0)
    result.sum().backward()
    assert torch.equal(result, torch.zeros_like(result))
    assert torch.isfinite(features.grad).all() and torch.isfinite(rois.grad).all()


def test_no_rois_give_an_empty_output(features):
    assert prroi_pool2d(features, torch.zeros(0, 5, dtype=torch.float64), 3, 4, 1.0).shape == (0, 3, 3, 4)


def test_float32_rois_pool_float64_features_in_float64(features):
    rois = torch.tensor([[0, 1.0, 1.0, 3.0, 4.0]])
    assert prroi_pool2d(features, rois, 2, 2, 1.0).dtype == torch.float64


def test_out_of_range_batch_index_is_rejected(features):
    with pytest.raises(ValueError, match=r"rois\[:, 0\]"):
        prroi_pool2d(features, torch.tensor([[2, 0.0, 0.0, 2.0, 2.0]], dtype=torch.float64), 2, 2, 1.0)


def test_rois_of_wrong_shape_are_rejected(features):
    with pytest.raises(ValueError, match="rois"):
        prroi_pool2d(features, torch.zeros(3, 4, dtype=torch.float64), 2, 2, 1.0)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_matches_cpu(features):
    rois = torch.tensor([[0, 0.4, 1.3, 4.8, 5.6], [1, -1.2, 2.1, 3.3, 7.5]], dtype=torch.float64)
    torch.testing.assert_close(prroi_pool2d(features.cuda(), rois.cuda(), 3, 3, 1.0).cpu(),
                               prroi_pool2d(features, rois, 3, 3, 1.0))


# FixedMapPrRoIPool: many boxes on one constant map, closed-form box gradients (ATOM's refinement)
MIXED_BOXES = [[1.3, 0.7, 5.6, 4.9],       # inside the map
               [-1.6, -0.4, 2.2, 6.8],     # crossing the top-left border
               [4.5, 3.2, 8.9, 7.4],       # crossing the bottom-right border
               [2.0, 1.0, 5.0, 4.0],       # on integer knots
               [2.0, 1.0, 2.0, 4.0],       # zero width
               [4.0, 1.0, 2.0, 3.0],       # x2 < x1
               [9.5, 1.0, 12.0, 4.0],      # right of the map
               [1.0, -5.0, 4.0, -1.5]]     # above the map


def as_rois(boxes: torch.Tensor) -> torch.Tensor:
    """(K, 4) boxes of image 0 -> (K, 5) rois."""
    return torch.cat([boxes.new_zeros(len(boxes), 1), boxes], dim=1)


@pytest.mark.parametrize("scale", [1.0, 0.5])
def test_fixed_map_pool_equals_prroi_pool2d_of_one_image(features, scale):
    boxes = torch.tensor(MIXED_BOXES, dtype=torch.float64) / scale
    result = FixedMapPrRoIPool(features[1], 2, 3, scale)(boxes)
    torch.testing.assert_close(result, prroi_pool2d(features[1:], as_rois(boxes), 2, 3, scale), rtol=0, atol=1e-12)


@pytest.mark.parametrize("scale", [1.0, 0.5])
def test_fixed_map_box_gradient_equals_autograd_through_prroi_pool2d(features, scale):
    generator = torch.Generator().manual_seed(2)
    random_boxes = torch.rand(6, 2, dtype=torch.float64, generator=generator) * 8 - 1
    random_boxes = torch.cat([random_boxes, random_boxes + torch.rand(6, 2, dtype=torch.float64,
                                                                      generator=generator) * 5], dim=1)
    boxes = torch.cat([torch.tensor(MIXED_BOXES, dtype=torch.float64), random_boxes]) / scale
    grad_output = torch.randn(len(boxes), 3, 3, 2, dtype=torch.float64, generator=generator)
    gradients = []
    for pool in (lambda b: prroi_pool2d(features[1:], as_rois(b), 3, 2, scale),
                 FixedMapPrRoIPool(features[1], 3, 2, scale)):
        leaf = boxes.clone().requires_grad_(True)
        (pool(leaf) * grad_output).sum().backward()
        gradients.append(leaf.grad)
    assert gradients[1][4:8].abs().sum() == 0  # empty and inverted boxes, and a box outside the map
    torch.testing.assert_close(gradients[1], gradients[0], rtol=0, atol=1e-12)


def test_fixed_map_gradcheck_wrt_box_coordinates(features):
    boxes = torch.tensor([[0.4, 1.3, 4.9, 5.6], [-1.2, 2.1, 3.3, 7.3], [2.3, 0.2, 5.8, 3.1]],
                         dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(FixedMapPrRoIPool(features[0, :2], 2, 3, 1.0), (boxes,))


def test_fixed_map_pool_gives_the_features_no_gradient(features):
    features = features.clone().requires_grad_(True)
    result = FixedMapPrRoIPool(features[0], 2, 2, 1.0)(torch.tensor([[0.5, 0.5, 3.5, 3.5]], dtype=torch.float64))
    assert not result.requires_grad


@pytest.mark.parametrize("box, rows, columns", [
    ([2.5, 1.0, 4.0, 3.2], range(1, 5), range(2, 5)),    # x in [2.5, 4]: pixels 2, 3, 4 (4's kernel starts at 3)
    ([-3.0, 4.5, 1.0, 9.0], range(4, 6), range(0, 2)),   # clipped to the 6 x 7 map
    ([8.0, 7.0, 9.0, 8.0], range(6, 6), range(7, 7)),    # outside: nothing to read
])
def test_fixed_map_window_is_the_pixels_whose_kernel_meets_the_box(features, box, rows, columns):
    window = FixedMapPrRoIPool(features[0], 2, 2, 1.0).window(torch.tensor([box], dtype=torch.float64))
    assert window == (rows, columns)


def test_fixed_map_nan_box_pools_to_nan_and_leaves_the_others_exact(features):
    boxes = torch.tensor([[0.5, 0.5, 2.5, 2.0], [float("nan"), 1.0, 3.0, 4.0]], dtype=torch.float64)
    result = FixedMapPrRoIPool(features[0], 2, 2, 1.0)(boxes)
    assert torch.isnan(result[1]).all()
    torch.testing.assert_close(result[0], prroi_pool2d(features[:1], as_rois(boxes[:1]), 2, 2, 1.0)[0])


def test_module_fixed_map_keeps_its_sizes_and_scale(features):
    rois = torch.tensor([[0, 1.5, 2.5, 9.0, 11.0]], dtype=torch.float64)
    module = PrRoIPool2D(3, 2, 0.5)
    torch.testing.assert_close(module.fixed_map(features[0])(rois[:, 1:]), module(features, rois))
