"""Published networks (../shared/networks): the official FDSiamFC_30 / FDSiamFC_15 files and the original SiamFC
load strictly as published, a wrong file is one error naming it, and tracking the real Football1 with each gives
the scores recorded in MODEL_ZOO.md."""
import pytest
import torch

from ltr.admin.loading import CheckpointError
from ltr.models.backbone.alexnet import BN_EPS
from ltr.models.siamfc import siamfc_alexnet, siamfc_alexnet_bnfolded
from pytracking import run_tracker
from pytracking.analysis.extract import compute_results, summary
from pytracking.evaluation.datasets import load_sequences
from pytracking.evaluation.running import run_dataset
from pytracking.evaluation.tracker import Tracker, intra_op_threads
from pytracking.experiments import published_networks
from pytracking.features.net_wrappers import load_tracker_network
from tests.conftest import SHARED_DIR, require_otb_sample

NETWORKS = SHARED_DIR / "networks"
FILES = {"fdsiamfc_30_official": "FDSiamfc_30.pth", "fdsiamfc_15_official": "FDSiamfc_15.pth",
         "siamfc_original": "siamfc_3s_color_int8_dequantized.pth"}
NARROW = (8, 16, 16, 16, 8)


@pytest.fixture
def published_folder(monkeypatch):
    """The network folder is ../shared/networks (the files under their published names)."""
    if not NETWORKS.is_dir():
        pytest.skip(f"published networks not available ({NETWORKS} missing: ../shared is absent)")
    monkeypatch.setenv("PYTRACKING_NETWORK_PATH", str(NETWORKS))
    return NETWORKS


def tracker_network(param: str) -> torch.nn.Module:
    return load_tracker_network(Tracker("siamfc", param).named_parameters())


def published_state(file_name: str) -> dict:
    return torch.load(NETWORKS / file_name, map_location="cpu", weights_only=True)


@pytest.mark.parametrize("param", sorted(FILES))
def test_published_file_loads_strictly_into_its_parameter_files_network(published_folder, param):
    published = published_state(FILES[param])
    loaded = tracker_network(param).state_dict()
    assert list(loaded) == list(published)
    assert all(torch.equal(loaded[key], value) for key, value in published.items())


def test_official_fdsiamfc_30_file_linked_as_fdsiamfc_30_pth_loads_with_the_fdsiamfc_30_parameters(published_folder,
                                                                                             tmp_path, monkeypatch):
    (tmp_path / "fdsiamfc_30.pth").symlink_to(published_folder / "FDSiamfc_30.pth")
    monkeypatch.setenv("PYTRACKING_NETWORK_PATH", str(tmp_path))
    published = published_state("FDSiamfc_30.pth")
    loaded = tracker_network("fdsiamfc_30").state_dict()
    assert all(torch.equal(loaded[key], value) for key, value in published.items())


@pytest.mark.parametrize("param, wrong_file", [("fdsiamfc_30_official", "FDSiamfc_15.pth"),
                                               ("fdsiamfc_15_official", "siamfc_3s_color_int8_dequantized.pth"),
                                               ("siamfc_original", "FDSiamfc_30.pth")])
def test_a_wrong_published_file_is_a_checkpoint_error_naming_the_file(published_folder, tmp_path, monkeypatch,
                                                                       param, wrong_file):
    (tmp_path / FILES[param]).symlink_to(published_folder / wrong_file)
    monkeypatch.setenv("PYTRACKING_NETWORK_PATH", str(tmp_path))
    with pytest.raises(CheckpointError, match=f"checkpoint '{tmp_path / FILES[param]}' does not fit"):
        tracker_network(param)


