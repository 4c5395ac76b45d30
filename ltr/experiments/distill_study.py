"""CFKD's loss ablation in miniature: teacher, six ATOM students, one table (CPU, under 30 minutes).

Usage::

    python ltr/experiments/distill_study.py [--quick] [--workspace DIR] [--results-path DIR]
        [--epochs N] [--samples-per-epoch N] [--teacher-epochs N] [--batch-size N] [--output-size PX]
        [--train-sequences N] [--teacher CONSTRUCTOR] [--device DEV]

1. Teacher: ``ablation gt`` (the ground-truth recipe) with ``student`` = ``--teacher`` (default
   ``atom_resnet18medium``: on this CPU it trains as fast as the MobileNetV2 student, ResNet-18
   twice as slow) from scratch on procedurally generated videos
   (:class:`ltr.dataset.SyntheticVideo`, seed 1), with ``--teacher-epochs`` epochs.
2. Students: the CFKD student ``atom_mobilenetsmall`` from scratch with ``ablation/gt``,
   ``ablation/ts``, ``ablation/ts_ah``, ``ablation/ts_ah_fid``, ``cfkd/atom_cfkd`` and
   ``tskd/atom_tskd``, all with the same budget (``--epochs`` x ``--samples-per-epoch``), data
   and crops, the distilled ones from the teacher's final checkpoint.
3. Evaluation: the ATOM tracker (parameters ``pytracking/parameter/atom/<backbone>.py``, else
   ``default.py``) on each network's final checkpoint, with ``sample_size`` = the training crop
   size (``--output-size``), on the synthetic benchmark (``synthetic_path`` setting, seed 0) and,
   when ``../shared`` is present, on the real OTB sample sequences; tracking on CPU uses one
   intra-op thread.
4. One table in the thesis' order (GT only, TS, TS+AH, +Fidelity, +CF = CFKD, then TSKD and the
   teacher): Precision (20 px) and Success (AUC) in percent per benchmark (PyTracking analysis),
   learnable parameters, MACs of one tracking step and CPU frames per second (one intra-op thread,
   :mod:`pytracking.analysis.profiling`) on the first synthetic sequence; printed and written to
   ``<results>/report/ablation_table.txt`` next to the success / precision plots
   (``<results>/report/<benchmark>/``).

Budget. Every learning-rate schedule is the recipe's StepLR(gamma 0.1) with one step at three
quarters of the run (the recipe's 15-of-50-epoch steps do not scale to a few epochs). Crops are
128 px (8 x 8 layer-3 cells) instead of 288 for CPU speed, batches 16 instead of 32. The
default size was chosen by measuring this 2-core CPU (see the module constants); on a GPU scale
it up with the flags, e.g. ``--device cuda --output-size 288 --batch-size 32 --epochs 20
--samples-per-epoch 16000 --teacher-epochs 40 --train-sequences 600``.

Every training run is the command line printed before it (``ltr/run_training.py``). Runs live in
workspace folders named after their configuration (students' also after the teacher file's
hash), so a second study run reuses every run that reached its final epoch (and resumes an
interrupted one); result folders carry the network file's hash, so existing results are reused.
``--quick`` shrinks everything (about a minute; the test suite runs it).
"""
from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import json
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

if __package__ in (None, ""):  # run as a file: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from ltr.admin.checkpoints import list_checkpoints  # noqa: E402
from ltr.admin.environment import PathLike, resolve_path  # noqa: E402
from ltr.admin.file_io import atomic_write_text  # noqa: E402
from ltr.experiments.candidate_selection import NetworkFileTracker  # noqa: E402
from ltr.experiments.common import benchmarks, evaluate, file_tag, profile, report_table, run_logged_training  # noqa
from ltr.train_settings.distillation import ATOM_STUDENT  # noqa: E402

DEFAULT_TEACHER = "ltr.models.bbreg.atom.atom_resnet18medium"
TRAIN_SEED, VAL_SEED = 1, 2  # synthetic training / validation videos (the benchmark uses seed 0)
FEATURE_STRIDE = 16  # layer3: crops must be a multiple of it
LR_STEP_FRACTION = 0.75  # the learning rate drops 10x after this fraction of the epochs
TRACKING_THREADS = 1  # CPU tracking and FPS: one intra-op thread (OpenMP overhead dominates at batch 1)
SCORE_COLUMNS = (("precision", "Precision"), ("auc", "Success"))


