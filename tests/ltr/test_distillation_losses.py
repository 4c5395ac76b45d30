"""Distillation losses (CFKD, TSKD / TSsKD, Wang's compression): primitives, terms, weighted totals."""
import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from ltr.models.bbreg.atom import atom_mobilenetsmall, atom_resnet18medium
from ltr.models.loss import (
    AdaptiveHard,
    CFLoss,
    DistillOutputs,
    Fidelity,
    TargetResponse,
    TeacherSoft,
    TrackingLoss,
    TSsKDLoss,
    WeightedLoss,
    cfkd_loss,
    compression_loss,
    gt_loss,
    projected_fidelity_for,
    tskd_loss,
)
from ltr.models.loss.distillation import channel_abs_sum, gaussian_map, patch_size, pool_target_patch, xcorr_same
from ltr.models.loss.distillation.maps import target_patch

REF_BOX = torch.tensor([[8.0, 8.0, 40.0, 40.0]])    # 64x64 crop: layer2 (8x8, ds 1/8) cells 1..6
TEST_BOX = torch.tensor([[16.0, 16.0, 16.0, 16.0]])  # centre (24, 24) px = cell position 3.0 on layer2


def make_outputs(**fields) -> DistillOutputs:
    """A one-sample record on a 64-pixel crop; ``fields`` override the defaults."""
    defaults = dict(student_pred=torch.zeros(1, 1, 2), gt=torch.zeros(1, 1, 2), ref_box=REF_BOX, test_box=TEST_BOX,
                    student_ref={}, student_test={}, image_size=64.0)
    return DistillOutputs(**{**defaults, **fields})


def as_prediction(values):
    """A (1, 1, N) prediction tensor, or None."""
    return None if values is None else torch.tensor([[list(values)]])


def predictions(student, teacher=None, gt=(0.0, 0.0), **fields) -> DistillOutputs:
    """A record of (1, 1, N) predictions only."""
    return make_outputs(student_pred=as_prediction(student), teacher_pred=as_prediction(teacher),
                        gt=as_prediction(gt), **fields)


def constant_maps(values, channels: int, size: int = 8) -> torch.Tensor:
    """(B, channels, size, size) maps, sample b constant values[b]."""
    return torch.tensor(values, dtype=torch.float32)[:, None, None, None].expand(-1, channels, size, size).clone()


class Constant(nn.Module):
    """A term returning a fixed value."""

    def __init__(self, value: float):
        super().__init__()
        self.value = value

    def forward(self, out: DistillOutputs) -> torch.Tensor:
        return torch.tensor(self.value)


class Raising(nn.Module):
    def forward(self, out: DistillOutputs) -> torch.Tensor:
        raise AssertionError("a zero-weight term was called")


@pytest.fixture(scope="module")
def networks():
    """A small student and a wider teacher, with distinct backbone widths."""
    torch.manual_seed(0)
    return atom_mobilenetsmall(), atom_resnet18medium()


@pytest.fixture(scope="module")
def projection(networks):
    """The layer2/layer3 projection sized by probing the two networks on a 64-pixel image."""
    return projected_fidelity_for(*networks, layers=("layer2", "layer3"), image_size=64)


# --- primitives -------------------------------------------------------------------------------------------------

def test_patch_sizes_are_29_15_9_5_from_conv1_to_layer3():
    assert [patch_size(ds) for ds in (1 / 2, 1 / 4, 1 / 8, 1 / 16)] == [29, 15, 9, 5]


def test_patch_size_bumps_an_even_size_to_the_next_odd():
    assert patch_size(0.5, base=20) == 11


def test_channel_abs_sum_adds_absolute_values_over_channels():
    x = torch.tensor([[[[1.0, -2.0]], [[-3.0, 4.0]]]])  # (1, 2, 1, 2)
    assert torch.equal(channel_abs_sum(x), torch.tensor([[[[4.0, 6.0]]]]))


