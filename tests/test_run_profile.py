"""run_profile: parameter counts, MACs of one tracking step, FPS over a sequence's frames, JSON report."""
import json
import runpy
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

from ltr.models import ostrack
from pytracking import run_profile
from pytracking.analysis.profiling import ConvLinearMacs, count_parameters, measure_fps

REPO_ROOT = Path(__file__).resolve().parents[1]
FD15_SEARCH_IMAGE_MACS = 124_201_476  # backbone on one 255x255 search image, channels 14-38-56-56-38
FD15_CORRELATION_MACS = 17 * 17 * 38 * 6 * 6  # per scale: 17x17 outputs, 38 x 6 x 6 template
# CompressTracker's table (thop MACs and parameters of the model): constructor -> (GMACs, M params)
PAPER_FIGURES = {"ostrack_vitb_256": (29.1, 92.1), "compresstracker_vitb_256_2": (6.4, 21.2),
                 "compresstracker_vitb_256_3": (8.6, 28.3), "compresstracker_vitb_256_4": (10.9, 35.4),
                 "compresstracker_vitb_256_6": (15.4, 49.6)}


def write_football1(root: Path, num_frames: int = 74) -> Path:
    """A tiny stand-in for OTB's Football1 (64x48 frames, a bright square moving right)."""
    img_dir = root / "Football1" / "img"
    img_dir.mkdir(parents=True)
    rows = []
    for i in range(1, num_frames + 1):
        image = np.full((48, 64, 3), 40, np.uint8)
        x = 10 + (i % 20)
        image[20:32, x:x + 12] = 220
        cv2.imwrite(str(img_dir / f"{i:04d}.jpg"), image)
        rows.append(f"{x + 1},21,12,12")
    (root / "Football1" / "groundtruth_rect.txt").write_text("\n".join(rows) + "\n")
    return root


def test_generated_frame_report_counts_parameters_and_macs(tmp_path):
    assert run_profile.main(["siamfc", "fdsiamfc_15", "--random-weights", "--json", str(tmp_path / "r.json")]) == 0
    report = json.loads((tmp_path / "r.json").read_text())
    assert (report["params"], report["conv_params"]) == (55_102, 54_774)
    assert "fps" not in report and report["frames"] == 1


def test_macs_per_frame_are_three_search_images_plus_the_correlation(tmp_path):
    run_profile.main(["siamfc", "fdsiamfc_15", "--random-weights", "--json", str(tmp_path / "r.json")])
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["macs_per_frame"] == 3 * (FD15_SEARCH_IMAGE_MACS + FD15_CORRELATION_MACS)


def test_conv_linear_count_leaves_out_the_functional_cross_correlation(tmp_path):
    run_profile.main(["siamfc", "fdsiamfc_15", "--random-weights", "--json", str(tmp_path / "r.json")])
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["macs_conv_linear"] == 3 * FD15_SEARCH_IMAGE_MACS


def test_full_count_adds_the_attention_products_to_the_conv_linear_count(tmp_path, capsys):
    run_profile.main(["ostrack", "vit_tiny", "--random-weights", "--json", str(tmp_path / "r.json")])
    report = json.loads((tmp_path / "r.json").read_text())
    tokens, width, blocks = 4 * 4 + 8 * 8, 192, 12  # 64 / 128 crops; q k^T and attn v: N * N * C MACs each
    assert report["macs_per_frame"] - report["macs_conv_linear"] == blocks * 2 * tokens * tokens * width
    out = capsys.readouterr().out
    assert "MACs conv+linear" in out and "leaf-module params" in out


def test_conv_linear_macs_of_one_conv_and_one_linear_are_exact():
    net = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3, padding=1), torch.nn.Flatten(), torch.nn.Linear(100, 6))
    with ConvLinearMacs(net) as macs:
        net(torch.zeros(1, 3, 5, 5))
    assert macs.total == 4 * 5 * 5 * 3 * 3 * 3 + 6 * 100


def test_conv_linear_macs_count_transposed_convolutions_per_input_element():
    net = torch.nn.ConvTranspose2d(4, 2, 2, stride=2)
    with ConvLinearMacs(net) as macs:
        net(torch.zeros(1, 4, 3, 3))
    assert macs.total == 3 * 3 * 4 * 2 * 2 * 2


def test_leaf_module_parameters_leave_out_parameters_held_by_containers():
    net = torch.nn.Module()
    net.pos_embed = torch.nn.Parameter(torch.zeros(1, 5, 3))
    net.fc = torch.nn.Linear(3, 2)
    counts = count_parameters(net)
    assert (counts["params"], counts["params_leaf_modules"]) == (15 + 8, 8)


@pytest.mark.parametrize("name", sorted(PAPER_FIGURES))
def test_published_networks_match_the_papers_macs_and_parameters(name):
    with torch.device("meta"):
        net = getattr(ostrack, name)().eval()
        template, search = torch.empty(1, 3, 128, 128), torch.empty(1, 3, 256, 256)
    with ConvLinearMacs(net) as macs:
        net(template, search)
    paper_gmacs, paper_mparams = PAPER_FIGURES[name]
    assert macs.total / 1e9 == pytest.approx(paper_gmacs, rel=0.03)
    assert count_parameters(net)["params_leaf_modules"] / 1e6 == pytest.approx(paper_mparams, rel=0.02)


def test_sequence_report_has_cpu_fps_over_its_frames(tmp_path, capsys):
    root = write_football1(tmp_path / "otb")
    argv = ["siamfc", "fdsiamfc_15", "--random-weights", "--dataset", "otb", "--dataset-path", str(root),
            "--sequence", "Football1", "--frames", "5", "--no-cuda", "--json", str(tmp_path / "r.json")]
    assert run_profile.main(argv) == 0
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["frames"] == 5 and report["fps"]["cpu"] > 0 and set(report["fps"]) == {"cpu"}
    assert "FPS cpu" in capsys.readouterr().out


def test_missing_network_file_exits_with_a_hint(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PYTRACKING_NETWORK_PATH", str(tmp_path))
    assert run_profile.main(["siamfc", "fdsiamfc_15"]) == 2
    err = capsys.readouterr().err
    assert "PYTRACKING_NETWORK_PATH" in err and "--random-weights" in err


def test_dataset_and_sequence_go_together(capsys):
    with pytest.raises(SystemExit) as exit_info:
        run_profile.main(["siamfc", "fdsiamfc_15", "--dataset", "otb"])
    assert exit_info.value.code == 2 and "go together" in capsys.readouterr().err


def test_measure_fps_times_only_the_tracking_steps():
    class CountingTracker:
        def __init__(self):
            self.calls = []

        def initialize(self, image, info):
            self.calls.append("init")

        def track(self, image, info=None):
            self.calls.append("track")

    tracker = CountingTracker()
    assert measure_fps(tracker, [None] * 5, [0, 0, 1, 1], warmup=2) > 0
    assert tracker.calls == ["init", "track", "track", "init"] + ["track"] * 4


def test_runs_as_a_script(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["pytracking/run_profile.py", "siamfc", "fdsiamfc_15", "--random-weights",
                                      "--json", str(tmp_path / "r.json")])
    with pytest.raises(SystemExit) as info:
        runpy.run_path(str(REPO_ROOT / "pytracking" / "run_profile.py"), run_name="__main__")
    assert info.value.code == 0
    assert json.loads((tmp_path / "r.json").read_text())["conv_params"] == 54_774
