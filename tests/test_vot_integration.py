"""VOT toolkit integration: the TraX server's frame loop, its start-up errors, local toolkit workspaces,
and a real ``vot-toolkit`` evaluation of KCF on a workspace made from the VOT sample (nothing downloaded)."""
import configparser
import subprocess
import sys

import cv2
import numpy as np
import pytest

from pytracking.evaluation.data import Sequence
from pytracking.evaluation.datasets import load_sequences
from pytracking.evaluation.tracker import Tracker
from pytracking.evaluation.votdataset import polygon_to_box
from pytracking.vot import workspace
from pytracking.vot.trax_server import UnsupportedRegionError, serve
from tests.conftest import REPO_ROOT, SHARED_DIR, write_images

VOT_SAMPLE = SHARED_DIR / "data" / "vot_sample"
POLYGON = [334.02, 128.36, 438.19, 188.78, 396.39, 260.83, 292.23, 200.41]  # first row of the bag sequence


@pytest.fixture
def trax():
    return pytest.importorskip("trax", reason="vot-trax is not installed (pip install -e '.[vot]')")


@pytest.fixture
def vot_sample():
    if not VOT_SAMPLE.is_dir():
        pytest.skip(f"real VOT sample not available ({VOT_SAMPLE} missing: ../shared is absent)")
    return VOT_SAMPLE


class FakeServer:
    """Stands in for ``trax.Server``: replays client requests, records the objects sent back."""

    def __init__(self, requests):
        self.requests = iter(requests)
        self.replies = []

    def wait(self):
        return next(self.requests)

    def status(self, objects):
        self.replies.append(objects)


class FakeTracker:
    """Moves the box one pixel right per frame; records what it was given."""

    def __init__(self):
        self.init_box = None
        self.images = []

    def initialize(self, image, info):
        self.images.append(image)
        self.init_box = list(info["init_bbox"])
        self.box = list(self.init_box)

    def track(self, image, info):
        self.images.append(image)
        self.box[0] += 1
        return {"target_bbox": list(self.box)}


def request(trax, kind, image, region=None):
    objects = None if region is None else [(region, {})]
    return trax.server.Request(kind, {"color": trax.FileImage.create(str(image))}, objects, None)


def session(trax, images, region):
    """One initialisation on images[0], a frame request for each later image, then quit."""
    return ([request(trax, "initialize", images[0], region)]
            + [request(trax, "frame", image) for image in images[1:]] + [trax.server.Request("quit", None, None, None)])


def replied_boxes(server):
    return [[obj.bounds() for obj, _ in reply] for reply in server.replies]


def test_server_answers_every_frame_with_the_trackers_rectangle(trax, tmp_path):
    images = write_images(tmp_path, 4)
    server, tracker = FakeServer(session(trax, images, trax.Rectangle.create(2, 3, 5, 4))), FakeTracker()
    assert serve(server, iter([tracker])) == 4
    assert all(obj.type == "rectangle" for reply in server.replies for obj, _ in reply)
    assert np.allclose(replied_boxes(server), [[[2 + i, 3, 5, 4]] for i in range(4)])


def test_server_gives_the_tracker_rgb_images_of_the_requested_paths(trax, tmp_path):
    image = np.zeros((6, 8, 3), np.uint8)
    image[..., 2] = 255  # red in OpenCV's BGR order
    cv2.imwrite(str(tmp_path / "red.png"), image)
    tracker = FakeTracker()
    serve(FakeServer(session(trax, [tmp_path / "red.png"] * 2, trax.Rectangle.create(1, 1, 2, 2))), iter([tracker]))
    assert [img.shape for img in tracker.images] == [(6, 8, 3)] * 2
    assert all((img[..., 0] == 255).all() and (img[..., 1:] == 0).all() for img in tracker.images)


def test_server_converts_an_initial_polygon_as_the_vot_loader_does(trax, tmp_path):
    polygon = trax.Polygon.create(list(zip(POLYGON[0::2], POLYGON[1::2])))
    tracker = FakeTracker()
    serve(FakeServer(session(trax, write_images(tmp_path, 1), polygon)), iter([tracker]))
    assert np.allclose(tracker.init_box, polygon_to_box(np.array([POLYGON]))[0], atol=1e-3)


def test_server_starts_a_new_tracker_at_each_initialisation(trax, tmp_path):
    images = write_images(tmp_path, 3)
    requests = session(trax, images, trax.Rectangle.create(0, 0, 4, 4))[:-1] + session(
        trax, images[:2], trax.Rectangle.create(5, 5, 2, 2))
    trackers = [FakeTracker(), FakeTracker()]
    assert serve(FakeServer(requests), iter(trackers)) == 5
    assert [t.init_box for t in trackers] == [[0, 0, 4, 4], [5, 5, 2, 2]]
    assert [len(t.images) for t in trackers] == [3, 2]


def test_server_rejects_a_polygon_without_four_corners(trax, tmp_path):
    triangle = trax.Polygon.create([(0.0, 0.0), (9.0, 0.0), (0.0, 9.0)])
    with pytest.raises(UnsupportedRegionError, match="3 corners"):
        serve(FakeServer(session(trax, write_images(tmp_path, 1), triangle)), iter([FakeTracker()]))


