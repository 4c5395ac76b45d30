"""GOT-10k training set: list.txt, visibility from absence/cover labels, meta info, official and custom splits."""
from pathlib import Path

import numpy as np
import pytest

from ltr.data.annotations import DatasetError
from ltr.data.image_loader import UnreadableImageError
from ltr.dataset.got10k import Got10k, split_indices
from tests.conftest import write_images

# 5 frames: visible / absent / cover 0 / zero-width box / cover 2
BOXES = [[1, 2, 3, 4], [2, 2, 3, 4], [3, 2, 3, 4], [4, 2, 0, 4], [5, 2, 3, 4]]
ABSENCE = [0, 1, 0, 0, 0]
COVER = [8, 8, 0, 4, 2]


def _name(index: int) -> str:
    return f"GOT-10k_Train_{index + 1:06d}"


def _make_root(root: Path, num_sequences: int = 2, on_disk=None, num_frames: int = 5) -> Path:
    """train/list.txt with ``num_sequences`` names; the sequences ``on_disk`` (default all) get folders."""
    train = root / "train"
    train.mkdir(parents=True)
    (train / "list.txt").write_text("".join(_name(i) + "\n" for i in range(num_sequences)))
    for i in range(num_sequences) if on_disk is None else on_disk:
        seq_dir = train / _name(i)
        write_images(seq_dir, num_frames, pattern="%08d.jpg", size=(8, 8))
        (seq_dir / "groundtruth.txt").write_text("".join(",".join(map(str, b)) + "\n" for b in BOXES[:num_frames]))
        (seq_dir / "absence.label").write_text("".join(f"{v}\n" for v in ABSENCE[:num_frames]))
        (seq_dir / "cover.label").write_text("".join(f"{v}\n" for v in COVER[:num_frames]))
        (seq_dir / "meta_info.ini").write_text("[METAINFO]\nurl: https://x/y?a=1\nobject_class: ichneumon\n"
                                               "motion_class: walking\nmajor_class: viverrine\n"
                                               "root_class: animal\nmotion_adverb: slowly\n")
    return root


def test_sequences_are_the_list_entries(tmp_path):
    dataset = Got10k(_make_root(tmp_path, 3))
    assert dataset.get_num_sequences() == 3
    assert [dataset.get_sequence_name(i) for i in range(3)] == [_name(0), _name(1), _name(2)]


def test_sequences_missing_on_disk_are_skipped(tmp_path):
    dataset = Got10k(_make_root(tmp_path, 3, on_disk=[0, 2]))
    assert dataset.sequence_list == [_name(0), _name(2)]


def test_visible_needs_presence_cover_and_a_valid_box(tmp_path):
    info = Got10k(_make_root(tmp_path, 1)).get_sequence_info(0)
    assert info["bbox"].shape == (5, 4)
    assert info["valid"].tolist() == [True, True, True, False, True]
    assert info["visible"].tolist() == [True, False, False, False, True]


def test_visible_ratio_is_cover_in_eighths(tmp_path):
    info = Got10k(_make_root(tmp_path, 1)).get_sequence_info(0)
    np.testing.assert_allclose(info["visible_ratio"].numpy(), [1, 1, 0, 0.5, 0.25])


def test_get_frames_returns_the_requested_frames_and_boxes(tmp_path):
    frames, anno, _ = Got10k(_make_root(tmp_path, 1)).get_frames(0, [4, 0])
    assert [int(round(f.mean())) for f in frames] == [35, 7]  # 00000005.jpg, 00000001.jpg
    assert [b.tolist() for b in anno["bbox"]] == [BOXES[4], BOXES[0]]
    assert [v.item() for v in anno["visible"]] == [True, True]


def test_meta_info_comes_from_meta_info_ini(tmp_path):
    meta = Got10k(_make_root(tmp_path, 1)).get_meta_info(0)
    assert meta == {"object_class_name": "ichneumon", "motion_class": "walking", "major_class": "viverrine",
                    "root_class": "animal", "motion_adverb": "slowly"}


