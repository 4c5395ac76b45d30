"""OSTrack / CompressTracker networks: published layouts and sizes, forward shapes, box decoding, student
initialisation from the teacher, pretrained-ViT loading."""
import json
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F

from ltr.admin.loading import CheckpointError, load_network, save_network
from ltr.models import ostrack
from ltr.models.backbone.vit import CompressTrackerViT, OSTrackViT
from ltr.models.ostrack import CenterHead, decode_boxes, load_pretrained_vit, student_init_from_teacher
from ltr.models.ostrack.ostrack import teacher_block_indices

SHARED_DIR = Path(__file__).resolve().parents[2].parent / "shared"
SHAPES_FILE = SHARED_DIR / "reference" / "ostrack_compresstracker_state_dict_shapes.json"
# parameter counts (millions) reported in the CompressTracker paper (thop convention, see test below)
PUBLISHED_PARAMS_M = {"ostrack_vitb_256": 92.1, "compresstracker_vitb_256_2": 21.2, "compresstracker_vitb_256_3": 28.3,
                      "compresstracker_vitb_256_4": 35.4, "compresstracker_vitb_256_6": 49.6}
TINY_CROPS = {"template_size": 64, "search_size": 128}  # 4x4 template and 8x8 search tokens


@pytest.fixture(scope="module")
def published_nets():
    """The published constructors built on the meta device (no memory, no initialisation cost)."""
    with torch.device("meta"):
        return {name: getattr(ostrack, name)() for name in PUBLISHED_PARAMS_M}


@pytest.fixture(scope="module")
def official_shapes():
    if not SHAPES_FILE.is_file():
        pytest.skip(f"published checkpoint layouts not available ({SHAPES_FILE} missing: ../shared is absent)")
    return json.loads(SHAPES_FILE.read_text())


@pytest.fixture(scope="module")
def tiny_teacher():
    torch.manual_seed(0)
    return ostrack.ostrack_vit_tiny(**TINY_CROPS).eval()


@pytest.fixture(scope="module")
def tiny_student():
    torch.manual_seed(1)
    return ostrack.compresstracker_vit_tiny(num_layers=4, **TINY_CROPS).eval()


def crops(batch=2):
    return torch.randn(batch, 3, TINY_CROPS["template_size"], TINY_CROPS["template_size"]), \
        torch.randn(batch, 3, TINY_CROPS["search_size"], TINY_CROPS["search_size"])


def timm_vit_state(depth=4, dim=32, seed=0):
    """A random timm-style ViT state dict (MAE pretrain layout plus classifier keys to ignore)."""
    generator = torch.Generator().manual_seed(seed)
    shapes = {"cls_token": (1, 1, dim), "pos_embed": (1, 197, dim), "patch_embed.proj.weight": (dim, 3, 16, 16),
              "patch_embed.proj.bias": (dim,)}
    for i in range(depth):
        shapes.update({f"blocks.{i}.norm1.weight": (dim,), f"blocks.{i}.norm1.bias": (dim,),
                       f"blocks.{i}.attn.qkv.weight": (3 * dim, dim), f"blocks.{i}.attn.qkv.bias": (3 * dim,),
                       f"blocks.{i}.attn.proj.weight": (dim, dim), f"blocks.{i}.attn.proj.bias": (dim,),
                       f"blocks.{i}.norm2.weight": (dim,), f"blocks.{i}.norm2.bias": (dim,),
                       f"blocks.{i}.mlp.fc1.weight": (4 * dim, dim), f"blocks.{i}.mlp.fc1.bias": (4 * dim,),
                       f"blocks.{i}.mlp.fc2.weight": (dim, 4 * dim), f"blocks.{i}.mlp.fc2.bias": (dim,)})
    shapes.update({"norm.weight": (dim,), "norm.bias": (dim,), "head.weight": (10, dim), "head.bias": (10,)})
    return {key: torch.randn(shape, generator=generator) for key, shape in shapes.items()}


def small_backbone(backbone_class, depth):
    return backbone_class(embed_dim=32, depth=depth, num_heads=2, template_size=32, search_size=64)


@pytest.mark.parametrize("name", sorted(PUBLISHED_PARAMS_M))
def test_state_dict_matches_published_checkpoint_layout(published_nets, official_shapes, name):
    ours = [(key, list(value.shape)) for key, value in published_nets[name].state_dict().items()]
    assert ours == list(official_shapes[name].items())


