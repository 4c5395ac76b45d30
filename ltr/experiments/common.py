"""Helpers shared by the end-to-end experiments (:mod:`ltr.experiments.fdsiamfc_demo`, the studies): logged
and resumable training runs, workspace and result-folder names, synthetic training data, the evaluation
benchmarks (synthetic and the real samples of ../shared), trackers on the published networks of ../shared,
running + analysis + plots, efficiency profiles, the combined table and the written report.
"""
from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import math
import shlex
import time
from pathlib import Path
from typing import Optional, Protocol, Sequence

from ltr import run_training
from ltr.admin.checkpoints import list_checkpoints
from ltr.admin.environment import REPO_ROOT, resolve_path
from ltr.admin.file_io import atomic_write_text
from ltr.data.image_loader import imread_rgb
from ltr.experiments.candidate_selection import truncated
from pytracking.analysis.extract import compute_results, summary
from pytracking.analysis.plots import save_plots
from pytracking.analysis.profiling import count_parameters, frame_macs, measure_fps
from pytracking.analysis.tables import format_table
from pytracking.evaluation.data import Sequence as TrackingSequence
from pytracking.evaluation.datasets import load_sequences
from pytracking.evaluation.running import run_dataset
from pytracking.evaluation.tracker import Tracker, intra_op_threads

SHARED = REPO_ROOT.parent / "shared"
OTB_SAMPLE = SHARED / "data" / "otb_sample"
SHARED_NETWORKS = SHARED / "networks"
OTB_SAMPLE_SEQUENCE = "Football1"
"""The real sequence speed is measured on (352 x 288, 74 frames)."""
REAL_BENCHMARK = "otb_sample"
"""Label of the real OTB sample sequences in :func:`benchmarks` (all of ``../shared/data/otb_sample``)."""
DEFAULT_SCORE_COLUMNS = (("auc", "AUC"), ("precision", "Precision"), ("op50", "OP50"))
"""``(summary key, column title)`` of the scores a table shows per benchmark (see :func:`report_table`)."""
PRECISION_SUCCESS_COLUMNS = (("precision", "Precision"), ("auc", "Success"))
"""The score columns of the studies' ablation tables (:func:`ablation_report`)."""
DEFAULT_PROFILE_COLUMNS = (("params", "Params (K)", 1e3), ("macs", "MACs/frame (M)", 1e6), ("fps", "CPU FPS", 1.0))
"""``(profile key, column title, unit)`` of the efficiency columns a table shows (see :func:`report_table`)."""
TRAIN_SEED, VAL_SEED = 1, 2  # synthetic training / validation videos (the benchmark uses seed 0)
LR_STEP_FRACTION = 0.75  # the studies' learning rates drop 10x after this fraction of the epochs
TRACKING_THREADS = 1  # the studies' CPU tracking and FPS: one intra-op thread (OpenMP overhead dominates at batch 1)


def run_logged_training(argv: Sequence[str]) -> None:
    """Print ``$ python ltr/run_training.py ARGV`` (shell-quoted), then run it in this process."""
    print(f"\n$ python ltr/run_training.py {shlex.join(argv)}", flush=True)
    run_training.main(list(argv))


def file_tag(path: Path) -> str:
    """First 8 hex digits of the file's SHA-256 (names result folders after the network they hold)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:8]


def mode_folder(setting: str, name: str, mode: str, default_mode: str) -> Path:
    """``<setting>/<name>`` (a path setting, e.g. ``workspace_path``) in the ``default_mode``, else
    ``<setting>/<name>_<mode>`` (e.g. ``<workspace_path>/distill_study_quick``)."""
    return resolve_path(setting) / (name if mode == default_mode else f"{name}_{mode}")


def study_parser(description: str, folder: str, quick_help: str) -> argparse.ArgumentParser:
    """The command line of a teacher + students study with the flags the studies share, in this order: ``--quick``
    (``quick_help``), ``--workspace`` and ``--results-path`` (defaults ``<workspace_path>/<folder>[_quick]`` and
    ``<results_path>/<folder>``), ``--epochs``, ``--samples-per-epoch``, ``--teacher-epochs``, ``--batch-size``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help=quick_help)
    parser.add_argument("--workspace", default=None,
                        help=f"training workspace (default: <workspace_path>/{folder}[_quick])")
    parser.add_argument("--results-path", default=None,
                        help=f"tracking results, table and plots (default: <results_path>/{folder})")
    parser.add_argument("--epochs", type=int, default=None, help="epochs of every student")
    parser.add_argument("--samples-per-epoch", type=int, default=None, help="training pairs per epoch (all runs)")
    parser.add_argument("--teacher-epochs", type=int, default=None, help="epochs of the teacher")
    parser.add_argument("--batch-size", type=int, default=None, help="training batch size")
    return parser


