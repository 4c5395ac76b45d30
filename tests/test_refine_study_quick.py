"""The miniature Alpha-Refine study (``ltr/experiments/refine_study.py``): its quick mode end to end, and its parts."""
import math

import pytest
import torch

from ltr.experiments import refine_study
from ltr.experiments.common import file_tag
from pytracking.evaluation.tracker import Tracker
from tests.study_helpers import run_study_twice, table_rows


@pytest.fixture(scope="module")
def study(tmp_path_factory, synthetic_root):
    """The quick study run twice into the same folders: ``{'first', 'second' (reports), 'second_output', 'out'}``."""
    out = tmp_path_factory.mktemp("refine_study")
    return run_study_twice(refine_study.run_study, refine_study.QUICK,
                           out, synthetic_root, {"PYTRACKING_WORKSPACE_PATH": str(out / "no_other_studies"),
                                                 "PYTRACKING_NETWORK_PATH": str(out / "networks")})


@pytest.mark.slow
def test_rows_pair_every_base_tracker_with_its_refined_version(study):
    pairs = study["first"]["pairs"]
    expected = [label for label in ("KCF", "FDSiamFC_30 (official)", "ATOM CFKD student")
                if not (label.startswith("FDSiamFC") and "fdsiamfc_30" in study["first"]["skipped"])]
    assert [base for base, _ in pairs] == expected
    assert all(refined == f"{base} + AR18" for base, refined in pairs)
    assert list(table_rows(study["first"]["table"])) == [name for pair in pairs for name in pair]


@pytest.mark.slow
def test_scores_are_finite_and_the_latency_shows_on_refined_rows_only(study):
    header = [cell.strip() for cell in study["first"]["table"].splitlines()[0].split("|")]
    assert header[1:4] == ["synthetic AUC", "synthetic OP75", "synthetic Precision"]
    assert header[-1] == "AR18 ms/frame"
    for index, (label, cells) in enumerate(table_rows(study["first"]["table"]).items()):
        scores, latency = [float(cell) for cell in cells[:-1]], cells[-1]
        assert all(math.isfinite(value) and 0 <= value <= 100 for value in scores), label
        assert (latency == "n/a") if index % 2 == 0 else float(latency) > 0, label


@pytest.mark.slow
def test_refiner_profile_counts_the_parameters_run_and_macs(study):
    profile = study["first"]["refiner"]
    assert 0 < profile["params_run"] < profile["params"]  # layer4, fc and the mask branch do not run
    assert profile["macs"] > 0 and math.isfinite(profile["latency_ms"])


@pytest.mark.slow
def test_refined_results_carry_the_refiner_checkpoints_hash(study):
    tag = file_tag(study["first"]["refiner"]["checkpoint"])
    assert (study["out"] / "results" / "tracking_first10" / "kcf" / f"default_ar18_{tag}" / "Glide.txt").is_file()


@pytest.mark.slow
def test_table_file_and_plots_are_written_to_the_report_folder(study):
    report = study["out"] / "results" / "report"
    assert study["second"]["table"] in (report / "refine_table.txt").read_text()
    for kind in ("success", "precision"):
        assert (report / "synthetic" / f"{kind}_plot.png").is_file()


@pytest.mark.slow
def test_a_second_run_reuses_every_training_run_and_tracking_result(study):
    assert "$ python ltr/run_training.py" not in study["second_output"]
    assert study["second"]["scores"] == study["first"]["scores"]


def test_refined_tracker_has_its_own_parameter_name_and_results_folder(tmp_path):
    net_file = tmp_path / "refiner.pth.tar"
    net_file.write_bytes(b"any bytes")
    base = Tracker("kcf", "default", results_path=tmp_path / "results")
    refined = refine_study.FileRefinedTracker(base, net_file, 128, "KCF + AR18")
    assert refined.parameter_name == f"default_ar18_{file_tag(net_file)}"
    assert refined.results_dir == tmp_path / "results" / "kcf" / refined.parameter_name
    assert refined.display_name == "KCF + AR18"
    assert vars(refined.get_parameters()) == vars(base.get_parameters())


def test_refiner_parameters_take_the_network_file_crop_size_and_device(tmp_path):
    params = refine_study.study_refiner_params(tmp_path / "refiner.pth.tar", 128, "cpu")
    assert (params.net_path, params.output_size, params.device) == (str(tmp_path / "refiner.pth.tar"), 128, "cpu")
    assert params.net_constructor == "ltr.models.refine.alpharefine_secm_r18"


def test_published_network_in_the_network_folder_comes_first(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTRACKING_NETWORK_PATH", str(tmp_path))
    (tmp_path / "FDSiamfc_30.pth").write_bytes(b"")
    assert refine_study.published_network("FDSiamfc_30.pth") == tmp_path / "FDSiamfc_30.pth"
    assert refine_study.published_network("nosuch.pth") is None


def test_parameters_run_counts_only_the_modules_that_ran():
    net = torch.nn.ModuleDict({"used": torch.nn.Linear(3, 2), "unused": torch.nn.Linear(5, 5)})
    assert refine_study.parameters_run(net, lambda: net["used"](torch.zeros(1, 3))) == 3 * 2 + 2


def test_table_puts_the_refiners_latency_on_refined_rows():
    scores = {"synthetic": {"A": {"auc": 50.0, "op75": 40.0, "precision": 60.0},
                            "A + AR18": {"auc": 55.0, "op75": 45.0, "precision": 65.0}}}
    rows = table_rows(refine_study.refine_table(scores, [("A", "A + AR18")], 12.34))
    assert rows == {"A": ["50.0", "40.0", "60.0", "n/a"], "A + AR18": ["55.0", "45.0", "65.0", "12.3"]}


@pytest.mark.parametrize("flags, message", [(["--crop-size", "96"], "--crop-size"),
                                            (["--trackers", "nosuch"], "--trackers"),
                                            (["--atom-student", "/nonexistent.pth"], "--atom-student"),
                                            (["--refiner-samples-per-epoch", "2"], "--refiner-samples-per-epoch")])
def test_bad_flag_is_one_line_naming_it(flags, message, capsys):
    assert refine_study.main(["--quick", *flags]) == 2
    error = capsys.readouterr().err
    assert message in error and error.count("\n") == 1