@dataclass(frozen=True)
class Student:
    """One student of the ablation: settings file ``ltr/train_settings/<module>/<name>.py`` and its row."""
    key: str
    module: str
    name: str
    label: str

    @property
    def distilled(self) -> bool:
        """Whether the recipe uses the teacher (all but ``ablation/gt``)."""
        return (self.module, self.name) != ("ablation", "gt")


STUDENTS = (Student("gt", "ablation", "gt", "GT only"),
            Student("ts", "ablation", "ts", "TS"),
            Student("ts_ah", "ablation", "ts_ah", "TS+AH"),
            Student("ts_ah_fid", "ablation", "ts_ah_fid", "TS+AH+Fidelity"),
            Student("cfkd", "cfkd", "atom_cfkd", "+CF multi-task (CFKD)"),
            Student("tskd", "tskd", "atom_tskd", "TSKD (Liu)"))
"""The students in the thesis' row order (TSKD in place of its '+CF separate' row)."""


@dataclass(frozen=True)
class StudyConfig:
    """Sizes of one study.

    Attributes:
        name: 'default' or 'quick' (prefix of the result folders).
        train_sequences, val_sequences: synthetic training / validation videos.
        epochs, samples_per_epoch: every student's budget (teacher: ``teacher_epochs``, same samples per epoch).
        teacher_epochs: the teacher's epochs.
        val_samples_per_epoch: validation pairs after each epoch (logged only).
        batch_size: training batch size.
        output_size: training crop side = the tracker's ``sample_size`` (pixels, multiple of 16).
        teacher: constructor of the teacher network.
        device: training and tracking device (None: CUDA when available).
        eval_sequences, eval_frames: synthetic sequences evaluated and frames per sequence (None: all).
    """
    name: str
    train_sequences: int
    val_sequences: int
    epochs: int
    samples_per_epoch: int
    teacher_epochs: int
    val_samples_per_epoch: int
    batch_size: int
    output_size: int
    teacher: str = DEFAULT_TEACHER
    device: Optional[str] = None
    eval_sequences: Optional[int] = None
    eval_frames: Optional[int] = None

    def __post_init__(self) -> None:
        if self.output_size % FEATURE_STRIDE or self.output_size < 4 * FEATURE_STRIDE:
            raise ValueError(f"--output-size must be a multiple of {FEATURE_STRIDE} and at least "
                             f"{4 * FEATURE_STRIDE}, got {self.output_size}")
        for flag, value in (("--samples-per-epoch", self.samples_per_epoch),
                            ("validation samples per epoch", self.val_samples_per_epoch)):
            if value < self.batch_size:
                raise ValueError(f"{flag} ({value}) must be at least the batch size ({self.batch_size})")
        for flag, value in (("--epochs", self.epochs), ("--teacher-epochs", self.teacher_epochs),
                            ("--train-sequences", self.train_sequences)):
            if value < 1:
                raise ValueError(f"{flag} must be at least 1, got {value}")


# Measured on the 2-core CPU with 128 px crops, batch 16 (quiet machine): training 29 pairs/s for GT-only
# students and the ResNet-18-medium teacher, 23 pairs/s with a teacher forward and distillation loss; ATOM
# tracking (one thread) ~25 FPS MobileNetV2, ~21 FPS ResNet-18-medium. 6 x 4 x 800 student pairs + 8 x 800
# teacher pairs + 7 evaluations of the synthetic benchmark (510 frames) fit in about 25 minutes.
DEFAULT = StudyConfig("default", train_sequences=60, val_sequences=6, epochs=4, samples_per_epoch=800,
                      teacher_epochs=8, val_samples_per_epoch=32, batch_size=16, output_size=128)
QUICK = StudyConfig("quick", train_sequences=6, val_sequences=2, epochs=1, samples_per_epoch=8, teacher_epochs=1,
                    val_samples_per_epoch=4, batch_size=4, output_size=64, eval_sequences=2, eval_frames=10)


def lr_step(epochs: int) -> int:
    """StepLR step size: one 10x drop after ``LR_STEP_FRACTION`` of ``epochs`` (none for a single epoch)."""
    return max(1, math.ceil(LR_STEP_FRACTION * epochs))


def short_name(constructor: str) -> str:
    """``'ltr.models.bbreg.atom.atom_resnet18medium'`` -> ``'atom_resnet18medium'``."""
    return constructor.rsplit(".", 1)[-1]


