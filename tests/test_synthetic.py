"""The embedded synthetic benchmark: deterministic, OTB layout, real challenges, atomic generation."""
import filecmp
import json

import numpy as np
import pytest

from pytracking.evaluation import synthetic
from pytracking.evaluation.datasets import load_sequences
from pytracking.evaluation.syntheticdataset import SyntheticDataset


def test_same_seed_gives_byte_identical_benchmarks(tmp_path):
    a = synthetic.write_benchmark(tmp_path / "a", seed=3, num_sequences=2)
    b = synthetic.write_benchmark(tmp_path / "b", seed=3, num_sequences=2)
    comparison = filecmp.dircmp(a, b)
    assert not comparison.diff_files and not comparison.left_only and not comparison.right_only
    for sub in comparison.subdirs.values():
        assert not sub.diff_files and all(not s.diff_files for s in sub.subdirs.values())


def test_other_seed_gives_other_frames():
    spec = synthetic.DEFAULT_SPECS[0]
    first = synthetic.make_sequence(synthetic.sequence_rng(0, 0), spec)
    second = synthetic.make_sequence(synthetic.sequence_rng(1, 0), spec)
    assert not np.array_equal(first.frames[0], second.frames[0])


def test_layout_is_otb_with_meta(synthetic_root):
    meta = json.loads((synthetic_root / "meta.json").read_text())
    assert meta["seed"] == 0 and meta["sequences"] == [s.name for s in synthetic.DEFAULT_SPECS]
    seq_dir = synthetic_root / meta["sequences"][0]
    rows = (seq_dir / "groundtruth_rect.txt").read_text().splitlines()
    assert len(rows) == len(list((seq_dir / "img").glob("*.jpg"))) == synthetic.DEFAULT_SPECS[0].num_frames
    assert (seq_dir / "img" / "0001.jpg").is_file()


def test_boxes_stay_inside_the_image(synthetic_root):
    width, height = synthetic.IMAGE_SIZE
    for seq in SyntheticDataset(synthetic_root).get_sequence_list():
        x, y, w, h = seq.ground_truth_rect.T
        assert (x >= 0).all() and (y >= 0).all() and (x + w <= width).all() and (y + h <= height).all()


def test_full_occlusion_sequence_has_invisible_frames_and_others_do_not(synthetic_root):
    sequences = SyntheticDataset(synthetic_root).get_sequence_list()
    occluded = sequences["Eclipse"]
    assert "OCC" in occluded.attributes and not occluded.target_visible.all()
    assert sequences["Glide"].target_visible.all()


def test_scale_change_sequence_changes_size(synthetic_root):
    zoom = SyntheticDataset(synthetic_root).get_sequence("Zoom")
    areas = zoom.ground_truth_rect[:, 2] * zoom.ground_truth_rect[:, 3]
    assert "SV" in zoom.attributes and np.sqrt(areas[-1] / areas[0]) == pytest.approx(2.2, rel=0.1)


def test_registry_loads_the_benchmark_generated_on_first_use(tmp_path):
    sequences = load_sequences("synthetic", tmp_path / "bench", ["Dash"])
    assert sequences.names() == ["Dash"] and sequences[0].dataset == "synthetic"
    assert len(sequences[0].frames) == len(sequences[0].ground_truth_rect)


def test_generation_leaves_no_temporary_folder(tmp_path):
    synthetic.write_benchmark(tmp_path / "bench", seed=0, num_sequences=1)
    assert [p.name for p in tmp_path.iterdir()] == ["bench"]


def test_existing_root_with_other_seed_is_an_error_naming_it(synthetic_root):
    with pytest.raises(ValueError, match=f"'{synthetic_root}' was generated with version .* seed 0"):
        SyntheticDataset(synthetic_root, seed=5)
