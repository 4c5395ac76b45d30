"""Alpha-Refine network: published checkpoint layout, output shapes, correlation, soft-argmax, devices."""
import copy
import json
from pathlib import Path

import pytest
import torch

from ltr.models import refine
from ltr.models.backbone.resnet import resnet18
from ltr.models.refine.heads import pixel_correlation, soft_argmax

SHARED_DIR = Path(__file__).resolve().parents[2].parent / "shared"
SHAPES_FILE = SHARED_DIR / "reference" / "alpharefine_state_dict_shapes.json"
DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


@pytest.fixture(scope="module")
def net_r18():
    torch.manual_seed(0)
    return refine.alpharefine_secm_r18().eval()


@pytest.fixture(scope="module")
def published_layout():
    if not SHAPES_FILE.is_file():
        pytest.skip(f"published checkpoint layout not available ({SHAPES_FILE} missing: ../shared is absent)")
    return json.loads(SHAPES_FILE.read_text())["alpharefine_secm_r34"]


def crops(batch, size=256, scale=1.0):
    return torch.randn(batch, 3, size, size) * scale, torch.randn(batch, 3, size, size) * scale


def test_state_dict_matches_published_checkpoint_layout_in_order(published_layout):
    ours = [(key, list(value.shape)) for key, value in refine.alpharefine_secm_r34().state_dict().items()]
    assert ours == list(published_layout.items())


def test_constructor_is_recorded_with_its_keywords(net_r18):
    constructor = net_r18.constructor
    assert (constructor.fun_module, constructor.fun_name) == ("ltr.models.refine.alpharefine", "alpharefine_secm_r18")
    assert constructor.kwds == {}


@pytest.mark.parametrize("batch", [1, 2])
def test_forward_output_shapes(net_r18, batch):
    with torch.no_grad():
        out = net_r18(*crops(batch))
    assert {key: tuple(value.shape) for key, value in out.items()} == {
        "corners": (batch, 4), "mask_logits": (batch, 1, 256, 256), "mask": (batch, 1, 256, 256)}
    assert torch.allclose(out["mask"], torch.sigmoid(out["mask_logits"]))


def test_kernel_is_centre_8x8_of_template_layer3(net_r18):
    template = torch.randn(1, 3, 256, 256)
    with torch.no_grad():
        kernel = net_r18.template_kernel(template)
        layer3 = net_r18.feature_extractor(template, ["layer3"])["layer3"]
    assert kernel.shape == (1, 64, 256)
    assert torch.equal(kernel[0, 8 * 2 + 5], layer3[0, :, 4 + 2, 4 + 5])


def test_forward_equals_template_kernel_then_refine_and_refine_skips_mask_by_default(net_r18):
    template, search = crops(2)
    with torch.no_grad():
        out = net_r18(template, search, with_mask=False)
        refined = net_r18.refine(search, net_r18.template_kernel(template))
    assert list(out) == list(refined) == ["corners"]
    assert torch.equal(out["corners"], refined["corners"])


def test_soft_argmax_of_a_single_peak_is_index_times_stride():
    score = torch.zeros(1, 1, 16, 16)
    score[0, 0, 3, 5] = 1e4
    assert soft_argmax(score, stride=16).tolist() == [[80.0, 48.0]]


def test_pixel_correlation_equals_explicit_loop():
    torch.manual_seed(1)
    kernel, search = torch.randn(2, 3, 5), torch.randn(2, 5, 4, 6)
    expected = torch.zeros(2, 3, 4, 6)
    for b in range(2):
        for k in range(3):
            for y in range(4):
                for x in range(6):
                    expected[b, k, y, x] = (kernel[b, k] * search[b, :, y, x]).sum()
    assert torch.allclose(pixel_correlation(kernel, search), expected, atol=1e-5)


def test_corners_lie_within_crop_range(net_r18):
    with torch.no_grad():
        corners = net_r18(*crops(2, scale=50.0), with_mask=False)["corners"]
    assert corners.min() >= 0 and corners.max() <= 240


@pytest.mark.parametrize("device", DEVICES)
def test_parameters_and_outputs_follow_device_and_float64(net_r18, device):
    net = copy.deepcopy(net_r18).to(device=device, dtype=torch.float64)
    template, search = (x.to(device=device, dtype=torch.float64) for x in crops(1, size=128))
    with torch.no_grad():
        out = net(template, search)
    assert all(p.dtype == torch.float64 and p.device.type == device for p in net.parameters())
    assert all(v.dtype == torch.float64 and v.device.type == device for v in out.values())
    assert out["mask"].shape == (1, 1, 128, 128)


def test_layer4_and_fc_are_held_but_never_run(net_r18):
    calls = []
    hooks = [getattr(net_r18.feature_extractor, name).register_forward_hook(lambda *args, name=name: calls.append(name))
             for name in ("layer4", "fc")]
    try:
        with torch.no_grad():
            template, search = crops(1, size=128)
            net_r18(template, search)
            net_r18.refine(search, net_r18.template_kernel(template), mask=False)
    finally:
        for hook in hooks:
            hook.remove()
    assert calls == []


def test_backbone_weights_load_from_a_local_torchvision_file(tmp_path):
    torch.manual_seed(2)
    weights = resnet18().state_dict()
    torch.save(weights, tmp_path / "resnet18.pth")
    net = refine.alpharefine_secm_r18(backbone_pretrained=True, backbone_path=str(tmp_path / "resnet18.pth"))
    assert torch.equal(net.feature_extractor.conv1.weight, weights["conv1.weight"])
