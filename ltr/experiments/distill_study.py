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
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

if __package__ in (None, ""):  # run as a file: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from ltr.admin.environment import PathLike, resolve_path  # noqa: E402
from ltr.experiments.candidate_selection import NetworkFileTracker  # noqa: E402
from ltr.experiments.common import (TRACKING_THREADS, ablation_report, atom_parameter_file, benchmarks,  # noqa: E402
                                    file_tag, final_checkpoint, mode_folder, short_name, study_parser,
                                    synthetic_data_overrides, train_run)
from ltr.train_settings.distillation import ATOM_STUDENT  # noqa: E402

DEFAULT_TEACHER = "ltr.models.bbreg.atom.atom_resnet18medium"
FEATURE_STRIDE = 16  # layer3: crops must be a multiple of it


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
CFKD_STUDENT = STUDENTS[4]
"""The full method (the student other experiments use: :func:`find_or_train_student`)."""


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


def default_workspace(config: StudyConfig) -> Path:
    """``<workspace_path>/distill_study`` (``distill_study_<name>`` for configurations other than :data:`DEFAULT`)."""
    return mode_folder("workspace_path", "distill_study", config.name, DEFAULT.name)


def data_overrides(config: StudyConfig, data: Path) -> list:
    """``--set`` items shared by every run: synthetic data (generated under ``data``), crops, batch,
    samples per epoch, loader workers."""
    return [*synthetic_data_overrides(data, config.train_sequences, config.val_sequences),
            f"processing.output_size={config.output_size}", f"batch_size={config.batch_size}",
            f"samples_per_epoch={config.samples_per_epoch}", f"val_samples_per_epoch={config.val_samples_per_epoch}",
            "val_epoch_interval=1", "num_workers=0"]


def run_folder(config: StudyConfig, role: str, epochs: int) -> str:
    """Workspace folder name of a training configuration, e.g. ``students_n60_o128_b16_4x800``."""
    return (f"{role}_n{config.train_sequences}_o{config.output_size}_b{config.batch_size}_"
            f"{epochs}x{config.samples_per_epoch}")


def teacher_folder(config: StudyConfig, workspace: Path) -> Path:
    """The teacher's run folder in ``workspace``, e.g. ``teacher_atom_resnet18medium_n60_o128_b16_8x800``."""
    return workspace / run_folder(config, f"teacher_{short_name(config.teacher)}", config.teacher_epochs)


def students_folder(config: StudyConfig, workspace: Path, teacher: Path) -> Path:
    """The students' run folder in ``workspace``, named after the teacher file's hash too."""
    return workspace / f"{run_folder(config, 'students', config.epochs)}_t{file_tag(teacher)}"


def train_teacher(config: StudyConfig, workspace: Path) -> Path:
    """Train the teacher (``ablation gt`` with ``student`` = ``config.teacher``) unless finished; its final
    checkpoint."""
    return train_run("ablation", "gt", teacher_folder(config, workspace), config.device, config.teacher_epochs,
                     [*data_overrides(config, workspace / "data"), f"student={config.teacher}"])


def train_student(config: StudyConfig, workspace: Path, teacher: Path, student: Student) -> Path:
    """Train ``student`` (distilled from ``teacher`` where its recipe uses one) unless finished; its final
    checkpoint."""
    overrides = [*data_overrides(config, workspace / "data"), f"student={ATOM_STUDENT}"]
    overrides += [f"teacher_path={teacher}"] if student.distilled else []
    return train_run(student.module, student.name, students_folder(config, workspace, teacher), config.device,
                     config.epochs, overrides)


def train(config: StudyConfig, workspace: Path) -> dict:
    """Train the teacher, then the students from it; ``{'teacher' | student key: final checkpoint}``."""
    teacher = train_teacher(config, workspace)
    return {"teacher": teacher, **{student.key: train_student(config, workspace, teacher, student)
                                   for student in STUDENTS}}


def find_or_train_student(config: StudyConfig = DEFAULT, workspace: Optional[Path] = None,
                          may_train: bool = True) -> Optional[Path]:
    """The final checkpoint of the CFKD student (``cfkd atom_cfkd``) of ``config`` in ``workspace`` (default:
    :func:`default_workspace`), in the layout of :func:`train`: when ``may_train`` the teacher and this student
    are trained there unless finished; else None when the teacher's or the student's final checkpoint is
    absent."""
    workspace = workspace or default_workspace(config)
    if may_train:
        return train_student(config, workspace, train_teacher(config, workspace), CFKD_STUDENT)
    teacher = final_checkpoint(teacher_folder(config, workspace), "ablation", "gt", config.teacher_epochs)
    if teacher is None:
        return None
    return final_checkpoint(students_folder(config, workspace, teacher), CFKD_STUDENT.module, CFKD_STUDENT.name,
                            config.epochs)


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
        ``{'table': str, 'table_file': Path, 'scores': {benchmark: {row: scores}}, 'profiles': {row:
        :func:`ltr.experiments.common.profile`}, 'checkpoints': {key: Path}}``.
    """
    workspace = Path(workspace) if workspace else default_workspace(config)
    results_path = Path(results_path) if results_path else resolve_path("results_path") / "distill_study"
    start = time.perf_counter()
    print(f"Distillation study ({config.name}): workspace {workspace}, results {results_path}\n"
          f"Teacher {short_name(config.teacher)} ({config.teacher_epochs} epochs), students {short_name(ATOM_STUDENT)} "
          f"({config.epochs} epochs) x {config.samples_per_epoch} pairs, batch {config.batch_size}, "
          f"{config.output_size} px crops, {config.train_sequences} synthetic training videos.", flush=True)
    checkpoints = train(config, workspace)
    trained = time.perf_counter()
    chosen = benchmarks(config.eval_sequences, config.eval_frames)
    report = ablation_report(study_trackers(config, checkpoints, results_path, config.device),
                             study_trackers(config, checkpoints, results_path, device="cpu"), chosen,
                             chosen["synthetic"][0], results_path / "report", config, f"{config.output_size} px",
                             start, trained)
    return {**report, "checkpoints": checkpoints}


def build_parser() -> argparse.ArgumentParser:
    parser = study_parser("CFKD's loss ablation in miniature on synthetic data (CPU: under 30 minutes at the default "
                          "size).", "distill_study", "tiny sizes (about a minute; for the tests)")
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