def test_gaussian_map_peaks_at_the_cell_whose_centre_is_the_target_centre():
    g = gaussian_map((4, 5), torch.tensor([[2.5, 1.5]]), (1.0, 1.0))  # (x, y): cell row 1, column 2
    assert g.shape == (1, 1, 4, 5)
    assert divmod(int(g.argmax()), 5) == (1, 2) and g.max().item() == pytest.approx(1.0)


def test_gaussian_map_value_uses_half_cell_positions_and_per_axis_sigma():
    g = gaussian_map((4, 5), torch.tensor([[0.5, 0.5]]), (1.0, 2.0))  # sigma (sy, sx)
    # cell (row 1, column 2) sits at (x 2.5, y 1.5): exp(-1^2 / (2 * 1) - 2^2 / (2 * 4)) = exp(-1)
    assert g[0, 0, 1, 2].item() == pytest.approx(math.exp(-1.0))


def test_xcorr_same_equals_a_loop_of_per_sample_zero_padded_correlations():
    torch.manual_seed(0)
    test, patch = torch.randn(2, 3, 5, 6, dtype=torch.float64), torch.randn(2, 3, 3, 3, dtype=torch.float64)
    padded = F.pad(test, (1, 1, 1, 1))
    expected = torch.zeros(2, 1, 5, 6, dtype=torch.float64)
    for b in range(2):
        for y in range(5):
            for x in range(6):
                expected[b, 0, y, x] = (padded[b, :, y:y + 3, x:x + 3] * patch[b]).sum()
    assert torch.allclose(xcorr_same(test, patch), expected)


def test_xcorr_same_rejects_an_even_patch():
    with pytest.raises(ValueError, match="patch"):
        xcorr_same(torch.zeros(1, 2, 5, 5), torch.zeros(1, 2, 2, 2))


@pytest.mark.parametrize("image_size, widths, sizes", [(288, (144, 72, 36, 18), (29, 15, 9, 5)),
                                                       (144, (72, 36, 18, 9), (15, 9, 5, 3))])
def test_target_patch_size_follows_the_crop_size(image_size, widths, sizes):
    boxes = torch.tensor([[100.0, 100.0, 58.0, 58.0]]) * image_size / 288
    got = tuple(target_patch(torch.rand(1, 2, w, w), boxes, image_size).shape[-1] for w in widths)
    assert got == sizes


def test_pool_target_patch_of_constant_maps_is_each_sample_s_constant():
    feat = constant_maps([3.0, -1.0], channels=2)  # 8x8 maps of a 16-pixel crop: ds 1/2
    boxes = torch.tensor([[2.0, 2.0, 6.0, 6.0], [4.0, 2.0, 8.0, 10.0]])  # inside feature cells 0..7
    patch = pool_target_patch(feat, boxes, 3, 0.5)
    assert patch.shape == (2, 2, 3, 3)
    assert torch.allclose(patch[0], torch.full((2, 3, 3), 3.0))
    assert torch.allclose(patch[1], torch.full((2, 3, 3), -1.0))


# --- prediction terms -------------------------------------------------------------------------------------------

def test_teacher_soft_is_smoothl1_between_student_and_teacher():
    assert TeacherSoft()(predictions((0.5, 0.0), (0.0, 0.0))).item() == pytest.approx(0.5 * 0.25 / 2)


def test_teacher_soft_with_mse():
    assert TeacherSoft("mse")(predictions((0.5, 0.0), (0.0, 0.0))).item() == pytest.approx(0.25 / 2)


def test_adaptive_hard_is_the_gt_loss_when_the_teacher_is_not_worse_by_the_margin():
    # L_teacher - L_student = 0 - 0.01 < 0.005
    assert AdaptiveHard("mse")(predictions((0.1, 0.1), (0.0, 0.0))).item() == pytest.approx(0.01)


