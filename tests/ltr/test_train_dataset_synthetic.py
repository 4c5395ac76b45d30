"""Synthetic training videos: generated once into the root, then read back in the OTB layout."""
import json

import numpy as np
import pytest

from ltr.data import synthetic
from ltr.data.annotations import read_number_rows
from ltr.dataset.synthetic_video import SyntheticVideo


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """Four synthetic videos (seed 1) generated into a fresh root."""
    root = tmp_path_factory.mktemp("synthetic_train") / "videos"
    SyntheticVideo(root, seed=1, num_sequences=4)
    return root


def test_first_use_generates_the_videos(generated):
    meta = json.loads((generated / "meta.json").read_text())
    assert (meta["seed"], meta["sequences"]) == (1, ["Glide", "Dash", "Zoom", "Eclipse"])


def test_later_use_reads_without_generating(generated, monkeypatch):
    monkeypatch.setattr(synthetic, "write_benchmark", lambda *a, **k: pytest.fail("regenerated"))
    assert SyntheticVideo(generated, seed=1, num_sequences=4).sequence_list == ["Glide", "Dash", "Zoom", "Eclipse"]


def test_default_root_is_the_synthetic_train_path_setting(generated, monkeypatch):
    monkeypatch.setenv("PYTRACKING_SYNTHETIC_TRAIN_PATH", str(generated))
    assert SyntheticVideo(seed=1, num_sequences=4).root == generated


def test_sequence_info_matches_the_written_annotation(generated):
    info = SyntheticVideo(generated, seed=1, num_sequences=4).get_sequence_info(3)  # Eclipse: full occlusion
    boxes = read_number_rows(generated / "Eclipse" / "groundtruth_rect.txt", 4)
    np.testing.assert_allclose(info["bbox"].numpy(), boxes, rtol=1e-6)
    visible = np.loadtxt(generated / "Eclipse" / "visible.txt").astype(bool)
    assert not visible.all() and info["valid"].all()
    assert info["visible"].tolist() == visible.tolist()


def test_get_frames_returns_rgb_frames_of_the_generator_size(generated):
    frames, anno, _ = SyntheticVideo(generated, seed=1, num_sequences=4).get_frames(1, [0, 5])
    width, height = synthetic.IMAGE_SIZE
    assert [f.shape for f in frames] == [(height, width, 3)] * 2
    assert len(anno["bbox"]) == 2


def test_other_seed_on_an_existing_root_is_rejected(generated):
    with pytest.raises(ValueError, match=f"'{generated}' was generated with version 1, seed 1, 4 sequences"):
        SyntheticVideo(generated, seed=2, num_sequences=4)
