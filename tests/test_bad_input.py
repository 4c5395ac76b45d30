"""Every bad input a user can give the command lines is one line on stderr naming the file or argument
(exit status 2), never a traceback, and leaves nothing half-written.

The cases are the rows of the README's "Bad input" table (a test checks that the two agree). Each case
builds what it needs in ``tmp_path``: a tiny OTB-layout benchmark with one sequence (Football1: the OTB
loader evaluates its frames 1-74), result files, network files, a training workspace.
"""
from __future__ import annotations

import re
import sys
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import cv2
import numpy as np
import pytest
import torch

from ltr import run_training
from ltr.admin.checkpoints import save_checkpoint
from ltr.admin.loading import save_network
from ltr.models.siamfc import siamfc_alexnet
from pytracking import run_analysis, run_experiment, run_tracker
from pytracking.utils.params import TrackerParams

REPO = Path(__file__).resolve().parents[1]
SEQ, FRAMES, SIZE = "Football1", 74, (48, 36)  # (width, height) of the fixture's frames
BOX = "20,14,8,6"


def write_benchmark(root: Path, boxes: list | None = None) -> Path:
    """An OTB-layout root holding one sequence, Football1: 74 small JPEG frames and a box per frame."""
    folder = root / SEQ
    (folder / "img").mkdir(parents=True)
    for i in range(1, FRAMES + 1):
        image = np.full((SIZE[1], SIZE[0], 3), 40, np.uint8)
        cv2.rectangle(image, (20 + i % 5, 14), (28 + i % 5, 20), (200, 180, 30), -1)
        cv2.imwrite(str(folder / "img" / f"{i:04d}.jpg"), image)
    (folder / "groundtruth_rect.txt").write_text("\n".join(boxes or [BOX] * FRAMES) + "\n")
    return root


def tracker_args(root: Path, results: Path, *extra: str, tracker: tuple = ("kcf", "default")) -> list:
    return [*tracker, "--dataset", "otb", "--dataset-path", str(root), "--sequence", SEQ,
            "--results-path", str(results), *extra]


def rows(text: str) -> list:
    return [text] * FRAMES


def with_row(index: int, row: str) -> list:
    boxes = rows(BOX)
    boxes[index] = row
    return boxes


@dataclass
class Case:
    """One bad input: ``build(tmp_path, monkeypatch) -> (main function, argv)`` and a phrase of the message."""
    name: str
    build: Callable
    expected: str


def tracking(boxes=None, mutate=None, extra=(), tracker=("kcf", "default")):
    def build(tmp, monkeypatch):
        root = write_benchmark(tmp / "otb", boxes)
        if mutate:
            mutate(root / SEQ, tmp, monkeypatch)
        return run_tracker.main, tracker_args(root, tmp / "results", *extra, tracker=tracker)
    return build


def partial_benchmark(tmp, _monkeypatch):
    """The whole OTB benchmark asked for on a folder that holds only Football1."""
    root = write_benchmark(tmp / "otb")
    return run_tracker.main, ["kcf", "default", "--dataset", "otb", "--dataset-path", str(root),
                              "--results-path", str(tmp / "results")]


def command(main, *argv):
    def build(tmp, monkeypatch):
        return main, [a.format(tmp=tmp) for a in argv]
    return build


def network_env(write_file):
    """Tracking with siamfc/fdsiamfc_30 whose network file ``write_file(path)`` writes."""
    def mutate(_seq, tmp, monkeypatch):
        (tmp / "networks").mkdir()
        write_file(tmp / "networks" / "fdsiamfc_30.pth")
        monkeypatch.setenv("PYTRACKING_NETWORK_PATH", str(tmp / "networks"))
    return mutate


def typo_parameter_file(_seq, _tmp, monkeypatch):
    module = types.ModuleType("pytracking.parameter.kcf.typo")
    module.parameters = lambda: TrackerParams(padding=1.5, scale_penalt=0.99)
    monkeypatch.setitem(sys.modules, "pytracking.parameter.kcf.typo", module)


def results(boxes_text: str | None = None, names=(SEQ,), spec="kcf/default", extra=()):
    """run_analysis over the fixture with result files holding ``boxes_text``."""
    def build(tmp, monkeypatch):
        root = write_benchmark(tmp / "otb")
        folder = tmp / "results" / "kcf" / "default"
        folder.mkdir(parents=True)
        text = boxes_text or "\n".join(rows("20\t14\t8\t6")) + "\n"
        for name in names:
            (folder / f"{name}.txt").write_bytes(text.encode("latin-1"))
        return run_analysis.main, ["--dataset", "otb", "--dataset-path", str(root), "--sequences", SEQ,
                                   "--results-path", str(tmp / "results"), "--trackers", spec, *extra]
    return build


def training(*argv, prepare=None):
    def build(tmp, monkeypatch):
        if prepare:
            prepare(tmp, monkeypatch)
        return run_training.main, [a.format(tmp=tmp) for a in argv]
    return build


