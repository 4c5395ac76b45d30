"""VOT-toolkit workspaces for our trackers: a ``trackers.ini`` entry, and a local workspace made from
VOT-format sequences that the toolkit evaluates without downloading anything.

Usage::

    python -m pytracking.vot.workspace WORKSPACE NAME PARAM [--dataset-path DIR] [--sequence SEQ ...]
           [--frames N] [--network-path DIR]
    vot evaluate --workspace WORKSPACE NAME_PARAM      # e.g. kcf_default
    vot analysis --workspace WORKSPACE NAME_PARAM

When ``WORKSPACE/config.yaml`` exists (e.g. a workspace made by ``vot initialize vot2019/shortterm``)
only the tracker's section of ``WORKSPACE/trackers.ini`` is added or replaced. Otherwise a local
workspace is created from the VOT-format sequences under ``--dataset-path`` (else the ``vot_path``
setting)::

    config.yaml                          stack: stack.yaml, registry: ./trackers.ini
    stack.yaml                           one 'unsupervised' experiment (one pass from the first frame),
                                         no dataset URL: the toolkit downloads nothing
    trackers.ini                         see pytracking.vot.trax_server
    sequences/list.txt
    sequences/<seq>/sequence             channels.color=color/%08d.jpg, fps, length
    sequences/<seq>/groundtruth.txt      the sequence's rows (polygons stay polygons)
    sequences/<seq>/color/%08d.jpg       links to the frames (copies where links are not possible)

``--frames N`` keeps the first N frames of each sequence (a quick check). ``config.yaml`` is written
last, so an interrupted run leaves no workspace the toolkit would load.
"""
from __future__ import annotations

import argparse
import configparser
import io
import os
import shutil
import sys
from pathlib import Path
from typing import Iterable, Optional

import numpy as np

from ltr.admin.arguments import positive_int
from ltr.admin.environment import REPO_ROOT, PathLike
from ltr.admin.errors import command_line
from ltr.admin.file_io import atomic_write_text
from pytracking.evaluation.data import Sequence
from pytracking.evaluation.datasets import load_sequences
from pytracking.evaluation.tracker import Tracker

STACK_FILE = "stack.yaml"
STACK_TEXT = """\
title: Local one-pass evaluation (pytracking.vot.workspace)
experiments:
  baseline:
    type: unsupervised
    repetitions: 1
"""
CONFIG_TEXT = f"""\
registry:
- ./trackers.ini
stack: {STACK_FILE}
"""
DEFAULT_TIMEOUT = 120
"""Seconds the toolkit waits for a reply, start-up included (importing torch, loading a network)."""


def tracker_identifier(tracker: Tracker) -> str:
    """The toolkit's name of the tracker: ``NAME_PARAM`` (identifiers allow letters, digits, '-' and '_')."""
    return f"{tracker.name}_{tracker.parameter_name}"


def tracker_entry(tracker: Tracker, python: PathLike = sys.executable, timeout: int = DEFAULT_TIMEOUT,
                  network_path: Optional[PathLike] = None) -> dict:
    """The ``trackers.ini`` keys that run ``pytracking/run_vot.py NAME PARAM`` with ``python``."""
    entry = {
        "label": tracker.display_name,
        "protocol": "traxpython",
        "command": (f"import sys; from pytracking.run_vot import main; "
                    f"sys.exit(main([{tracker.name!r}, {tracker.parameter_name!r}]))"),
        "paths": os.fspath(REPO_ROOT),
        "python": os.fspath(python),
        "timeout": str(timeout),
    }
    if network_path is not None:
        entry["env_PYTRACKING_NETWORK_PATH"] = os.fspath(Path(network_path).resolve())
    return entry


def write_tracker_entry(ini_file: PathLike, tracker: Tracker, **options) -> str:
    """Add (or replace) the tracker's section in ``ini_file``, keeping the other sections; returns the
    section name. ``options`` go to :func:`tracker_entry`."""
    config = configparser.ConfigParser(interpolation=None)
    config.optionxform = str
    config.read(ini_file)
    section = tracker_identifier(tracker)
    config[section] = tracker_entry(tracker, **options)
    text = io.StringIO()
    config.write(text)
    atomic_write_text(ini_file, text.getvalue())
    return section