def test_adaptive_hard_is_a_differentiable_zero_when_the_teacher_is_worse_by_the_margin():
    out = predictions((0.1, 0.1), (0.3, 0.3))  # L_teacher - L_student = 0.09 - 0.01 >= 0.005
    out.student_pred.requires_grad_(True)
    loss = AdaptiveHard("mse")(out)
    loss.backward()
    assert loss.item() == 0.0 and torch.equal(out.student_pred.grad, torch.zeros(1, 1, 2))


def test_a_teacher_term_without_teacher_names_the_term():
    with pytest.raises(ValueError, match="AdaptiveHard.*teacher_pred"):
        AdaptiveHard()(predictions((0.1, 0.1)))


def test_gt_loss_needs_no_teacher():
    total, stats = gt_loss()(predictions((0.5, 0.0)))
    assert total.item() == pytest.approx(0.0625) and stats["Loss/gt"] == pytest.approx(0.0625)


# --- feature terms ----------------------------------------------------------------------------------------------

def response_outputs(student, teacher, student_channels=2, teacher_channels=3) -> DistillOutputs:
    """Constant layer2 maps (8x8 on the 64-pixel crop), one constant per sample, same for ref and test."""
    s = constant_maps(student, student_channels)
    t = constant_maps(teacher, teacher_channels)
    batch = len(student)
    return make_outputs(student_ref={"layer2": s}, student_test={"layer2": s.clone()}, teacher_ref={"layer2": t},
                        teacher_test={"layer2": t.clone()}, ref_box=REF_BOX.expand(batch, 4),
                        test_box=TEST_BOX.expand(batch, 4))


def test_target_response_of_a_student_equal_to_its_teacher_is_zero():
    torch.manual_seed(0)
    feat = torch.rand(2, 3, 8, 8)
    out = make_outputs(student_ref={"layer2": feat}, student_test={"layer2": feat.flip(-1)},
                       teacher_ref={"layer2": feat}, teacher_test={"layer2": feat.flip(-1)},
                       ref_box=REF_BOX.expand(2, 4), test_box=TEST_BOX.expand(2, 4))
    assert TargetResponse(layers=("layer2",))(out).item() == 0.0


def test_target_response_with_gaussian_weight_on_constant_maps():
    # T_s = 2 * 1, T_t = 3 * 0.5 on the whole patch; Q = T * Wg, Wg the test-centred Gaussian normalised to sum 1
    loss = TargetResponse(layers=("layer2",), use_weight=False)(response_outputs([1.0], [0.5]))
    weight = gaussian_map((8, 8), torch.tensor([[3.0, 3.0]]), (2.0, 2.0))
    weight = weight / weight.sum()
    assert loss.item() == pytest.approx(0.25 * (1 + (weight ** 2).mean().item()))


def test_target_response_normalises_the_correlation_weight_per_sample():
    # constant maps: each sample's W is the same shape, normalised on its own whatever the sample's scale
    loss = TargetResponse(layers=("layer2",))(response_outputs([1.0, 3.0], [0.5, 0.5]))
    weight = xcorr_same(torch.ones(1, 1, 8, 8), torch.ones(1, 1, 9, 9))
    weight = weight / weight.sum()
    gaps_squared = torch.tensor([2.0 - 1.5, 6.0 - 1.5]) ** 2
    assert loss.item() == pytest.approx(gaps_squared.mean().item() * (1 + (weight ** 2).mean().item()), rel=1e-5)


def test_target_response_weight_is_normalised_by_its_absolute_sum():
    # features of +1 / -1 (2 channels, so F(test) = 2 everywhere) give a correlation weight of both signs;
    # with W / sum|W| the map Q = F(test) |W| / sum|W| sums to exactly 2 (a signed sum would inflate it)
    torch.manual_seed(0)
    feat = torch.where(torch.rand(1, 2, 8, 8) < 0.5, -1.0, 1.0)
    box = torch.tensor([[20.0, 16.0, 16.0, 24.0]])
    out = make_outputs(ref_box=box, test_box=box)
    _, q = TargetResponse(layers=("layer2",)).responses(feat, feat, out)
    assert q.sum().item() == pytest.approx(2.0, rel=1e-5)


