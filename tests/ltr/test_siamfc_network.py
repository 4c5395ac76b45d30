"""SiamFC / AlexNetV1: shapes, parameter counts, initialisation, MACs, cross-correlation."""
import math

import pytest
import torch
import torch.nn as nn
from torch.utils.flop_counter import FlopCounterMode

from ltr.models.backbone.alexnet import AlexNetV1
from ltr.models.siamfc import SiamFC, siamfc_alexnet

FULL = (96, 256, 384, 384, 256)
FD30 = (28, 76, 114, 114, 76)
FD15 = (14, 38, 56, 56, 38)


def conv_params(net: nn.Module) -> int:
    return sum(p.numel() for m in net.modules() if isinstance(m, nn.Conv2d) for p in m.parameters())


def bn_params(net: nn.Module) -> int:
    return sum(p.numel() for m in net.modules() if isinstance(m, nn.BatchNorm2d) for p in m.parameters())


@pytest.fixture(scope="module")
def full_net():
    torch.manual_seed(0)
    return siamfc_alexnet().eval()


def test_template_127_gives_6x6_features(full_net):
    with torch.no_grad():
        assert full_net.template_features(torch.zeros(2, 3, 127, 127)).shape == (2, 256, 6, 6)


def test_search_255_gives_22x22_features_and_17x17_response(full_net):
    with torch.no_grad():
        assert full_net.search_features(torch.zeros(1, 3, 255, 255)).shape == (1, 256, 22, 22)
        assert full_net(torch.zeros(2, 3, 127, 127), torch.zeros(2, 3, 255, 255)).shape == (2, 1, 17, 17)


def test_search_239_gives_15x15_training_response(full_net):
    with torch.no_grad():
        assert full_net(torch.zeros(2, 3, 127, 127), torch.zeros(2, 3, 239, 239)).shape == (2, 1, 15, 15)


def test_full_siamfc_has_2334080_conv_and_2240_bn_parameters(full_net):
    assert conv_params(full_net) == 2_334_080
    assert bn_params(full_net) == 2_240
    assert sum(p.numel() for p in full_net.parameters() if p.requires_grad) == 2_336_320


@pytest.mark.parametrize("channels, expected", [(FD30, 212_618), (FD15, 54_774)])
def test_thin_plain_nets_have_published_conv_parameter_counts(channels, expected):
    assert conv_params(siamfc_alexnet(channels=channels)) == expected


@pytest.mark.parametrize("channels, expected_macs", [(FULL, 2.7197e9), (FD30, 0.34546e9), (FD15, 0.12420e9)])
def test_macs_of_one_255_search_image_match_reference(channels, expected_macs):
    net = siamfc_alexnet(channels=channels).eval()
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        net.search_features(torch.zeros(1, 3, 255, 255))
    assert counter.get_total_flops() / 2 == pytest.approx(expected_macs, rel=0.01)


def test_init_is_xavier_uniform_with_zero_bias_and_unit_batch_norm(full_net):
    for m in full_net.modules():
        if isinstance(m, nn.Conv2d):
            fan_in = m.weight[0].numel()
            fan_out = m.out_channels * m.weight[0, 0].numel()
            bound = math.sqrt(6 / (fan_in + fan_out))
            assert m.weight.abs().max() <= bound
            assert m.weight.abs().max() > 0.9 * bound
            assert torch.all(m.bias == 0)
        elif isinstance(m, nn.BatchNorm2d):
            assert torch.all(m.weight == 1) and torch.all(m.bias == 0)


def test_batch_norm_uses_eps_1e_6_and_momentum_0_05():
    bns = [m for m in AlexNetV1().modules() if isinstance(m, nn.BatchNorm2d)]
    assert len(bns) == 4
    assert all(bn.eps == 1e-6 and bn.momentum == 0.05 for bn in bns)


def test_conv_groups_are_1_2_1_2_2_without_padding():
    convs = [m for m in AlexNetV1().modules() if isinstance(m, nn.Conv2d)]
    assert [c.groups for c in convs] == [1, 2, 1, 2, 2]
    assert all(c.padding == (0, 0) for c in convs)


def test_parameter_names_follow_the_published_layout(full_net):
    names = set(full_net.state_dict())
    assert {"backbone.conv1.0.weight", "backbone.conv1.1.running_var", "backbone.conv5.0.bias"} <= names
    assert not any(name.startswith("backbone.conv5.1") for name in names)


def test_correlate_matches_every_search_image_with_a_single_template():
    net = SiamFC(nn.Identity(), out_scale=0.5)
    zf, xf = torch.randn(1, 4, 3, 3), torch.randn(3, 4, 7, 7)
    out = net.correlate(zf, xf)
    for k in range(3):
        expected = 0.5 * torch.nn.functional.conv2d(xf[k:k + 1], zf)
        torch.testing.assert_close(out[k:k + 1], expected)


def test_correlate_pairs_template_k_with_search_image_k():
    net = SiamFC(nn.Identity())
    zf, xf = torch.randn(2, 4, 3, 3), torch.randn(2, 4, 7, 7)
    out = net.correlate(zf, xf)
    for k in range(2):
        torch.testing.assert_close(out[k:k + 1], 0.001 * torch.nn.functional.conv2d(xf[k:k + 1], zf[k:k + 1]))


def test_correlate_rejects_search_batch_not_multiple_of_templates():
    with pytest.raises(ValueError, match="multiple"):
        SiamFC(nn.Identity()).correlate(torch.zeros(2, 1, 3, 3), torch.zeros(3, 1, 7, 7))


def test_odd_channels_of_a_grouped_conv_are_rejected():
    with pytest.raises(ValueError, match="conv2"):
        siamfc_alexnet(channels=(96, 255, 384, 384, 256))


def test_factory_records_its_constructor():
    net = siamfc_alexnet(channels=FD15)
    assert (net.constructor.fun_module, net.constructor.fun_name) == ("ltr.models.siamfc.siamfc", "siamfc_alexnet")
    assert net.constructor.kwds == {"channels": FD15}