def export_sequence(seq: Sequence, folder: PathLike, max_frames: Optional[int] = None) -> None:
    """Write ``seq`` (its first ``max_frames`` frames) in the toolkit's sequence layout under ``folder``."""
    folder = Path(folder)
    frames = seq.frames[:max_frames]
    rows = seq.ground_truth_rect if seq.ground_truth_polygon is None else seq.ground_truth_polygon
    color = folder / "color"
    color.mkdir(parents=True, exist_ok=True)
    for index, frame in enumerate(frames, start=1):
        _link_or_copy(Path(frame), color / f"{index:08d}.jpg")
    atomic_write_text(folder / "groundtruth.txt", _format_rows(np.asarray(rows)[:len(frames)]))
    atomic_write_text(folder / "sequence", f"channels.color=color/%08d.jpg\nfps=30\nlength={len(frames)}\n")


def create_workspace(root: PathLike, tracker: Tracker, sequences: Iterable[Sequence],
                     max_frames: Optional[int] = None, **options) -> Path:
    """A local toolkit workspace under ``root`` with ``sequences`` and the tracker's ``trackers.ini``
    entry (see the module docstring); ``options`` go to :func:`tracker_entry`. Returns ``root``."""
    root = Path(root)
    names = []
    for seq in sequences:
        export_sequence(seq, root / "sequences" / seq.name, max_frames)
        names.append(seq.name)
    atomic_write_text(root / "sequences" / "list.txt", "".join(f"{name}\n" for name in names))
    atomic_write_text(root / STACK_FILE, STACK_TEXT)
    write_tracker_entry(root / "trackers.ini", tracker, **options)
    atomic_write_text(root / "config.yaml", CONFIG_TEXT)
    return root


def _link_or_copy(source: Path, target: Path) -> None:
    if target.is_symlink() or target.exists():
        target.unlink()
    try:
        target.symlink_to(source.resolve())
    except OSError:
        shutil.copyfile(source, target)


def _format_rows(rows: np.ndarray) -> str:
    return "".join(",".join(f"{v:.10g}" for v in row) + "\n" for row in rows)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pytracking.vot.workspace",
                                     description="Add a tracker to a VOT-toolkit workspace, creating a local "
                                                 "workspace from VOT-format sequences if there is none.")
    parser.add_argument("workspace", help="workspace folder (created when it has no config.yaml)")
    parser.add_argument("tracker_name", help="tracker package under pytracking/tracker, e.g. kcf, atom")
    parser.add_argument("tracker_param", help="parameter file under pytracking/parameter/<tracker>, e.g. default")
    parser.add_argument("--dataset-path", default=None,
                        help="VOT-format sequences for a new workspace (else PYTRACKING_VOT_PATH, user config, "
                             "./data/vot)")
    parser.add_argument("--sequence", nargs="+", default=None, help="sequence names or indices (default: all)")
    parser.add_argument("--frames", type=positive_int, default=None, help="keep the first N frames of each sequence")
    parser.add_argument("--network-path", default=None,
                        help="network folder the tracker process uses (sets PYTRACKING_NETWORK_PATH for it)")
    parser.add_argument("--timeout", type=positive_int, default=DEFAULT_TIMEOUT,
                        help=f"seconds the toolkit waits for the tracker (default: {DEFAULT_TIMEOUT})")
    return parser


@command_line("python -m pytracking.vot.workspace")
def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    tracker = Tracker(args.tracker_name, args.tracker_param)
    tracker.tracker_class(), tracker.get_parameters()  # an unknown tracker or parameter file fails here
    options = dict(timeout=args.timeout, network_path=args.network_path)
    root = Path(args.workspace)
    if (root / "config.yaml").is_file():
        section = write_tracker_entry(root / "trackers.ini", tracker, **options)
        print(f"Added [{section}] to {root / 'trackers.ini'}")
    else:
        sequences = load_sequences("vot", args.dataset_path, args.sequence)
        create_workspace(root, tracker, sequences, args.frames, **options)
        section = tracker_identifier(tracker)
        print(f"Created a workspace with {len(sequences)} sequences and [{section}] in {root}")
    print(f"Evaluate with: vot evaluate --workspace {root} {section}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
