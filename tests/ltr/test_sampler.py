"""TrackingSampler on in-memory datasets: frame gaps, visibility, weights, unreadable images, seeds."""
import random
import warnings

import numpy as np
import pytest
import torch

from ltr.data.image_loader import UnreadableImageError
from ltr.data.loader import LTRLoader
from ltr.data.processing import SiamFCProcessing
from ltr.data.sampler import TrackingSampler, UnreadableImageWarning
from ltr.dataset.base_video_dataset import BaseVideoDataset, SequenceAnnotation


class MemoryDataset(BaseVideoDataset):
    """Sequences given by their per-frame visibility. Frame i of sequence s has box [i, s, 10, 10]
    and a (4, 6, 3) image filled with i; the image path is '<name>/<s>/<i>'."""

    def __init__(self, name, visibility, video=True, unreadable=()):
        self.name, self.visibility, self.video, self.unreadable = name, visibility, video, set(unreadable)
        super().__init__(name, image_loader=self._load)

    def _load(self, path):
        if path in self.unreadable:
            raise UnreadableImageError(path)
        return np.full((4, 6, 3), int(path.rsplit("/", 1)[1]), dtype=np.uint8)

    def _list_sequences(self):
        return [f"seq{s}" for s in range(len(self.visibility))]

    def _read_annotation(self, seq_id):
        visible = np.array(self.visibility[seq_id], dtype=bool)
        boxes = np.array([[i, seq_id, 10, 10] for i in range(len(visible))], dtype=float)
        return SequenceAnnotation(boxes, visible=visible)

    def _frame_path(self, seq_id, frame_id):
        return f"{self.name}/{seq_id}/{frame_id}"

    def _meta_info(self, seq_id):
        return {"object_class_name": "cube"}

    def is_video_sequence(self):
        return self.video


def _ids(data, key):
    return [int(box[0]) for box in data[f"{key}_anno"]]


def _draw(sampler, count=100, seed=0):
    random.seed(seed)
    return [sampler[i] for i in range(count)]


def test_len_is_samples_per_epoch():
    assert len(TrackingSampler([MemoryDataset("a", [[True] * 20])], [1], samples_per_epoch=7, max_gap=5)) == 7


def test_sample_holds_frames_boxes_and_names():
    data = TrackingSampler([MemoryDataset("a", [[True] * 20])], [1], 1, max_gap=5)[0]
    assert set(data) == {"template_images", "template_anno", "search_images", "search_anno", "dataset", "object_class"}
    assert data["template_images"][0].shape == (4, 6, 3) and data["search_anno"][0].dtype == torch.float32
    assert (data["dataset"], data["object_class"]) == ("a", "cube")
    assert data["template_images"][0][0, 0, 0] == _ids(data, "template")[0]  # image i belongs to box i


def test_causal_search_frame_is_after_the_template_within_max_gap():
    sampler = TrackingSampler([MemoryDataset("a", [[True] * 60])], [1], 1, max_gap=3, frame_sample_mode="causal")
    gaps = {_ids(d, "search")[0] - _ids(d, "template")[0] for d in _draw(sampler, 200)}
    assert gaps == {1, 2, 3}


def test_causal_gap_grows_until_a_later_visible_frame_is_reachable():
    visible = [i % 10 == 0 for i in range(60)]  # frames 0, 10, ..., 50
    sampler = TrackingSampler([MemoryDataset("a", [visible])], [1], 1, max_gap=3, frame_sample_mode="causal")
    for data in _draw(sampler, 50):
        assert _ids(data, "search")[0] - _ids(data, "template")[0] == 10  # gap 3 -> 8 -> 13


def test_interval_frames_are_within_max_gap_of_the_base_frame():
    sampler = TrackingSampler([MemoryDataset("a", [[True] * 60])], [1], 1, max_gap=4, num_template_frames=2,
                              frame_sample_mode="interval")
    offsets = set()
    for data in _draw(sampler, 200):
        base, extra = _ids(data, "template")
        offsets |= {extra - base, _ids(data, "search")[0] - base}
    assert offsets == set(range(-4, 5))


def test_only_visible_frames_are_drawn():
    visible = [i % 3 != 0 for i in range(30)]
    sampler = TrackingSampler([MemoryDataset("a", [visible])], [1], 1, max_gap=10, num_search_frames=3)
    for data in _draw(sampler, 50):
        assert all(visible[i] for i in _ids(data, "template") + _ids(data, "search"))


def test_sequence_needs_more_than_twice_the_frames_per_sample_visible():
    # 1 template + 1 search: more than 4 visible frames needed
    four_visible = [i < 4 for i in range(30)]
    five_visible = [i < 5 for i in range(30)]
    sampler = TrackingSampler([MemoryDataset("a", [four_visible, five_visible])], [1], 1, max_gap=10)
    assert {int(d["search_anno"][0][1]) for d in _draw(sampler, 40)} == {1}