def short_name(constructor: str) -> str:
    """``'ltr.models.bbreg.atom.atom_resnet18medium'`` -> ``'atom_resnet18medium'``."""
    return constructor.rsplit(".", 1)[-1]


def atom_parameter_file(constructor: str) -> str:
    """The ATOM parameter file of a network constructor: ``atom_<x>`` -> ``<x>`` if
    ``pytracking/parameter/atom/<x>.py`` exists, else ``default`` (the ResNet-18 settings)."""
    name = short_name(constructor).removeprefix("atom_")
    return name if importlib.util.find_spec(f"pytracking.parameter.atom.{name}") else "default"


def synthetic_entry(root: Path, seed: int, count: int) -> str:
    """A ``train_data`` / ``val_data`` value: ``count`` synthetic videos of ``seed`` generated under ``root``."""
    spec = {"synthetic": {"dataset": "synthetic", "root": str(root), "weight": 1,
                          "options": {"seed": seed, "num_sequences": count}}}
    return json.dumps(spec, separators=(",", ":"))


def synthetic_data_overrides(data: Path, train_sequences: int, val_sequences: int) -> list:
    """``--set`` items of the studies' training and validation data: ``train_sequences`` synthetic videos of
    :data:`TRAIN_SEED` and ``val_sequences`` of :data:`VAL_SEED`, generated under ``data``."""
    return [f"train_data={synthetic_entry(data / f'synthetic_train_{train_sequences}', TRAIN_SEED, train_sequences)}",
            f"val_data={synthetic_entry(data / f'synthetic_val_{val_sequences}', VAL_SEED, val_sequences)}"]


def lr_step(epochs: int) -> int:
    """StepLR step size: one 10x drop after ``LR_STEP_FRACTION`` of ``epochs`` (none for a single epoch)."""
    return max(1, math.ceil(LR_STEP_FRACTION * epochs))


def checkpoint_dir(run_workspace: Path, module: str, name: str) -> Path:
    """``<run_workspace>/checkpoints/<module>/<name>`` (the trainer's layout)."""
    return run_workspace / "checkpoints" / module / name


def training_command(module: str, name: str, run_workspace: Path, device: Optional[str], epochs: int,
                     overrides: Sequence[str]) -> list:
    """``ltr/run_training.py`` arguments of one run; ``--resume`` when it has checkpoints (an interrupted run)."""
    resume = ["--resume"] if list_checkpoints(checkpoint_dir(run_workspace, module, name)) else []
    device_flag = ["--device", device] if device else []
    return [module, name, "--workspace", str(run_workspace), *resume, *device_flag, "--set", *overrides,
            f"num_epochs={epochs}", f"lr_step={lr_step(epochs)}"]


def final_checkpoint(run_workspace: Path, module: str, name: str, epoch: int) -> Optional[Path]:
    """The checkpoint of ``epoch`` in ``<run_workspace>/checkpoints/<module>/<name>``, or None."""
    found = dict(list_checkpoints(checkpoint_dir(run_workspace, module, name)))
    return found.get(epoch)


def train_run(module: str, name: str, run_workspace: Path, device: Optional[str], epochs: int,
              overrides: Sequence[str]) -> Path:
    """Train one run (``--set overrides``, the learning rate dropping once at :func:`lr_step`) unless its final
    checkpoint exists; returns that checkpoint.

    Raises:
        RuntimeError when training ended without a checkpoint of epoch ``epochs`` (the folder holds
        a longer run whose checkpoint of that epoch was pruned).
    """
    done = final_checkpoint(run_workspace, module, name, epochs)
    if done is not None:
        print(f"\nReusing {module}/{name}: {done}", flush=True)
        return done
    run_logged_training(training_command(module, name, run_workspace, device, epochs, overrides))
    done = final_checkpoint(run_workspace, module, name, epochs)
    if done is None:
        raise RuntimeError(f"{module}/{name}: no checkpoint of epoch {epochs} in "
                           f"{checkpoint_dir(run_workspace, module, name)}; use another --workspace")
    return done


