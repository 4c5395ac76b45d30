"""ATOM / DRNet networks: published-checkpoint layouts, checkpoint round trips, head behaviour."""
import json
import math
from pathlib import Path

import pytest
import torch

from ltr.admin.environment import MissingPathError
from ltr.admin.loading import CheckpointError, load_network, save_network
from ltr.models import bbreg
from ltr.models.bbreg.atom_iou_net import AtomIoUNet, xywh_to_rois
from ltr.models.bbreg.drnet_head import DirectReg

SHARED_DIR = Path(__file__).resolve().parents[2].parent / "shared"
SHAPES_FILE = SHARED_DIR / "reference" / "official_state_dict_shapes.json"
# parameter counts (all parameters, buffers excluded) of the published networks (CFKD reference, section 4)
PARAMETER_COUNTS = {"atom_resnet18": 17_285_033, "atom_resnet50": 36_018_601, "atom_resnet18medium": 4_456_905,
                    "atom_resnet18small": 1_182_425, "atom_resnet18tiny": 330_081, "atom_mobilenetsmall": 3_856_201,
                    "drnet_resnet50": 36_020_140, "drnet_mobilenetsmall": 3_856_588}
CONSTRUCTORS = ["atom_resnet18", "atom_resnet50", "atom_resnet18medium", "atom_resnet18small", "atom_resnet18tiny",
                "atom_mobilenetsmall", "atom_mobilenet", "drnet_resnet50", "drnet_mobilenetsmall"]


@pytest.fixture(scope="module")
def nets():
    torch.manual_seed(0)
    return {name: getattr(bbreg, name)() for name in CONSTRUCTORS}


@pytest.fixture(scope="module")
def official_shapes():
    if not SHAPES_FILE.is_file():
        pytest.skip(f"published checkpoint layouts not available ({SHAPES_FILE} missing: ../shared is absent)")
    return json.loads(SHAPES_FILE.read_text())


def images(num_images, num_sequences, size=64):
    return torch.randn(num_images, num_sequences, 3, size, size)


@pytest.mark.parametrize("name", CONSTRUCTORS)
def test_state_dict_matches_published_checkpoint_layout(nets, official_shapes, name):
    ours = {key: list(value.shape) for key, value in nets[name].state_dict().items()}
    assert ours == official_shapes[name]


@pytest.mark.parametrize("name", sorted(PARAMETER_COUNTS))
def test_parameter_count_matches_reference(nets, name):
    assert sum(p.numel() for p in nets[name].parameters()) == PARAMETER_COUNTS[name]


@pytest.mark.parametrize("name", CONSTRUCTORS)
def test_constructor_is_recorded_under_original_module(nets, name):
    constructor = nets[name].constructor
    assert (constructor.fun_module, constructor.fun_name) == (f"ltr.models.bbreg.{name.split('_')[0]}", name)


def test_model_zoo_dict_reloads_strictly_with_explicit_constructor(nets):
    net = nets["atom_mobilenetsmall"]
    checkpoint = {"net": net.state_dict(), "constructor": net.constructor.to_dict()}
    loaded = load_network(checkpoint, constructor=bbreg.atom_mobilenetsmall)
    for key, value in net.state_dict().items():
        assert torch.equal(loaded.state_dict()[key], value), key


def test_saved_checkpoint_rebuilds_from_recorded_constructor(nets, tmp_path):
    net = nets["drnet_mobilenetsmall"]
    loaded = load_network(save_network(tmp_path / "drnet.pth.tar", net))
    assert isinstance(loaded.bb_regressor, DirectReg)
    assert torch.equal(loaded.bb_regressor.box_predictor.weight, net.bb_regressor.box_predictor.weight)


def test_wrongly_laid_out_checkpoint_fails_listing_missing_and_unexpected_keys(nets):
    state = {key.replace("feature_extractor.", "backbone."): value
             for key, value in nets["atom_resnet18tiny"].state_dict().items()}
    with pytest.raises(CheckpointError, match=r"missing keys .*feature_extractor.*unexpected keys .*backbone\."):
        load_network({"net": state}, constructor=bbreg.atom_resnet18tiny)


def test_checkpoint_of_another_width_fails(nets):
    with pytest.raises(CheckpointError, match="ATOMnet"):
        load_network({"net": nets["atom_resnet18tiny"].state_dict()}, constructor=bbreg.atom_resnet18small)


def test_atom_forward_gives_one_iou_per_proposal(nets):
    net = nets["atom_mobilenetsmall"].train()
    boxes = torch.tensor([[[10.0, 12.0, 30.0, 20.0], [5.0, 5.0, 40.0, 44.0]]])
    proposals = boxes[:, :, None].repeat(1, 1, 3, 1)
    assert net(images(1, 2), images(1, 2), boxes, proposals).shape == (1, 2, 3)