def atom_parameter_file(constructor: str) -> str:
    """The ATOM parameter file of a network constructor: ``atom_<x>`` -> ``<x>`` if
    ``pytracking/parameter/atom/<x>.py`` exists, else ``default`` (the ResNet-18 settings)."""
    name = short_name(constructor).removeprefix("atom_")
    return name if importlib.util.find_spec(f"pytracking.parameter.atom.{name}") else "default"


def data_overrides(config: StudyConfig, data: Path) -> list:
    """``--set`` items shared by every run: synthetic data (generated under ``data``), crops, batch,
    samples per epoch, loader workers."""

    def entry(root: Path, seed: int, count: int) -> str:
        spec = {"synthetic": {"dataset": "synthetic", "root": str(root), "weight": 1,
                              "options": {"seed": seed, "num_sequences": count}}}
        return json.dumps(spec, separators=(",", ":"))

    train, val = config.train_sequences, config.val_sequences
    return [f"train_data={entry(data / f'synthetic_train_{train}', TRAIN_SEED, train)}",
            f"val_data={entry(data / f'synthetic_val_{val}', VAL_SEED, val)}",
            f"processing.output_size={config.output_size}", f"batch_size={config.batch_size}",
            f"samples_per_epoch={config.samples_per_epoch}", f"val_samples_per_epoch={config.val_samples_per_epoch}",
            "val_epoch_interval=1", "num_workers=0"]