def test_meta_info_is_none_without_meta_info_ini(tmp_path):
    root = _make_root(tmp_path, 1)
    (root / "train" / _name(0) / "meta_info.ini").unlink()
    assert Got10k(root).get_meta_info(0)["object_class_name"] is None


def test_corrupt_image_raises_unreadable_image_error(tmp_path):
    root = _make_root(tmp_path, 1)
    (root / "train" / _name(0) / "00000002.jpg").write_bytes(b"\xff\xd8 truncated")
    with pytest.raises(UnreadableImageError, match="00000002.jpg"):
        Got10k(root).get_frames(0, [1])


def test_malformed_ground_truth_names_file_and_line(tmp_path):
    root = _make_root(tmp_path, 1)
    (root / "train" / _name(0) / "groundtruth.txt").write_text("1,2,3,4\n1,2,x,4\n")
    with pytest.raises(DatasetError, match=r"groundtruth.txt:2: non-numeric"):
        Got10k(root).get_sequence_info(0)


def test_label_count_mismatch_names_the_label_file(tmp_path):
    root = _make_root(tmp_path, 1)
    (root / "train" / _name(0) / "cover.label").write_text("8\n8\n")
    with pytest.raises(DatasetError, match=r"cover.label: 2 flags for 5 ground-truth rows"):
        Got10k(root).get_sequence_info(0)


def test_no_sequence_on_disk_is_a_value_error_naming_the_root(tmp_path):
    root = _make_root(tmp_path, 2, on_disk=[])
    with pytest.raises(ValueError, match=f"no usable sequences under '{root}'"):
        Got10k(root)


def test_official_split_sizes():
    sizes = {split: len(split_indices(split, 9335)) for split in ("train", "val", "vottrain", "votval")}
    assert sizes == {"train": 7934, "val": 1401, "vottrain": 7086, "votval": 1249}


def test_train_and_val_partition_the_training_set():
    train, val = set(split_indices("train", 9335)), set(split_indices("val", 9335))
    assert not train & val and train | val == set(range(9335))


def test_vot_splits_are_subsets_of_train_and_val():
    assert set(split_indices("vottrain", 9335)) < set(split_indices("train", 9335))
    assert set(split_indices("votval", 9335)) < set(split_indices("val", 9335))


def test_splits_select_their_indices_of_list_txt(tmp_path):
    root = _make_root(tmp_path, 13, num_frames=1)
    assert Got10k(root, split="val").sequence_list == [_name(1), _name(11)]
    assert Got10k(root, split="train").sequence_list == [_name(i) for i in (0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12)]
    assert Got10k(root, split="vottrain").sequence_list == [_name(i) for i in (0, 2, 3, 5, 6, 7, 8, 9, 10, 12)]


def test_split_is_deterministic(tmp_path):
    root = _make_root(tmp_path, 13, num_frames=1)
    assert Got10k(root, split="train").sequence_list == Got10k(root, split="train").sequence_list


def test_split_file_selects_listed_indices(tmp_path):
    root = _make_root(tmp_path, 3, num_frames=1)
    (tmp_path / "my_split.txt").write_text("2\n0\n")
    assert Got10k(root, split_file=tmp_path / "my_split.txt").sequence_list == [_name(0), _name(2)]


def test_split_file_index_outside_the_list_names_the_file(tmp_path):
    root = _make_root(tmp_path, 3, num_frames=1)
    (tmp_path / "my_split.txt").write_text("0\n7\n")
    with pytest.raises(ValueError, match="my_split.txt'.*index 7 is outside train/list.txt"):
        Got10k(root, split_file=tmp_path / "my_split.txt")


def test_seq_ids_select_indices(tmp_path):
    assert Got10k(_make_root(tmp_path, 3, num_frames=1), seq_ids=[1]).sequence_list == [_name(1)]


def test_unknown_split_is_rejected(tmp_path):
    with pytest.raises(ValueError, match="split must be one of"):
        Got10k(_make_root(tmp_path, 1), split="test")


def test_split_and_seq_ids_together_are_rejected(tmp_path):
    with pytest.raises(ValueError, match="at most one of"):
        Got10k(_make_root(tmp_path, 1), split="train", seq_ids=[0])
