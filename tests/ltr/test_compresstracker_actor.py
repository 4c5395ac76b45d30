"""CompressTracker's replacement training: p schedule, stage draws, mixed forward pass, losses, settings."""
import pytest
import torch

from ltr import run_training
from ltr.actors.ostrack import (
    CompressTrackerActor,
    OSTrackActor,
    StageReplacementNet,
    draw_student_stages,
    replacement_probability,
)
from ltr.admin.loading import CheckpointError, load_network
from ltr.admin.settings import Settings
from ltr.models.backbone.vit import CompressTrackerViT
from ltr.models.loss.ostrack_loss import OSTrackLoss
from ltr.models.ostrack import compresstracker_vit_tiny, ostrack_vit_tiny, student_init_from_teacher
from ltr.train_settings.compresstracker import build_student, declare_compresstracker_defaults, student_drop_path_rate

CROPS = {"template_size": 32, "search_size": 64}  # 2 x 2 template and 4 x 4 search tokens


class ScriptedRng:
    """Stands in for Python's random module: returns the given random() values and randrange() indices."""

    def __init__(self, uniforms, indices=()):
        self.uniforms, self.indices = list(uniforms), list(indices)

    def random(self):
        return self.uniforms.pop(0)

    def randrange(self, stop):
        index = self.indices.pop(0)
        assert 0 <= index < stop
        return index


def make_net(teacher_depth=4, num_layers=2, seed=0):
    torch.manual_seed(seed)
    teacher = ostrack_vit_tiny(depth=teacher_depth, drop_path_rate=0.0, **CROPS)
    student = compresstracker_vit_tiny(num_layers=num_layers, drop_path_rate=0.0, **CROPS)
    student_init_from_teacher(student, teacher)
    return StageReplacementNet(student, teacher)


def make_batch(batch=2, seed=1):
    generator = torch.Generator().manual_seed(seed)
    return {"template_images": torch.randn(1, batch, 3, 32, 32, generator=generator),
            "search_images": torch.randn(1, batch, 3, 64, 64, generator=generator),
            "search_anno": torch.tensor([[[0.3, 0.35, 0.25, 0.2], [0.4, 0.3, 0.2, 0.3]]])[:, :batch]}


@pytest.mark.parametrize("epoch, p", [(1, 0.5), (51, 0.5), (52, 0.5025), (250, 0.75), (450, 1.0), (451, 1.0),
                                      (500, 1.0)])
def test_replacement_probability_at_the_schedule_breakpoints(epoch, p):
    assert replacement_probability(epoch, 500, 0.5) == pytest.approx(p)


def test_replacement_probability_scales_with_the_number_of_epochs():
    assert replacement_probability(6, 50) == 0.5 and replacement_probability(25, 50) == pytest.approx(0.75)
    assert replacement_probability(46, 50) == 1.0


def test_replacement_probability_refuses_epoch_zero():
    with pytest.raises(ValueError, match="epoch >= 1"):
        replacement_probability(0, 500)


def test_each_stage_draws_the_student_with_probability_p():
    assert draw_student_stages(4, 0.5, ScriptedRng([0.1, 0.9, 0.3, 0.5])) == [True, False, True, False]


def test_when_every_stage_draws_the_teacher_exactly_one_random_stage_runs_the_student():
    rng = ScriptedRng([0.9, 0.9, 0.9, 0.9], indices=[2])
    assert draw_student_stages(4, 0.5, rng) == [False, False, True, False]


def test_replacement_with_only_student_stages_is_the_pure_student_forward():
    net = make_net().eval()
    template, search = torch.randn(2, 3, 32, 32), torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        mixed = net(template, search, [True, True])["pred"]
        pure = net.student(template, search)
    for key in ("score_map", "size_map", "offset_map", "pred_boxes"):
        assert torch.allclose(mixed[key], pure[key], atol=1e-6)


def test_only_teacher_stages_reproduce_the_teachers_outputs_at_layers_r_minus_1_and_2r_minus_1():
    net = make_net(teacher_depth=4, num_layers=2).eval()  # r = 2: teacher layers 1 and 3
    template, search = torch.randn(2, 3, 32, 32), torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        out = net(template, search, [False, False])
        tokens = net.teacher.backbone.embed(template, search)
        layer_outputs = []
        for block in net.teacher.backbone.layers:
            tokens = block(tokens)
            layer_outputs.append(tokens)
    assert len(out["teacher_stage_outputs"]) == 2
    for mixed, teacher, expected in zip(out["stage_outputs"], out["teacher_stage_outputs"], layer_outputs[1::2]):
        assert torch.allclose(mixed, expected, atol=1e-5) and torch.allclose(teacher, expected)
    assert torch.allclose(out["pred"]["pred_boxes"], out["teacher_pred"]["pred_boxes"], atol=1e-5)


def test_feature_mimicking_is_zero_when_student_blocks_equal_teacher_blocks_with_r_1():
    actor = CompressTrackerActor(make_net(teacher_depth=2, num_layers=2))
    actor.set_epoch(1)
    actor.eval()
    with torch.no_grad():
        _, stats = actor(make_batch())
    assert stats["Loss/feat"] == pytest.approx(0, abs=1e-10)
    assert stats["Loss/pred"] == pytest.approx(0, abs=1e-5)


