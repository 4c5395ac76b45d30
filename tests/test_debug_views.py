"""``--debug``: every tracker exposes its score map, and each frame is shown with its box and score map, in
visdom when a server answers, else as one PNG file per frame."""
import socket
import sys
import types

import cv2
import numpy as np
import pytest
import torch

from ltr.admin.loading import import_callable
from pytracking import run_tracker
from pytracking.analysis.debug_views import ImageFileViews, VisdomViews, heat_map, open_debug_views
from pytracking.evaluation.tracker import Tracker
from tests.online_tracker_helpers import small_clip

TRACKERS = [("kcf", "default"), ("siamfc", "fdsiamfc_15"), ("atom", "mobilenetsmall"), ("drnet", "mobilenetsmall"),
            ("ostrack", "vit_tiny")]


def random_weight_tracker(name: str, param: str, debug: int):
    """The tracker of ``name/param`` at debug level ``debug``, with a random-weight network (ATOM/DRNet made
    cheap: small samples, no augmentation, a short first optimisation)."""
    definition = Tracker(name, param)
    params = definition.named_parameters(debug)
    if params.has("net_constructor"):
        torch.manual_seed(0)
        params.net = import_callable(params.net_constructor)(**params.get("net_kwargs", {}))
        params.device = "cpu"
    if name in ("atom", "drnet"):
        params.sample_size, params.augmentation_rotations, params.augmentation_blurs = 128, (), ()
        params.dropout_num, params.init_CG_iter, params.init_GN_iter = 0, 5, 1
    return definition.tracker_class()(params)


@pytest.fixture
def no_visdom(monkeypatch):
    """visdom cannot be imported (whether or not it is installed)."""
    monkeypatch.setitem(sys.modules, "visdom", None)


@pytest.fixture
def fake_visdom(monkeypatch):
    """An importable stand-in for the visdom client recording what it is sent."""
    sent = []

    class Visdom:
        def __init__(self, server, port, use_incoming_socket, raise_exceptions):
            sent.append(("connect", server, port))

        def check_connection(self):
            return True

        def image(self, img, win, opts):
            sent.append(("image", img.shape, win))

        def heatmap(self, X, win, opts):
            sent.append(("heatmap", np.array(X), win))

    monkeypatch.setitem(sys.modules, "visdom", types.SimpleNamespace(Visdom=Visdom))
    return sent


@pytest.mark.parametrize("name, param", TRACKERS, ids=lambda v: str(v))
def test_every_tracker_exposes_its_2d_score_map_when_debugging(name, param):
    frames, box = small_clip()
    tracker = random_weight_tracker(name, param, debug=1)
    tracker.initialize(frames[0], {"init_bbox": box})
    tracker.track(frames[1], {})
    score_map = tracker.debug_info["score_map"]
    assert isinstance(score_map, np.ndarray) and score_map.ndim == 2 and np.isfinite(score_map).all()


@pytest.mark.parametrize("name, param", [("kcf", "default"), ("siamfc", "fdsiamfc_15")], ids=lambda v: str(v))
def test_without_debug_no_score_map_is_kept_and_the_boxes_are_those_of_a_debug_run(name, param):
    frames, box = small_clip()
    runs = {}
    for debug in (0, 1):
        tracker = random_weight_tracker(name, param, debug)
        tracker.initialize(frames[0], {"init_bbox": box})
        runs[debug] = [tracker.track(frame, {})["target_bbox"] for frame in frames[1:]]
        if debug == 0:
            assert tracker.debug_info == {}
    assert runs[0] == runs[1]


def test_heat_map_has_the_given_height_the_map_aspect_and_red_at_the_peak():
    scores = np.array([[0.0, 0.1, 0.2, 1.0], [0.0, 0.0, 0.3, 0.2]])
    image = heat_map(scores, 10)
    assert image.shape == (10, 20, 3) and image.dtype == np.uint8
    red, green, blue = image[0, 19].astype(int)
    assert red > 100 and red > blue and green < 50


def test_file_views_write_one_png_per_frame_with_the_heat_map_right_of_the_frame(tmp_path):
    views = ImageFileViews(tmp_path / "views", "kcf/default Unit")
    image = np.zeros((40, 60, 3), np.uint8)
    views.show(0, image, [10, 10, 20, 20], {})
    views.show(1, image, [12, 10, 20, 20], {"score_map": np.eye(4, dtype=np.float32)})
    assert sorted(p.name for p in (tmp_path / "views").iterdir()) == ["00000.png", "00001.png"]
    assert cv2.imread(str(tmp_path / "views" / "00000.png")).shape == (40, 60, 3)
    assert cv2.imread(str(tmp_path / "views" / "00001.png")).shape == (40, 60 + 40, 3)


def test_without_visdom_the_views_are_image_files(tmp_path, no_visdom):
    assert isinstance(open_debug_views("t", tmp_path), ImageFileViews)


def test_with_visdom_but_no_server_the_views_are_image_files(tmp_path, fake_visdom):
    with socket.socket() as probe:
        probe.bind(("localhost", 0))
        free_port = probe.getsockname()[1]
    assert isinstance(open_debug_views("t", tmp_path, port=free_port), ImageFileViews)
    assert fake_visdom == []


def test_a_visdom_server_gets_the_frame_and_the_score_map_upside_down(tmp_path, fake_visdom):
    with socket.socket() as server:
        server.bind(("localhost", 0))
        server.listen()
        views = open_debug_views("t", tmp_path, port=server.getsockname()[1])
    assert isinstance(views, VisdomViews)
    score_map = np.arange(6, dtype=np.float32).reshape(2, 3)
    views.show(3, np.zeros((40, 60, 3), np.uint8), [10, 10, 20, 20], {"score_map": score_map})
    (_, shape, _), (_, heat, _) = fake_visdom[1:]
    assert shape == (3, 40, 60)
    np.testing.assert_array_equal(heat, score_map[::-1])
    assert not (tmp_path / "t").exists()


def test_run_tracker_debug_writes_one_view_per_frame_beside_the_results(tmp_path, synthetic_root, no_visdom):
    assert run_tracker.main(["kcf", "default", "--dataset", "synthetic", "--dataset-path", str(synthetic_root),
                             "--sequence", "Dash", "--results-path", str(tmp_path), "--debug", "1"]) == 0
    results = tmp_path / "kcf" / "default"
    frames = len((results / "Dash.txt").read_text().splitlines())
    views = sorted((results / "debug" / "Dash").glob("*.png"))
    assert len(views) == frames and views[0].name == "00000.png"
    assert cv2.imread(str(views[1])).shape[1] > cv2.imread(str(views[0])).shape[1]  # the score map beside
