"""The FDSiamFC demo (``make demo``) end to end in its quick mode: train, compress, evaluate, report."""
from ltr.experiments import fdsiamfc_demo

TEACHER, STUDENT, BASELINE = "SiamFC teacher", "FDSiamFC_30 (folded)", "KCF"


def test_quick_demo_reports_the_three_trackers_with_a_smaller_folded_student(tmp_path, monkeypatch, synthetic_root,
                                                                            capsys):
    monkeypatch.setenv("PYTRACKING_SYNTHETIC_PATH", str(synthetic_root))
    report = fdsiamfc_demo.run_demo(quick=True, workspace=tmp_path / "ws", results_path=tmp_path / "results")
    table_rows = [line.split("|")[0].strip() for line in report["table"].splitlines()[2:]]
    assert table_rows == [TEACHER, STUDENT, BASELINE]
    assert report["table"] in capsys.readouterr().out
    assert report["profiles"][STUDENT]["params"] < report["profiles"][TEACHER]["params"]
    assert (tmp_path / "results" / "plots" / "synthetic" / "success_plot.png").is_file()