def test_run_vot_reports_an_unknown_tracker_in_one_line_before_the_handshake():
    done = subprocess.run([sys.executable, str(REPO_ROOT / "pytracking" / "run_vot.py"), "nosuch", "default"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines() == [done.stderr.strip()]
    assert done.stderr.startswith("run_vot.py: error: unknown tracker 'nosuch'")


def test_run_vot_reports_a_missing_network_file_in_one_line(trax, monkeypatch, tmp_path, capsys):
    from pytracking.run_vot import main
    monkeypatch.setenv("PYTRACKING_NETWORK_PATH", str(tmp_path))
    assert main(["atom", "default"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and "atom_default.pth" in captured.err


def make_workspace(root, vot_sample, frames=30):
    sequences = load_sequences("vot", vot_sample)
    return workspace.create_workspace(root, Tracker("kcf", "default"), sequences, max_frames=frames)


def test_workspace_holds_the_first_frames_in_the_toolkits_layout(vot_sample, tmp_path):
    root = make_workspace(tmp_path / "ws", vot_sample, frames=30)
    seq = root / "sequences" / "bag"
    assert (root / "sequences" / "list.txt").read_text() == "bag\n"
    assert sorted(p.name for p in (seq / "color").iterdir()) == [f"{i:08d}.jpg" for i in range(1, 31)]
    assert cv2.imread(str(seq / "color" / "00000030.jpg")) is not None
    original = np.loadtxt(vot_sample / "bag" / "groundtruth.txt", delimiter=",")[:30]
    assert np.array_equal(np.loadtxt(seq / "groundtruth.txt", delimiter=","), original)
    assert "length=30" in (seq / "sequence").read_text().splitlines()


def test_workspace_stack_names_no_dataset_so_nothing_is_downloaded(vot_sample, tmp_path):
    root = make_workspace(tmp_path / "ws", vot_sample, frames=2)
    assert "stack: stack.yaml" in (root / "config.yaml").read_text().splitlines()
    stack = (root / "stack.yaml").read_text()
    assert "type: unsupervised" in stack and "dataset" not in stack


def test_trackers_ini_entry_runs_run_vot_with_this_interpreter(tmp_path):
    ini = tmp_path / "trackers.ini"
    assert workspace.write_tracker_entry(ini, Tracker("kcf", "default")) == "kcf_default"
    config = configparser.ConfigParser()
    config.read(ini)
    entry = config["kcf_default"]
    assert entry["protocol"] == "traxpython"
    assert entry["command"] == "import sys; from pytracking.run_vot import main; sys.exit(main(['kcf', 'default']))"
    assert entry["python"] == sys.executable and entry["paths"] == str(REPO_ROOT)


def test_workspace_command_only_adds_the_tracker_to_an_existing_workspace(tmp_path):
    (tmp_path / "config.yaml").write_text("stack: vot2019/shortterm\n")
    (tmp_path / "trackers.ini").write_text("[other]\nprotocol = trax\ncommand = other\n")
    assert workspace.main([str(tmp_path), "kcf", "default"]) == 0
    config = configparser.ConfigParser()
    config.read(tmp_path / "trackers.ini")
    assert config.sections() == ["other", "kcf_default"]
    assert config["other"]["command"] == "other"
    assert not (tmp_path / "sequences").exists()


def test_workspace_command_rejects_an_unknown_tracker_and_writes_nothing(tmp_path, capsys):
    assert workspace.main([str(tmp_path / "ws"), "nosuch", "default"]) == 2
    assert "unknown tracker 'nosuch'" in capsys.readouterr().err
    assert not (tmp_path / "ws").exists()


@pytest.fixture
def vot_toolkit(monkeypatch):
    """The toolkit's modules, with every way it has to reach the network turned into a test failure."""
    try:
        import vot
        import vot.dataset
        import vot.experiment
        import vot.utilities.net
        import vot.workspace
    except Exception as err:  # ImportError, or a broken dependency (attributee 0.1.10 fails on Python >= 3.11)
        pytest.skip(f"vot-toolkit cannot be imported ({type(err).__name__}: {err}); ./install.sh installs it")

    def no_network(*args, **kwargs):
        raise AssertionError(f"the VOT toolkit tried to reach the network: {args}")

    for module, name in [(vot, "check_updates"), (vot.dataset, "download_dataset"),
                         (vot.utilities.net, "download"), (vot.utilities.net, "download_json")]:
        monkeypatch.setattr(module, name, no_network)
    return vot


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_vot_toolkit_evaluates_kcf_through_run_vot(vot_toolkit, vot_sample, tmp_path):
    from vot.experiment import run_experiment
    from vot.region import Rectangle, Special
    from vot.workspace import Workspace

    frames = 30
    ws = Workspace.load(str(make_workspace(tmp_path / "ws", vot_sample, frames)))
    tracker, experiment, sequence = ws.registry["kcf_default"], ws.stack["baseline"], ws.dataset["bag"]
    run_experiment(experiment, tracker, [sequence], force=True, persist=False)

    trajectories = experiment.gather(tracker, sequence)
    assert len(trajectories) == 1 and len(trajectories[0]) == frames
    regions = trajectories[0].regions()
    assert isinstance(regions[0], Special) and all(isinstance(r, Rectangle) for r in regions[1:])
    served = np.array([[r.x, r.y, r.width, r.height] for r in regions[1:]])
    full = load_sequences("vot", vot_sample)[0]
    prefix = Sequence(full.name, full.frames[:frames], full.dataset, full.ground_truth_rect[:frames])
    direct = Tracker("kcf", "default").run_sequence(prefix)["target_bbox"][1:]
    assert np.allclose(served, direct, atol=1e-3)  # TraX sends 4 decimals
