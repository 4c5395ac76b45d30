"""BaseVideoDataset: label assembly, frame picking, zero-sequence error; imread_rgb's unreadable-image error."""
import pickle

import cv2
import numpy as np
import pytest
import torch

from ltr.data.image_loader import UnreadableImageError, imread_rgb
from ltr.dataset.base_video_dataset import BaseVideoDataset, SequenceAnnotation, sequence_info
from tests.conftest import write_images


class ToyDataset(BaseVideoDataset):
    """One sequence 'toy' of 4 frames img/0001.jpg .. 0004.jpg; box i is [i, 0, 2, 2]."""
    name = "toy"
    layout = "<root>/img/0001.jpg ..."

    def __init__(self, root, video=True, names=("toy",)):
        self.video, self.names = video, list(names)
        super().__init__(root)

    def _list_sequences(self):
        return self.names

    def _read_annotation(self, seq_id):
        return SequenceAnnotation(np.array([[i, 0, 2, 2] for i in range(4)], dtype=float))

    def _frame_path(self, seq_id, frame_id):
        return str(self.root / "img" / f"{frame_id + 1:04d}.jpg")

    def _meta_info(self, seq_id):
        return {"object_class_name": "cube"}

    def is_video_sequence(self):
        return self.video


@pytest.fixture
def toy(tmp_path):
    write_images(tmp_path / "img", 4)  # image i (1-based) is filled with 7 * i
    return ToyDataset(tmp_path)


def _level(frame):
    return int(round(float(frame.mean())))


def test_valid_is_positive_width_and_height():
    info = sequence_info(SequenceAnnotation(np.array([[0, 0, 2, 2], [0, 0, 0, 2], [0, 0, 2, -1]])))
    assert info["valid"].tolist() == [True, False, False]


def test_visible_is_the_dataset_label_and_valid():
    anno = SequenceAnnotation(np.array([[0, 0, 2, 2], [0, 0, 2, 2], [0, 0, 0, 2]]),
                              visible=np.array([True, False, True]))
    assert sequence_info(anno)["visible"].tolist() == [True, False, False]


def test_visible_without_labels_equals_valid():
    info = sequence_info(SequenceAnnotation(np.array([[0, 0, 2, 2], [0, 0, 0, 2]])))
    assert info["visible"].tolist() == [True, False]
    assert "visible_ratio" not in info


def test_sequence_info_shapes_and_dtypes():
    anno = SequenceAnnotation(np.array([[1, 2, 3, 4], [5, 6, 7, 8]]), visible_ratio=np.array([0.5, 1.0]))
    info = sequence_info(anno)
    assert info["bbox"].shape == (2, 4) and info["bbox"].dtype == torch.float32
    assert info["valid"].dtype == torch.bool and info["visible"].dtype == torch.bool
    assert info["visible_ratio"].dtype == torch.float32 and info["visible_ratio"].tolist() == [0.5, 1.0]


def test_get_frames_returns_the_requested_frames_and_their_boxes(toy):
    frames, anno, meta = toy.get_frames(0, [2, 0])
    assert [_level(f) for f in frames] == [21, 7]
    assert frames[0].shape == (12, 16, 3) and frames[0].dtype == np.uint8
    assert [box.tolist() for box in anno["bbox"]] == [[2, 0, 2, 2], [0, 0, 2, 2]]
    assert [v.item() for v in anno["visible"]] == [True, True]
    assert meta["object_class_name"] == "cube" and meta["motion_class"] is None


def test_repeated_frame_id_gets_its_own_copy(toy):
    frames, _, _ = toy.get_frames(0, [1, 1])
    frames[0][:] = 0
    assert _level(frames[1]) == 14


def test_get_frames_uses_the_given_annotation(toy):
    anno = {"bbox": torch.tensor([[9.0, 9, 9, 9]] * 4)}
    _, frame_anno, _ = toy.get_frames(0, [3], anno=anno)
    assert list(frame_anno) == ["bbox"]
    assert [box.tolist() for box in frame_anno["bbox"]] == [[9, 9, 9, 9]]


def test_frame_outside_the_sequence_is_an_index_error(toy):
    with pytest.raises(IndexError, match="'toy': frame 4 requested, the sequence has 4 frames"):
        toy.get_frames(0, [4])


def test_image_dataset_serves_its_image_for_every_frame_id(tmp_path):
    write_images(tmp_path / "img", 1)
    frames, anno, _ = ToyDataset(tmp_path, video=False).get_frames(0, [0, 5, 9])
    assert [_level(f) for f in frames] == [7, 7, 7]
    assert [box.tolist() for box in anno["bbox"]] == [[0, 0, 2, 2]] * 3


def test_missing_frame_raises_unreadable_image_error(toy):
    (toy.root / "img" / "0002.jpg").unlink()
    with pytest.raises(UnreadableImageError, match="0002.jpg': file does not exist"):
        toy.get_frames(0, [1])


def test_zero_sequences_is_a_value_error_naming_the_root(tmp_path):
    with pytest.raises(ValueError, match=f"toy: no usable sequences under '{tmp_path}'"):
        ToyDataset(tmp_path, names=())


def test_imread_rgb_returns_rgb(tmp_path):
    image = np.zeros((4, 6, 3), np.uint8)
    image[..., 2] = 200  # red in OpenCV's BGR order
    cv2.imwrite(str(tmp_path / "red.png"), image)
    assert imread_rgb(tmp_path / "red.png")[0, 0].tolist() == [200, 0, 0]


def test_imread_rgb_undecodable_file_raises_unreadable_image_error(tmp_path):
    (tmp_path / "bad.jpg").write_bytes(b"not a jpeg")
    with pytest.raises(UnreadableImageError, match="bad.jpg': cannot be decoded") as info:
        imread_rgb(tmp_path / "bad.jpg")
    assert isinstance(info.value, IOError) and info.value.path == str(tmp_path / "bad.jpg")


def test_unreadable_image_error_survives_pickling():
    error = pickle.loads(pickle.dumps(UnreadableImageError("/x/1.jpg", "file does not exist")))
    assert (error.path, error.reason, str(error)) == ("/x/1.jpg", "file does not exist",
                                                      "cannot read image '/x/1.jpg': file does not exist")