def test_drnet_forward_gives_four_offsets_per_proposal(nets):
    net = nets["drnet_mobilenetsmall"].train()
    boxes = torch.tensor([[[10.0, 12.0, 30.0, 20.0], [5.0, 5.0, 40.0, 44.0]]])
    proposals = boxes[:, :, None].repeat(2, 1, 3, 1)
    assert net(images(1, 2), images(2, 2), boxes, proposals).shape == (2, 2, 3, 4)


def test_forward_with_feature_layers_also_returns_reference_and_test_features(nets):
    net = nets["atom_mobilenetsmall"].eval()
    boxes = torch.tensor([[[10.0, 12.0, 30.0, 20.0], [5.0, 5.0, 40.0, 44.0]]])
    proposals = boxes[:, :, None].repeat(1, 1, 3, 1)
    train, test = images(1, 2), images(1, 2)
    pred, ref_feat, test_feat = net(train, test, boxes, proposals, feature_layers=("conv1", "layer3"))
    assert torch.equal(pred, net(train, test, boxes, proposals))
    assert list(ref_feat) == ["conv1", "layer3"]
    assert tuple(test_feat["conv1"].shape[:2]) == (2, 32)
    assert torch.equal(test_feat["layer3"], net.extract_features(test[0], ["layer3"])["layer3"])


def test_backbone_features_at_288_have_strides_8_and_16(nets):
    feat = nets["atom_mobilenetsmall"].eval().extract_backbone_features(torch.randn(2, 3, 288, 288))
    assert {k: tuple(v.shape) for k, v in feat.items()} == {"layer2": (2, 32, 36, 36), "layer3": (2, 64, 18, 18)}


def test_extract_features_returns_requested_layers(nets):
    feat = nets["atom_resnet18tiny"].extract_features(torch.randn(1, 3, 64, 64), ["conv1", "layer1"])
    assert list(feat) == ["conv1", "layer1"]


def test_forward_equals_modulation_then_predict_iou(nets):
    net = nets["atom_resnet18tiny"].eval()
    train, test = images(1, 2), images(1, 2)
    boxes = torch.tensor([[[10.0, 12.0, 30.0, 20.0], [5.0, 5.0, 40.0, 44.0]]])
    proposals = boxes[:, :, None] + torch.tensor([0.0, 2.0, -3.0, 4.0])
    with torch.no_grad():
        iou = net(train, test, boxes, proposals.repeat(1, 1, 2, 1))
        head = net.bb_regressor
        modulation = head.get_modulation(list(net.extract_backbone_features(train[0]).values()), boxes[0])
        iou_feat = head.get_iou_feat(list(net.extract_backbone_features(test[0]).values()))
        direct = head.predict_iou(modulation, iou_feat, proposals[0].repeat(1, 2, 1))
    assert torch.allclose(iou[0], direct, atol=1e-5)


def test_head_module_shapes():
    head = AtomIoUNet(input_dim=(8, 16), pred_input_dim=(12, 12), pred_inter_dim=(6, 10), hidden_dim=8).eval()
    feat = [torch.randn(3, 8, 16, 16), torch.randn(3, 16, 8, 8)]
    modulation = head.get_modulation(feat, torch.tensor([[8.0, 8.0, 40.0, 40.0]]).repeat(3, 1))
    iou_feat = head.get_iou_feat(feat)
    assert [tuple(m.shape) for m in modulation] == [(3, 12, 1, 1), (3, 12, 1, 1)]
    assert [tuple(f.shape) for f in iou_feat] == [(3, 12, 16, 16), (3, 12, 8, 8)]
    assert head.predict_iou(modulation, iou_feat, torch.rand(3, 7, 4) * 50).shape == (3, 7)


def test_xywh_boxes_become_batch_indexed_corner_rois():
    boxes = torch.tensor([[[1.0, 2.0, 3.0, 4.0]], [[10.0, 20.0, 5.0, 6.0]]])
    assert xywh_to_rois(boxes).tolist() == [[0, 1, 2, 4, 6], [1, 10, 20, 15, 26]]


def test_head_initialisation_follows_atom():
    torch.manual_seed(1)
    head = AtomIoUNet()
    bn_weights = torch.cat([head.conv3_1t[1].weight, head.fc3_rt.bn.weight])
    assert 0 <= bn_weights.min() and bn_weights.max() <= 1 and bn_weights.std() > 0.2
    assert torch.count_nonzero(head.conv3_1t[0].bias) == 0
    weight = head.conv4_1t[0].weight
    assert weight.std().item() == pytest.approx(math.sqrt(2 / (256 * 9)), rel=0.05)


def test_pretrained_backbone_without_file_names_the_missing_weights(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTRACKING_NETWORK_PATH", str(tmp_path))
    with pytest.raises(MissingPathError, match="mobilenet_v2-b0353104.pth"):
        bbreg.atom_mobilenetsmall(backbone_pretrained=True)


def test_pretrained_width_variant_needs_an_explicit_path():
    with pytest.raises(ValueError, match="backbone_path"):
        bbreg.atom_resnet18tiny(backbone_pretrained=True)
