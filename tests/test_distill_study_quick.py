"""The miniature distillation study (``ltr/experiments/distill_study.py``) end to end in its quick mode."""
import pytest

from ltr.experiments import common, distill_study
from tests.study_helpers import run_study_twice, table_rows

ROWS = ["GT only", "TS", "TS+AH", "TS+AH+Fidelity", "+CF multi-task (CFKD)", "TSKD (Liu)",
        "Teacher (atom_resnet18medium)"]


@pytest.fixture(scope="module")
def study(tmp_path_factory, synthetic_root):
    """The quick study run twice into the same folders: ``{'first', 'second' (reports), 'second_output', 'out'}``."""
    return run_study_twice(distill_study.run_study, distill_study.QUICK,
                           tmp_path_factory.mktemp("distill_study"), synthetic_root)


@pytest.mark.slow
def test_table_has_the_six_students_in_the_thesis_order_then_the_teacher(study):
    assert list(table_rows(study["first"]["table"])) == ROWS


@pytest.mark.slow
def test_every_row_has_precision_success_params_macs_and_fps_numbers(study):
    header = [cell.strip() for cell in study["first"]["table"].splitlines()[0].split("|")]
    assert header[1:3] == ["synthetic Precision", "synthetic Success"]
    assert header[-3:] == ["Params (K)", "MACs/frame (M)", "CPU FPS"]
    for label, cells in table_rows(study["first"]["table"]).items():
        assert all(float(cell) >= 0 for cell in cells), label


@pytest.mark.slow
def test_students_have_fewer_parameters_and_macs_than_the_teacher(study):
    profiles = study["first"]["profiles"]
    teacher = profiles[ROWS[-1]]
    for row in ROWS[:-1]:
        assert profiles[row]["params"] < teacher["params"] and profiles[row]["macs"] < teacher["macs"]


@pytest.mark.slow
def test_table_file_and_plots_are_written_to_the_report_folder(study):
    report = study["out"] / "results" / "report"
    assert study["second"]["table_file"] == report / "ablation_table.txt"
    assert study["second"]["table"] in (report / "ablation_table.txt").read_text()  # the latest run's table
    for kind in ("success", "precision"):
        assert (report / "synthetic" / f"{kind}_plot.png").is_file()


@pytest.mark.slow
def test_a_second_run_reuses_every_training_run_and_tracking_result(study):
    output = study["second_output"]
    assert "$ python ltr/run_training.py" not in output
    assert output.count("\nReusing ") == len(ROWS)
    assert study["second"]["scores"] == study["first"]["scores"]


@pytest.mark.slow
def test_students_are_distilled_from_the_teachers_final_checkpoint(study):
    checkpoints = study["first"]["checkpoints"]
    assert checkpoints["teacher"].name == f"ATOMnet_ep{distill_study.QUICK.teacher_epochs:04d}.pth.tar"
    assert checkpoints["cfkd"].parents[3].name.endswith(
        common.file_tag(checkpoints["teacher"]))


@pytest.mark.slow
def test_other_experiments_find_the_cfkd_student_without_training(study):
    found = distill_study.find_or_train_student(distill_study.QUICK, study["out"] / "ws", may_train=False)
    assert found == study["first"]["checkpoints"]["cfkd"]


def test_no_student_is_found_in_a_workspace_without_the_study(tmp_path):
    assert distill_study.find_or_train_student(distill_study.DEFAULT, tmp_path, may_train=False) is None


@pytest.mark.slow
def test_trackers_use_the_checkpoint_the_crop_size_and_the_backbones_parameter_file(study):
    config, checkpoints = distill_study.QUICK, study["first"]["checkpoints"]
    trackers = distill_study.study_trackers(config, checkpoints, study["out"] / "results", device="cpu")
    student, teacher = trackers[0].get_parameters(), trackers[-1].get_parameters()
    assert student.net_path == str(checkpoints["gt"]) and student.sample_size == config.output_size
    assert student.net_constructor == "ltr.models.bbreg.atom.atom_mobilenetsmall" and student.num_threads == 1
    assert teacher.net_path == str(checkpoints["teacher"]) and teacher.sample_size == config.output_size
    assert trackers[-1].base_param == "resnet18medium"


@pytest.mark.parametrize("constructor, parameter_file", [("ltr.models.bbreg.atom.atom_resnet18", "default"),
                                                         ("ltr.models.bbreg.atom.atom_mobilenetsmall",
                                                          "mobilenetsmall")])
def test_parameter_file_is_the_backbones_or_the_default(constructor, parameter_file):
    assert common.atom_parameter_file(constructor) == parameter_file


@pytest.mark.parametrize("epochs, step", [(1, 1), (4, 3), (8, 6)])
def test_learning_rate_drops_once_after_three_quarters_of_the_epochs(epochs, step):
    assert common.lr_step(epochs) == step


def test_crop_size_not_a_multiple_of_16_is_rejected_naming_the_flag(capsys):
    with pytest.raises(SystemExit):
        distill_study.main(["--quick", "--output-size", "100"])
    assert "--output-size" in capsys.readouterr().err