def cf_outputs(scale_second: float = 1.0) -> DistillOutputs:
    torch.manual_seed(0)
    layers = {"layer1": 16, "layer2": 8}  # 64-pixel crop: ds 1/4 and 1/8, patch base 58 * 64 / 288 -> k 5 and 3
    ref = {name: torch.rand(2, 3, size, size, dtype=torch.float64) for name, size in layers.items()}
    test = {name: torch.rand(2, 3, size, size, dtype=torch.float64) for name, size in layers.items()}
    for maps in (ref, test):
        for feat in maps.values():
            feat[1] *= scale_second
    boxes = torch.tensor([[8.0, 12.0, 40.0, 30.0], [20.0, 16.0, 24.0, 28.0]], dtype=torch.float64)
    return make_outputs(student_ref=ref, student_test=test, ref_box=boxes, test_box=boxes.flip(0))


def test_cf_loss_equals_a_direct_per_sample_computation():
    out = cf_outputs()
    expected = 0.0
    for layer, (k, ds) in {"layer1": (5, 0.25), "layer2": (3, 0.125)}.items():
        ref, test = out.student_ref[layer], out.student_test[layer]
        size = test.shape[-1]
        for b in range(2):
            patch = pool_target_patch(ref[b:b + 1], out.ref_box[b:b + 1], k, ds)
            response = F.conv2d(test[b:b + 1], patch, padding=k // 2)
            box = out.test_box[b]
            center = ((box[:2] + box[2:] / 2) * ds)[None]
            label = gaussian_map((size, size), center, (0.15 * size, 0.15 * size))
            expected += F.mse_loss(response / response.max(), label).item() / 2
    assert CFLoss(layers=("layer1", "layer2"))(out).item() == pytest.approx(expected, rel=1e-9)


def test_cf_loss_ignores_the_scale_of_one_sample_s_features():
    cf = CFLoss(layers=("layer1", "layer2"))
    assert cf(cf_outputs(scale_second=5.0)).item() == pytest.approx(cf(cf_outputs()).item(), rel=1e-9)


def test_a_term_missing_a_layer_names_the_term_and_the_layer():
    out = cf_outputs()
    with pytest.raises(ValueError, match="CFLoss.*'conv1'"):
        CFLoss()(out)


def circular_shifts(x: torch.Tensor) -> torch.Tensor:
    """(H, W) -> (H*W, H*W) matrix M with (M @ w.flatten())[n] = sum_m w[m] x[m + n] (circular)."""
    height, width = x.shape
    n1, n2, m1, m2 = torch.meshgrid(*(torch.arange(s) for s in (height, width, height, width)), indexing="ij")
    return x[(n1 + m1) % height, (n2 + m2) % width].reshape(height * width, height * width)


def test_tracking_loss_matches_a_dense_spatial_ridge_regression():
    torch.manual_seed(0)
    size, channels, lam = 6, 2, 1e-5
    ref, test = torch.randn(2, 1, channels, size, size, dtype=torch.float64)
    ref_box = torch.tensor([[4.0, 8.0, 8.0, 4.0]], dtype=torch.float64)  # 24-pixel crop: ds 1/4
    test_box = torch.tensor([[10.0, 6.0, 4.0, 8.0]], dtype=torch.float64)
    out = make_outputs(student_ref={"layer1": ref}, student_test={"layer1": test}, ref_box=ref_box,
                       test_box=test_box, image_size=24.0)
    loss = TrackingLoss(layers=("layer1",), lambda_=lam)(out)

    def label(box):
        return gaussian_map((size, size), (box[:, :2] + box[:, 2:] / 2) / 4, (1.5, 1.5)).flatten()

    # w = argmin ||sum_c w_c (*) x_c - y||^2 + lam ||w||^2, solved in its dual form w = A^T (A A^T + lam I)^-1 y
    shifts = torch.cat([circular_shifts(ref[0, c]) for c in range(channels)], dim=1)  # (N, C * N)
    gram = shifts @ shifts.T + lam * torch.eye(size * size, dtype=torch.float64)
    filters = (shifts.T @ torch.linalg.solve(gram, label(ref_box))).reshape(channels, size * size)
    responses = torch.stack([circular_shifts(test[0, c]) @ filters[c] for c in range(channels)])
    expected = ((responses - label(test_box)) ** 2).mean()
    assert loss.item() == pytest.approx(expected.item(), rel=1e-6)


def test_fidelity_compares_channel_abs_sums_of_ref_and_test_maps():
    # student F = 2 * 1, teacher F = 3 * 1: MSE 1 for the ref and for the test maps
    out = response_outputs([1.0], [1.0])
    assert Fidelity(layers=("layer2",))(out).item() == pytest.approx(2.0)


def test_projected_fidelity_is_sized_from_the_networks(projection):
    shapes = {layer: tuple(conv.weight.shape) for layer, conv in projection.projections.items()}
    assert shapes == {"layer2": (64, 32, 1, 1), "layer3": (128, 64, 1, 1)}


def test_sizing_the_projection_leaves_the_networks_modes_and_statistics_untouched(networks):
    student, teacher = networks
    student.train()
    teacher.eval()
    buffers = {name: b.clone() for name, b in student.named_buffers()}
    projected_fidelity_for(student, teacher, image_size=64)
    assert student.training and all(m.training for m in student.modules())
    assert not any(m.training for m in teacher.modules())
    assert all(torch.equal(b, buffers[name]) for name, b in student.named_buffers())


def test_projected_fidelity_parameters_are_registered_and_receive_gradients(projection):
    loss = compression_loss(projection, w_ts=0.0, w_ah=0.0, w_track=0.0)
    assert {id(p) for p in projection.parameters()} <= {id(p) for p in loss.parameters()}
    torch.manual_seed(0)

    def maps(layer2_channels: int, layer3_channels: int) -> dict:
        return {"layer2": torch.randn(1, layer2_channels, 8, 8), "layer3": torch.randn(1, layer3_channels, 4, 4)}

    out = make_outputs(student_ref=maps(32, 64), student_test=maps(32, 64), teacher_ref=maps(64, 128),
                       teacher_test=maps(64, 128))
    loss(out)[0].backward()
    assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in projection.parameters())


