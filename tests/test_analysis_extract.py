"""Analysis from raw result files: runs, missing results, dataset scores, GOT-10k measures."""
import numpy as np
import pytest

from pytracking.analysis.extract import (
    AmbiguousResultsError,
    MissingResultsError,
    compute_results,
    match_result_files,
    resolve_tracker_runs,
    sequence_scores,
    summary,
)
from pytracking.analysis.got10k_metrics import compute_got10k_scores, got10k_iou
from pytracking.analysis.metrics import PredictionError
from pytracking.evaluation.data import Sequence, SequenceList
from pytracking.evaluation.results_io import save_tracking_result
from pytracking.evaluation.tracker import Tracker

GT = np.array([[10, 10, 10, 10]] * 4, dtype=np.float64)
FAR = np.array([[10, 10, 10, 10]] + [[60, 60, 10, 10]] * 3, dtype=np.float64)   # IoU 0 after frame 0


def sequences(*names, dataset="otb", visible=None):
    return SequenceList(Sequence(n, [f"{n}/{i}.jpg" for i in range(len(GT))], dataset, GT, target_visible=visible)
                        for n in names)


def write(root, name, param, seq_names, boxes):
    for seq in seq_names:
        save_tracking_result(root / name / param, seq, boxes)


def test_perfect_tracker_scores_auc_95_24_and_precision_100(tmp_path):
    write(tmp_path, "trk", "default", ["a", "b"], GT)
    result = compute_results([Tracker("trk", "default", results_path=tmp_path)], sequences("a", "b"))
    scores = summary(result)["trk/default"]
    assert scores["auc"] == pytest.approx(20 / 21 * 100)
    assert (scores["op50"], scores["op75"], scores["precision"], scores["norm_precision"]) == (100, 100, 100, 100)


def test_repeated_runs_are_averaged_per_sequence_under_one_name(tmp_path):
    # run 0 perfect: AUC 20/21; run 1 only frame 0 overlaps: AUC 20/21/4; mean = 20/21 * 5/8
    write(tmp_path, "trk", "default_000", ["a"], GT)
    write(tmp_path, "trk", "default_001", ["a"], FAR)
    runs = resolve_tracker_runs("trk", "default", tmp_path)
    result = compute_results(runs, sequences("a"))
    assert result.trackers == ["trk/default"] and result.num_runs == [2]
    assert summary(result)["trk/default"]["auc"] == pytest.approx(20 / 21 * 5 / 8 * 100)


def test_resolve_tracker_runs_uses_every_numbered_folder(tmp_path):
    write(tmp_path, "trk", "default_000", ["a"], GT)
    write(tmp_path, "trk", "default_002", ["a"], GT)
    assert [t.run_id for t in resolve_tracker_runs("trk", "default", tmp_path)] == [0, 2]


def test_resolve_tracker_runs_prefers_the_plain_folder(tmp_path):
    write(tmp_path, "trk", "default", ["a"], GT)
    write(tmp_path, "trk", "default_000", ["a"], GT)
    assert [t.run_id for t in resolve_tracker_runs("trk", "default", tmp_path)] == [None]


def test_resolve_tracker_runs_raises_naming_the_tracker_without_results(tmp_path):
    with pytest.raises(MissingResultsError, match="no results for tracker 'trk/default'"):
        resolve_tracker_runs("trk", "default", tmp_path)


def test_skip_missing_drops_the_sequence_for_all_trackers(tmp_path):
    write(tmp_path, "good", "default", ["a", "b"], GT)
    write(tmp_path, "poor", "default", ["a"], FAR)
    trackers = [Tracker("good", "default", results_path=tmp_path), Tracker("poor", "default", results_path=tmp_path)]
    result = compute_results(trackers, sequences("a", "b"))
    assert list(result.valid_sequence) == [True, False] and list(result.skipped) == ["b"]
    assert list(sequence_scores(result)["good/default"]) == ["a"]


def test_missing_result_raises_naming_the_file_without_skip_missing(tmp_path):
    write(tmp_path, "trk", "default", ["a"], GT)
    with pytest.raises(MissingResultsError, match=r"default/b\.txt' of sequence 'b'"):
        compute_results([Tracker("trk", "default", results_path=tmp_path)], sequences("a", "b"), skip_missing=False)


def test_malformed_prediction_error_names_tracker_and_sequence(tmp_path):
    folder = tmp_path / "trk" / "default"
    folder.mkdir(parents=True)
    (folder / "a.txt").write_text("10\t10\t10\t10\n10\t10\t-3\t10\n")
    with pytest.raises(PredictionError, match="tracker 'trk/default' sequence 'a'"):
        compute_results([Tracker("trk", "default", results_path=tmp_path)], sequences("a"))


def test_custom_display_name_is_kept(tmp_path):
    write(tmp_path, "trk", "default", ["a"], GT)
    result = compute_results([Tracker("trk", "default", display_name="Mine", results_path=tmp_path)], sequences("a"))
    assert result.trackers == ["Mine"]


def test_sequences_weigh_equally_in_the_dataset_score(tmp_path):
    # a: perfect (P = 1); b: only frame 0 within 20 px (P = 1/4) -> mean 62.5 %
    write(tmp_path, "trk", "default", ["a"], GT)
    write(tmp_path, "trk", "default", ["b"], FAR)
    result = compute_results([Tracker("trk", "default", results_path=tmp_path)], sequences("a", "b"))
    assert summary(result)["trk/default"]["precision"] == pytest.approx(62.5)


