"""The embedded synthetic benchmark: deterministic, OTB layout, real challenges, atomic generation."""
import filecmp
import json
import re

import numpy as np
import pytest

from ltr.data import synthetic
from ltr.data.image_loader import imread_rgb
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
    with pytest.raises(ValueError, match=re.escape(f"'{synthetic_root}' was generated with version") + ".* seed 0"):
        SyntheticDataset(synthetic_root, seed=5)


def test_invisible_frames_are_those_mostly_covered_by_the_occluder():
    spec = next(s for s in synthetic.DEFAULT_SPECS if s.occlusion == "full")
    seq = synthetic.make_sequence(synthetic.sequence_rng(0, 0), spec)
    tl = np.maximum(seq.boxes[:, :2], seq.occluder_boxes[:, :2])
    br = np.minimum(seq.boxes[:, :2] + seq.boxes[:, 2:], seq.occluder_boxes[:, :2] + seq.occluder_boxes[:, 2:])
    covered = np.clip(br - tl, 0, None).prod(axis=1) / seq.boxes[:, 2:].prod(axis=1)
    assert not seq.visible.all()
    assert (covered[~seq.visible] > 0.6).all() and seq.visible[covered == 0].all()


def test_loader_round_trips_the_in_memory_generation(synthetic_root):
    generated = next(synthetic.generate_sequences(seed=0, num_sequences=1))
    loaded = SyntheticDataset(synthetic_root).get_sequence(generated.name)
    np.testing.assert_allclose(loaded.ground_truth_rect, generated.boxes, atol=1e-9)
    np.testing.assert_array_equal(loaded.target_visible, generated.visible)
    assert loaded.attributes == generated.attributes and len(loaded.frames) == len(generated.frames)
    decoded = imread_rgb(loaded.frames[0]).astype(np.float64)
    assert np.abs(decoded - generated.frames[0]).mean() < 2.0  # JPEG quality 95


def test_failed_generation_leaves_neither_root_nor_temporary_folder(tmp_path, monkeypatch):
    def fail(folder, seq):
        raise RuntimeError("killed")
    monkeypatch.setattr(synthetic, "_write_sequence", fail)
    with pytest.raises(RuntimeError, match="killed"):
        synthetic.write_benchmark(tmp_path / "bench", num_sequences=1)
    assert list(tmp_path.iterdir()) == []


def test_root_created_concurrently_is_kept(tmp_path, monkeypatch):
    root = tmp_path / "bench"
    write_sequence = synthetic._write_sequence

    def write_while_another_process_finishes(folder, seq):
        write_sequence(folder, seq)
        (root / "Other").mkdir(parents=True, exist_ok=True)
    monkeypatch.setattr(synthetic, "_write_sequence", write_while_another_process_finishes)
    assert synthetic.write_benchmark(root, num_sequences=1) == root
    assert [p.name for p in tmp_path.iterdir()] == ["bench"] and [p.name for p in root.iterdir()] == ["Other"]
