"""Running trackers over benchmark sequences (PyTracking's runner conventions).

- Results of a finished sequence are ``<results_dir>/<seq>.txt`` (+ ``_time.txt``), written
  atomically, so a killed run never leaves a partial file and re-running resumes.
- A sequence whose result file exists is skipped, unless debugging.
- :func:`check_inputs` checks what would make every sequence fail before any tracking: the trackers
  (tracker and parameter files, network files, results folders, :meth:`Tracker.check`) and every
  sequence's first frame and first box (:meth:`Sequence.check_init_box`); the command lines run it first.
- An exception in one sequence is reported and the others go on (in debug mode it is raised). Bad
  input met while tracking (an unreadable or truncated frame) is one line naming the file; other
  exceptions are bugs and keep their traceback.
- ``threads > 0`` runs (sequence, tracker) pairs in a process pool.
"""
from __future__ import annotations

import sys
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field

from tqdm import tqdm

from ltr.admin.errors import EXIT_INPUT_ERROR, InputError, one_line
from ltr.data.image_loader import image_size
from pytracking.evaluation.data import Sequence
from pytracking.evaluation.results_io import save_tracking_result
from pytracking.evaluation.tracker import Tracker


@dataclass
class RunSummary:
    """What happened to each (tracker, sequence) pair of a run."""
    done: list = field(default_factory=list)       # (tracker display name, sequence, fps)
    skipped: list = field(default_factory=list)    # (tracker display name, sequence)
    failed: list = field(default_factory=list)     # (tracker display name, sequence, error text)
    bad_input: list = field(default_factory=list)  # the failures caused by bad input: (tracker, sequence)

    def line(self) -> str:
        return f"{len(self.done)} tracked, {len(self.skipped)} skipped (results exist), {len(self.failed)} failed"


def check_inputs(sequences: list, trackers: list) -> None:
    """Raise the first InputError any tracker or sequence would meet (see the module docstring), reading
    only the first frame's header of each sequence."""
    for tracker in trackers:
        tracker.check()
    for seq in sequences:
        seq.check_init_box(image_size(seq.frames[0]))


def _track_one(seq: Sequence, tracker: Tracker, debug: int) -> tuple:
    """Run one pair and save its results; returns (status, fps-or-error-text)."""
    if not debug and (tracker.results_dir / f"{seq.name}.txt").is_file():
        return "skipped", None
    try:
        output = tracker.run_sequence(seq, debug=debug)
    except InputError as err:
        if debug:
            raise
        return "bad_input", one_line(err)
    except Exception:
        if debug:
            raise
        return "failed", traceback.format_exc()
    times = output["time"]
    save_tracking_result(tracker.results_dir, seq.name, output["target_bbox"], times)
    tracking_time = float(sum(times))
    return "done", (len(times) / tracking_time if tracking_time > 0 else float("inf"))


def _init_worker() -> None:
    import torch
    torch.set_num_threads(1)


def run_dataset(sequences: list, trackers: list, debug: int = 0, threads: int = 0,
                progress: bool = True) -> RunSummary:
    """Run every tracker on every sequence; returns the summary (also printed per sequence)."""
    pairs = [(seq, tracker) for seq in sequences for tracker in trackers]
    summary = RunSummary()
    bar = tqdm(total=len(pairs), desc="sequences", unit="seq", disable=not progress)

    def record(seq: Sequence, tracker: Tracker, status: str, value) -> None:
        if status == "done":
            summary.done.append((tracker.display_name, seq.name, value))
            tqdm.write(f"{tracker.display_name} {seq.name}: {len(seq.frames)} frames, FPS {value:.1f}")
        elif status == "skipped":
            summary.skipped.append((tracker.display_name, seq.name))
        else:
            summary.failed.append((tracker.display_name, seq.name, value))
            if status == "bad_input":
                summary.bad_input.append((tracker.display_name, seq.name))
            tqdm.write(f"FAILED {tracker.display_name} on {seq.name}:" + (f" {value}" if status == "bad_input"
                                                                          else f"\n{value}"))
        bar.update(1)

    if threads and threads > 0 and not debug:
        with ProcessPoolExecutor(max_workers=threads, initializer=_init_worker) as pool:
            futures = {pool.submit(_track_one, seq, tracker, debug): (seq, tracker) for seq, tracker in pairs}
            for future in as_completed(futures):
                seq, tracker = futures[future]
                record(seq, tracker, *future.result())
    else:
        for seq, tracker in pairs:
            record(seq, tracker, *_track_one(seq, tracker, debug))
    bar.close()
    return summary


def run_and_report(sequences: list, trackers: list, debug: int = 0, threads: int = 0) -> int:
    """Check the inputs (:func:`check_inputs`), run, print the summary line; exit status 2 when a sequence
    failed on bad input (e.g. a truncated frame), 1 when a tracker raised, else 0."""
    check_inputs(sequences, trackers)
    summary = run_dataset(sequences, trackers, debug=debug, threads=threads)
    print(summary.line())
    bad_input = set(summary.bad_input)
    for name, seq, message in summary.failed:
        print(f"  failed: {name} on {seq}")
        if (name, seq) in bad_input:
            print(f"error: {name} on {seq}: {message}", file=sys.stderr)
    if bad_input:
        return EXIT_INPUT_ERROR
    return 1 if summary.failed else 0

