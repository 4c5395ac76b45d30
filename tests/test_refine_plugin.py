"""The Alpha-Refine plug-in: any tracker runs with ``--refine``, the refined box becomes its state, results go to
``<param>_<refiner>``, and the refiner maps its corners back through the crop it took."""
import numpy as np
import pytest
import torch

from ltr.admin.loading import import_callable, save_network
from ltr.models.refine import alpharefine_secm_r18
from pytracking import run_tracker
from pytracking.evaluation.tracker import Tracker
from pytracking.refine import AlphaRefine, RefinedTracker, load_refiner
from pytracking.refine.alpha_refine import clip_to_image, refiner_parameters
from tests.online_tracker_helpers import small_clip

TRACKERS = [("kcf", "default"), ("siamfc", "fdsiamfc_15"), ("atom", "mobilenetsmall"), ("drnet", "mobilenetsmall"),
            ("ostrack", "vit_tiny")]


class CornerStub(torch.nn.Module):
    """A refiner network answering fixed corners (crop pixels) whatever the crop."""

    def __init__(self, corners):
        super().__init__()
        self.corners = torch.tensor([corners], dtype=torch.float32)

    def template_kernel(self, crop):
        return crop.mean()

    def refine(self, crop, kernel, mask=False):
        return {"corners": self.corners}


def stub_refiner(corners) -> AlphaRefine:
    params = refiner_parameters("ar18")
    params.net, params.device = CornerStub(corners), "cpu"
    return AlphaRefine(params)


def base_tracker(name: str, param: str):
    """The tracker of ``name/param`` with a random-weight network (cheap settings for ATOM/DRNet)."""
    definition = Tracker(name, param)
    params = definition.named_parameters()
    if params.has("net_constructor"):
        torch.manual_seed(0)
        params.net = import_callable(params.net_constructor)(**params.get("net_kwargs", {}))
        params.device = "cpu"
    if name in ("atom", "drnet"):
        params.sample_size, params.augmentation_rotations = 128, (10, -10)
    return definition.tracker_class()(params)


@pytest.mark.parametrize("name, param", TRACKERS, ids=lambda v: str(v))
def test_every_tracker_runs_with_the_refiner_and_continues_from_the_refined_box(name, param, monkeypatch):
    frames, box = small_clip()
    tracker = RefinedTracker(base_tracker(name, param), load_refiner("ar18", "cpu", random_weights=True))
    tracker.initialize(frames[0], {"init_bbox": box})
    written = []
    set_box = tracker.base.set_box
    monkeypatch.setattr(tracker.base, "set_box", lambda b: (written.append(list(b)), set_box(b)))
    outputs = [tracker.track(frame, {})["target_bbox"] for frame in frames[1:3]]
    assert written == outputs and all(w > 0 and h > 0 for _, _, w, h in outputs)


def test_the_central_half_of_the_crop_maps_back_to_the_base_box():
    refiner = stub_refiner([64.0, 64.0, 192.0, 192.0])  # the crop is 2w x 2h around the box, resized to 256
    image = np.zeros((240, 320, 3), np.uint8)
    refiner.initialize(image, [100, 80, 40, 20])
    assert refiner.refine(image, [100, 80, 40, 20]) == pytest.approx([100, 80, 40, 20])


def test_refined_boxes_are_clipped_to_the_image_with_at_least_the_minimum_size():
    assert clip_to_image([-10, 5, 30, 2], 100, 50, 10) == [0.0, 1.0, 20.0, 10.0]


def test_a_one_based_tracker_gets_its_refined_box_back_in_its_own_convention():
    frames, box = small_clip()
    tracker = RefinedTracker(base_tracker("siamfc", "fdsiamfc_15"), stub_refiner([64.0, 64.0, 192.0, 192.0]))
    tracker.initialize(frames[0], {"init_bbox": box})
    out = tracker.track(frames[1], {})["target_bbox"]
    base_out = base_tracker("siamfc", "fdsiamfc_15")
    base_out.initialize(frames[0], {"init_bbox": box})
    assert out == pytest.approx(base_out.track(frames[1], {})["target_bbox"], abs=1.0)


