"""Tables, the JSON report, plots and result playback."""
import json

import cv2
import numpy as np
import pytest
from PIL import Image

from pytracking.analysis.extract import compute_results
from pytracking.analysis.playback import load_playback_results, render_playback
from pytracking.analysis.plots import draw_plot, legend_order, save_plots
from pytracking.analysis.tables import per_attribute_table, per_sequence_table, summary_table, write_json
from pytracking.evaluation.data import Sequence, SequenceList
from pytracking.evaluation.results_io import save_tracking_result
from pytracking.evaluation.tracker import Tracker
from tests.conftest import write_images

GT = np.array([[2, 2, 8, 6]] * 4, dtype=np.float64)
PERFECT = GT
SHIFTED = GT + [4, 0, 0, 0]                                    # IoU 4*6 / (48 + 48 - 24) = 1/3
FAR = np.array([[2, 2, 8, 6]] + [[20, 14, 8, 6]] * 3, dtype=np.float64)
KEYS = ["auc", "op50", "op75", "precision", "norm_precision"]


@pytest.fixture
def setup(tmp_path):
    """Two 4-frame sequences of 24x18 images ('a' with attributes IV, SV; 'b' with SV) and
    three trackers: best (perfect), mid (shifted after frame 0) and worst (far after frame 0)."""
    seqs = SequenceList()
    for name, attrs in (("a", ("IV", "SV")), ("b", ("SV",))):
        frames = [str(p) for p in write_images(tmp_path / "data" / name, 4, size=(24, 18))]
        seqs.append(Sequence(name, frames, "otb", GT, attributes=attrs))
    trackers = []
    for name, boxes in (("worst", FAR), ("best", PERFECT), ("mid", SHIFTED)):
        for seq in seqs:
            save_tracking_result(tmp_path / "results" / name / "default", seq.name, boxes)
        trackers.append(Tracker(name, "default", results_path=tmp_path / "results"))
    return seqs, trackers, compute_results(trackers, seqs)


def test_summary_table_has_one_row_per_tracker_and_the_five_scores(setup):
    lines = summary_table(setup[2]).splitlines()
    assert all(col in lines[0] for col in ("AUC", "OP50", "OP75", "Precision", "Norm Precision"))
    assert [line.split("|")[0].strip() for line in lines[2:]] == ["worst/default", "best/default", "mid/default"]
    assert lines[3].split("|")[1].strip() == "95.24"


def test_per_sequence_table_lists_auc_and_ao_per_tracker(setup):
    lines = per_sequence_table(setup[2]).splitlines()
    assert "best/default AUC" in lines[0] and "best/default AO" in lines[0]
    assert [line.split("|")[0].strip() for line in lines[2:]] == ["a", "b"]


def test_per_attribute_table_counts_sequences_per_attribute(setup):
    lines = per_attribute_table(setup[2]).splitlines()
    assert [line.split("|")[0].strip() for line in lines[2:]] == ["IV (1)", "SV (2)"]


def test_per_attribute_table_without_attributes_raises(setup):
    result = setup[2]
    result.attributes = [None, None]
    with pytest.raises(ValueError, match="carry no attributes"):
        per_attribute_table(result)


def test_write_json_has_the_exact_structure(setup, tmp_path):
    path = tmp_path / "out" / "scores.json"
    write_json(setup[2], path)
    report = json.loads(path.read_text())
    assert list(report) == ["trackers"]
    assert list(report["trackers"]) == ["worst/default", "best/default", "mid/default"]
    best = report["trackers"]["best/default"]
    assert list(best) == KEYS + ["per_sequence"]
    assert list(best["per_sequence"]) == ["a", "b"] and list(best["per_sequence"]["a"]) == KEYS
    assert best["auc"] == pytest.approx(95.238, abs=1e-3) and best["per_sequence"]["b"]["precision"] == 100.0


def test_plots_are_written_as_png_and_pdf(setup, tmp_path):
    paths = save_plots(setup[2], tmp_path / "plots")
    assert sorted(p.name for p in paths) == sorted(f"{k}_plot.{e}" for k in ("success", "precision", "norm_precision")
                                                   for e in ("png", "pdf"))
    assert all(p.stat().st_size > 0 for p in paths)
    assert Image.open(tmp_path / "plots" / "success_plot.png").size[0] > 100


def test_legend_order_sorts_by_score_descending():
    assert legend_order(["a", "b", "c"], [50.0, 70.25, 60.0]) == [(1, "b [70.2]"), (2, "c [60.0]"), (0, "a [50.0]")]


def test_plot_legend_lists_trackers_best_first_with_scores(setup):
    ax = draw_plot(setup[2], "success").axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[0] == "best/default [95.2]" and labels[1].startswith("mid/") and labels[2].startswith("worst/")
    assert ax.get_xlabel() and ax.get_ylabel() and "otb" in ax.get_title()


def test_playback_contact_sheet_tiles_the_selected_frames(setup, tmp_path):
    seqs, trackers, _ = setup
    results = load_playback_results(trackers, seqs["a"])
    path = render_playback(seqs["a"], results, tmp_path / "sheet.png", frames=[0, 1, 2], columns=2)
    assert cv2.imread(str(path)).shape == (2 * 18, 2 * 24, 3)


def test_playback_gif_has_one_frame_per_sequence_frame(setup, tmp_path):
    seqs, trackers, _ = setup
    path = render_playback(seqs["a"], load_playback_results(trackers, seqs["a"]), tmp_path / "play.gif")
    assert Image.open(path).n_frames == 4


def test_playback_mp4_has_one_frame_per_selected_frame(setup, tmp_path):
    seqs, trackers, _ = setup
    try:
        path = render_playback(seqs["a"], load_playback_results(trackers, seqs["a"]), tmp_path / "play.mp4",
                               frames=[0, 1, 2])
    except OSError as err:
        pytest.skip(f"OpenCV has no mp4 encoder here: {err}")
    assert int(cv2.VideoCapture(str(path)).get(cv2.CAP_PROP_FRAME_COUNT)) == 3


def test_playback_rejects_frames_outside_the_sequence(setup, tmp_path):
    seqs = setup[0]
    with pytest.raises(ValueError, match=r"\[7\] are outside sequence 'a'"):
        render_playback(seqs["a"], {}, tmp_path / "sheet.png", frames=[0, 7])


def test_interactive_playback_without_a_display_is_a_clear_error(setup):
    import matplotlib
    matplotlib.use("Agg")
    from pytracking.analysis.playback import show_playback
    with pytest.raises(RuntimeError, match="needs a display.*render_playback"):
        show_playback(setup[0]["a"], {})
