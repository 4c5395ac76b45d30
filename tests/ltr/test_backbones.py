"""ResNet / MobileNetV2 backbones: torchvision parameter layout, local weight loading, stage outputs."""
import pytest
import torch
import torchvision

from ltr.admin.loading import CheckpointError
from ltr.models.backbone import mobilenetv2, resnet18, resnet18_variant, resnet34, resnet50


def shapes(state_dict):
    return {name: tuple(tensor.shape) for name, tensor in state_dict.items()}


@pytest.mark.parametrize("ours, theirs", [(resnet18, torchvision.models.resnet18),
                                          (resnet34, torchvision.models.resnet34),
                                          (resnet50, torchvision.models.resnet50)])
def test_resnet_has_torchvision_parameter_layout(ours, theirs):
    assert shapes(ours().state_dict()) == shapes(theirs(weights=None).state_dict())


def test_resnet18_loads_local_torchvision_weights(tmp_path):
    reference = torchvision.models.resnet18(weights=None)
    path = tmp_path / "resnet18.pth"
    torch.save(reference.state_dict(), path)
    net = resnet18(pretrained_path=path)
    assert torch.equal(net.layer3[1].conv2.weight, reference.layer3[1].conv2.weight)
    assert torch.equal(net.bn1.running_var, reference.bn1.running_var)


def test_resnet_weights_of_wrong_width_fail_naming_the_file(tmp_path):
    path = tmp_path / "narrow.pth"
    torch.save(resnet18_variant("tiny").state_dict(), path)
    with pytest.raises(CheckpointError, match="narrow.pth"):
        resnet18(pretrained_path=path)


def test_resnet_returns_requested_stages_in_network_order():
    net = resnet18_variant("tiny", output_layers=["layer3", "conv1"])
    out = net(torch.zeros(2, 3, 64, 64))
    assert list(out) == ["conv1", "layer3"]


def test_resnet_stage_strides_and_widths_of_tiny_variant():
    net = resnet18_variant("tiny").eval()
    out = net(torch.zeros(1, 3, 64, 64), ["conv1", "layer1", "layer2", "layer3", "layer4", "fc"])
    assert {k: tuple(v.shape) for k, v in out.items()} == {
        "conv1": (1, 8, 32, 32), "layer1": (1, 8, 16, 16), "layer2": (1, 16, 8, 8),
        "layer3": (1, 32, 4, 4), "layer4": (1, 64, 2, 2), "fc": (1, 1000)}


def test_resnet_conv1_is_taken_after_relu_before_max_pool():
    out = resnet18_variant("tiny")(torch.randn(1, 3, 32, 32), ["conv1"])["conv1"]
    assert out.shape[-1] == 16 and out.min() >= 0


@pytest.mark.parametrize("variant, conv1_width, layer3_width",
                         [("medium", 32, 128), ("small", 16, 64), ("tiny", 8, 32)])
def test_resnet18_variant_widths(variant, conv1_width, layer3_width):
    net = resnet18_variant(variant)
    assert net.conv1.out_channels == conv1_width
    assert net.layer3[-1].conv2.out_channels == layer3_width


def test_unknown_resnet18_variant_is_rejected():
    with pytest.raises(ValueError, match="'huge'"):
        resnet18_variant("huge")


def test_unknown_output_layer_is_rejected():
    with pytest.raises(ValueError, match="layer5"):
        resnet18_variant("tiny", output_layers=["layer5"])


def test_mobilenetv2_stage_channels_and_strides():
    net = mobilenetv2(["conv1", "layer1", "layer2", "layer3", "layer4"]).eval()
    out = net(torch.zeros(1, 3, 64, 64))
    assert {k: tuple(v.shape[1:]) for k, v in out.items()} == {
        "conv1": (32, 32, 32), "layer1": (24, 16, 16), "layer2": (32, 8, 8), "layer3": (64, 4, 4),
        "layer4": (1280, 2, 2)}


def test_mobilenetv2_loads_local_torchvision_weights(tmp_path):
    reference = torchvision.models.mobilenet_v2(weights=None)
    path = tmp_path / "mobilenet_v2.pth"
    torch.save(reference.state_dict(), path)
    net = mobilenetv2(pretrained_path=path)
    assert torch.equal(net.conv1[0][0].weight, reference.features[0][0].weight)
    assert torch.equal(net.layer3[0].conv[0][0].weight, reference.features[7].conv[0][0].weight)
    assert torch.equal(net.classifier[1].weight, reference.classifier[1].weight)


def test_mobilenetv2_uses_relu6():
    out = mobilenetv2(["conv1"])(torch.randn(1, 3, 32, 32) * 100)["conv1"]
    assert out.min() >= 0 and out.max() <= 6
