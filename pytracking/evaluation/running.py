"""Running trackers over benchmark sequences (PyTracking's runner conventions).

- Results of a finished sequence are ``<results_dir>/<seq>.txt`` (+ ``_time.txt``), written
  atomically, so a killed run never leaves a partial file and re-running resumes.
- A sequence whose result file exists is skipped, unless debugging.
- An exception in one sequence is reported and the others go on (in debug mode it is raised).
- ``threads > 0`` runs (sequence, tracker) pairs in a process pool.
"""
from __future__ import annotations

import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field

from tqdm import tqdm

from pytracking.evaluation.data import Sequence
from pytracking.evaluation.results_io import save_tracking_result
from pytracking.evaluation.tracker import Tracker


@dataclass
class RunSummary:
    """What happened to each (tracker, sequence) pair of a run."""
    done: list = field(default_factory=list)       # (tracker display name, sequence, fps)
    skipped: list = field(default_factory=list)    # (tracker display name, sequence)
    failed: list = field(default_factory=list)     # (tracker display name, sequence, error text)

    def line(self) -> str:
        return f"{len(self.done)} tracked, {len(self.skipped)} skipped (results exist), {len(self.failed)} failed"


def _track_one(seq: Sequence, tracker: Tracker, debug: int) -> tuple:
    """Run one pair and save its results; returns (status, fps-or-error-text)."""
    if not debug and (tracker.results_dir / f"{seq.name}.txt").is_file():
        return "skipped", None
    try:
        output = tracker.run_sequence(seq, debug=debug)
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
            tqdm.write(f"FAILED {tracker.display_name} on {seq.name}:\n{value}")
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
    """Run, print the summary line; exit status 1 when any sequence failed."""
    summary = run_dataset(sequences, trackers, debug=debug, threads=threads)
    print(summary.line())
    for name, seq, _ in summary.failed:
        print(f"  failed: {name} on {seq}")
    return 1 if summary.failed else 0