def test_sequence_shorter_than_20_frames_is_never_drawn():
    sampler = TrackingSampler([MemoryDataset("a", [[True] * 19, [True] * 20])], [1], 1, max_gap=10)
    assert {int(d["search_anno"][0][1]) for d in _draw(sampler, 40)} == {1}


def test_zero_weight_dataset_is_never_drawn():
    datasets = [MemoryDataset("a", [[True] * 20]), MemoryDataset("b", [[True] * 20])]
    sampler = TrackingSampler(datasets, [0, 2], 1, max_gap=5)
    assert {d["dataset"] for d in _draw(sampler, 50)} == {"b"}


def test_datasets_are_drawn_in_proportion_to_their_weights():
    datasets = [MemoryDataset("a", [[True] * 20]), MemoryDataset("b", [[True] * 20])]
    sampler = TrackingSampler(datasets, [1, 3], 1, max_gap=5)
    share_a = sum(d["dataset"] == "a" for d in _draw(sampler, 400)) / 400
    assert 0.18 < share_a < 0.32


def test_image_dataset_repeats_its_single_frame():
    sampler = TrackingSampler([MemoryDataset("coco", [[True], [True]], video=False)], [1], 1, max_gap=5,
                              num_template_frames=2, num_search_frames=3)
    data = sampler[0]
    assert _ids(data, "template") == [0, 0] and _ids(data, "search") == [0, 0, 0]


def test_frame_filter_gets_the_image_size_and_restricts_the_frames():
    sizes = []

    def even_frames(info, image_size):
        sizes.append(image_size)
        return info["bbox"][:, 0] % 2 == 0

    sampler = TrackingSampler([MemoryDataset("a", [[True] * 30])], [1], 1, max_gap=6, frame_filter=even_frames)
    for data in _draw(sampler, 30):
        assert all(i % 2 == 0 for i in _ids(data, "template") + _ids(data, "search"))
    assert set(sizes) == {(4, 6)}


def test_unreadable_image_is_skipped_warned_once_and_counted():
    dataset = MemoryDataset("coco", [[True], [True]], video=False, unreadable={"coco/0/0"})
    sampler = TrackingSampler([dataset], [1], 1, max_gap=5)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        samples = _draw(sampler, 20)
    unreadable_warnings = [w for w in caught if issubclass(w.category, UnreadableImageWarning)]
    assert len(unreadable_warnings) == 1 and "coco/0/0" in str(unreadable_warnings[0].message)
    assert sampler.num_unreadable >= 5  # about one draw in two hits sequence 0
    assert {int(d["search_anno"][0][1]) for d in samples} == {1}


def test_only_unreadable_images_end_in_a_clear_error():
    dataset = MemoryDataset("coco", [[True]], video=False, unreadable={"coco/0/0"})
    sampler = TrackingSampler([dataset], [1], 1, max_gap=5, max_retries=3)
    with pytest.warns(UnreadableImageWarning), pytest.raises(RuntimeError, match="3 draws.*3 unreadable"):
        sampler[0]
    assert sampler.num_unreadable == 3


def test_samples_are_deterministic_given_the_seed():
    sampler = TrackingSampler([MemoryDataset("a", [[True] * 40] * 3)], [1], 1, max_gap=10)
    first = [(_ids(d, "template"), _ids(d, "search"), int(d["search_anno"][0][1])) for d in _draw(sampler, 20, seed=4)]
    again = [(_ids(d, "template"), _ids(d, "search"), int(d["search_anno"][0][1])) for d in _draw(sampler, 20, seed=4)]
    assert first == again and len(set(map(str, first))) > 1


def test_processing_result_is_the_sample():
    sampler = TrackingSampler([MemoryDataset("a", [[True] * 20])], [1], 1, max_gap=5,
                              processing=lambda data: {"num_search": len(data["search_images"])})
    assert sampler[0] == {"num_search": 1}


def test_weights_must_match_the_datasets():
    with pytest.raises(ValueError, match="1 datasets but 2 weights"):
        TrackingSampler([MemoryDataset("a", [[True] * 20])], [1, 1], 1, max_gap=5)


def test_loader_batches_siamfc_pairs():
    sampler = TrackingSampler([MemoryDataset("a", [[True] * 20])], [1], 4, max_gap=5, processing=SiamFCProcessing())
    batch = next(iter(LTRLoader("train", sampler, batch_size=2)))
    assert batch["template_images"].shape == (2, 3, 127, 127) and batch["search_images"].shape == (2, 3, 239, 239)
    assert batch["search_anno"].shape == (2, 4) and batch["dataset"] == ["a", "a"]



def test_min_sequence_length_may_differ_per_dataset():
    short = MemoryDataset("short", [[True] * 6])
    sampler = TrackingSampler([short], [1], 5, max_gap=3, frame_sample_mode="interval", min_sequence_length=[2])
    assert all(sample["dataset"] == "short" for sample in _draw(sampler, count=5))
    with pytest.raises(RuntimeError, match="fewer than 5 usable frames or 20 frames"):
        TrackingSampler([short], [1], 5, max_gap=3, frame_sample_mode="interval", max_retries=3)[0]