@pytest.mark.parametrize("name, param", [("kcf", "default"), ("siamfc", "fdsiamfc_15"), ("atom", "mobilenetsmall"),
                                         ("ostrack", "vit_tiny")], ids=lambda v: str(v))
def test_set_box_moves_the_state_the_next_frame_starts_from(name, param):
    frames, box = small_clip()
    tracker = base_tracker(name, param)
    tracker.initialize(frames[0], {"init_bbox": box})
    moved = [box[0] + 6, box[1] + 4, box[2] * 1.2, box[3] * 1.2]
    tracker.set_box(moved)
    state = {"kcf": lambda t: [*t.pos, *(t.target_sz * t.scale)],
             "siamfc": lambda t: [*t.center[::-1], *t.target_sz[::-1]],
             "atom": lambda t: [*t.pos[::-1], *t.target_sz[::-1]],
             "ostrack": lambda t: list(t.state)}[name](tracker)
    expected = {"kcf": [moved[0] + (moved[2] - 1) / 2, moved[1] + (moved[3] - 1) / 2, *moved[2:]],
                "siamfc": [moved[0] - 1 + (moved[2] - 1) / 2, moved[1] - 1 + (moved[3] - 1) / 2, *moved[2:]],
                "atom": [moved[0] + moved[2] / 2, moved[1] + moved[3] / 2, *moved[2:]],
                "ostrack": moved}[name]
    assert state == pytest.approx(expected, rel=0.05)


def test_refined_results_go_to_param_underscore_refiner(tmp_path):
    assert Tracker("atom", "default", results_path=tmp_path, refine="ar34").results_dir == \
        tmp_path / "atom" / "default_ar34"
    run = Tracker("kcf", "default", run_id=2, results_path=tmp_path).with_refiner("ar18")
    assert run.results_dir == tmp_path / "kcf" / "default_ar18_002" and run.refine == "ar18"


def test_run_tracker_with_refine_writes_the_refined_results(tmp_path, monkeypatch, synthetic_root):
    monkeypatch.setenv("PYTRACKING_NETWORK_PATH", str(tmp_path))
    torch.manual_seed(0)
    save_network(tmp_path / "alpharefine_secm_r18.pth", alpharefine_secm_r18())
    assert run_tracker.main(["kcf", "default", "--dataset", "synthetic", "--dataset-path", str(synthetic_root),
                             "--sequence", "0", "--refine", "ar18", "--results-path", str(tmp_path / "r")]) == 0
    boxes = np.loadtxt(tmp_path / "r" / "kcf" / "default_ar18" / "Glide.txt")
    assert boxes.shape == (80, 4)


def test_unknown_refiner_is_one_line(tmp_path, synthetic_root, capsys):
    assert run_tracker.main(["kcf", "default", "--dataset", "synthetic", "--dataset-path", str(synthetic_root),
                             "--sequence", "0", "--refine", "nosuch", "--results-path", str(tmp_path)]) == 2
    assert "unknown refiner 'nosuch'" in capsys.readouterr().err


def test_base_and_refined_runs_analyse_as_two_trackers(tmp_path):
    from pytracking.analysis.extract import compute_results, summary
    from pytracking.evaluation.data import Sequence
    from pytracking.evaluation.results_io import save_tracking_result
    gt = np.array([[10, 10, 20, 20]] * 3, dtype=np.float64)
    sequence = Sequence("Seq", ["a.jpg", "b.jpg", "c.jpg"], "otb", gt)
    base = Tracker("kcf", "default", results_path=tmp_path)
    refined = base.with_refiner("ar18")
    save_tracking_result(base.results_dir, "Seq", gt + [[0, 0, 0, 0], [30, 30, 0, 0], [30, 30, 0, 0]])
    save_tracking_result(refined.results_dir, "Seq", gt)
    scores = summary(compute_results([base, refined], [sequence]))
    assert list(scores) == ["kcf/default", "kcf/default_ar18"]
    assert scores["kcf/default_ar18"]["auc"] > scores["kcf/default"]["auc"]
