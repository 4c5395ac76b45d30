"""run_video: a video file or an image folder tracked from a first box, boxes and an annotated video written,
bad input one line with exit status 2."""
import subprocess
import sys

import cv2
import numpy as np
import pytest

from pytracking import run_video
from pytracking.evaluation.results_io import load_result_boxes
from tests.conftest import REPO_ROOT, require_otb_sample, write_images

NUM_FRAMES = 12


def frame_count(path) -> int:
    """Frames an OpenCV reader decodes from the video ``path``."""
    capture, count = cv2.VideoCapture(str(path)), 0
    while capture.read()[0]:
        count += 1
    capture.release()
    return count


@pytest.fixture
def football_video(tmp_path) -> tuple:
    """(a short .mp4 of the first Football1 frames, that sequence's first ground-truth box as 'x,y,w,h')."""
    sequence = require_otb_sample()
    frames = [cv2.imread(str(p)) for p in sorted((sequence / "img").glob("*.jpg"))[:NUM_FRAMES]]
    path = tmp_path / "football.mp4"
    height, width = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 25.0, (width, height))
    if not writer.isOpened():
        pytest.skip("OpenCV has no mp4 encoder here")
    for frame in frames:
        writer.write(frame)
    writer.release()
    first_box = (sequence / "groundtruth_rect.txt").read_text().splitlines()[0]
    return path, first_box


@pytest.fixture
def image_folder(tmp_path):
    """Three 64x48 images named 1.png, 2.png, 10.png."""
    for index in (1, 2, 10):
        write_images(tmp_path / "frames", 1, pattern="%d.png", first=index, size=(64, 48))
    return tmp_path / "frames"


def test_script_writes_one_box_row_and_one_output_frame_per_video_frame(football_video, tmp_path):
    video, box = football_video
    command = [sys.executable, "pytracking/run_video.py", "kcf", "default", str(video), "--box", box,
               "--output", str(tmp_path / "out.mp4"), "--results", str(tmp_path / "boxes.txt")]
    result = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert f"{NUM_FRAMES} frames, FPS" in result.stdout and "fps=" in result.stderr  # summary and progress bar
    boxes = load_result_boxes(tmp_path / "boxes.txt")
    assert boxes.shape == (NUM_FRAMES, 4)
    np.testing.assert_array_equal(boxes[0], [float(v) for v in box.split(",")])
    assert frame_count(tmp_path / "out.mp4") == NUM_FRAMES


def test_the_first_box_can_come_from_a_groundtruth_file(image_folder, tmp_path):
    (tmp_path / "gt.txt").write_text("20\t10\t16\t12\n21\t10\t16\t12\n")
    assert run_video.main(["kcf", "default", str(image_folder), "--groundtruth", str(tmp_path / "gt.txt"),
                           "--results", str(tmp_path / "boxes.txt")]) == 0
    boxes = load_result_boxes(tmp_path / "boxes.txt")
    assert boxes.shape == (3, 4) and boxes[0].tolist() == [20, 10, 16, 12]


def test_an_image_folder_is_read_in_natural_order(image_folder):
    assert [p.name for p in run_video.VideoFrames(image_folder).images] == ["1.png", "2.png", "10.png"]


def test_the_annotated_video_of_an_image_folder_has_one_frame_per_image(image_folder, tmp_path):
    try:
        run_video.main(["kcf", "default", str(image_folder), "--box", "20,10,16,12", "--output",
                        str(tmp_path / "out.avi")])
    except OSError as err:
        pytest.skip(f"OpenCV has no avi encoder here: {err}")
    assert frame_count(tmp_path / "out.avi") == 3


def test_debug_writes_one_view_per_frame_under_the_results_path(image_folder, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "visdom", None)
    monkeypatch.setenv("PYTRACKING_RESULTS_PATH", str(tmp_path / "results"))
    assert run_video.main(["kcf", "default", str(image_folder), "--box", "20,10,16,12", "--debug", "1"]) == 0
    views = tmp_path / "results" / "kcf" / "default" / "debug" / "frames"
    assert sorted(p.name for p in views.iterdir()) == ["00000.png", "00001.png", "00002.png"]


@pytest.mark.parametrize("video, box, message", [
    ("missing.mp4", "1,2,3,4", "no video file or image folder"),
    ("text.mp4", "1,2,3,4", "cannot read video"),
    ("frames", "1,2,3", "--box '1,2,3' is not four comma-separated numbers x,y,w,h"),
    ("frames", "1,2,a,4", "is not four comma-separated numbers"),
    ("frames", "100,10,16,12", "lies entirely outside the 64x48 image"),
], ids=["missing video", "undecodable video", "three numbers", "not a number", "box outside the frame"])
def test_bad_input_is_one_line_and_exit_status_2(video, box, message, image_folder, tmp_path, capsys):
    (tmp_path / "text.mp4").write_text("not a video\n")
    status = run_video.main(["kcf", "default", str(tmp_path / video), "--box", box,
                             "--results", str(tmp_path / "boxes.txt")])
    err = capsys.readouterr().err
    assert status == 2 and message in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "boxes.txt").exists()


def test_an_output_that_is_not_a_video_format_is_refused_before_tracking(image_folder, tmp_path, capsys):
    assert run_video.main(["kcf", "default", str(image_folder), "--box", "20,10,16,12", "--output",
                           str(tmp_path / "out.mkv")]) == 2
    assert "--output" in capsys.readouterr().err