# ----------------------------------------------------------------------------- result files of other toolkits

def test_result_file_is_matched_ignoring_case_and_dash_versus_underscore(tmp_path):
    for stem in ("Jogging-1", "human4_2", "Faceocc1"):
        (tmp_path / f"{stem}.txt").write_text("1,2,3,4\n")
    files = match_result_files(tmp_path, ["Jogging_1", "Human4_2", "FaceOcc1"])
    assert files.files == {"Jogging_1": tmp_path / "Jogging-1.txt", "Human4_2": tmp_path / "human4_2.txt",
                           "FaceOcc1": tmp_path / "Faceocc1.txt"}
    assert files.loose == {"Jogging_1": "Jogging-1.txt", "Human4_2": "human4_2.txt", "FaceOcc1": "Faceocc1.txt"}


def test_exact_file_name_is_preferred_and_not_reported(tmp_path):
    (tmp_path / "Jogging_1.txt").write_text("")
    (tmp_path / "jogging-1.txt").write_text("")
    files = match_result_files(tmp_path, ["Jogging_1"])
    assert files.files == {"Jogging_1": tmp_path / "Jogging_1.txt"} and files.loose == {}


def test_file_named_exactly_after_another_sequence_is_not_taken_loosely(tmp_path):
    (tmp_path / "a_b.txt").write_text("")
    assert match_result_files(tmp_path, ["a_b", "A-B"]).files == {"a_b": tmp_path / "a_b.txt"}


def test_two_loose_candidates_are_an_error_naming_both(tmp_path):
    (tmp_path / "jogging-1.txt").write_text("")
    (tmp_path / "JOGGING_1.txt").write_text("")
    with pytest.raises(AmbiguousResultsError, match=r"'Jogging_1' matches both '.*JOGGING_1\.txt' and "
                                                     r"'.*jogging-1\.txt'"):
        match_result_files(tmp_path, ["Jogging_1"])


def test_loosely_matched_results_score_like_exact_ones_and_are_reported_per_run(tmp_path):
    write(tmp_path, "exact", "default", ["Jogging_1"], GT)
    write(tmp_path, "other", "default", ["jogging-1"], GT)
    trackers = [Tracker("exact", "default", results_path=tmp_path), Tracker("other", "default", results_path=tmp_path)]
    result = compute_results(trackers, sequences("Jogging_1"))
    scores = summary(result)
    assert scores["other/default"] == scores["exact/default"]
    assert result.loose_matches == {str(tmp_path / "other" / "default"): {"Jogging_1": "jogging-1.txt"}}


# ----------------------------------------------------------------------------- GOT-10k toolkit measures

def test_got10k_iou_adds_epsilon_and_clips():
    iou = got10k_iou(np.array([[0, 0, 10, 10], [0, 0, 0, 0]], float), np.array([[0, 0, 10, 10], [5, 5, 0, 0]], float))
    assert iou[0] == pytest.approx(1.0) and iou[0] <= 1.0 and iou[1] == 0.0


def test_got10k_ao_excludes_frame_0_and_invisible_frames(tmp_path):
    # frames 1..3 scored, frame 2 invisible: IoUs of frames 1 and 3 are 1/3 and 1 -> AO 2/3
    pred = np.array([[60, 60, 1, 1], [15, 10, 10, 10], [60, 60, 10, 10], [10, 10, 10, 10]], float)
    write(tmp_path, "trk", "default", ["a"], pred)
    scores = compute_got10k_scores([Tracker("trk", "default", results_path=tmp_path)],
                                   sequences("a", dataset="got10k", visible=[True, True, False, True]))
    result = scores["trk/default"]
    assert result.ao == pytest.approx(2 / 3)
    assert (result.sr50, result.sr75) == (0.5, 0.5)
    assert result.success_curve.shape == (101,) and result.success_curve[0] == 1.0


def test_got10k_runs_are_pooled_frame_weighted(tmp_path):
    write(tmp_path, "trk", "default_000", ["a"], GT)
    write(tmp_path, "trk", "default_001", ["a"], FAR)
    scores = compute_got10k_scores(resolve_tracker_runs("trk", "default", tmp_path), sequences("a"))
    assert scores["trk/default"].ao == pytest.approx(0.5)


def test_got10k_length_mismatch_raises(tmp_path):
    write(tmp_path, "trk", "default", ["a"], GT[:3])
    with pytest.raises(PredictionError, match="3 predicted boxes for 4"):
        compute_got10k_scores([Tracker("trk", "default", results_path=tmp_path)], sequences("a"))


def test_legacy_valid_rule_counts_boxes_at_negative_x():
    from pytracking.analysis.metrics import GroundTruthTable
    seq = Sequence("edge", ["f0", "f1"], "otb", [[5, 5, 4, 4], [-2, 5, 4, 4]])
    assert GroundTruthTable.from_sequences([seq]).valid.tolist() == [True, False]
    assert GroundTruthTable.from_sequences([seq], valid_rule="wh").valid.tolist() == [True, True]
