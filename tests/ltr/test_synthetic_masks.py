"""Target masks of the synthetic generator: frames and boxes unchanged, masks follow the visible target."""
import hashlib

import cv2
import numpy as np
import pytest

from ltr.data import synthetic
from ltr.dataset.base_video_dataset import mask_box
from ltr.dataset.synthetic_video import SyntheticVideo

GENERATOR_DIGEST = "14d1a5bdebcffd2b"
"""sha256 prefix of frames, boxes and visible fractions of the default benchmark (seed 0) as generated
before masks existed: the README's figures were measured on exactly these sequences."""


@pytest.fixture(scope="module")
def sequences():
    return {seq.name: seq for seq in synthetic.generate_sequences(seed=0)}


def shape_fill_fractions() -> np.ndarray:
    """Fraction of its box each target shape covers (the mean of its alpha template)."""
    return np.array([synthetic._shape_alpha(shape).mean() for shape in synthetic.SHAPES])


def test_frames_and_boxes_equal_those_of_the_generator_before_masks(sequences):
    digest = hashlib.sha256()
    for seq in sequences.values():
        for frame in seq.frames:
            digest.update(frame.tobytes())
        digest.update(seq.boxes.tobytes())
        digest.update(seq.visible_fraction.tobytes())
    assert digest.hexdigest()[:16] == GENERATOR_DIGEST


def test_masks_are_binary_frame_sized(sequences):
    seq = sequences["Glide"]
    height, width = seq.frames[0].shape[:2]
    assert len(seq.masks) == len(seq.frames)
    assert all(m.shape == (height, width) and m.dtype == np.uint8 and set(np.unique(m)) <= {0, 1} for m in seq.masks)


def test_unoccluded_mask_spans_the_target_box(sequences):
    seq = sequences["Glide"]
    for mask, box in zip(seq.masks, seq.boxes):
        np.testing.assert_allclose(mask_box(mask), box, atol=1.5)


def test_unoccluded_mask_area_is_the_box_area_times_the_shape_fill(sequences):
    seq = sequences["Glide"]
    ratios = np.array([mask.sum() / (w * h) for mask, (_, _, w, h) in zip(seq.masks, seq.boxes)])
    fills = shape_fill_fractions()
    shape = np.argmin(np.abs(fills - ratios[0]))
    np.testing.assert_allclose(ratios, fills[shape], atol=0.03)


def test_fully_occluded_frames_have_empty_masks(sequences):
    seq = sequences["Eclipse"]
    hidden = np.flatnonzero(seq.visible_fraction == 0)
    assert len(hidden) > 0 and all(seq.masks[t].sum() == 0 for t in hidden)


def test_partly_occluded_mask_shrinks_with_the_visible_fraction(sequences):
    seq = sequences["Eclipse"]
    free = [t for t in range(len(seq.masks)) if seq.visible_fraction[t] == 1]
    partial = [t for t in range(len(seq.masks)) if 0.3 < seq.visible_fraction[t] < 0.7]
    fill = np.mean([seq.masks[t].sum() / seq.boxes[t, 2:].prod() for t in free])
    for t in partial:
        expected = fill * seq.boxes[t, 2:].prod() * seq.visible_fraction[t]
        assert seq.masks[t].sum() == pytest.approx(expected, rel=0.1)


def test_written_masks_are_the_generated_ones(tmp_path, sequences):
    root = synthetic.write_benchmark(tmp_path / "bench", seed=0, num_sequences=1)
    written = cv2.imread(str(root / "Glide" / "mask" / "0007.png"), cv2.IMREAD_GRAYSCALE)
    np.testing.assert_array_equal(written, sequences["Glide"].masks[6] * 255)


def test_masks_are_added_to_a_folder_generated_before_masks(tmp_path, sequences):
    root = synthetic.write_benchmark(tmp_path / "bench", seed=0, num_sequences=2)
    for name in ("Glide", "Dash"):
        for png in (root / name / "mask").iterdir():
            png.unlink()
        (root / name / "mask").rmdir()
    assert synthetic.ensure_benchmark(root, seed=0, num_sequences=2, masks=True) == ["Glide", "Dash"]
    written = cv2.imread(str(root / "Dash" / "mask" / "0010.png"), cv2.IMREAD_GRAYSCALE)
    np.testing.assert_array_equal(written, sequences["Dash"].masks[9] * 255)
    assert sorted(p.name for p in (root / "Dash").iterdir()) == ["attrs.txt", "groundtruth_rect.txt", "img", "mask",
                                                                 "visible.txt"]


def test_training_videos_serve_the_masks_of_the_requested_frames(tmp_path, sequences):
    dataset = SyntheticVideo(tmp_path / "videos", seed=0, num_sequences=1)
    frames, anno, _ = dataset.get_frames(0, [3, 3, 8])
    assert dataset.has_masks() and len(anno["mask"]) == 3
    np.testing.assert_array_equal(anno["mask"][2], sequences["Glide"].masks[8])
    assert anno["mask"][0] is not anno["mask"][1] and np.array_equal(anno["mask"][0], anno["mask"][1])
    assert anno["mask"][0].shape == frames[0].shape[:2]