def benchmarks(max_sequences: Optional[int] = None, max_frames: Optional[int] = None,
               real_sequences: Optional[Sequence[str]] = None) -> dict:
    """``{label: sequences}``: the synthetic benchmark and, when ../shared is present, the real OTB sample
    sequences (:data:`REAL_BENCHMARK`: Football1, DragonBaby, MotorRolling, Surfer).

    Args:
        max_sequences: keep only the first this many sequences of each benchmark (None: all).
        max_frames: keep only the first this many frames of every sequence (None: all).
        real_sequences: the OTB sample sequences, in this order (None: all, sorted by name).
    """
    chosen = {"synthetic": list(load_sequences("synthetic"))[:max_sequences]}
    if OTB_SAMPLE.is_dir():
        names = real_sequences or sorted(path.name for path in OTB_SAMPLE.iterdir() if path.is_dir())
        chosen[REAL_BENCHMARK] = list(load_sequences("otb", OTB_SAMPLE, names))[:max_sequences]
    return {label: [truncated(seq, max_frames) for seq in sequences] for label, sequences in chosen.items()}


def speed_sequence(chosen: dict) -> TrackingSequence:
    """The sequence FPS are measured on: the real Football1 when present, else the first synthetic one."""
    real = [seq for seq in chosen.get(REAL_BENCHMARK, []) if seq.name == OTB_SAMPLE_SEQUENCE]
    return (real or chosen["synthetic"])[0]


class PublishedNetworkTracker(Tracker):
    """Tracker ``name/param`` whose network file (a published one, e.g. ``FDSiamfc_30.pth``) is read from
    ``../shared/networks`` instead of the network folder setting."""

    def get_parameters(self):
        params = super().get_parameters()
        params.net_path = str(SHARED_NETWORKS / params.net_path)
        return params


def published_trackers(results_path: Path) -> list:
    """The published networks of ``../shared/networks`` as trackers (none when it is absent): the official
    FDSiamFC_30 and FDSiamFC_15 and the original SiamFC-3s."""
    if not SHARED_NETWORKS.is_dir():
        return []
    return [PublishedNetworkTracker("siamfc", param, display_name=label, results_path=results_path)
            for param, label in (("fdsiamfc_30_official", "FDSiamFC_30 (official)"),
                                 ("fdsiamfc_15_official", "FDSiamFC_15 (official)"),
                                 ("siamfc_original", "SiamFC (original)"))]


def evaluate(trackers: list, sequences: list, plot_dir: Path) -> dict:
    """Run (reusing existing results), analyse, plot; ``{display name: summary scores (percent)}``.

    Raises:
        RuntimeError naming the failed (tracker, sequence) pairs, with the first traceback.
    """
    outcome = run_dataset(sequences, trackers, progress=False)
    if outcome.failed:
        raise RuntimeError("tracking failed: " + "; ".join(f"{n} on {s}" for n, s, _ in outcome.failed)
                           + f"\n{outcome.failed[0][2]}")
    result = compute_results(trackers, sequences, skip_missing=False)
    save_plots(result, plot_dir, kinds=("success", "precision"))
    return summary(result)


def evaluate_benchmarks(trackers: list, chosen: dict, plot_dir: Path) -> dict:
    """:func:`evaluate` on every benchmark of ``chosen`` (``{label: sequences}``), plots in ``plot_dir/<label>``;
    ``{label: {display name: summary scores (percent)}}``."""
    return {label: evaluate(trackers, sequences, plot_dir / label) for label, sequences in chosen.items()}


def profile(tracker_def: Tracker, sequence: TrackingSequence) -> dict:
    """``{'params', 'params_leaf_modules', 'macs', 'macs_conv_linear', 'fps'}``: learnable parameters and
    parameters of leaf modules (thop's count), MACs of one tracking step (all matrix products) and of its
    convolution + linear layers (thop's count) of the network (NaN for trackers without ``tracker.net``; see
    :mod:`pytracking.analysis.profiling`), and frames per second over ``sequence``, with the tracker's
    ``num_threads`` parameter (if set) as torch's intra-op threads."""
    tracker = tracker_def.create_tracker()
    images = [imread_rgb(f) for f in sequence.frames]
    box = sequence.init_info()["init_bbox"]
    with intra_op_threads(tracker.params.get("num_threads", None)):
        fps = measure_fps(tracker, images, box)
        net = getattr(tracker, "net", None)
        if net is None:
            return {"params": math.nan, "params_leaf_modules": math.nan, "macs": math.nan,
                    "macs_conv_linear": math.nan, "fps": fps}
        params = count_parameters(net)
        macs = frame_macs(tracker, images[0], box, images[1])
        return {"params": params["params"], "params_leaf_modules": params["params_leaf_modules"],
                "macs": macs["macs_per_frame"], "macs_conv_linear": macs["macs_conv_linear"], "fps": fps}


