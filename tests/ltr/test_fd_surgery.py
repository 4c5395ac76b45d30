"""FD modules and the layer-by-layer compression schedule (network surgery, trainable parameters)."""
import pytest
import torch

from ltr.admin.loading import load_network, save_network
from ltr.models.siamfc import (
    FDConv,
    add_fd,
    apply_step,
    current_step,
    drop_combine,
    fd_siamfc_alexnet,
    schedule_step,
    siamfc_alexnet,
    trainable_parameters,
)
from ltr.models.siamfc.fd import squeezed_channels

FULL = (96, 256, 384, 384, 256)
SQUEEZED_30 = (28, 76, 114, 114, 76)


def stage(net, layer):
    return net.backbone.stage(layer)


def trainable_names(net):
    return {name for name, p in net.named_parameters() if p.requires_grad}


@pytest.mark.parametrize("channels, ratio, expected", [(96, 0.3, 28), (256, 0.3, 76), (384, 0.3, 114),
                                                       (96, 0.15, 14), (256, 0.15, 38), (384, 0.15, 56)])
def test_squeezed_channels_are_2_floor_sq_c_over_2(channels, ratio, expected):
    assert squeezed_channels(channels, ratio) == expected


@pytest.mark.parametrize("step, layer, surgery, phase", [
    (0, None, "none", "finetune"), (1, 1, "add_fd", "fd"), (2, 1, "drop_combine", "rebuild"),
    (7, 4, "add_fd", "fd"), (8, 4, "drop_combine", "rebuild"), (9, 5, "add_fd", "fd")])
def test_schedule_steps(step, layer, surgery, phase):
    plan = schedule_step(step)
    assert (plan.layer, plan.surgery, plan.phase) == (layer, surgery, phase)


@pytest.mark.parametrize("step", range(1, 10))
def test_every_step_keeps_a_valid_siamfc_with_the_expected_shapes(step):
    torch.manual_seed(0)
    net = fd_siamfc_alexnet(0.3, step).eval()
    assert current_step(net) == step
    layer = (step + 1) // 2
    fd = stage(net, layer)[0]
    c, c_squeezed = FULL[layer - 1], SQUEEZED_30[layer - 1]
    assert isinstance(fd, FDConv) and fd.conv.out_channels == c
    assert (fd.squeeze.in_channels, fd.squeeze.out_channels) == (c, c_squeezed)
    if step % 2 and step < 9:  # FD added: combine restores C channels
        assert (fd.combine.in_channels, fd.combine.out_channels) == (c_squeezed, c)
        assert stage(net, layer)[1].num_features == c
    elif step < 9:  # combine dropped: BN_i and conv_{i+1} take C' channels
        assert fd.combine is None
        assert stage(net, layer)[1].num_features == c_squeezed
        assert stage(net, layer + 1)[0].in_channels == c_squeezed
    with torch.no_grad():
        zf = net.template_features(torch.rand(1, 3, 127, 127) * 255)
        response = net.correlate(zf, net.search_features(torch.rand(1, 3, 255, 255) * 255))
    assert zf.shape == (1, 76 if step == 9 else 256, 6, 6)
    assert response.shape == (1, 1, 17, 17)


def test_add_fd_keeps_the_trained_conv():
    net = siamfc_alexnet()
    conv = stage(net, 1)[0]
    add_fd(net, 1, 0.3)
    assert stage(net, 1)[0].conv is conv


def test_fd_convs_follow_the_layer_groups():
    net = fd_siamfc_alexnet(0.3, 9)
    groups = [stage(net, layer)[0].squeeze.groups for layer in range(1, 6)]
    assert groups == [1, 2, 1, 2, 2]


def test_layer_5_gets_only_a_squeeze():
    net = fd_siamfc_alexnet(0.15, 9)
    assert stage(net, 5)[0].combine is None
    assert stage(net, 5)[0].squeeze.out_channels == 38


def test_fd_phase_trains_only_squeeze_and_combine():
    net = fd_siamfc_alexnet(0.3, 3)
    chosen = trainable_parameters(net, "fd", layer=2)
    expected = {f"backbone.conv2.0.{m}.{p}" for m in ("squeeze", "combine") for p in ("weight", "bias")}
    assert trainable_names(net) == expected and len(chosen) == 4


def test_rebuild_phase_trains_only_bn_i_and_conv_i_plus_1():
    net = fd_siamfc_alexnet(0.3, 4)
    trainable_parameters(net, "rebuild", layer=2)
    assert trainable_names(net) == {"backbone.conv2.1.weight", "backbone.conv2.1.bias",
                                    "backbone.conv3.0.weight", "backbone.conv3.0.bias"}


def test_step_9_trains_only_the_conv5_squeeze():
    net = fd_siamfc_alexnet(0.3, 9)
    trainable_parameters(net, schedule_step(9).phase, layer=schedule_step(9).layer)
    assert trainable_names(net) == {"backbone.conv5.0.squeeze.weight", "backbone.conv5.0.squeeze.bias"}


def test_finetune_unfreezes_everything():
    net = fd_siamfc_alexnet(0.3, 3)
    trainable_parameters(net, "fd", layer=2)
    chosen = trainable_parameters(net, "finetune")
    assert len(chosen) == len(list(net.parameters())) and all(p.requires_grad for p in net.parameters())


def test_layers_are_compressed_in_order():
    net = siamfc_alexnet(channels=(4, 4, 4, 4, 4))
    with pytest.raises(ValueError, match="next layer"):
        add_fd(net, 2, 0.5)
    with pytest.raises(ValueError, match="no combine"):
        drop_combine(net, 1)
    add_fd(net, 1, 0.5)
    with pytest.raises(ValueError, match="next layer"):
        add_fd(net, 2, 0.5)  # combine_1 must be dropped first


def test_apply_step_0_needs_a_plain_network():
    with pytest.raises(ValueError, match="step 0"):
        apply_step(fd_siamfc_alexnet(0.5, 1, channels=(4, 4, 4, 4, 4)), 0, 0.5)


def test_all_layers_share_one_squeeze_ratio():
    net = fd_siamfc_alexnet(0.5, 2, channels=(8, 8, 8, 8, 8))
    with pytest.raises(ValueError, match="differs"):
        add_fd(net, 2, 0.25)


def test_new_modules_follow_the_network_dtype():
    net = siamfc_alexnet(channels=(4, 4, 4, 4, 4)).double()
    apply_step(net, 1, 0.5)
    apply_step(net, 2, 0.5)
    assert {p.dtype for p in net.parameters()} == {torch.float64}


@pytest.mark.parametrize("step", [3, 6])
def test_checkpoint_of_a_step_reloads_strictly(tmp_path, step):
    net = siamfc_alexnet(channels=(8, 8, 8, 8, 8))
    for s in range(1, step + 1):
        apply_step(net, s, 0.5)
    save_network(tmp_path / "fd.pth", net)
    loaded = load_network(tmp_path / "fd.pth")
    assert current_step(loaded) == step
    for key, value in net.state_dict().items():
        assert torch.equal(loaded.state_dict()[key], value)