# --- weighted totals --------------------------------------------------------------------------------------------

def test_weighted_loss_never_calls_a_zero_weight_term():
    total, stats = WeightedLoss({"ts": (1.0, Constant(2.0)), "cf": (0.0, Raising())})(make_outputs())
    assert total.item() == 2.0 and "Loss/cf" not in stats


def test_zero_weight_term_parameters_are_not_registered():
    loss = WeightedLoss({"ts": (1.0, Constant(2.0)), "fid": (0.0, nn.Conv2d(2, 3, 1))})
    assert list(loss.parameters()) == [] and loss.weights == {"ts": 1.0, "fid": 0.0}


def test_weighted_loss_stats_hold_unweighted_terms_the_weighted_iou_part_and_the_total():
    loss = WeightedLoss({"ts": (1.0, Constant(2.0)), "ah": (0.1, Constant(3.0)), "fid": (100.0, Constant(5.0))})
    total, stats = loss(make_outputs())
    assert total.item() == pytest.approx(502.3)
    assert stats == pytest.approx({"Loss/ts": 2.0, "Loss/ah": 3.0, "Loss/fid": 5.0, "Loss/iou": 2.3,
                                   "Loss/total": 502.3})


def test_weighted_loss_registers_its_terms_as_submodules():
    term = nn.Linear(2, 2)
    assert list(WeightedLoss({"fid": (1.0, term)}).parameters()) == list(term.parameters())


