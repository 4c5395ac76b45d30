"""CompressTracker's ablation in miniature: a ViT-tiny teacher, N-block students, one table (CPU, under 30 minutes).

Usage::

    python ltr/experiments/compresstracker_study.py [--quick] [--workspace DIR] [--results-path DIR]
        [--epochs N] [--samples-per-epoch N] [--teacher-epochs N] [--batch-size N] [--search-size PX]
        [--train-sequences N] [--depths N [N ...]] [--teacher-lr LR] [--student-lr LR] [--device DEV]
        [--threads N]

1. Teacher: ``ostrack/vit_tiny`` (OSTrack on ViT-tiny: width 192, 12 blocks, from random weights) on
   procedurally generated videos (:class:`ltr.dataset.SyntheticVideo`, seed 1) for ``--teacher-epochs`` at
   ``--teacher-lr``.
2. Students: ``compresstracker/vit_tiny`` from the teacher's final checkpoint, one run per row of the
   paper's ablation (CT-4, :data:`ABLATION`): GT only (no replacement, L_track only), + replacement,
   + replacement + prediction guidance, + replacement + feature mimicking, all three (progressive p), all
   three with a fixed p = 0.5; then the full method for every further depth of ``--depths`` (CT-2). All
   share the budget (``--epochs`` x ``--samples-per-epoch``), data and crops; every switch is a setting
   of :mod:`ltr.train_settings.compresstracker` set with ``--set``.
3. Evaluation: the OSTrack tracker (parameters ``pytracking/parameter/ostrack/vit_tiny.py``) on each final
   checkpoint, with the training crop sizes, on the synthetic benchmark (``synthetic_path`` setting, seed 0)
   and, when ``../shared`` is present, on the real OTB sample sequences; tracking on CPU uses one intra-op
   thread.
4. One table, students in the paper's order then the teacher: Precision (20 px) and Success (AUC) in
   percent per benchmark (PyTracking analysis); learnable parameters and parameters of leaf modules (thop's
   count, without the position embeddings); MACs of one tracking step, all matrix products (attention
   included) and convolution + linear layers only (thop's count, the paper's); CPU frames per second (one
   intra-op thread, :mod:`pytracking.analysis.profiling`) on the real Football1 (else the first synthetic
   sequence). Printed and written to ``<results>/report/ablation_table.txt`` next to the success /
   precision plots (``<results>/report/<benchmark>/``).

Budget. Crops 64 / 128 (4 x 4 template and 8 x 8 search tokens), batch 16, a few hundred pairs per epoch;
every learning-rate schedule drops 10x once after three quarters of its epochs; the progressive p schedule
(:func:`ltr.actors.ostrack.replacement_probability`) scales with the students' epochs. A ViT trained from
scratch first learns only the mean box (IoU about 0.14 on training pairs) and starts to localise after
about 4000 pairs, so the teacher gets most of the budget, at ``--teacher-lr`` 1e-3 (with the settings' 4e-4
and stochastic depth it had not started after 5120 pairs) and without stochastic depth (``drop_path_rate=0``
in every run). The students train at ``--student-lr`` 4e-4 instead of the published 4e-5 (a fine-tuning
rate for 500 epochs from a trained ViT-B). Training uses ``--threads`` intra-op threads (default 1: on this
2-core machine shared with other jobs one thread trained 2-4 times faster than two; 0 keeps torch's
default). On a GPU scale it up, e.g. ``--device cuda --threads 0 --search-size 256 --batch-size 32
--epochs 30 --samples-per-epoch 16000 --teacher-epochs 100 --train-sequences 600``.

Every training run is the command line printed before it (``ltr/run_training.py``). Runs live in
workspace folders named after their configuration (students' also after the teacher file's hash), so a
second study run reuses every run that reached its final epoch (and resumes an interrupted one); result
folders carry the network file's hash, so existing results are reused. ``--quick`` shrinks everything
(well under a minute of training; the test suite runs it).
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
from ltr.experiments.common import (TRACKING_THREADS, ablation_report, benchmarks, file_tag,  # noqa: E402
                                    final_checkpoint, mode_folder, speed_sequence, study_parser,
                                    synthetic_data_overrides, train_run)
from pytracking.evaluation.tracker import intra_op_threads  # noqa: E402

TEACHER_DEPTH = 12  # ostrack_vit_tiny's blocks
PATCH = 16
DEFAULT_TEACHER_LR = 1e-3
DEFAULT_STUDENT_LR = 4e-4
TEACHER_LABEL = "Teacher (OSTrack ViT-tiny, 12 blocks)"
PROFILE_COLUMNS = (("params", "Params (K)", 1e3), ("params_leaf_modules", "Leaf params (K)", 1e3),
                   ("macs", "MACs/frame (M)", 1e6), ("macs_conv_linear", "MACs conv+linear (M)", 1e6),
                   ("fps", "CPU FPS", 1.0))
"""``(profile key, column title, unit)`` of the efficiency columns."""


@dataclass(frozen=True)
class Variant:
    """One training configuration of ``compresstracker/vit_tiny``: its ``--set`` switches and its row label."""
    key: str
    label: str
    overrides: tuple = ()


ABLATION = (Variant("gt", "GT only", ("replacement=False", "loss.w_pred=0", "loss.w_feat=0")),
            Variant("rt", "+ replacement", ("loss.w_pred=0", "loss.w_feat=0")),
            Variant("rt_pred", "+ replacement + prediction guidance", ("loss.w_feat=0",)),
            Variant("rt_feat", "+ replacement + feature mimicking", ("loss.w_pred=0",)),
            Variant("all", "all three (progressive p)"),
            Variant("fixed", "all three, fixed p = 0.5", ("p_schedule=fixed",)))
"""The rows of the paper's ablation, in its order (settings defaults = all three, progressive p from 0.5)."""
FULL_METHOD = ABLATION[4]


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
        search_size: search crop side (pixels, multiple of 32); the template crop is half of it.
        depths: student depths N; the first gets the whole ablation, the others the full method only.
        teacher_lr, student_lr: learning rates of the teacher and of the students.
        device: training and tracking device (None: CUDA when available).
        threads: torch intra-op threads while training (0: torch's default).
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
    search_size: int = 128
    depths: tuple = (4, 2)
    teacher_lr: float = DEFAULT_TEACHER_LR
    student_lr: float = DEFAULT_STUDENT_LR
    device: Optional[str] = None
    threads: int = 1
    eval_sequences: Optional[int] = None
    eval_frames: Optional[int] = None

    def __post_init__(self) -> None:
        if self.search_size % (2 * PATCH) or self.search_size < 4 * PATCH:
            raise ValueError(f"--search-size must be a multiple of {2 * PATCH} and at least {4 * PATCH}, "
                             f"got {self.search_size}")
        for flag, value in (("--samples-per-epoch", self.samples_per_epoch),
                            ("validation samples per epoch", self.val_samples_per_epoch)):
            if value < self.batch_size:
                raise ValueError(f"{flag} ({value}) must be at least the batch size ({self.batch_size})")
        for flag, value in (("--epochs", self.epochs), ("--teacher-epochs", self.teacher_epochs),
                            ("--train-sequences", self.train_sequences)):
            if value < 1:
                raise ValueError(f"{flag} must be at least 1, got {value}")
        if not self.depths or any(n < 1 or TEACHER_DEPTH % n for n in self.depths) or len(set(self.depths)) < len(
                self.depths):
            raise ValueError(f"--depths must be distinct divisors of the teacher's {TEACHER_DEPTH} blocks, "
                             f"got {' '.join(map(str, self.depths))}")
        if self.threads < 0:
            raise ValueError(f"--threads must be 0 or more, got {self.threads}")

    @property
    def template_size(self) -> int:
        """Template crop side: half the search crop (OSTrack's factors 2 and 4)."""
        return self.search_size // 2


# Measured on the 2-core CPU shared with other jobs, one training thread, 64 / 128 crops, batch 16: the teacher
# trains 29 pairs/s and ends at an IoU of 0.52 (training) / 0.46 (validation pairs); students 72 pairs/s (GT only),
# 50-70 (replacement) and 34-44 (with a distillation term: the teacher runs too). The teacher's 15360 pairs
# (9 min), 7 x 1920 student pairs (5.5 min) and 8 evaluations (2.7 min) took 17 minutes; more under heavier load.
DEFAULT = StudyConfig("default", train_sequences=60, val_sequences=6, epochs=4, samples_per_epoch=480,
                      teacher_epochs=32, val_samples_per_epoch=32, batch_size=16)
QUICK = StudyConfig("quick", train_sequences=4, val_sequences=2, epochs=1, samples_per_epoch=4, teacher_epochs=1,
                    val_samples_per_epoch=2, batch_size=2, search_size=64, eval_sequences=2, eval_frames=8)


def students(config: StudyConfig) -> list:
    """``[(key, label, N, variant)]`` of every student in table order: the ablation at ``depths[0]``, then the
    full method at each further depth; keys like ``'n4_gt'``, labels like ``'CT-4: GT only'``."""
    rows = [(config.depths[0], variant) for variant in ABLATION] + [(n, FULL_METHOD) for n in config.depths[1:]]
    return [(f"n{n}_{variant.key}", f"CT-{n}: {variant.label}", n, variant) for n, variant in rows]


def default_workspace(config: StudyConfig) -> Path:
    """``<workspace_path>/compresstracker_study`` (``compresstracker_study_<name>`` for configurations other than
    :data:`DEFAULT`)."""
    return mode_folder("workspace_path", "compresstracker_study", config.name, DEFAULT.name)


def shared_overrides(config: StudyConfig, data: Path) -> list:
    """``--set`` items shared by every run: synthetic data (generated under ``data``), crops, batch, samples
    per epoch, validation every epoch, loader workers, no stochastic depth."""
    return [*synthetic_data_overrides(data, config.train_sequences, config.val_sequences),
            f"processing.output_size.template={config.template_size}",
            f"processing.output_size.search={config.search_size}", f"batch_size={config.batch_size}",
            f"samples_per_epoch={config.samples_per_epoch}", f"val_samples_per_epoch={config.val_samples_per_epoch}",
            "val_epoch_interval=1", "num_workers=0", "drop_path_rate=0.0"]


def run_folder(config: StudyConfig, role: str, epochs: int, lr: float) -> str:
    """Workspace folder name of a training configuration, e.g. ``teacher_n60_s128_b16_16x640_lr0.001``."""
    return f"{role}_n{config.train_sequences}_s{config.search_size}_b{config.batch_size}_{epochs}x" \
           f"{config.samples_per_epoch}_lr{lr:g}"


def teacher_folder(config: StudyConfig, workspace: Path) -> Path:
    """The teacher's run folder in ``workspace``."""
    return workspace / run_folder(config, "teacher", config.teacher_epochs, config.teacher_lr)


def student_folder(config: StudyConfig, workspace: Path, teacher: Path, key: str) -> Path:
    """The run folder of student ``key`` in ``workspace``: ``<students folder>_t<teacher file hash>/<key>``."""
    return workspace / f"{run_folder(config, 'students', config.epochs, config.student_lr)}_t{file_tag(teacher)}" / key


def train_teacher(config: StudyConfig, workspace: Path) -> Path:
    """Train the teacher (``ostrack vit_tiny`` at ``config.teacher_lr``) unless finished; its final checkpoint."""
    return train_run("ostrack", "vit_tiny", teacher_folder(config, workspace), config.device, config.teacher_epochs,
                     [*shared_overrides(config, workspace / "data"), f"lr={config.teacher_lr}"])


def train_student(config: StudyConfig, workspace: Path, teacher: Path, key: str, num_layers: int,
                  variant: Variant) -> Path:
    """Train student ``key`` (``num_layers`` blocks, the switches of ``variant``) from ``teacher`` unless finished;
    its final checkpoint."""
    overrides = [*shared_overrides(config, workspace / "data"), f"teacher_path={teacher}", f"num_layers={num_layers}",
                 f"lr={config.student_lr}", *variant.overrides]
    return train_run("compresstracker", "vit_tiny", student_folder(config, workspace, teacher, key), config.device,
                     config.epochs, overrides)


def train(config: StudyConfig, workspace: Path) -> dict:
    """Train the teacher, then every student from it; ``{'teacher' | student key: final checkpoint}``."""
    teacher = train_teacher(config, workspace)
    return {"teacher": teacher, **{key: train_student(config, workspace, teacher, key, num_layers, variant)
                                   for key, _, num_layers, variant in students(config)}}


def find_or_train_student(config: StudyConfig = DEFAULT, workspace: Optional[Path] = None,
                          may_train: bool = True) -> Optional[Path]:
    """The final checkpoint of the CT-N student of the full method (N = ``config.depths[0]``) of ``config`` in
    ``workspace`` (default: :func:`default_workspace`), in the layout of :func:`train`: when ``may_train`` the
    teacher and this student are trained there unless finished; else None when the teacher's or the student's
    final checkpoint is absent."""
    workspace = workspace or default_workspace(config)
    key, _, num_layers, variant = next(row for row in students(config) if row[3] == FULL_METHOD)
    if may_train:
        return train_student(config, workspace, train_teacher(config, workspace), key, num_layers, variant)
    teacher = final_checkpoint(teacher_folder(config, workspace), "ostrack", "vit_tiny", config.teacher_epochs)
    if teacher is None:
        return None
    return final_checkpoint(student_folder(config, workspace, teacher, key), "compresstracker", "vit_tiny",
                            config.epochs)


def study_trackers(config: StudyConfig, checkpoints: dict, results_path: Path,
                   device: Optional[str] = None) -> list:
    """The OSTrack tracker on every checkpoint, students in :func:`students` order then the teacher; results
    in ``<results_path>/ostrack/ct_[quick_]<key>_<file hash>``."""
    prefix = "ct_" if config.name == DEFAULT.name else f"ct_{config.name}_"
    rows = [(key, label) for key, label, _, _ in students(config)] + [("teacher", TEACHER_LABEL)]
    overrides = {"template_size": config.template_size, "search_size": config.search_size,
                 "num_threads": TRACKING_THREADS}
    return [NetworkFileTracker(checkpoints[key], f"{prefix}{key}_{file_tag(checkpoints[key])}", results_path, label,
                               device, "vit_tiny", "ostrack", overrides)
            for key, label in rows]


def run_study(config: StudyConfig = DEFAULT, workspace: Optional[PathLike] = None,
              results_path: Optional[PathLike] = None) -> dict:
    """Train, evaluate, profile and tabulate (module doc).

    Returns:
        ``{'table': str, 'table_file': Path, 'scores': {benchmark: {row: scores}},
        'profiles': {row: {'params', 'params_leaf_modules', 'macs', 'macs_conv_linear', 'fps'}},
        'checkpoints': {key: Path}}``.
    """
    workspace = Path(workspace) if workspace else default_workspace(config)
    results_path = Path(results_path) if results_path else resolve_path("results_path") / "compresstracker_study"
    start = time.perf_counter()
    print(f"CompressTracker study ({config.name}): workspace {workspace}, results {results_path}\n"
          f"Teacher OSTrack ViT-tiny ({config.teacher_epochs} epochs, lr {config.teacher_lr:g}), students N = "
          f"{', '.join(map(str, config.depths))} ({config.epochs} epochs, lr {config.student_lr:g}) x "
          f"{config.samples_per_epoch} pairs, batch {config.batch_size}, {config.template_size} / "
          f"{config.search_size} px crops, {config.train_sequences} synthetic training videos.", flush=True)
    with intra_op_threads(config.threads or None):
        checkpoints = train(config, workspace)
    trained = time.perf_counter()
    chosen = benchmarks(config.eval_sequences, config.eval_frames)
    report = ablation_report(study_trackers(config, checkpoints, results_path, config.device),
                             study_trackers(config, checkpoints, results_path, device="cpu"), chosen,
                             speed_sequence(chosen), results_path / "report", config,
                             f"{config.template_size} / {config.search_size} px", start, trained, PROFILE_COLUMNS)
    return {**report, "checkpoints": checkpoints}


def build_parser() -> argparse.ArgumentParser:
    parser = study_parser("CompressTracker's ablation in miniature on synthetic data (CPU: under 30 minutes at the "
                          "default size).", "compresstracker_study", "tiny sizes (well under a minute; for the tests)")
    parser.add_argument("--search-size", type=int, default=None,
                        help="search crop side (pixels, multiple of 32; the template crop is half of it)")
    parser.add_argument("--train-sequences", type=int, default=None, help="synthetic training videos")
    parser.add_argument("--depths", type=int, nargs="+", default=None,
                        help="student depths: the first gets the whole ablation, the others the full method "
                             "(default 4 2)")
    parser.add_argument("--teacher-lr", type=float, default=None,
                        help=f"teacher's learning rate (default {DEFAULT_TEACHER_LR:g})")
    parser.add_argument("--student-lr", type=float, default=None,
                        help=f"students' learning rate (default {DEFAULT_STUDENT_LR:g})")
    parser.add_argument("--device", default=None, help="training and tracking device, e.g. cuda (default: "
                                                       "CUDA when available); FPS is always measured on the CPU")
    parser.add_argument("--threads", type=int, default=None,
                        help="torch intra-op threads while training (default 1; 0: torch's default)")
    return parser


def config_from_args(args: argparse.Namespace) -> StudyConfig:
    """The ``--quick`` or default config with the given flags replacing its sizes."""
    changes = {field: value for field in ("epochs", "samples_per_epoch", "teacher_epochs", "batch_size",
                                          "search_size", "train_sequences", "teacher_lr", "student_lr", "device",
                                          "threads")
               if (value := getattr(args, field)) is not None}
    if args.depths is not None:
        changes["depths"] = tuple(args.depths)
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