def checkpoint_of_another_network(tmp, _monkeypatch):
    folder = tmp / "ws" / "checkpoints" / "examples" / "toy_regression"
    save_checkpoint(folder, siamfc_alexnet(channels=(8, 8, 8, 8, 8)), epoch=1, optimizer={}, rng=[], stats={})


def checkpoint_without_optimizer(tmp, _monkeypatch):
    from ltr.train_settings.examples.toy_regression import toy_regression_net
    save_checkpoint(tmp / "ws" / "checkpoints" / "examples" / "toy_regression", toy_regression_net(4, 16), epoch=1)


def siamfc_teacher(tmp, monkeypatch):
    save_network(tmp / "siamfc_teacher.pth", siamfc_alexnet(channels=(8, 8, 8, 8, 8)))
    monkeypatch.setenv("PYTRACKING_NETWORK_PATH", str(tmp))


def delete(name):
    return lambda seq, tmp, mp: (seq / name).unlink()


def overwrite(name, data: bytes):
    return lambda seq, tmp, mp: (seq / name).write_bytes(data)


def truncate(name, keep=300):
    return lambda seq, tmp, mp: (seq / name).write_bytes((seq / name).read_bytes()[:keep])


CASES = [
    # run_tracker: datasets and annotations
    Case("dataset folder missing", command(run_tracker.main, "kcf", "default", "--dataset", "otb", "--dataset-path",
                                           "{tmp}/absent"), "otb dataset not found at"),
    Case("partial benchmark folder", partial_benchmark, "--sequence"),
    Case("unknown sequence name", tracking(extra=("--sequence", "Nope")), "neither a name nor an index"),
    Case("annotation file missing", tracking(mutate=delete("groundtruth_rect.txt")), "does not exist"),
    Case("annotation row not numeric", tracking(boxes=with_row(2, "1,2,abc,4")), ":3: non-numeric value"),
    Case("annotation row of 3 values", tracking(boxes=with_row(2, "1,2,3")), ":3: expected 4 values"),
    Case("annotation file not UTF-8", tracking(mutate=overwrite("groundtruth_rect.txt", b"\xff\xfe\x00\x01")),
         "is not UTF-8 text"),
    Case("annotation value inf", tracking(boxes=with_row(5, "1,2,inf,4")), ":6: infinite value"),
    Case("annotation value NaN (OTB)", tracking(boxes=with_row(5, "nan,nan,nan,nan")), ":6: NaN value"),
    Case("annotation rows != frames", tracking(boxes=rows(BOX)[:10]), "10 ground-truth rows for 74 frames"),
    Case("annotation file empty", tracking(mutate=overwrite("groundtruth_rect.txt", b"\n\n")), "holds no rows"),
    Case("image missing", tracking(mutate=delete("img/0010.jpg")), "missing image"),
    # run_tracker: the first box
    Case("first box 0x0", tracking(boxes=with_row(0, "20,14,0,0")), "zero or negative width/height"),
    Case("first box negative width", tracking(boxes=with_row(0, "20,14,-5,6")), "zero or negative width/height"),
    Case("first box outside the image", tracking(boxes=with_row(0, "500,400,8,6")), "entirely outside"),
    Case("first box 1e5 pixels", tracking(boxes=with_row(0, "0,0,100000,100000")), "more than 10 times"),
    # run_tracker: frames
    Case("first frame not an image", tracking(mutate=overwrite("img/0001.jpg", b"not an image")), "0001.jpg"),
    Case("truncated JPEG frame", tracking(mutate=truncate("img/0005.jpg")), "truncated JPEG"),
    Case("frame not a JPEG", tracking(mutate=overwrite("img/0007.jpg", b"not an image")), "not a JPEG file"),
    # run_tracker: trackers, parameters, networks, flags
    Case("unknown tracker", tracking(tracker=("nosuch", "default")), "unknown tracker 'nosuch'"),
    Case("unknown parameter file", tracking(tracker=("kcf", "nosuch")), "no parameter file for tracker 'kcf'"),
    Case("parameter file sets an unknown key", tracking(tracker=("kcf", "typo"), mutate=typo_parameter_file),
         "sets 'scale_penalt'"),
    Case("network file missing", tracking(tracker=("siamfc", "fdsiamfc_30"), mutate=network_env(lambda p: None)),
         "not found: looked for"),
    Case("network file not a checkpoint", tracking(tracker=("siamfc", "fdsiamfc_30"),
                                                   mutate=network_env(lambda p: p.write_bytes(b"garbage"))),
         "cannot be read"),
    Case("network file of another width", tracking(
        tracker=("siamfc", "fdsiamfc_30"),
        mutate=network_env(lambda p: torch.save(siamfc_alexnet(channels=(14, 38, 56, 56, 38)).state_dict(), p))),
         "does not fit SiamFC"),
    Case("results path is a file", tracking(extra=("--results-path", __file__)), "cannot be created"),
    Case("--threads negative", tracking(extra=("--threads", "-2")), "--threads: must be 0 or more"),
    Case("--runid negative", tracking(extra=("--runid", "-1")), "--runid: must be 0 or more"),
    # run_experiment
    Case("experiment module unknown", command(run_experiment.main, "nosuch", "x"), "no experiment module"),
    Case("experiment function unknown", command(run_experiment.main, "baselines", "nosuch"), "has no experiment"),
    # run_analysis
    Case("no results for a tracker", results(spec="siamfc/default"), "no results for tracker 'siamfc/default'"),
    Case("tracker spec malformed", results(spec="a/b/c"), "is not NAME or NAME/PARAM"),
    Case("result row not numeric", results("20,14,8,6\n20,14,x,6\n"), ":2: non-numeric"),
    Case("result row of 5 values", results("20,14,8,6\n20,14,8,6,1\n"), ":2: expected 4 values"),
    Case("result file not UTF-8", results("20,14,8,6\n\xff\xfe,1\n"), "is not UTF-8 text"),
    Case("result value inf", results("20,14,8,6\n20,14,inf,6\n"), "NaN, inf or negative width/height"),
    Case("result negative size", results("20,14,8,6\n20,14,-8,6\n"), "NaN, inf or negative width/height"),
    Case("result files ambiguous", results(names=("football1", "FOOTBALL1")), "football1"),
    Case("--playback without --plot-dir", results(extra=("--playback", SEQ)), "--playback needs --plot-dir"),
    # run_training
    Case("training module unknown", training("nosuch", "x"), "unknown training settings module"),
    Case("training settings unknown", training("examples", "nosuch"), "has no settings 'nosuch'"),
    Case("--set without =", training("examples", "toy_regression", "--set", "batch_size"), "key=value"),
    Case("--set unknown key", training("examples", "toy_regression", "--smoke", "--workspace", "{tmp}/ws",
                                       "--set", "batchsize=4"), "unknown setting 'batchsize'"),
    Case("--set float setting to text", training("examples", "toy_regression", "--smoke", "--workspace", "{tmp}/ws",
                                                 "--set", "optimizer.lr=fast"), "optimizer.lr expects a number"),
    Case("--set int setting to text", training("examples", "toy_regression", "--smoke", "--workspace", "{tmp}/ws",
                                               "--set", "batch_size=abc"), "batch_size expects an integer"),
    Case("--epochs 0", training("examples", "toy_regression", "--epochs", "0"), "--epochs: must be at least 1"),
    Case("--epochs negative", training("examples", "toy_regression", "--epochs", "-3"), "--epochs: must be at least 1"),
    Case("workspace is a file", training("examples", "toy_regression", "--smoke", "--workspace", __file__),
         "is a file, not a folder"),
    Case("datasets and teacher missing", training("cfkd", "atom_cfkd", "--workspace", "{tmp}/ws"),
         "inputs are missing"),
    Case("teacher of another architecture", training("cfkd", "atom_cfkd", "--workspace", "{tmp}/ws", "--set",
                                                     "teacher_path=siamfc_teacher.pth", prepare=siamfc_teacher),
         "not the network ltr.models.bbreg.atom.atom_resnet18 builds"),
    Case("--resume with another network", training("examples", "toy_regression", "--workspace", "{tmp}/ws", "--resume",
                                                   prepare=checkpoint_of_another_network), "does not fit"),
    Case("--resume without optimizer state", training("examples", "toy_regression", "--workspace", "{tmp}/ws",
                                                      "--resume", prepare=checkpoint_without_optimizer),
         "is not a training checkpoint"),
]


def run_main(main: Callable, argv: list) -> int:
    """Exit status of a command line's main, whether it returns it or raises SystemExit (argparse)."""
    try:
        return main(argv)
    except SystemExit as exit_:
        return exit_.code


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_bad_input_is_one_line_exit_2(case, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    main, argv = case.build(tmp_path, monkeypatch)
    status = run_main(main, argv)
    err = capsys.readouterr().err
    assert status == 2, err
    assert "Traceback" not in err
    message = [line for line in err.splitlines() if re.search(r"error: ", line)]
    assert len(message) == 1 and case.expected in message[0], err


def test_nothing_is_half_written_when_a_frame_is_unreadable(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    main, argv = tracking(mutate=truncate("img/0005.jpg"))(tmp_path, monkeypatch)
    assert main(argv) == 2
    assert not list((tmp_path / "results").rglob("*.txt"))


def test_readme_lists_every_case():
    readme = (REPO / "README.md").read_text()
    table = readme[readme.index("### Bad input"):]
    missing = [case.name for case in CASES if f"| {case.name} |" not in table]
    assert missing == []
