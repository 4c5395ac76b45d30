"""UAV123 / UAV20L / UAV123@10fps evaluation datasets: layout, split subsequences, NaN rows, attributes, strict
reading."""
import math
import re
from pathlib import Path

import cv2
import numpy as np
import pytest

from ltr.data.annotations import DatasetError
from pytracking.evaluation.datasets import get_dataset_loader
from pytracking.evaluation.uavdataset import (
    UAV123_10FPS_SEQUENCES,
    UAV123_SEQUENCES,
    UAV10fpsDataset,
    UAV20LDataset,
    UAV123Dataset,
)
from tests.conftest import SHARED_DIR

_TINY_JPG = cv2.imencode(".jpg", np.zeros((8, 8, 3), np.uint8))[1].tobytes()


def _write_video(root: Path, video: str, first: int, last: int, videos: str = "UAV123") -> Path:
    """Images ``data_seq/<videos>/<video>/%06d.jpg`` for frames first..last."""
    folder = root / "data_seq" / videos / video
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(first, last + 1):
        (folder / f"{i:06d}.jpg").write_bytes(_TINY_JPG)
    return folder


def _write_anno(root: Path, subset: str, name: str, lines: list) -> Path:
    path = root / "anno" / subset / f"{name}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    return path


def _rows(count: int, x0: int = 0) -> list:
    """Row i is ``x0+i,1,2,3``."""
    return [f"{x0 + i},1,2,3" for i in range(count)]


@pytest.fixture
def bird1_root(tmp_path) -> Path:
    """UAV123 subsequences bird1_1 (frames 1-253) and bird1_2 (775-1477) of the one bird1 folder."""
    _write_video(tmp_path, "bird1", 1, 1477)
    _write_anno(tmp_path, "UAV123", "bird1_1", _rows(253))
    _write_anno(tmp_path, "UAV123", "bird1_2", _rows(703, x0=1000))
    return tmp_path


def test_split_subsequences_share_one_folder_with_their_own_frame_ranges(bird1_root):
    dataset = UAV123Dataset(root=bird1_root)
    first, second = dataset.get_sequence("uav_bird1_1"), dataset.get_sequence("uav_bird1_2")
    folder = bird1_root / "data_seq" / "UAV123" / "bird1"
    assert (len(first), len(second)) == (253, 703)
    assert first.frames[0] == str(folder / "000001.jpg") and first.frames[-1] == str(folder / "000253.jpg")
    assert second.frames[0] == str(folder / "000775.jpg") and second.frames[-1] == str(folder / "001477.jpg")
    np.testing.assert_array_equal(second.ground_truth_rect[0], [1000, 1, 2, 3])


def test_sequence_fields(bird1_root):
    seq = UAV123Dataset(root=bird1_root).get_sequence("uav_bird1_1")
    assert seq.dataset == "uav"
    assert seq.object_class == "bird"
    assert seq.ground_truth_rect.shape == (253, 4)
    assert seq.attributes is None


def test_nan_rows_are_accepted_and_mark_the_target_not_visible(tmp_path):
    _write_video(tmp_path, "uav2", 1, 133)
    lines = _rows(133)
    lines[5] = "NaN,NaN,NaN,NaN"
    _write_anno(tmp_path, "UAV123", "uav2", lines)
    seq = UAV123Dataset(root=tmp_path).get_sequence("uav_uav2")
    assert np.isnan(seq.ground_truth_rect[5]).all()
    assert not seq.target_visible[5]
    assert seq.target_visible.sum() == 132


def test_malformed_row_raises_naming_file_and_line(tmp_path):
    _write_video(tmp_path, "uav2", 1, 133)
    lines = _rows(133)
    lines[9] = "1,2,3"
    anno = _write_anno(tmp_path, "UAV123", "uav2", lines)
    with pytest.raises(DatasetError, match=re.escape(f"{anno}:10")):
        UAV123Dataset(root=tmp_path).get_sequence("uav_uav2")


def test_row_count_differing_from_frame_range_raises_naming_file_and_counts(tmp_path):
    _write_video(tmp_path, "uav2", 1, 133)
    anno = _write_anno(tmp_path, "UAV123", "uav2", _rows(130))
    with pytest.raises(DatasetError, match=re.escape(f"{anno}: 130 ground-truth rows for 133 frames")):
        UAV123Dataset(root=tmp_path).get_sequence("uav_uav2")


def test_missing_image_raises_naming_the_image(tmp_path):
    folder = _write_video(tmp_path, "uav2", 1, 133)
    (folder / "000042.jpg").unlink()
    _write_anno(tmp_path, "UAV123", "uav2", _rows(133))
    with pytest.raises(DatasetError, match="000042.jpg"):
        UAV123Dataset(root=tmp_path).get_sequence("uav_uav2")


def test_missing_annotation_raises_naming_the_file(tmp_path):
    _write_video(tmp_path, "uav2", 1, 133)
    with pytest.raises(DatasetError, match="uav2.txt"):
        UAV123Dataset(root=tmp_path).get_sequence("uav_uav2")


def test_attribute_flags_are_read_in_official_order(bird1_root):
    att = bird1_root / "anno" / "UAV123" / "att" / "bird1_1.txt"
    att.parent.mkdir()
    att.write_text("1,0,0,1,0,0,0,0,0,0,1,1\n")
    seq = UAV123Dataset(root=bird1_root).get_sequence("uav_bird1_1")
    assert seq.attributes == ("SV", "FM", "CM", "SOB")


