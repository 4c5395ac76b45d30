"""run_analysis on a benchmark folder holding only annotation files (the full OTB-100, no images), and the
loaders' annotation-only mode."""
import importlib
import inspect
import json
import re
from pathlib import Path

import numpy as np
import pytest

from ltr.data.annotations import DatasetError
from pytracking.evaluation.datasets import DATASETS
from pytracking.evaluation.got10kdataset import GOT10kDataset
from pytracking.evaluation.otbdataset import OTB_SEQUENCES, OTBDataset
from pytracking.evaluation.results_io import save_tracking_result
from pytracking.run_analysis import main
from tests.conftest import write_images

_ENTRIES = {entry.name: entry for entry in OTB_SEQUENCES}
WITH_IMAGES = ("Deer", "Football1")


def ground_truth(name: str) -> np.ndarray:
    """Deterministic boxes, one per row of the sequence's annotation file (skipped rows included)."""
    entry = _ENTRIES[name]
    i = np.arange(entry.last - entry.first + 1 + entry.skip_rows)
    return np.stack([10 + i % 50, 20 + i % 30, 30 + i % 7, 40 + i % 11], axis=1).astype(np.float64)


def write_otb_annotations(root: Path, names=None) -> None:
    """The OTB-100 annotation files (all, or ``names``) with the loader's row counts, and no images."""
    for name in names or _ENTRIES:
        entry = _ENTRIES[name]
        path = root / entry.sequence_folder / entry.anno
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join("%d,%d,%d,%d\n" % tuple(row) for row in ground_truth(name)))


def write_results(results: Path) -> None:
    """Tracker 'fake': the evaluated ground truth shifted right by 0..8 px, varying with the frame."""
    for name, entry in _ENTRIES.items():
        gt = ground_truth(name)[entry.skip_rows:]
        shift = np.zeros_like(gt)
        shift[:, 0] = np.arange(len(gt)) % 9
        save_tracking_result(results / "fake" / "default", name, gt + shift)


def analyse(root: Path, results: Path, json_path: Path, *extra: str) -> dict:
    assert main(["--dataset", "otb", "--dataset-path", str(root), "--results-path", str(results),
                 "--trackers", "fake", "--per-sequence", "--json", str(json_path), *extra]) == 0
    return json.loads(json_path.read_text())["trackers"]["fake/default"]


@pytest.fixture(scope="module")
def benchmark(tmp_path_factory) -> tuple:
    """(annotation-only OTB-100 root, results root)."""
    base = tmp_path_factory.mktemp("annotations_only")
    write_otb_annotations(base / "otb")
    write_results(base / "results")
    return base / "otb", base / "results"


def test_the_whole_benchmark_analyses_without_any_image(benchmark, tmp_path):
    root, results = benchmark
    assert not list(root.rglob("*.jpg"))
    scores = analyse(root, results, tmp_path / "scores.json")
    assert len(scores["per_sequence"]) == 100


def test_scores_equal_those_with_the_images_present(benchmark, tmp_path):
    root, results = benchmark
    full = tmp_path / "full"
    write_otb_annotations(full, WITH_IMAGES)
    for name in WITH_IMAGES:
        write_images(full / name / "img", _ENTRIES[name].last)
    selection = ("--sequences", *WITH_IMAGES)
    with_images = analyse(full, results, tmp_path / "with_images.json", *selection)
    without = analyse(root, results, tmp_path / "without.json", *selection)
    assert with_images == without and list(without["per_sequence"]) == list(WITH_IMAGES)


def test_a_missing_annotation_is_the_error(benchmark, tmp_path, capsys):
    root, results = benchmark
    partial = tmp_path / "otb"
    write_otb_annotations(partial, ["Deer"])
    write_images(partial / "Football1" / "img", 74)
    assert main(["--dataset", "otb", "--dataset-path", str(partial), "--results-path", str(results),
                 "--trackers", "fake", "--sequences", "Deer", "Football1"]) == 2
    missing = partial / "Football1" / "groundtruth_rect.txt"
    assert f"annotation file '{missing}' does not exist" in capsys.readouterr().err


def test_many_complete_sequences_of_a_partial_folder_are_counted_not_listed(tmp_path):
    names = list(_ENTRIES)
    write_otb_annotations(tmp_path, names[:60])
    message = (f"otb: only 60 of its 100 sequences are complete under '{tmp_path}'; select them with "
               f"--sequence NAME ... (first incomplete: annotation file '{tmp_path / names[60]}")
    with pytest.raises(DatasetError, match=re.escape(message)):
        OTBDataset(root=tmp_path, check_images=False).get_sequence_list()


def test_playback_needs_the_images_and_says_so(benchmark, tmp_path, capsys):
    root, results = benchmark
    assert main(["--dataset", "otb", "--dataset-path", str(root), "--results-path", str(results), "--trackers",
                 "fake", "--sequences", "Deer", "--plot-dir", str(tmp_path), "--playback", "Deer"]) == 2
    assert f"sequence 'Deer': missing image '{root / 'Deer' / 'img' / '0001.jpg'}'" in capsys.readouterr().err


def test_every_registered_benchmark_can_skip_the_image_check():
    for module, class_name, _ in DATASETS.values():
        dataset_class = getattr(importlib.import_module(f"pytracking.evaluation.{module}"), class_name)
        assert "check_images" in inspect.signature(dataset_class).parameters, class_name


def test_got10k_validation_frames_follow_the_ground_truth_rows_without_images(tmp_path):
    seq_dir = tmp_path / "val" / "GOT-10k_Val_000001"
    seq_dir.mkdir(parents=True)
    (seq_dir / "groundtruth.txt").write_text("1,2,3,4\n5,6,7,8\n")
    (tmp_path / "val" / "list.txt").write_text("GOT-10k_Val_000001\n")
    seq = GOT10kDataset(root=tmp_path, split="val", check_images=False).get_sequence("GOT-10k_Val_000001")
    assert seq.frames == [str(seq_dir / "00000001.jpg"), str(seq_dir / "00000002.jpg")]
