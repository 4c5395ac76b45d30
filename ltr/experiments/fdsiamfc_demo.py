"""FDSiamFC end to end on the embedded synthetic data, on a CPU in minutes (``make demo``).

Usage::

    python ltr/experiments/fdsiamfc_demo.py [--quick] [--workspace DIR] [--results-path DIR]

1. Teacher: ``siamfc/siamfc_alexnet`` trained on procedurally generated videos
   (:class:`ltr.dataset.SyntheticVideo`, seed 1). For CPU speed the teacher is a quarter-width
   AlexNetV1 (conv1-5 channels 24-64-96-96-64 instead of 96-256-384-384-256) trained for a few
   minutes, not the published SiamFC.
2. Compression: ``fd/fdsiamfc_30`` (squeeze ratio 0.3) on that teacher with a short schedule
   (all 18 phases of steps 1-9, a few epochs each), candidate selection on a few synthetic
   validation sequences generated with another seed (2), then folding.
3. Evaluation with the runner: teacher, folded student and the KCF baseline on the synthetic
   benchmark (``synthetic_path`` setting, seed 0) and, when ``../shared`` is present, on the four real
   OTB sample sequences, next to the published networks of ``../shared/networks`` (the official
   FDSiamFC_30 and FDSiamFC_15, the original SiamFC-3s): what the networks trained here on synthetic
   videos can do, beside what the published ones do on real frames.
4. One table (PyTracking analysis: AUC, Precision, OP50 in percent; learnable parameters; MACs of
   one tracking step; CPU frames per second on the real Football1, from
   :mod:`pytracking.analysis.profiling`) and success / precision plots.

Both training runs are the command lines printed before them (``ltr/run_training.py``): their
schedule state files make a second demo run reuse finished training, and the runner reuses
existing result files (the SiamFC results folders carry the network file's hash).
``--quick`` shrinks the training (under two minutes; the test suite runs it).
"""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

if __package__ in (None, ""):  # run as a file: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import torch  # noqa: E402

from ltr.admin.environment import PathLike, resolve_path  # noqa: E402
from ltr.experiments.candidate_selection import NetworkFileTracker  # noqa: E402
from ltr.experiments.common import (benchmarks, evaluate_benchmarks, file_tag, mode_folder,  # noqa: E402
                                    profile_trackers, published_trackers, report_table, run_logged_training,
                                    speed_sequence)
from pytracking.evaluation.tracker import Tracker  # noqa: E402

TEACHER_CHANNELS = (24, 64, 96, 96, 64)


@dataclass(frozen=True)
class DemoConfig:
    """Sizes of one demo mode.

    Attributes:
        name: 'full' or 'quick'.
        train_sequences: synthetic training videos.
        teacher_epochs, teacher_samples: teacher epochs and pairs per epoch.
        fd_epochs, fd_samples: epochs and pairs per epoch of every FD phase (restricted and fine-tune).
        candidate_epochs: epochs of each FD phase scored on the validation sequences.
        val_sequences, val_frames: validation videos and frames tracked per video.
        eval_sequences, eval_frames: sequences per benchmark and frames per sequence evaluated (None: all).
    """
    name: str
    train_sequences: int
    teacher_epochs: int
    teacher_samples: int
    fd_epochs: int
    fd_samples: int
    candidate_epochs: tuple
    val_sequences: int
    val_frames: int
    eval_sequences: Optional[int] = None
    eval_frames: Optional[int] = None


FULL = DemoConfig("full", train_sequences=60, teacher_epochs=10, teacher_samples=800, fd_epochs=2, fd_samples=96,
                  candidate_epochs=(1, 2), val_sequences=2, val_frames=30)
QUICK = DemoConfig("quick", train_sequences=12, teacher_epochs=2, teacher_samples=96, fd_epochs=2, fd_samples=16,
                   candidate_epochs=(1, 2), val_sequences=1, val_frames=12, eval_sequences=2, eval_frames=16)


def literal(values: Sequence[int]) -> str:
    """``[1,2,3]``: a list literal without spaces (readable unquoted on a command line)."""
    return "[" + ",".join(str(v) for v in values) + "]"