def test_malformed_attribute_file_raises_naming_it(bird1_root):
    att = bird1_root / "anno" / "UAV123" / "att" / "bird1_1.txt"
    att.parent.mkdir()
    att.write_text("1,0,2\n")
    with pytest.raises(DatasetError, match=re.escape(f"{att}: expected 12 attribute flags")):
        UAV123Dataset(root=bird1_root).get_sequence("uav_bird1_1")


def test_uav123_has_123_unique_names(tmp_path):
    names = UAV123Dataset(root=tmp_path).sequence_names()
    assert len(names) == 123 and len(set(names)) == 123


def test_uav20l_has_20_unique_names(tmp_path):
    names = UAV20LDataset(root=tmp_path).sequence_names()
    assert len(names) == 20 and len(set(names)) == 20
    assert not set(names) & set(UAV123Dataset(root=tmp_path).sequence_names())


def test_subset_on_a_partial_root_loads(bird1_root):
    sequences = UAV123Dataset(root=bird1_root).get_sequence_list(["uav_bird1_2"])
    assert sequences.names() == ["uav_bird1_2"]


def test_uav20l_reads_its_annotation_and_the_full_uav123_video(tmp_path):
    _write_video(tmp_path, "car3", 1, 1717)
    lines = _rows(1717)
    lines[-1] = "nan,nan,nan,nan"
    _write_anno(tmp_path, "UAV20L", "car3", lines)
    seq = UAV20LDataset(root=tmp_path).get_sequence("uav20l_car3")
    assert seq.dataset == "uav"
    assert seq.frames[-1] == str(tmp_path / "data_seq" / "UAV123" / "car3" / "001717.jpg")
    assert seq.target_visible.tolist() == [True] * 1716 + [False]


def test_registry_names_map_to_the_two_benchmarks(tmp_path):
    assert isinstance(get_dataset_loader("uav", root=tmp_path), UAV123Dataset)
    assert isinstance(get_dataset_loader("uav20l", root=tmp_path), UAV20LDataset)


# ----------------------------------------------------------------------------- UAV123@10fps

UAV10FPS_SAMPLE = SHARED_DIR / "data" / "uav123_10fps_sample"


def test_uav10fps_real_samples_load_with_their_10fps_lengths():
    if not UAV10FPS_SAMPLE.is_dir():
        pytest.skip(f"shared UAV123@10fps sample not available ({UAV10FPS_SAMPLE} missing)")
    dataset = UAV10fpsDataset(root=UAV10FPS_SAMPLE)
    building5, wakeboard7 = dataset.get_sequence_list(["uav10fps_building5", "uav10fps_wakeboard7"])
    assert (len(building5), len(wakeboard7)) == (161, 67)
    assert building5.frames[0] == str(UAV10FPS_SAMPLE / "data_seq" / "UAV123_10fps" / "building5" / "000001.jpg")
    np.testing.assert_array_equal(building5.ground_truth_rect[0], [530, 525, 22, 62])
    assert (building5.dataset, wakeboard7.object_class) == ("uav", "person")


def test_uav10fps_split_subsequence_uses_the_10fps_frame_range(tmp_path):
    # bird1_2 is frames 259-493 at 10 fps (775-1477 at 30 fps)
    _write_video(tmp_path, "bird1", 259, 493, videos="UAV123_10fps")
    _write_anno(tmp_path, "UAV123_10fps", "bird1_2", _rows(235))
    seq = UAV10fpsDataset(root=tmp_path).get_sequence("uav10fps_bird1_2")
    folder = tmp_path / "data_seq" / "UAV123_10fps" / "bird1"
    assert seq.frames[0] == str(folder / "000259.jpg") and seq.frames[-1] == str(folder / "000493.jpg")


def test_uav10fps_row_count_is_checked_against_the_10fps_range(tmp_path):
    _write_video(tmp_path, "uav2", 1, 45, videos="UAV123_10fps")
    anno = _write_anno(tmp_path, "UAV123_10fps", "uav2", _rows(133))
    with pytest.raises(DatasetError, match=re.escape(f"{anno}: 133 ground-truth rows for 45 frames")):
        UAV10fpsDataset(root=tmp_path).get_sequence("uav10fps_uav2")


def test_uav10fps_ranges_are_the_uav123_ranges_on_every_third_frame():
    # 10 fps frame k is 30 fps frame 3k-2: e.g. uav1_3 = 2473-3469 at 30 fps, 825-1157 at 10 fps
    for entry30, entry10 in zip(UAV123_SEQUENCES, UAV123_10FPS_SEQUENCES, strict=True):
        assert (entry10.name, entry10.video) == (entry30.name, entry30.video)
        assert (entry10.first, entry10.last) == (math.ceil(entry30.first / 3), math.ceil(entry30.last / 3))


def test_uav10fps_has_the_uav123_sequences_under_its_own_prefix(tmp_path):
    names = UAV10fpsDataset(root=tmp_path).sequence_names()
    uav123 = UAV123Dataset(root=tmp_path).sequence_names()
    assert [n.replace("uav10fps_", "uav_", 1) for n in names] == uav123
    assert not set(names) & set(uav123)


def test_uav10fps_registry_name(tmp_path):
    assert isinstance(get_dataset_loader("uav10fps", root=tmp_path), UAV10fpsDataset)