@pytest.mark.parametrize("name", sorted(PUBLISHED_PARAMS_M))
def test_parameter_count_matches_published_figure(published_nets, name):
    # The paper's figures are thop counts: parameters of leaf modules only, i.e. without the embeddings
    # registered on the backbone itself (cls_token, pos_embed, pos_embed_z, pos_embed_x: 0.40 M for ViT-B).
    net = published_nets[name]
    learnable = sum(p.numel() for p in net.parameters() if p.requires_grad)
    in_leaf_modules = sum(p.numel() for module in net.modules() if not list(module.children())
                          for p in module.parameters(recurse=False) if p.requires_grad)
    print(f"{name}: {learnable / 1e6:.3f} M learnable, {in_leaf_modules / 1e6:.3f} M in leaf modules, "
          f"published {PUBLISHED_PARAMS_M[name]} M")
    assert in_leaf_modules / 1e6 == pytest.approx(PUBLISHED_PARAMS_M[name], rel=0.02)


def test_student_wrappers_record_their_own_constructor(published_nets):
    constructor = published_nets["compresstracker_vitb_256_3"].constructor
    assert (constructor.fun_module, constructor.fun_name) == ("ltr.models.ostrack.ostrack",
                                                              "compresstracker_vitb_256_3")


def test_teacher_forward_predicts_maps_on_the_search_grid(tiny_teacher):
    with torch.no_grad():
        out = tiny_teacher(*crops())
    shapes = {key: tuple(value.shape) for key, value in out.items()}
    assert shapes == {"score_map": (2, 1, 8, 8), "size_map": (2, 2, 8, 8), "offset_map": (2, 2, 8, 8),
                      "pred_boxes": (2, 4)}


def test_student_backbone_returns_template_and_search_tokens(tiny_student):
    with torch.no_grad():
        tokens = tiny_student.backbone(*crops())
    assert tokens.shape == (2, 16 + 64, 192)


def test_head_of_a_manual_block_run_equals_forward(tiny_student):
    template, search = crops()
    backbone = tiny_student.backbone
    with torch.no_grad():
        tokens = backbone.embed(template, search)
        for block in backbone.layers:
            tokens = block(tokens)
        manual = tiny_student.head(backbone.norm(tokens))
        direct = tiny_student(template, search)
    for key, value in direct.items():
        assert torch.allclose(manual[key], value, atol=1e-6), key


def test_layers_are_the_registered_blocks_without_duplicate_parameters(tiny_teacher, tiny_student):
    assert tiny_teacher.backbone.layers is tiny_teacher.backbone.blocks
    assert tiny_student.backbone.layers is tiny_student.backbone.distill_blocks
    assert not any(".layers." in key for key in tiny_student.state_dict())


def test_drop_path_rises_linearly_over_the_teacher_blocks(tiny_teacher):
    rates = [block.drop_path.drop_prob for block in tiny_teacher.backbone.layers]
    assert rates == pytest.approx(torch.linspace(0, 0.1, 12).tolist())


def test_score_and_size_maps_are_clamped_sigmoids():
    head = CenterHead(in_channels=8, channels=(4, 4, 4, 4)).eval()
    with torch.no_grad():
        head.conv5_ctr.bias.fill_(100.0)
        head.conv5_size.bias.fill_(-100.0)
        head.conv5_offset.bias.fill_(-100.0)
        score_map, size_map, offset_map = head(torch.randn(1, 8, 3, 3))
    assert torch.all(score_map == 1 - 1e-4) and torch.all(size_map == 1e-4)
    assert offset_map.max() < -50  # raw


def test_decode_boxes_reads_offset_and_size_at_the_score_maximum():
    score_map = torch.zeros(1, 1, 4, 5)
    score_map[0, 0, 2, 3] = 0.9  # row (y) 2, column (x) 3 of a 4 x 5 map
    size_map = torch.zeros(1, 2, 4, 5)
    size_map[0, :, 2, 3] = torch.tensor([0.3, 0.4])
    offset_map = torch.zeros(1, 2, 4, 5)
    offset_map[0, :, 2, 3] = torch.tensor([0.25, 0.5])
    box = decode_boxes(score_map, size_map, offset_map)
    assert torch.allclose(box, torch.tensor([[(3 + 0.25) / 5, (2 + 0.5) / 4, 0.3, 0.4]]))


def test_decode_boxes_follows_a_window_weighted_score_map():
    score_map = torch.zeros(1, 1, 16, 16)
    score_map[0, 0, 0, 0], score_map[0, 0, 9, 6] = 1.0, 0.5  # border peak higher before windowing
    hann = 0.5 * (1 - torch.cos(2 * torch.pi * torch.arange(1, 17) / 17))
    size_map = torch.full((1, 2, 16, 16), 0.2)
    box = decode_boxes(score_map * torch.outer(hann, hann), size_map, torch.zeros(1, 2, 16, 16))
    assert torch.allclose(box, torch.tensor([[6 / 16, 9 / 16, 0.2, 0.2]]))