def training_commands(config: DemoConfig, workspace: Path) -> tuple:
    """``ltr/run_training.py`` argument lists of the teacher and of the FD compression."""
    data = workspace / "data"
    common = ["--workspace", str(workspace), "--set", "num_workers=0", "train_data.dataset=synthetic",
              f"train_data.root={data / 'synthetic_train'}",
              f'train_data.options={{"num_sequences":{config.train_sequences}}}']
    teacher = ["siamfc", "siamfc_alexnet", *common, f"channels={literal(TEACHER_CHANNELS)}",
               f"num_epochs={config.teacher_epochs}", f"samples_per_epoch={config.teacher_samples}",
               f"candidate_epochs=[{config.teacher_epochs}]"]
    student = ["fd", "fdsiamfc_30", *common, f"teacher={workspace / 'networks' / 'siamfc_alexnet.pth'}",
               f"num_epochs={config.fd_epochs}", f"finetune_epochs={config.fd_epochs}",
               f"samples_per_epoch={config.fd_samples}", f"candidate_epochs={literal(config.candidate_epochs)}",
               "validation.dataset=synthetic", f"validation.root={data / 'synthetic_val'}",
               f'validation.options={{"seed":2,"num_sequences":{config.val_sequences}}}',
               f"validation.max_frames={config.val_frames}"]
    return teacher, student


def train(config: DemoConfig, workspace: Path) -> tuple:
    """Train the teacher and compress it (each skipped where finished); returns both network files."""
    for argv in training_commands(config, workspace):
        run_logged_training(argv)
    networks = workspace / "networks"
    return networks / "siamfc_alexnet.pth", networks / "fdsiamfc_30.pth"


def demo_trackers(teacher: Path, student: Path, results_path: Path, device: Optional[str] = None) -> list:
    """Teacher, folded student (SiamFC tracker on each network file), KCF and the published networks."""
    return [NetworkFileTracker(teacher, f"demo_teacher_{file_tag(teacher)}", results_path, "SiamFC teacher", device),
            NetworkFileTracker(student, f"demo_fdsiamfc_30_{file_tag(student)}", results_path,
                               "FDSiamFC_30 (folded)", device),
            Tracker("kcf", "default", display_name="KCF", results_path=results_path),
            *published_trackers(results_path)]


def run_demo(quick: bool = False, workspace: Optional[PathLike] = None,
             results_path: Optional[PathLike] = None) -> dict:
    """Run the whole demo; returns ``{'table': str, 'profiles': {...}, 'scores': {...}, 'plots': [...]}``."""
    config = QUICK if quick else FULL
    workspace = Path(workspace) if workspace else mode_folder("workspace_path", "fdsiamfc_demo", config.name,
                                                              FULL.name)
    results_path = Path(results_path) if results_path else resolve_path("results_path") / "demo"
    start = time.perf_counter()
    print(f"FDSiamFC demo ({config.name}): workspace {workspace}, results {results_path}\n"
          f"Teacher: SiamFC AlexNetV1 at quarter width (channels {', '.join(map(str, TEACHER_CHANNELS))}; "
          f"SiamFC has 96, 256, 384, 384, 256) for CPU speed, trained on synthetic videos.", flush=True)
    teacher, student = train(config, workspace)
    trained = time.perf_counter()

    trackers = demo_trackers(teacher, student, results_path)
    chosen = benchmarks(config.eval_sequences, config.eval_frames)
    print(f"\nEvaluating {', '.join(t.display_name for t in trackers)} on {', '.join(chosen)}", flush=True)
    scores = evaluate_benchmarks(trackers, chosen, results_path / "plots")
    fps_sequence = speed_sequence(chosen)
    profiles = profile_trackers(demo_trackers(teacher, student, results_path, device="cpu"), fps_sequence)
    table = report_table(scores, profiles)
    end = time.perf_counter()
    print(f"\n{table}\n\nAUC / Precision (at 20 px) / OP50 in percent (PyTracking analysis); MACs of one "
          f"tracking step (3 scales); CPU FPS on {fps_sequence.name} with {torch.get_num_threads()} torch threads.\n"
          f"Plots: {results_path / 'plots'}. Time: training {trained - start:.0f} s, evaluation "
          f"{end - trained:.0f} s, total {end - start:.0f} s.")
    return {"table": table, "profiles": profiles, "scores": scores}


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="FDSiamFC end to end on synthetic data (CPU, minutes).")
    parser.add_argument("--quick", action="store_true", help="shrink every stage (under two minutes)")
    parser.add_argument("--workspace", default=None,
                        help="training workspace (default: <workspace_path>/fdsiamfc_demo[_quick])")
    parser.add_argument("--results-path", default=None,
                        help="tracking results and plots (default: <results_path>/demo)")
    args = parser.parse_args(argv)
    run_demo(args.quick, args.workspace, args.results_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
