"""Candidate selection: the score formula, the GOT-10k toolkit OTB-experiment scorer, the OTB-2013
subset and scoring checkpoints as trackers."""
import numpy as np
import pytest
import torch

from ltr.admin.loading import save_network
from ltr.experiments.candidate_selection import (
    NetworkFileTracker,
    candidate_score,
    evaluate_candidates,
    truncated,
    validation_sequences,
)
from ltr.models.siamfc import siamfc_alexnet
from ltr.trainers.phase_runner import best_candidate
from pytracking.analysis.got10k_metrics import compute_otb_experiment_scores
from pytracking.analysis.metrics import PredictionError
from pytracking.evaluation.data import Sequence
from pytracking.evaluation.datasets import get_dataset_loader
from pytracking.evaluation.otbdataset import OTBDataset
from pytracking.evaluation.results_io import save_tracking_result
from pytracking.evaluation.tracker import Tracker

GT = np.array([[0, 0, 10, 10], [0, 0, 10, 10]], dtype=np.float64)


def sequence(name, gt=GT):
    return Sequence(name, [f"{name}/{i}.jpg" for i in range(len(gt))], "otb", gt)


def write_results(tmp_path, boxes_by_sequence):
    tracker = Tracker("siamfc", "ep0001", results_path=tmp_path)
    for name, boxes in boxes_by_sequence.items():
        save_tracking_result(tracker.results_dir, name, np.asarray(boxes, dtype=np.float64))
    return tracker


def test_candidate_score_is_04_auc_plus_04_dp_plus_02_sr():
    assert candidate_score(0.5, 0.7, 0.6) == pytest.approx(0.4 * 0.5 + 0.4 * 0.7 + 0.2 * 0.6)


def test_best_candidate_has_the_highest_score_and_the_earliest_epoch_on_ties():
    scores = {30: {"score": 0.6}, 10: {"score": 0.7}, 20: {"score": 0.7}}
    assert best_candidate(scores) == 10


def test_otb_experiment_scores_on_a_hand_case(tmp_path):
    # A: frame 0 is replaced by the ground truth (IoU 1, error 0); frame 1 covers half the target
    #    (toolkit IoU 50 / (100 + eps), just under 0.5) with its centre 2.5 px off.
    # B: frame 1 is far away (IoU 0, error > 50 px).
    tracker = write_results(tmp_path, {"A": [[5, 5, 1, 1], [0, 0, 10, 5]], "B": [[0, 0, 10, 10], [200, 200, 10, 10]]})
    scores = compute_otb_experiment_scores([tracker], [sequence("A"), sequence("B")])["siamfc/ep0001"]
    success_a = (np.r_[np.ones(20), 0] + np.r_[np.ones(10), np.zeros(11)]) / 2
    success_b = np.r_[np.ones(20), 0] / 2
    np.testing.assert_allclose(scores.success_curve, (success_a + success_b) / 2)
    assert scores.success_score == pytest.approx((30 / 42 + 20 / 42) / 2)
    precision_a = np.r_[[0.5] * 3, np.ones(48)]
    np.testing.assert_allclose(scores.precision_curve, (precision_a + 0.5) / 2)
    assert scores.precision_score == pytest.approx(0.75)
    assert scores.success_rate == pytest.approx(0.5)
    assert scores.sequence_success_score == pytest.approx({"A": 30 / 42, "B": 20 / 42})


def test_otb_experiment_counts_invisible_and_zero_size_frames_as_they_are(tmp_path):
    seq = Sequence("A", ["a", "b"], "otb", GT, target_visible=np.array([True, False]))
    tracker = write_results(tmp_path, {"A": [[0, 0, 10, 10], [0, 0, 0, 0]]})
    scores = compute_otb_experiment_scores([tracker], [seq])["siamfc/ep0001"]
    assert scores.success_rate == pytest.approx(0.5)


def test_otb_experiment_length_mismatch_is_an_error_naming_the_file(tmp_path):
    tracker = write_results(tmp_path, {"A": [[0, 0, 10, 10]] * 3})
    with pytest.raises(PredictionError, match="A.txt"):
        compute_otb_experiment_scores([tracker], [sequence("A")])


def test_otb2013_subset_has_51_sequences_with_both_jogging_targets(tmp_path):
    names = get_dataset_loader("otb2013", tmp_path).sequence_names()
    assert len(names) == 51 and len(set(names)) == 51
    assert {"Jogging_1", "Jogging_2", "Football1", "Tiger1"} <= set(names)
    assert "Skating2_1" not in names and "Biker" not in names


def test_unknown_otb_subset_is_an_error_naming_the_known_ones(tmp_path):
    with pytest.raises(ValueError, match="otb2013"):
        OTBDataset(tmp_path, subset="otb2014")


def test_truncated_sequence_keeps_its_first_frames_and_labels():
    seq = Sequence("A", ["a", "b", "c"], "synthetic", np.arange(12.0).reshape(3, 4) + 1,
                   target_visible=np.array([True, False, True]))
    cut = truncated(seq, 2)
    assert cut.frames == ["a", "b"] and cut.ground_truth_rect.shape == (2, 4)
    assert cut.target_visible.tolist() == [True, False]
    assert truncated(seq, None) is seq


@pytest.fixture
def tiny_checkpoints(tmp_path):
    paths = {}
    for epoch in (1, 2):
        net = siamfc_alexnet(channels=(4, 8, 8, 8, 8))
        paths[epoch] = save_network(tmp_path / f"SiamFC_ep{epoch:04d}.pth.tar", net, epoch=epoch)
    return paths


def test_network_file_tracker_uses_the_files_recorded_constructor(tiny_checkpoints, tmp_path):
    params = NetworkFileTracker(tiny_checkpoints[1], "ep0001", tmp_path / "results", device="cpu").get_parameters()
    assert params.net_constructor == "ltr.models.siamfc.siamfc.siamfc_alexnet"
    assert params.net_kwargs == {"channels": (4, 8, 8, 8, 8)} and params.device == "cpu"
    assert params.scale_num == 3  # the SiamFC test-time settings


def test_network_file_without_constructor_is_an_error_naming_it(tmp_path):
    torch.save({"net": siamfc_alexnet(channels=(4, 8, 8, 8, 8)).state_dict()}, tmp_path / "bare.pth")
    with pytest.raises(ValueError, match="bare.pth"):
        NetworkFileTracker(tmp_path / "bare.pth", "x", tmp_path)


def test_evaluate_candidates_tracks_and_scores_every_checkpoint(tiny_checkpoints, tmp_path):
    sequences = validation_sequences("synthetic", tmp_path / "val", {"seed": 2, "num_sequences": 1}, max_frames=4)
    scores = evaluate_candidates(tiny_checkpoints, sequences, tmp_path / "selection", device="cpu")
    assert sorted(scores) == [1, 2]
    for s in scores.values():
        assert s["score"] == pytest.approx(candidate_score(s["auc"], s["dp"], s["sr"]))
        assert 0 <= s["auc"] <= 1
    assert (tmp_path / "selection" / "siamfc" / "ep0002" / f"{sequences[0].name}.txt").is_file()
