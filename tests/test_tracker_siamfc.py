"""SiamFC tracker: runs with a random-weight network, crop geometry, localisation and scale update."""
import math

import cv2
import numpy as np
import pytest
import torch

from ltr.admin.environment import MissingPathError
from ltr.admin.loading import save_network
from ltr.data.synthetic import SequenceSpec, make_sequence, sequence_rng
from ltr.models.siamfc import siamfc_alexnet
from pytracking.evaluation.data import Sequence
from pytracking.evaluation.tracker import Tracker
from pytracking.tracker.siamfc.crop import crop_and_resize
from pytracking.tracker.siamfc.siamfc import SiamFCTracker

FD15 = (14, 38, 56, 56, 38)


@pytest.fixture
def network_folder(tmp_path, monkeypatch):
    """A network folder (PYTRACKING_NETWORK_PATH) holding fdsiamfc_15.pth with random weights."""
    torch.manual_seed(0)
    save_network(tmp_path / "fdsiamfc_15.pth", siamfc_alexnet(channels=FD15))
    monkeypatch.setenv("PYTRACKING_NETWORK_PATH", str(tmp_path))
    return tmp_path


@pytest.fixture(scope="module")
def frames():
    seq = make_sequence(sequence_rng(0, 0), SequenceSpec("Unit", num_frames=4))
    return seq.frames, [float(v) for v in seq.boxes[0]]


def make_tracker(param: str = "fdsiamfc_15") -> SiamFCTracker:
    definition = Tracker("siamfc", param)
    params = definition.get_parameters()
    params.device = "cpu"
    params.tracker_name, params.param_name = "siamfc", param
    return SiamFCTracker(params)


class StubNet(torch.nn.Module):
    """Returns fixed (3, 1, 17, 17) responses whatever the crops."""

    def __init__(self, responses: torch.Tensor):
        super().__init__()
        self.responses = responses

    def template_features(self, z):
        return z.new_zeros(1)

    def search_features(self, x):
        return x

    def correlate(self, zf, xf):
        return self.responses


def stub_tracker(network_folder, responses, image_size=(240, 320), box=(101, 81, 40, 20)):
    tracker = make_tracker()
    tracker.net = StubNet(responses)
    tracker.initialize(np.zeros((*image_size, 3), np.uint8), {"init_bbox": list(box)})
    return tracker


def test_tracks_synthetic_frames_with_random_weights(network_folder, frames):
    images, box = frames
    tracker = make_tracker()
    tracker.initialize(images[0], {"init_bbox": box})
    for image in images[1:]:
        out = tracker.track(image, {})
        assert len(out["target_bbox"]) == 4 and all(math.isfinite(v) for v in out["target_bbox"])
        assert out["target_bbox"][2] > 0 and out["target_bbox"][3] > 0


def test_loads_a_bare_state_dict_as_published_by_fdsiamfc(tmp_path, monkeypatch):
    net = siamfc_alexnet(channels=FD15)  # published transformed_model_15.pth: keys backbone.conv1.0.weight, ...
    torch.save(net.state_dict(), tmp_path / "fdsiamfc_15.pth")
    monkeypatch.setenv("PYTRACKING_NETWORK_PATH", str(tmp_path))
    loaded = make_tracker().net.state_dict()
    assert all(torch.equal(loaded[k], v) for k, v in net.state_dict().items())


def test_exposes_its_network_in_eval_mode_on_the_device(network_folder):
    tracker = make_tracker()
    assert isinstance(tracker.net, torch.nn.Module) and not tracker.net.training
    assert next(tracker.net.parameters()).device.type == "cpu"


def test_tracking_is_deterministic(network_folder, frames):
    images, box = frames
    runs = []
    for _ in range(2):
        tracker = make_tracker()
        tracker.initialize(images[0], {"init_bbox": box})
        runs.append([tracker.track(image, {})["target_bbox"] for image in images[1:]])
    assert runs[0] == runs[1]


def test_exemplar_and_search_sizes_follow_the_context_rule(network_folder):
    tracker = make_tracker()
    tracker.initialize(np.zeros((100, 100, 3), np.uint8), {"init_bbox": [11, 21, 40, 20]})
    # p = (40 + 20) / 2 = 30: z_sz = sqrt(70 * 50); x_sz = z_sz * 255 / 127; 1-based box -> 0-based centre
    assert tracker.z_sz == pytest.approx(math.sqrt(3500))
    assert tracker.x_sz == pytest.approx(math.sqrt(3500) * 255 / 127)
    assert tracker.center.tolist() == [29.5, 29.5]


@pytest.mark.parametrize("peaks, expected_factor", [
    ((0.5, 0.4, 0.45), 0.41 + 0.59 / 1.0375),  # small scale wins even after its penalty
    ((0.4, 0.5, 0.6), 0.41 + 0.59 * 1.0375),  # large scale wins: 0.6 * 0.9745 > 0.5
    ((0.4, 0.5, 0.51), 1.0),  # the penalty (0.51 * 0.9745 < 0.5) keeps the centre scale
])
def test_size_follows_the_best_penalised_scale_at_rate_scale_lr(network_folder, peaks, expected_factor):
    responses = torch.tensor(peaks, dtype=torch.float32).view(3, 1, 1, 1).expand(3, 1, 17, 17)
    tracker = stub_tracker(network_folder, responses)
    box = tracker.track(np.zeros((240, 320, 3), np.uint8))["target_bbox"]
    assert box[2:] == pytest.approx([40 * expected_factor, 20 * expected_factor])
    assert tracker.z_sz == pytest.approx(math.sqrt(3500) * expected_factor)