@pytest.mark.parametrize("num_layers, expected", [(2, [5, 11]), (3, [3, 7, 11]), (4, [2, 5, 8, 11]),
                                                  (6, [1, 3, 5, 7, 9, 11]), (12, list(range(12)))])
def test_teacher_block_indices_are_the_stage_ends(num_layers, expected):
    assert teacher_block_indices(12, num_layers) == expected


def test_student_init_copies_stage_end_teacher_blocks_embeddings_and_head(tiny_teacher):
    student = ostrack.compresstracker_vit_tiny(num_layers=4, **TINY_CROPS)
    student_init_from_teacher(student, tiny_teacher)
    teacher_state, student_state = tiny_teacher.state_dict(), student.state_dict()
    for j, i in enumerate([2, 5, 8, 11]):
        for key, value in tiny_teacher.backbone.blocks[i].state_dict().items():
            assert torch.equal(student_state[f"backbone.distill_blocks.{j}.{key}"], value), (j, key)
    shared = [key for key in student_state if "distill_blocks" not in key]
    assert "backbone.pos_embed_x" in shared and "box_head.conv1_size.1.running_var" in shared
    for key in shared:
        assert torch.equal(student_state[key], teacher_state[key]), key


def test_student_init_rejects_a_depth_that_does_not_divide_the_teacher(tiny_teacher):
    student = ostrack.compresstracker_vit_tiny(num_layers=5, **TINY_CROPS)
    with pytest.raises(ValueError, match="12 blocks cannot be divided into 5"):
        student_init_from_teacher(student, tiny_teacher)


def test_pretrained_vit_loads_weights_and_resamples_position_embeddings(tmp_path):
    state = timm_vit_state()
    torch.save({"model": state}, tmp_path / "mae.pth")
    backbone = small_backbone(OSTrackViT, depth=4)
    load_pretrained_vit(backbone, tmp_path / "mae.pth")
    grid = state["pos_embed"][:, 1:].reshape(1, 14, 14, 32).permute(0, 3, 1, 2)
    for name, side in (("pos_embed_z", 2), ("pos_embed_x", 4)):
        expected = F.interpolate(grid, size=(side, side), mode="bicubic", align_corners=False)
        assert torch.allclose(getattr(backbone, name), expected.flatten(2).transpose(1, 2)), name
    assert torch.equal(backbone.pos_embed, state["pos_embed"])
    assert torch.equal(backbone.blocks[2].mlp.fc1.weight, state["blocks.2.mlp.fc1.weight"])
    assert torch.equal(backbone.norm.bias, state["norm.bias"])


def test_pretrained_vit_fills_student_blocks_from_stage_ends(tmp_path):
    state = timm_vit_state()
    torch.save(state, tmp_path / "vit.pth")
    backbone = small_backbone(CompressTrackerViT, depth=2)
    load_pretrained_vit(backbone, tmp_path / "vit.pth")
    assert torch.equal(backbone.distill_blocks[0].attn.qkv.weight, state["blocks.1.attn.qkv.weight"])
    assert torch.equal(backbone.distill_blocks[1].norm2.weight, state["blocks.3.norm2.weight"])


def test_pretrained_vit_with_a_wrong_key_fails_naming_file_and_key(tmp_path):
    state = timm_vit_state()
    state["blocks.1.attn.qkvx.weight"] = state.pop("blocks.1.attn.qkv.weight")
    torch.save(state, tmp_path / "renamed.pth")
    with pytest.raises(CheckpointError, match=r"renamed\.pth.*missing keys \['blocks\.1\.attn\.qkv\.weight'\]"):
        load_pretrained_vit(small_backbone(OSTrackViT, depth=4), tmp_path / "renamed.pth")


def test_pretrained_vit_of_another_width_fails(tmp_path):
    torch.save(timm_vit_state(dim=16), tmp_path / "narrow.pth")
    with pytest.raises(CheckpointError, match=r"narrow\.pth.*shape mismatches"):
        load_pretrained_vit(small_backbone(OSTrackViT, depth=4), tmp_path / "narrow.pth")


def test_saved_student_rebuilds_from_its_recorded_constructor(tmp_path):
    net = ostrack.compresstracker_vit_tiny(num_layers=2, **TINY_CROPS)
    loaded = load_network(save_network(tmp_path / "ct2.pth.tar", net))
    assert len(loaded.backbone.layers) == 2 and loaded.backbone.search_grid == 8
    weight = net.backbone.distill_blocks[1].attn.proj.weight
    assert torch.equal(loaded.backbone.distill_blocks[1].attn.proj.weight, weight)
