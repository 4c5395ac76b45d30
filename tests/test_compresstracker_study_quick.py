"""CompressTracker's ablation in miniature (``ltr/experiments/compresstracker_study.py``) end to end in its quick
mode, and the training switches its rows use (``ltr/train_settings/compresstracker``, ``ltr/actors/ostrack.py``)."""
import math

import pytest
import torch

from ltr import run_training
from ltr.actors.ostrack import CompressTrackerActor
from ltr.admin.settings import Settings
from ltr.experiments import compresstracker_study as study_module
from ltr.experiments.common import file_tag
from ltr.train_settings.compresstracker import declare_compresstracker_defaults
from tests.ltr.test_compresstracker_actor import make_batch, make_net
from tests.study_helpers import run_study_twice, table_rows

ROWS = ["CT-4: GT only", "CT-4: + replacement", "CT-4: + replacement + prediction guidance",
        "CT-4: + replacement + feature mimicking", "CT-4: all three (progressive p)", "CT-4: all three, fixed p = 0.5",
        "CT-2: all three (progressive p)", "Teacher (OSTrack ViT-tiny, 12 blocks)"]
PROFILE_TITLES = ["Params (K)", "Leaf params (K)", "MACs/frame (M)", "MACs conv+linear (M)", "CPU FPS"]


@pytest.fixture(scope="module")
def study(tmp_path_factory, synthetic_root):
    """The quick study run twice into the same folders: ``{'first', 'second' (reports), 'second_output', 'out'}``."""
    return run_study_twice(study_module.run_study, study_module.QUICK,
                           tmp_path_factory.mktemp("compresstracker_study"), synthetic_root)


@pytest.mark.slow
def test_table_has_the_ablation_rows_in_the_papers_order_then_ct2_and_the_teacher(study):
    assert list(table_rows(study["first"]["table"])) == ROWS


@pytest.mark.slow
def test_every_row_has_finite_scores_parameters_macs_and_fps(study):
    header = [cell.strip() for cell in study["first"]["table"].splitlines()[0].split("|")]
    assert header[1:3] == ["synthetic Precision", "synthetic Success"]
    assert header[-5:] == PROFILE_TITLES
    for label, cells in table_rows(study["first"]["table"]).items():
        assert all(math.isfinite(float(cell)) and float(cell) >= 0 for cell in cells), label


@pytest.mark.slow
def test_shallower_networks_have_fewer_parameters_and_macs(study):
    profiles = study["first"]["profiles"]
    ct4, ct2, teacher = (profiles[ROWS[i]] for i in (4, 6, 7))
    for key in ("params", "params_leaf_modules", "macs", "macs_conv_linear"):
        assert ct2[key] < ct4[key] < teacher[key], key
    assert all(profiles[row]["params"] == ct4["params"] for row in ROWS[:6])


@pytest.mark.slow
def test_thop_counts_leave_out_position_embeddings_and_attention_products(study):
    for row, profile in study["first"]["profiles"].items():
        assert profile["params_leaf_modules"] < profile["params"], row
        assert 0 < profile["macs_conv_linear"] < profile["macs"], row


@pytest.mark.slow
def test_table_file_and_plots_are_written_to_the_report_folder(study):
    report = study["out"] / "results" / "report"
    assert study["second"]["table_file"] == report / "ablation_table.txt"
    assert study["second"]["table"] in (report / "ablation_table.txt").read_text()
    for kind in ("success", "precision"):
        assert (report / "synthetic" / f"{kind}_plot.png").is_file()


@pytest.mark.slow
def test_a_second_run_reuses_every_training_run_and_tracking_result(study):
    output = study["second_output"]
    assert "$ python ltr/run_training.py" not in output
    assert output.count("\nReusing ") == len(ROWS)
    assert study["second"]["scores"] == study["first"]["scores"]


@pytest.mark.slow
def test_students_are_trained_from_the_teachers_final_checkpoint_in_one_folder_each(study):
    checkpoints = study["first"]["checkpoints"]
    assert checkpoints["teacher"].name == f"OSTrack_ep{study_module.QUICK.teacher_epochs:04d}.pth.tar"
    folders = {checkpoints[key].parents[3] for key, *_ in study_module.students(study_module.QUICK)}
    assert len(folders) == len(ROWS) - 1
    assert all(folder.parent.name.endswith(file_tag(checkpoints["teacher"])) for folder in folders)


@pytest.mark.slow
def test_other_experiments_find_the_full_methods_student_at_the_first_depth_without_training(study):
    found = study_module.find_or_train_student(study_module.QUICK, study["out"] / "ws", may_train=False)
    assert found == study["first"]["checkpoints"]["n4_all"]


def test_no_student_is_found_in_a_workspace_without_the_study(tmp_path):
    assert study_module.find_or_train_student(study_module.DEFAULT, tmp_path, may_train=False) is None


@pytest.mark.slow
def test_trackers_use_the_checkpoint_its_depth_and_the_training_crops(study):
    config, checkpoints = study_module.QUICK, study["first"]["checkpoints"]
    trackers = study_module.study_trackers(config, checkpoints, study["out"] / "results", device="cpu")
    ct2, teacher = trackers[-2].get_parameters(), trackers[-1].get_parameters()
    assert ct2.net_path == str(checkpoints["n2_all"]) and ct2.net_kwargs["num_layers"] == 2
    assert ct2.net_constructor.endswith(".compresstracker_vit_tiny") and ct2.num_threads == 1
    assert (ct2.template_size, ct2.search_size) == (config.template_size, config.search_size) == (32, 64)
    assert teacher.net_constructor.endswith(".ostrack_vit_tiny") and teacher.net_path == str(checkpoints["teacher"])


