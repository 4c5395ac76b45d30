"""DCF helpers: Hann windows, Gaussian labels, 2-D argmax, MLU activation."""
import math

import pytest
import torch

from pytracking.libs import dcf


def test_hann1d_centered_has_no_zero_endpoints():
    assert torch.allclose(dcf.hann1d(3), torch.tensor([0.5, 1.0, 0.5]))


def test_hann1d_uncentered_moves_the_peak_to_index_zero():
    assert torch.allclose(dcf.hann1d(3, centered=False), torch.tensor([1.0, 0.5, 0.5]))


def test_hann2d_is_the_outer_product():
    window = dcf.hann2d((3, 1))
    assert window.shape == (3, 1)
    assert torch.allclose(window[:, 0], torch.tensor([0.5, 1.0, 0.5]) * 0.5 * (1 - math.cos(math.pi)))
    assert torch.allclose(dcf.hann2d(3), torch.outer(dcf.hann1d(3), dcf.hann1d(3)))


def test_hann2d_clipped_pads_the_effective_window_with_zeros():
    window = dcf.hann2d_clipped(5, 3)
    expected = torch.zeros(5, 5)
    expected[1:4, 1:4] = dcf.hann2d(3)
    assert torch.allclose(window, expected)


def test_hann2d_clipped_matches_parity_and_rejects_oversize():
    assert (dcf.hann2d_clipped(5, 2.2)[1:4, 1:4] > 0).all()  # 2 -> 3 to keep the border symmetric
    with pytest.raises(ValueError, match="effective_sz"):
        dcf.hann2d_clipped(5, 7)


def test_label_function_spatial_peaks_at_center():
    label = dcf.label_function_spatial((4, 5), 1.0, (1, 3))
    assert label.shape == (4, 5)
    assert label[1, 3] == 1.0
    assert math.isclose(label[1, 4].item(), math.exp(-0.5), rel_tol=1e-6)
    assert math.isclose(label[3, 3].item(), math.exp(-2.0), rel_tol=1e-6)


def test_label_function_spatial_uses_separate_sigmas():
    label = dcf.label_function_spatial(3, (1.0, 2.0), (1, 1))
    assert math.isclose(label[1, 2].item(), math.exp(-1 / 8), rel_tol=1e-6)
    assert math.isclose(label[2, 1].item(), math.exp(-0.5), rel_tol=1e-6)


def test_max2d_returns_values_and_row_col_per_batch():
    a = torch.zeros(2, 3, 4)
    a[0, 2, 1] = 5.0
    a[1, 0, 3] = 7.0
    values, argmax = dcf.max2d(a)
    assert torch.equal(values, torch.tensor([5.0, 7.0]))
    assert torch.equal(argmax, torch.tensor([[2, 1], [0, 3]]))


def test_max2d_rejects_1d_input():
    with pytest.raises(ValueError, match="at least 2"):
        dcf.max2d(torch.zeros(3))


def test_mlu_is_identity_for_positive_and_saturates_at_minus_min_val():
    x = torch.tensor([2.0, 0.0, -0.05, -100.0])
    expected = torch.tensor([2.0, 0.0, 0.05 * (math.exp(-1) - 1), -0.05])
    assert torch.allclose(dcf.mlu(x, 0.05), expected)
    assert torch.allclose(dcf.MLU(0.05)(x), expected)


def test_mlu_gradient_is_finite_for_large_inputs():
    x = torch.tensor([1000.0, -1000.0, -0.05], requires_grad=True)
    dcf.mlu(x, 0.05).sum().backward()
    assert torch.allclose(x.grad, torch.tensor([1.0, 0.0, math.exp(-1)]))


def test_mlu_rejects_non_positive_min_val():
    with pytest.raises(ValueError, match="min_val"):
        dcf.MLU(0.0)


def test_mlu_slope_is_one_at_zero_so_a_zero_filter_can_learn():
    x = torch.zeros(3, requires_grad=True)
    dcf.mlu(x, 0.05).sum().backward()
    assert torch.equal(x.grad, torch.ones(3))
