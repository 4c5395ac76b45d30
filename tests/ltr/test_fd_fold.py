"""Fold transform: conv + squeeze -> one plain thinner conv, exact to 1e-5 relative."""
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from ltr.admin.loading import load_network, save_network
from ltr.models.siamfc import FDConv, fd_siamfc_alexnet, fold_fd_network
from ltr.models.siamfc.fold import fold_conv_squeeze


def images(count: int, size: int, seed: int) -> torch.Tensor:
    """(count, 3, size, size) smooth random 0-255 images (blobs, so features vary spatially)."""
    generator = torch.Generator().manual_seed(seed)
    coarse = torch.rand(count, 3, 12, 12, generator=generator) * 255
    return F.interpolate(coarse, size=(size, size), mode="bilinear", align_corners=False)


def randomized_fd_network(squeeze_ratio: float, step: int) -> nn.Module:
    """FD network in eval mode with random weights and random batch-norm statistics: statistics
    measured on random images, then perturbed (mean +- 0.5 std, variance x 0.5..2)."""
    torch.manual_seed(0)
    net = fd_siamfc_alexnet(squeeze_ratio, step)
    bns = [m for m in net.modules() if isinstance(m, nn.BatchNorm2d)]
    with torch.no_grad():
        for bn in bns:
            bn.weight.uniform_(0.5, 1.5)
            bn.bias.uniform_(-0.5, 0.5)
            bn.momentum = None  # cumulative average over the calibration pass
            bn.reset_running_stats()
        net.train()(images(1, 127, seed=10), images(2, 255, seed=11))
        for bn in bns:
            bn.momentum = 0.05
            bn.running_mean += torch.randn_like(bn.running_mean) * bn.running_var.sqrt() * 0.5
            bn.running_var *= torch.empty_like(bn.running_var).uniform_(0.5, 2)
    return net.eval()


def responses(net: nn.Module) -> torch.Tensor:
    with torch.no_grad():
        return net.correlate(net.template_features(images(1, 127, seed=1)),
                             net.search_features(images(2, 255, seed=2)))


@pytest.mark.parametrize("squeeze_ratio, step", [(0.3, 9), (0.15, 9), (0.3, 4)])
def test_folded_network_computes_the_fd_networks_responses(squeeze_ratio, step):
    fd_net = randomized_fd_network(squeeze_ratio, step)
    expected = responses(fd_net)
    folded = responses(fold_fd_network(fd_net))
    assert (folded - expected).abs().max() <= 1e-5 * expected.abs().max()


@pytest.mark.parametrize("squeeze_ratio, channels", [(0.3, (28, 76, 114, 114, 76)), (0.15, (14, 38, 56, 56, 38))])
def test_folded_network_is_a_plain_thin_siamfc_alexnet(squeeze_ratio, channels):
    folded = fold_fd_network(randomized_fd_network(squeeze_ratio, 9))
    assert not any(isinstance(m, FDConv) for m in folded.modules())
    assert folded.constructor.fun_name == "siamfc_alexnet"
    assert folded.constructor.kwds["channels"] == channels
    assert not folded.training


def test_folded_checkpoint_reloads_strictly_with_the_same_outputs(tmp_path):
    folded = fold_fd_network(randomized_fd_network(0.15, 9))
    save_network(tmp_path / "fdsiamfc_15.pth", folded)
    reloaded = load_network(tmp_path / "fdsiamfc_15.pth").eval()
    torch.testing.assert_close(responses(reloaded), responses(folded), rtol=0, atol=0)


def test_grouped_conv_is_folded_half_by_half():
    torch.manual_seed(0)
    conv = nn.Conv2d(4, 6, 3, groups=2).double()
    squeeze = nn.Conv2d(6, 4, 1, groups=2).double()
    weight, bias = fold_conv_squeeze(conv, squeeze)
    assert weight.shape == (4, 2, 3, 3)
    x = torch.randn(1, 4, 5, 5, dtype=torch.float64)
    torch.testing.assert_close(F.conv2d(x, weight, bias, groups=2), squeeze(conv(x)), rtol=1e-12, atol=1e-12)


def test_layer_with_its_combine_cannot_be_folded():
    with pytest.raises(ValueError, match="combine"):
        fold_fd_network(fd_siamfc_alexnet(0.5, 3, channels=(8, 8, 8, 8, 8)))