def test_peak_four_cells_right_moves_the_target_32_search_pixels(network_folder):
    responses = torch.zeros(3, 1, 17, 17)
    responses[1, 0, 8, 12] = 1.0
    tracker = stub_tracker(network_folder, responses)
    x_sz, center = tracker.x_sz, tracker.center.copy()
    tracker.track(np.zeros((240, 320, 3), np.uint8))
    half_cell = 1.001 * 0.5 * 8 / 16 * x_sz / 255  # the upsampled peak is found to half an upsampled pixel
    assert tracker.center[1] - center[1] == pytest.approx(32 * x_sz / 255, abs=half_cell)
    assert tracker.center[0] - center[0] == pytest.approx(0, abs=half_cell)


def test_centre_is_clipped_to_the_image(network_folder):
    responses = torch.zeros(3, 1, 17, 17)
    responses[1, 0, 8, 16] = 1.0
    tracker = stub_tracker(network_folder, responses, image_size=(100, 120), box=(111, 41, 10, 10))
    tracker.track(np.zeros((100, 120, 3), np.uint8))
    assert tracker.center[1] == 120


def test_missing_network_file_names_the_parameter_file_and_the_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTRACKING_NETWORK_PATH", str(tmp_path))
    with pytest.raises(MissingPathError) as info:
        make_tracker("fdsiamfc_30")
    message = str(info.value)
    assert "pytracking/parameter/siamfc/fdsiamfc_30.py" in message and "'fdsiamfc_30.pth'" in message
    assert str(tmp_path / "fdsiamfc_30.pth") in message and "PYTRACKING_NETWORK_PATH" in message


def test_runs_in_the_evaluation_runner(network_folder, frames, tmp_path):
    images, box = frames
    paths = []
    for index, image in enumerate(images):
        paths.append(str(tmp_path / f"{index:04d}.png"))
        cv2.imwrite(paths[-1], cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
    seq = Sequence("Unit", paths, "synthetic", np.array([box] * len(paths)))
    output = Tracker("siamfc", "fdsiamfc_15", results_path=tmp_path).run_sequence(seq)
    assert output["target_bbox"].shape == (4, 4)


@pytest.mark.parametrize("param, channels", [("default", (96, 256, 384, 384, 256)), ("default_uav", None),
                                             ("fdsiamfc_30", (28, 76, 114, 114, 76)), ("fdsiamfc_30_uav", None),
                                             ("fdsiamfc_30_uav20l", None), ("fdsiamfc_15", FD15),
                                             ("fdsiamfc_15_uav", None), ("fdsiamfc_15_uav20l", None)])
def test_uav_parameter_sets_change_only_the_scale_search(param, channels):
    params = Tracker("siamfc", param).get_parameters()
    base = Tracker("siamfc", param.split("_uav")[0]).get_parameters()
    changed = {k for k, v in vars(params).items() if vars(base)[k] != v}
    assert changed <= {"scale_step", "scale_lr", "scale_penalty", "window_influence"}
    if channels is not None:
        assert params.net_kwargs == {"channels": channels}


def get(param: str):
    return Tracker("siamfc", param).get_parameters()


def test_published_uav_settings():
    assert (get("fdsiamfc_30_uav").scale_step, get("fdsiamfc_30_uav").scale_lr) == (1.05, 0.6)
    assert get("fdsiamfc_30_uav20l").scale_step == 1.21
    assert (get("fdsiamfc_15_uav").scale_step, get("fdsiamfc_15_uav").scale_lr) == (1.04, 0.8)
    assert (get("fdsiamfc_15_uav20l").scale_step, get("fdsiamfc_15_uav20l").window_influence) == (1.19, 0.1766)


def test_crop_inside_the_image_is_the_plain_patch():
    image = np.arange(10 * 10 * 3, dtype=np.uint8).reshape(10, 10, 3)
    patch = crop_and_resize(image, np.array([4.0, 5.0]), 3, 3, np.zeros(3, np.uint8))
    assert np.array_equal(patch, image[3:6, 4:7])


def test_crop_pads_outside_pixels_with_the_given_colour():
    image = np.full((4, 4, 3), 200, np.uint8)
    patch = crop_and_resize(image, np.array([0.0, 0.0]), 3, 3, np.array([1, 2, 3], np.uint8))
    assert np.array_equal(patch[0, 0], [1, 2, 3]) and np.array_equal(patch[2, 0], [1, 2, 3])
    assert np.array_equal(patch[1:, 1:], np.full((2, 2, 3), 200))


def test_crop_rounds_the_side_and_the_corner():
    image = np.arange(8 * 8 * 3, dtype=np.uint8).reshape(8, 8, 3)
    # side round(3.6) = 4, top-left round(3.2 - 1.5) = 2 -> rows/columns 2..5
    patch = crop_and_resize(image, np.array([3.2, 3.2]), 3.6, 4, np.zeros(3, np.uint8))
    assert np.array_equal(patch, image[2:6, 2:6])
