import pytest

from pytracking.evaluation.data import Sequence
from pytracking.evaluation.running import run_dataset
from pytracking.evaluation.tracker import Tracker, results_dir_name
from pytracking.tracker.base import BaseTracker
from pytracking.utils.params import TrackerParams
from tests.conftest import write_images


class ShiftTracker(BaseTracker):
    """Moves the box one pixel right per frame; with params.fail it raises on frame 2."""

    parameter_names = frozenset({"fail"})

    def initialize(self, image, info):
        self.box = list(info["init_bbox"])

    def track(self, image, info=None):
        self.box[0] += 1
        if self.params.fail and self.frame_num == 1:
            raise RuntimeError("tracker exploded")
        self.frame_num += 1
        return {"target_bbox": self.box}


class ShiftEvalTracker(Tracker):
    def __init__(self, results_path, fail_on=()):
        super().__init__("shift", "default", results_path=results_path)
        self.fail_on = fail_on
        self.created = 0

    def create_tracker(self, debug=None):
        self.created += 1
        return ShiftTracker(TrackerParams(fail=self.current in self.fail_on))

    def run_sequence(self, seq, debug=None):
        self.current = seq.name
        return super().run_sequence(seq, debug)


def make_sequences(tmp_path, names=("a", "b"), frames=4):
    sequences = []
    for name in names:
        paths = write_images(tmp_path / "data" / name, frames)
        sequences.append(Sequence(name, [str(p) for p in paths], "otb", [[10.5, 5, 4, 3]] * frames))
    return sequences


def test_results_dir_follows_pytracking_layout(tmp_path):
    assert results_dir_name("default", 3) == "default_003"
    assert Tracker("atom", "default", 3, results_path=tmp_path).results_dir == tmp_path / "atom" / "default_003"


def test_run_writes_one_box_per_frame_with_init_box_first(tmp_path):
    tracker = ShiftEvalTracker(tmp_path / "results")
    summary = run_dataset(make_sequences(tmp_path, ("a",)), [tracker], progress=False)
    assert len(summary.done) == 1
    text = (tracker.results_dir / "a.txt").read_text().splitlines()
    assert text == ["10\t5\t4\t3", "11\t5\t4\t3", "12\t5\t4\t3", "13\t5\t4\t3"]
    assert len((tracker.results_dir / "a_time.txt").read_text().split()) == 4


def test_existing_results_are_skipped(tmp_path):
    tracker = ShiftEvalTracker(tmp_path / "results")
    sequences = make_sequences(tmp_path)
    run_dataset(sequences, [tracker], progress=False)
    summary = run_dataset(sequences, [tracker], progress=False)
    assert len(summary.skipped) == 2 and tracker.created == 2


def test_failing_sequence_is_reported_and_others_go_on(tmp_path):
    tracker = ShiftEvalTracker(tmp_path / "results", fail_on=("bad",))
    summary = run_dataset(make_sequences(tmp_path, ("bad", "good")), [tracker], progress=False)
    assert [s for _, s, _ in summary.failed] == ["bad"] and "tracker exploded" in summary.failed[0][2]
    assert [s for _, s, _ in summary.done] == ["good"]
    assert sorted(p.name for p in tracker.results_dir.iterdir()) == ["good.txt", "good_time.txt"]


def test_debug_mode_raises_the_tracker_error(tmp_path):
    tracker = ShiftEvalTracker(tmp_path / "results", fail_on=("bad",))
    with pytest.raises(RuntimeError, match="exploded"):
        run_dataset(make_sequences(tmp_path, ("bad",)), [tracker], debug=1, progress=False)


def test_process_pool_gives_the_same_results(tmp_path):
    sequences = make_sequences(tmp_path, ("a", "b", "c"))
    serial, pooled = ShiftEvalTracker(tmp_path / "serial"), ShiftEvalTracker(tmp_path / "pooled")
    run_dataset(sequences, [serial], progress=False)
    summary = run_dataset(sequences, [pooled], threads=2, progress=False)
    assert len(summary.done) == 3
    for name in "abc":
        assert (serial.results_dir / f"{name}.txt").read_text() == (pooled.results_dir / f"{name}.txt").read_text()


def test_missing_parameter_file_is_a_clear_error():
    with pytest.raises(ValueError, match="pytracking/parameter/kcf/nosuch.py"):
        Tracker("kcf", "nosuch").get_parameters()


def test_unknown_tracker_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown tracker 'nosuch'"):
        Tracker("nosuch", "default").tracker_class()


def test_tracker_output_without_box_is_rejected(tmp_path):
    class Broken(ShiftEvalTracker):
        def create_tracker(self, debug=None):
            tracker = ShiftTracker(TrackerParams(fail=False))
            tracker.track = lambda image, info=None: {"box": [1, 2, 3, 4]}
            return tracker
    with pytest.raises(ValueError, match="frame 1 has no 4-value 'target_bbox'"):
        Broken(tmp_path).run_sequence(make_sequences(tmp_path, ("a",))[0])


def test_tracker_thread_setting_applies_while_tracking_only(tmp_path):
    import torch
    seen = []

    class ThreadProbe(ShiftEvalTracker):
        def create_tracker(self, debug=None):
            tracker = ShiftTracker(TrackerParams(fail=False, num_threads=1))
            original = tracker.track
            tracker.track = lambda image, info=None: seen.append(torch.get_num_threads()) or original(image, info)
            return tracker
    before = torch.get_num_threads()
    ThreadProbe(tmp_path).run_sequence(make_sequences(tmp_path, ("a",))[0])
    assert set(seen) == {1} and torch.get_num_threads() == before