def test_actor_logs_every_term_and_p_and_sums_them_with_the_published_weights():
    torch.manual_seed(0)
    net = make_net()
    net.student.backbone.layers[0].mlp.fc2.bias.data += 0.1  # student and teacher differ
    actor = CompressTrackerActor(net, OSTrackLoss(), num_epochs=500)
    actor.set_epoch(250)
    actor.train(True)
    loss, stats = actor(make_batch())
    assert set(stats) == {"Loss/total", "Loss/giou", "Loss/l1", "Loss/focal", "Loss/pred", "Loss/feat", "IoU", "p"}
    assert stats["p"] == pytest.approx(0.75)
    track = 2 * stats["Loss/giou"] + 5 * stats["Loss/l1"] + stats["Loss/focal"]
    assert loss.item() == pytest.approx(track + stats["Loss/pred"] + 0.2 * stats["Loss/feat"], rel=1e-5)
    assert stats["Loss/feat"] > 0


def test_validation_runs_the_pure_student():
    net = make_net()
    actor = CompressTrackerActor(net)
    actor.set_epoch(1)
    actor.eval()
    batch = make_batch()
    with torch.no_grad():
        _, stats = actor(batch)
        total, _ = OSTrackLoss()(net.student(batch["template_images"][0], batch["search_images"][0]),
                                 batch["search_anno"][0])
    assert stats["p"] == 1.0
    assert 2 * stats["Loss/giou"] + 5 * stats["Loss/l1"] + stats["Loss/focal"] == pytest.approx(total.item(), rel=1e-5)


def test_only_the_student_trains_and_the_teacher_stays_in_evaluation_mode():
    net = make_net()
    actor = CompressTrackerActor(net)
    actor.set_epoch(1)
    actor.train(True)
    assert net.student.training and not net.teacher.training
    assert not any(p.requires_grad for p in net.teacher.parameters())
    loss, _ = actor(make_batch())
    loss.backward()
    assert net.student.backbone.patch_embed.proj.weight.grad.abs().sum() > 0
    assert net.student.box_head.conv5_ctr.weight.grad.abs().sum() > 0
    assert all(p.grad is None for p in net.teacher.parameters())
    assert actor.checkpoint_net() is net.student


def test_stage_replacement_net_refuses_students_that_do_not_fit_the_teacher():
    teacher = ostrack_vit_tiny(depth=4, **CROPS)
    with pytest.raises(ValueError, match="cannot be divided into 3"):
        StageReplacementNet(compresstracker_vit_tiny(num_layers=3, **CROPS), teacher)
    with pytest.raises(ValueError, match="patch grids"):
        StageReplacementNet(compresstracker_vit_tiny(num_layers=2, template_size=64, search_size=64), teacher)


def test_ostrack_actor_scores_the_network_with_the_tracking_loss():
    torch.manual_seed(0)
    net = ostrack_vit_tiny(depth=1, **CROPS)
    batch = make_batch()
    loss, stats = OSTrackActor(net)(batch)
    assert set(stats) == {"Loss/total", "Loss/giou", "Loss/l1", "Loss/focal", "IoU"}
    assert loss.item() == pytest.approx(2 * stats["Loss/giou"] + 5 * stats["Loss/l1"] + stats["Loss/focal"],
                                        rel=1e-5)


def test_actors_need_one_template_and_one_search_frame():
    batch = make_batch()
    batch["search_images"] = batch["search_images"].repeat(2, 1, 1, 1, 1)
    with pytest.raises(ValueError, match="one template and one search frame"):
        OSTrackActor(ostrack_vit_tiny(depth=1, **CROPS))(batch)


def test_student_blocks_get_the_drop_path_rate_of_their_first_teacher_block():
    # teacher rates linspace(0, 0.1, 12); N = 4 student block j gets teacher block 3 j's: 0.1 * 3 j / 11
    rate = student_drop_path_rate(0.1, 12, 4)
    assert torch.allclose(torch.linspace(0, rate, 4), 0.1 * torch.tensor([0.0, 3.0, 6.0, 9.0]) / 11)


def _smoke_settings(tmp_path, num_layers):
    settings = Settings("compresstracker", "vit_tiny", smoke=True, workspace=tmp_path)
    declare_compresstracker_defaults(settings, num_layers=num_layers)
    return settings  # crops 64 / 128


def test_a_student_depth_that_does_not_divide_the_teachers_is_an_error_naming_the_settings(tmp_path):
    teacher = ostrack_vit_tiny(depth=4, template_size=64, search_size=128)
    with pytest.raises(CheckpointError, match="4 blocks, which settings.num_layers = 3 does not divide"):
        build_student(_smoke_settings(tmp_path, 3), teacher)


def test_a_teacher_built_for_other_crops_is_an_error_naming_the_settings(tmp_path):
    teacher = ostrack_vit_tiny(depth=4, template_size=64, search_size=64)
    with pytest.raises(CheckpointError, match="output_size"):
        build_student(_smoke_settings(tmp_path, 2), teacher)


@pytest.mark.slow
@pytest.mark.parametrize("num_layers", [2, 3, 4, 6])
def test_smoke_run_writes_a_student_checkpoint_that_load_network_rebuilds(tmp_path, num_layers):
    run_training.main(["compresstracker", f"vitb_256_{num_layers}", "--smoke", "--workspace", str(tmp_path)])
    (checkpoint,) = (tmp_path / "checkpoints" / "compresstracker" / f"vitb_256_{num_layers}").glob("*.pth.tar")
    net = load_network(checkpoint)
    assert isinstance(net.backbone, CompressTrackerViT) and len(net.backbone.layers) == num_layers
    assert all(key.startswith(("backbone.", "box_head.")) for key in net.state_dict())