def run_folder(config: StudyConfig, role: str, epochs: int) -> str:
    """Workspace folder name of a training configuration, e.g. ``students_n60_o128_b16_4x800``."""
    return (f"{role}_n{config.train_sequences}_o{config.output_size}_b{config.batch_size}_"
            f"{epochs}x{config.samples_per_epoch}")


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
    """Train one run (``--set overrides``) unless its final checkpoint exists; returns that checkpoint.

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


def train(config: StudyConfig, workspace: Path) -> dict:
    """Train the teacher, then the students from it; ``{'teacher' | student key: final checkpoint}``."""
    data = data_overrides(config, workspace / "data")
    teacher_folder = workspace / run_folder(config, f"teacher_{short_name(config.teacher)}", config.teacher_epochs)
    teacher = train_run("ablation", "gt", teacher_folder, config.device, config.teacher_epochs,
                        [*data, f"student={config.teacher}"])
    students = workspace / f"{run_folder(config, 'students', config.epochs)}_t{file_tag(teacher)}"
    checkpoints = {"teacher": teacher}
    for student in STUDENTS:
        overrides = [*data, f"student={ATOM_STUDENT}"] + ([f"teacher_path={teacher}"] if student.distilled else [])
        checkpoints[student.key] = train_run(student.module, student.name, students, config.device, config.epochs,
                                             overrides)
    return checkpoints


def teacher_label(config: StudyConfig) -> str:
    """Row label of the teacher, e.g. ``'Teacher (atom_resnet18medium)'``."""
    return f"Teacher ({short_name(config.teacher)})"


def study_trackers(config: StudyConfig, checkpoints: dict, results_path: Path,
                   device: Optional[str] = None) -> list:
    """ATOM on every checkpoint, students in :data:`STUDENTS` order then the teacher; results in
    ``<results_path>/atom/distill_[quick_]<key>_<file hash>``."""
    prefix = "distill_" if config.name == DEFAULT.name else f"distill_{config.name}_"
    rows = [(s.key, s.label, ATOM_STUDENT) for s in STUDENTS] + [("teacher", teacher_label(config), config.teacher)]
    overrides = {"sample_size": config.output_size, "num_threads": TRACKING_THREADS}
    return [NetworkFileTracker(checkpoints[key], f"{prefix}{key}_{file_tag(checkpoints[key])}", results_path, label,
                               device, atom_parameter_file(constructor), "atom", overrides)
            for key, label, constructor in rows]


def run_study(config: StudyConfig = DEFAULT, workspace: Optional[PathLike] = None,
              results_path: Optional[PathLike] = None) -> dict:
    """Train, evaluate, profile and tabulate (module doc).

    Returns:
        ``{'table': str, 'table_file': Path, 'scores': {benchmark: {row: scores}},
        'profiles': {row: {'params', 'macs', 'fps'}}, 'checkpoints': {key: Path}}``.
    """
    suffix = "" if config.name == DEFAULT.name else f"_{config.name}"
    workspace = Path(workspace) if workspace else resolve_path("workspace_path") / f"distill_study{suffix}"
    results_path = Path(results_path) if results_path else resolve_path("results_path") / "distill_study"
    report_dir = results_path / "report"
    start = time.perf_counter()
    print(f"Distillation study ({config.name}): workspace {workspace}, results {results_path}\n"
          f"Teacher {short_name(config.teacher)} ({config.teacher_epochs} epochs), students {short_name(ATOM_STUDENT)} "
          f"({config.epochs} epochs) x {config.samples_per_epoch} pairs, batch {config.batch_size}, "
          f"{config.output_size} px crops, {config.train_sequences} synthetic training videos.", flush=True)
    checkpoints = train(config, workspace)
    trained = time.perf_counter()

    trackers = study_trackers(config, checkpoints, results_path, config.device)
    chosen = benchmarks(config.eval_sequences, config.eval_frames)
    print(f"\nEvaluating {len(trackers)} networks on {', '.join(chosen)}", flush=True)
    scores = {label: evaluate(trackers, sequences, report_dir / label) for label, sequences in chosen.items()}
    fps_sequence = chosen["synthetic"][0]
    profiles = {t.display_name: profile(t, fps_sequence)
                for t in study_trackers(config, checkpoints, results_path, device="cpu")}
    table = report_table(scores, profiles, SCORE_COLUMNS, row_title="Method")
    end = time.perf_counter()
    notes = (f"Precision (20 px) / Success (AUC) in percent (PyTracking analysis); MACs of one tracking step; "
             f"CPU FPS on {fps_sequence.name} ({len(fps_sequence.frames)} frames) with {TRACKING_THREADS} torch "
             f"thread.\nBudget: teacher {config.teacher_epochs} x {config.samples_per_epoch} pairs, each student "
             f"{config.epochs} x {config.samples_per_epoch} pairs (batch {config.batch_size}, {config.output_size} px "
             f"crops). Time: training {trained - start:.0f} s, evaluation {end - trained:.0f} s, "
             f"total {end - start:.0f} s.")
    table_file = report_dir / "ablation_table.txt"
    atomic_write_text(table_file, f"{table}\n\n{notes}\n")
    print(f"\n{table}\n\n{notes}\nTable and plots: {report_dir}")
    return {"table": table, "table_file": table_file, "scores": scores, "profiles": profiles,
            "checkpoints": checkpoints}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="CFKD's loss ablation in miniature on synthetic data "
                                                 "(CPU: under 30 minutes at the default size).")
    parser.add_argument("--quick", action="store_true", help="tiny sizes (about a minute; for the tests)")
    parser.add_argument("--workspace", default=None,
                        help="training workspace (default: <workspace_path>/distill_study[_quick])")
    parser.add_argument("--results-path", default=None,
                        help="tracking results, table and plots (default: <results_path>/distill_study)")
    parser.add_argument("--epochs", type=int, default=None, help="epochs of every student")
    parser.add_argument("--samples-per-epoch", type=int, default=None, help="training pairs per epoch (all runs)")
    parser.add_argument("--teacher-epochs", type=int, default=None, help="epochs of the teacher")
    parser.add_argument("--batch-size", type=int, default=None, help="training batch size")
    parser.add_argument("--output-size", type=int, default=None,
                        help="training crop side = tracker sample_size (pixels, multiple of 16)")
    parser.add_argument("--train-sequences", type=int, default=None, help="synthetic training videos")
    parser.add_argument("--teacher", default=None, help=f"teacher network constructor (default {DEFAULT_TEACHER})")
    parser.add_argument("--device", default=None, help="training and tracking device, e.g. cuda (default: "
                                                       "CUDA when available); FPS is always measured on the CPU")
    return parser


def config_from_args(args: argparse.Namespace) -> StudyConfig:
    """The ``--quick`` or default config with the given flags replacing its sizes."""
    changes = {field: value for field in ("epochs", "samples_per_epoch", "teacher_epochs", "batch_size",
                                          "output_size", "train_sequences", "teacher", "device")
               if (value := getattr(args, field)) is not None}
    return dataclasses.replace(QUICK if args.quick else DEFAULT, **changes)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        config = config_from_args(args)
    except ValueError as err:
        parser.error(str(err))
    run_study(config, args.workspace, args.results_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