def test_weighted_loss_needs_a_positive_weight():
    with pytest.raises(ValueError, match="positive"):
        WeightedLoss({"ts": (0.0, Constant(1.0))})


def test_cfkd_loss_has_the_published_defaults():
    loss = cfkd_loss()
    assert loss.weights == {"ts": 1.0, "ah": 0.1, "fid": 100.0, "cf": 0.01}
    assert loss.terms["fid"].layers == ("layer2", "layer3")
    assert loss.terms["cf"].layers == ("conv1", "layer1", "layer2", "layer3") and loss.terms["cf"].sigma_factor == 0.15
    assert loss.terms["ts"].reg_name == "smoothl1"


def test_tskd_loss_has_the_published_defaults():
    loss = tskd_loss()
    assert loss.weights == {"ts": 1.0, "ah": 0.1, "tr": 100.0}
    assert loss.terms["tr"].layers == ("layer2", "layer3") and loss.terms["ts"].reg_name == "mse"


def test_compression_loss_has_the_published_defaults(projection):
    loss = compression_loss(projection)
    assert loss.weights == {"ts": 1.0, "ah": 0.1, "fid": 0.01, "track": 100.0}
    assert loss.terms["track"].layers == ("layer1", "layer2", "layer3")


def test_teacher_soft_ablation_needs_no_features():
    total, stats = cfkd_loss(w_ah=0.0, w_fd=0.0, w_cf=0.0)(predictions((0.5, 0.0), (0.0, 0.0)))
    assert total.item() == pytest.approx(0.0625) and stats["Loss/iou"] == pytest.approx(0.0625)


# --- TSsKD ------------------------------------------------------------------------------------------------------

def test_tsskd_peer_weights_decay_as_decay_to_the_epoch():
    # GT losses (SmoothL1 vs 0): dull 0.00125, intelligent 0.0025, teacher 0: both within the 0.005 margin
    dull = predictions((0.05, 0.05), (0.0, 0.0), epoch=2)
    intelligent = predictions((0.0, 0.1), (0.0, 0.0), epoch=2)
    total, stats = TSsKDLoss()(dull, intelligent)
    ss = 0.5 * 0.05 ** 2
    assert stats["sigma_dull"] == pytest.approx(0.81) and stats["sigma_intel"] == pytest.approx(0.81)
    assert stats["Loss/ss"] == pytest.approx(ss)
    assert total.item() == pytest.approx(0.00125 + 0.81 * ss + 0.0025 + 0.5 * 0.81 * ss)


def test_tsskd_peer_weight_is_zero_for_a_student_trailing_the_teacher():
    total, stats = TSsKDLoss()(predictions((0.5, 0.5), (0.0, 0.0)), predictions((0.0, 0.1), (0.0, 0.0)))
    assert stats["sigma_dull"] == 0.0 and stats["sigma_intel"] == pytest.approx(0.9)


def test_tsskd_each_student_learns_only_from_its_own_peer_term():
    # teachers equal to the students: TS has zero gradient, only the SS terms teach
    dull = predictions((0.2, 0.4), (0.2, 0.4), gt=(0.2, 0.4))
    intelligent = predictions((0.0, 0.1), (0.0, 0.1), gt=(0.0, 0.1))
    dull.student_pred.requires_grad_(True)
    intelligent.student_pred.requires_grad_(True)
    TSsKDLoss()(dull, intelligent)[0].backward()
    # dull: sigma 0.9 * dSS/d dull; intelligent: 0.5 * 0.9 * dSS/d intel = -0.5 * the dull gradient
    expected_dull = 0.9 * torch.tensor([[[0.2, 0.3]]]) / 2
    assert torch.allclose(dull.student_pred.grad, expected_dull)
    assert torch.allclose(intelligent.student_pred.grad, -0.5 * expected_dull)