def test_students_are_the_ablation_at_the_first_depth_then_the_full_method_at_the_others():
    config = study_module.StudyConfig("x", 1, 1, 1, 16, 1, 16, 16, depths=(6, 3, 2))
    rows = study_module.students(config)
    assert [key for key, *_ in rows] == ["n6_gt", "n6_rt", "n6_rt_pred", "n6_rt_feat", "n6_all", "n6_fixed",
                                         "n3_all", "n2_all"]
    assert [n for _, _, n, _ in rows] == [6] * 6 + [3, 2]


@pytest.mark.parametrize("variant, expected", [
    ("gt", {"replacement": False, "p_schedule": "progressive", "w_pred": 0.0, "w_feat": 0.0}),
    ("rt", {"replacement": True, "p_schedule": "progressive", "w_pred": 0.0, "w_feat": 0.0}),
    ("rt_pred", {"replacement": True, "p_schedule": "progressive", "w_pred": 1.0, "w_feat": 0.0}),
    ("rt_feat", {"replacement": True, "p_schedule": "progressive", "w_pred": 0.0, "w_feat": 0.2}),
    ("all", {"replacement": True, "p_schedule": "progressive", "w_pred": 1.0, "w_feat": 0.2}),
    ("fixed", {"replacement": True, "p_schedule": "fixed", "w_pred": 1.0, "w_feat": 0.2})])
def test_each_ablation_row_sets_its_switches(tmp_path, variant, expected):
    (row,) = [v for v in study_module.ABLATION if v.key == variant]
    settings = Settings("compresstracker", "vit_tiny", workspace=tmp_path, overrides=row.overrides)
    declare_compresstracker_defaults(settings, num_layers=4, cpu_study=True)
    settings.apply_overrides()
    assert {"replacement": settings.replacement, "p_schedule": settings.p_schedule,
            "w_pred": settings.loss["w_pred"], "w_feat": settings.loss["w_feat"]} == expected


@pytest.mark.parametrize("flags, flag", [(["--search-size", "100"], "--search-size"),
                                         (["--depths", "5"], "--depths"), (["--depths", "4", "4"], "--depths"),
                                         (["--threads", "-1"], "--threads")])
def test_bad_sizes_are_rejected_naming_the_flag(capsys, flags, flag):
    with pytest.raises(SystemExit):
        study_module.main(["--quick", *flags])
    assert flag in capsys.readouterr().err


# the switches (ltr/train_settings/compresstracker, CompressTrackerActor)

def test_published_defaults_are_replacement_with_the_progressive_schedule_and_both_distillation_terms(tmp_path):
    settings = Settings("compresstracker", "vitb_256_4", workspace=tmp_path)
    declare_compresstracker_defaults(settings, num_layers=4)
    assert (settings.replacement, settings.p_schedule, settings.p_start) == (True, "progressive", 0.5)
    assert (settings.loss["w_pred"], settings.loss["w_feat"]) == (1.0, 0.2)


def training_actor(epoch: int = 250, **switches) -> CompressTrackerActor:
    torch.manual_seed(0)
    net = make_net()
    net.student.backbone.layers[0].mlp.fc2.bias.data += 0.1  # student and teacher differ
    actor = CompressTrackerActor(net, num_epochs=500, **switches)
    actor.set_epoch(epoch)
    actor.train(True)
    return actor


def test_without_replacement_every_training_iteration_runs_the_pure_student():
    actor = training_actor(epoch=1, replacement=False)
    stages = []
    actor.net.register_forward_pre_hook(lambda _, args: stages.append(list(args[2])))
    _, stats = actor(make_batch())
    assert stats["p"] == 1.0 and stages == [[True, True]]


def test_the_fixed_schedule_keeps_p_start_where_the_progressive_one_has_risen():
    assert training_actor(epoch=250, p_schedule="fixed").replacement_p() == 0.5
    assert training_actor(epoch=250).replacement_p() == pytest.approx(0.75)


def test_with_both_distillation_weights_zero_the_loss_is_the_tracking_loss_and_the_teacher_does_not_run():
    actor = training_actor(w_pred=0.0, w_feat=0.0)
    calls = []
    actor.net.teacher.backbone.layers[-1].register_forward_hook(lambda *_: calls.append(1))
    loss, stats = actor(make_batch())
    assert "Loss/pred" not in stats and "Loss/feat" not in stats
    assert loss.item() == pytest.approx(2 * stats["Loss/giou"] + 5 * stats["Loss/l1"] + stats["Loss/focal"], rel=1e-5)
    assert calls == []


def test_feature_mimicking_alone_adds_its_weighted_term():
    loss, stats = training_actor(w_pred=0.0)(make_batch())
    track = 2 * stats["Loss/giou"] + 5 * stats["Loss/l1"] + stats["Loss/focal"]
    assert loss.item() == pytest.approx(track + 0.2 * stats["Loss/feat"], rel=1e-5) and stats["Loss/feat"] > 0


def test_actor_refuses_an_unknown_schedule():
    with pytest.raises(ValueError, match="p_schedule"):
        CompressTrackerActor(make_net(), p_schedule="linear")


def test_an_unknown_schedule_setting_is_one_line_naming_it(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        run_training.main(["compresstracker", "vit_tiny", "--smoke", "--workspace", str(tmp_path),
                           "--set", "p_schedule=linear"])
    assert exit_info.value.code == 2
    assert "settings.p_schedule must be one of progressive, fixed, got 'linear'" in capsys.readouterr().err