def profile_trackers(trackers: list, sequence: TrackingSequence) -> dict:
    """``{display name: profile(tracker, sequence)}`` in the order of ``trackers`` (see :func:`profile`)."""
    return {tracker.display_name: profile(tracker, sequence) for tracker in trackers}


def report_table(scores: dict, profiles: dict, score_columns: Sequence[tuple] = DEFAULT_SCORE_COLUMNS,
                 row_title: str = "Tracker", profile_columns: Sequence[tuple] = DEFAULT_PROFILE_COLUMNS) -> str:
    """One row per entry of ``profiles`` (in its order): for each benchmark of ``scores``
    (``{benchmark: {row: summary scores}}``) the ``score_columns`` (``(key, title)``), then the
    ``profile_columns`` (``(key, title, unit)``: ``profiles[row][key] / unit``; by default params (K),
    MACs/frame (M) and CPU FPS) of ``profiles`` (``{row: profile}``, see :func:`profile`); NaN shows as ``n/a``."""
    names = list(profiles)
    columns = [f"{label} {title}" for label in scores for _, title in score_columns]
    columns += [title for _, title, _ in profile_columns]
    values = [[per_tracker[name][key] for per_tracker in scores.values() for key, _ in score_columns]
              + [profiles[name][key] / unit for key, _, unit in profile_columns] for name in names]
    return format_table(row_title, names, columns, values, fmt="{:.1f}").replace("nan", "n/a")


def write_report(table_file: Path, table: str, notes: str) -> None:
    """Write ``table`` and ``notes`` to ``table_file`` (atomically) and print them, naming the report folder
    (``table_file``'s, where the plots are too)."""
    atomic_write_text(table_file, f"{table}\n\n{notes}\n")
    print(f"\n{table}\n\n{notes}\nTable and plots: {table_file.parent}")


class TrainingBudget(Protocol):
    """The sizes of a teacher + students study that its report states (the studies' ``StudyConfig``)."""

    @property
    def teacher_epochs(self) -> int: ...

    @property
    def epochs(self) -> int: ...

    @property
    def samples_per_epoch(self) -> int: ...

    @property
    def batch_size(self) -> int: ...


def ablation_report(trackers: list, cpu_trackers: list, chosen: dict, fps_sequence: TrackingSequence,
                    report_dir: Path, budget: TrainingBudget, crops: str, training_start: float,
                    training_end: float, profile_columns: Sequence[tuple] = DEFAULT_PROFILE_COLUMNS) -> dict:
    """Evaluate, profile and tabulate a teacher + students study: ``trackers`` on every benchmark of ``chosen``
    (plots in ``report_dir/<benchmark>``), the same networks on the CPU (``cpu_trackers``) profiled on
    ``fps_sequence``, one row each (:data:`PRECISION_SUCCESS_COLUMNS`, then ``profile_columns``) and notes giving
    the ``budget`` (``crops``: the crop sizes, e.g. ``'128 px'``) and the times (``training_start`` and
    ``training_end`` are :func:`time.perf_counter` values); printed and written to
    ``<report_dir>/ablation_table.txt``.

    Returns:
        ``{'table': str, 'table_file': Path, 'scores': {benchmark: {row: scores}}, 'profiles': {row: profile}}``.
    """
    print(f"\nEvaluating {len(trackers)} networks on {', '.join(chosen)}", flush=True)
    scores = evaluate_benchmarks(trackers, chosen, report_dir)
    profiles = profile_trackers(cpu_trackers, fps_sequence)
    table = report_table(scores, profiles, PRECISION_SUCCESS_COLUMNS, row_title="Method",
                         profile_columns=profile_columns)
    end = time.perf_counter()
    notes = (f"Precision (20 px) / Success (AUC) in percent (PyTracking analysis); MACs of one tracking step; "
             f"CPU FPS on {fps_sequence.name} ({len(fps_sequence.frames)} frames) with {TRACKING_THREADS} torch "
             f"thread.\nBudget: teacher {budget.teacher_epochs} x {budget.samples_per_epoch} pairs, each student "
             f"{budget.epochs} x {budget.samples_per_epoch} pairs (batch {budget.batch_size}, {crops} crops). "
             f"Time: training {training_end - training_start:.0f} s, evaluation {end - training_end:.0f} s, "
             f"total {end - training_start:.0f} s.")
    table_file = report_dir / "ablation_table.txt"
    write_report(table_file, table, notes)
    return {"table": table, "table_file": table_file, "scores": scores, "profiles": profiles}