def test_run_tracker_refuses_a_wrong_file_in_one_line_before_tracking(published_folder, tmp_path, monkeypatch,
                                                                     capsys):
    sample = require_otb_sample()
    networks = tmp_path / "networks"
    networks.mkdir()
    (networks / "FDSiamfc_30.pth").symlink_to(published_folder / "FDSiamfc_15.pth")
    monkeypatch.setenv("PYTRACKING_NETWORK_PATH", str(networks))
    status = run_tracker.main(["siamfc", "fdsiamfc_30_official", "--dataset", "otb", "--dataset-path",
                               str(sample.parent), "--sequence", sample.name, "--results-path", str(tmp_path / "r")])
    error = capsys.readouterr().err
    assert status == 2 and error.count("\n") == 1
    assert error.startswith(f"run_tracker.py: error: checkpoint '{networks / 'FDSiamfc_30.pth'}' does not fit SiamFC")
    assert not list((tmp_path / "r").rglob("*.txt"))


def fold_batch_norm(net: torch.nn.Module) -> dict:
    """The ``conv<i>.weight`` / ``conv<i>.bias`` of ``siamfc_alexnet`` ``net`` (eval mode) with BN_i folded in."""
    state = {key: value.double() for key, value in net.state_dict().items()}
    folded = {}
    for layer in range(1, 6):
        weight, bias = state[f"backbone.conv{layer}.0.weight"], state[f"backbone.conv{layer}.0.bias"]
        if layer < 5:
            bn = f"backbone.conv{layer}.1."
            scale = state[bn + "weight"] / torch.sqrt(state[bn + "running_var"] + BN_EPS)
            weight = weight * scale[:, None, None, None]
            bias = (bias - state[bn + "running_mean"]) * scale + state[bn + "bias"]
        folded[f"conv{layer}.weight"], folded[f"conv{layer}.bias"] = weight.float(), bias.float()
    return folded


def test_bn_folded_siamfc_computes_siamfc_with_its_batch_norm_folded_into_the_convolutions():
    torch.manual_seed(0)
    net = siamfc_alexnet(channels=NARROW).eval()
    for module in net.modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            for buffer in (module.weight, module.bias, module.running_mean):
                buffer.data.uniform_(-1, 1)
            module.running_var.data.uniform_(0.5, 2)
    folded = siamfc_alexnet_bnfolded(channels=NARROW)
    folded.load_state_dict(fold_batch_norm(net), strict=True)
    template, search = torch.rand(2, 3, 127, 127) * 255, torch.rand(2, 3, 255, 255) * 255
    with torch.no_grad():
        expected, actual = net(template, search), folded(template, search)
    assert actual.shape == (2, 1, 17, 17)
    assert torch.allclose(actual, expected, rtol=1e-4, atol=1e-4 * expected.abs().max().item())


def test_bn_folded_siamfc_scores_are_a_thousandth_of_the_cross_correlation():
    net = siamfc_alexnet_bnfolded(channels=NARROW)
    scores = net.correlate(torch.ones(1, 8, 6, 6), torch.full((1, 8, 6, 6), 2.0))
    assert scores.item() == pytest.approx(0.001 * 8 * 36 * 2)


def test_experiment_runs_the_three_published_networks_on_the_otb_sample():
    require_otb_sample()
    trackers, sequences = published_networks.otb_sample()
    assert [t.parameter_name for t in trackers] == ["fdsiamfc_30_official", "fdsiamfc_15_official", "siamfc_original"]
    assert [seq.name for seq in sequences] == ["Football1", "DragonBaby", "MotorRolling", "Surfer"]


@pytest.mark.parametrize("param, auc, precision", [
    ("fdsiamfc_30_official", 44.66, 78.38),
    ("fdsiamfc_15_official", 49.55, 95.95),
    pytest.param("siamfc_original", 49.49, 87.84, marks=pytest.mark.slow),  # full-width network: ~8 s on one core
])
def test_tracking_football1_gives_the_scores_recorded_in_the_model_zoo(published_folder, tmp_path,
                                                                      param, auc, precision):
    sample = require_otb_sample()
    sequences = load_sequences("otb", sample.parent, [sample.name])
    tracker = Tracker("siamfc", param, results_path=tmp_path)
    with intra_op_threads(1):
        assert not run_dataset(sequences, [tracker], progress=False).failed
    scores = summary(compute_results([tracker], sequences, skip_missing=False))[tracker.display_name]
    assert (round(scores["auc"], 2), round(scores["precision"], 2)) == (auc, precision)
