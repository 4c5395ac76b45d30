"""Alpha-Refine in miniature: train the ResNet-18 refiner, then track base vs base + refiner (CPU, under 30 minutes).

Usage::

    python ltr/experiments/refine_study.py [--quick] [--workspace DIR] [--results-path DIR] [--device DEV]
        [--threads N] [--trackers KEY ...] [--refiner-epochs N] [--refiner-samples-per-epoch N]
        [--refiner-batch-size N] [--crop-size PX] [--eval-frames N] [--atom-student FILE]
        [--compresstracker-student FILE]

1. Refiner: ``refine secm_r18`` (Alpha-Refine's heads on ResNet-18) from random weights (``--set
   backbone_pretrained=False``: no ImageNet weights here) on the distillation study's synthetic training
   videos with target masks (:class:`ltr.dataset.SyntheticVideo`, seed 1; validation seed 2), with
   ``--crop-size`` crops (128 px, the smallest that keeps the 8 x 8 template kernel, instead of 256).
2. Base trackers (``--trackers``): KCF; the official FDSiamFC_30 and the original SiamFC network
   (``siamfc/fdsiamfc_30_official``, ``siamfc/siamfc_original``; their files are taken from the network
   folder, else from ``../shared/networks``; a missing file skips the row); an ATOM CFKD student of the
   distillation study (``--atom-student``, else the one ``make study`` left in ``<workspace_path>/distill_study``,
   else a reduced teacher + CFKD student trained here with :mod:`ltr.experiments.distill_study`'s runs); a
   CompressTracker ViT-tiny student (``--compresstracker-student``, else the CT-4 student of the full method
   that :mod:`ltr.experiments.compresstracker_study` left in ``<workspace_path>/compresstracker_study``, else a
   reduced ``ostrack vit_tiny`` teacher + CT-4 student trained here with that study's runs).
3. Every base tracker runs alone and with the trained refiner plugged in
   (:class:`pytracking.refine.RefinedTracker`: each box refined and handed back with ``set_box``), on the
   synthetic benchmark (``synthetic_path``, seed 0) and the real OTB sample sequences of
   ``../shared/data/otb_sample`` when present, each cut to its first ``--eval-frames`` frames.
4. One table, rows ``<tracker>`` / ``<tracker> + AR18``: AUC, OP75 and Precision (percent, PyTracking
   analysis) per benchmark and the refiner's mean CPU latency per refinement in ms; the caption gives its
   parameters and MACs (:mod:`pytracking.analysis.profiling`). Printed and written to
   ``<results>/report/refine_table.txt`` next to the success / precision plots.

Budget. Torch runs with ``--threads`` intra-op threads (default 1: on the loaded 2-core CPU one thread trained
the refiner three times faster than two and tracked SiamFC twice as fast). Every run's learning rate drops
once after three quarters of its epochs (the recipes' StepLR steps do not scale to a few epochs). On a GPU
scale it up with the flags, e.g. ``--device cuda --threads 0 --crop-size 256 --refiner-epochs 20
--refiner-samples-per-epoch 8000 --refiner-batch-size 32 --eval-frames 0``.

Every training run is the command line printed before it (``ltr/run_training.py``) and lives in a workspace
folder named after its configuration, so a second run reuses finished training; tracking results of trained
networks carry their file's hash (and the refined ones the refiner's), so existing results are reused.
``--quick`` shrinks everything (well under a minute; the test suite runs it).
"""
from __future__ import annotations

import argparse
import dataclasses
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping, Optional, Sequence

if __package__ in (None, ""):  # run as a file: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import torch  # noqa: E402

from ltr.admin.environment import PathLike, resolve_path  # noqa: E402
from ltr.admin.errors import InputError, command_line  # noqa: E402
from ltr.admin.loading import torch_load  # noqa: E402
from ltr.data.image_loader import imread_rgb  # noqa: E402
from ltr.experiments import compresstracker_study, distill_study  # noqa: E402
from ltr.experiments.candidate_selection import NetworkFileTracker, recorded_constructor  # noqa: E402
from ltr.experiments.common import (SHARED_NETWORKS, atom_parameter_file, benchmarks, evaluate_benchmarks,  # noqa
                                    file_tag, mode_folder, train_run, write_report)
from ltr.models.refine.alpharefine import FEATURE_STRIDE  # noqa: E402
from ltr.models.refine.heads import KERNEL_SIZE  # noqa: E402
from ltr.train_settings.distillation import ATOM_STUDENT  # noqa: E402
from pytracking.analysis.profiling import count_macs, count_parameters  # noqa: E402
from pytracking.analysis.tables import format_table  # noqa: E402
from pytracking.evaluation.data import Sequence as TrackingSequence  # noqa: E402
from pytracking.evaluation.tracker import Tracker, intra_op_threads  # noqa: E402
from pytracking.refine import AlphaRefine, RefinedTracker  # noqa: E402
from pytracking.refine.alpha_refine import refiner_parameters  # noqa: E402
from pytracking.utils.params import TrackerParams  # noqa: E402

REFINER = "ar18"  # pytracking/parameter/refine/ar18.py: the test-time settings of the ResNet-18 refiner
REFINER_LABEL = "AR18"
SCORE_COLUMNS = (("auc", "AUC"), ("op75", "OP75"), ("precision", "Precision"))
TRACKER_KEYS = ("kcf", "fdsiamfc_30", "siamfc", "atom_cfkd", "compresstracker")
"""Base trackers in table order (``--trackers`` chooses among them)."""
PUBLISHED = {"fdsiamfc_30": ("FDSiamFC_30 (official)", "fdsiamfc_30_official", "FDSiamfc_30.pth"),
             "siamfc": ("SiamFC (original)", "siamfc_original", "siamfc_3s_color_int8_dequantized.pth")}
"""Key -> (row label, ``siamfc`` parameter file, published network file)."""
CT_PARAMETER_FILE = "vit_tiny"  # ostrack parameters; network and crop sizes come from the checkpoint


class StudyInputError(InputError, ValueError):
    """A flag of the study that cannot work (a student file that does not exist, a bad size)."""


@dataclass(frozen=True)
class RefineStudyConfig:
    """Sizes of one study.

    Attributes:
        name: 'default' or 'quick'.
        atom: the distillation study's sizes for a reduced ATOM teacher + CFKD student (trained only when no
            student is found) and the synthetic data every run trains on (``train_sequences``, ``val_sequences``,
            ``val_samples_per_epoch``).
        compresstracker: the CompressTracker study's sizes for a reduced ViT-tiny teacher + CT-N student (N =
            its first depth, the full method; trained only when no student is found).
        refiner_epochs, refiner_samples_per_epoch, refiner_batch_size: the refiner's training budget.
        crop_size: the refiner's crop side in training and tracking (pixels, multiple of 16, at least 128).
        trackers: base trackers, keys of :data:`TRACKER_KEYS`.
        eval_sequences: sequences evaluated per benchmark (None: all).
        eval_frames: frames tracked per sequence (None: all).
        otb_sequences: OTB sample sequences (None: every sequence folder of ``../shared/data/otb_sample``).
        threads: torch intra-op threads for training, tracking and latency (None: torch's default).
        device: training and tracking device (None: CUDA when available); latency is always measured on the CPU.
        atom_student, compresstracker_student: student checkpoints to use instead of looking for them.
    """
    name: str
    atom: distill_study.StudyConfig
    compresstracker: compresstracker_study.StudyConfig
    refiner_epochs: int
    refiner_samples_per_epoch: int
    refiner_batch_size: int
    crop_size: int = KERNEL_SIZE * FEATURE_STRIDE
    trackers: tuple = TRACKER_KEYS
    eval_sequences: Optional[int] = None
    eval_frames: Optional[int] = None
    otb_sequences: Optional[tuple] = None
    threads: Optional[int] = 1
    device: Optional[str] = None
    atom_student: Optional[Path] = None
    compresstracker_student: Optional[Path] = None

    def __post_init__(self) -> None:
        if self.crop_size % FEATURE_STRIDE or self.crop_size < KERNEL_SIZE * FEATURE_STRIDE:
            raise StudyInputError(f"--crop-size must be a multiple of {FEATURE_STRIDE} and at least "
                                  f"{KERNEL_SIZE * FEATURE_STRIDE} (the {KERNEL_SIZE} x {KERNEL_SIZE} template "
                                  f"kernel), got {self.crop_size}")
        if self.refiner_epochs < 1:
            raise StudyInputError(f"--refiner-epochs must be at least 1, got {self.refiner_epochs}")
        unknown = sorted(set(self.trackers) - set(TRACKER_KEYS))
        if unknown or not self.trackers:
            raise StudyInputError(f"--trackers: unknown {unknown} (known: {', '.join(TRACKER_KEYS)})" if unknown
                                  else "--trackers: give at least one tracker")
        if self.eval_frames is not None and self.eval_frames < 2:
            raise StudyInputError(f"--eval-frames must be at least 2 (or 0 for all), got {self.eval_frames}")
        for flag, path in (("--atom-student", self.atom_student),
                           ("--compresstracker-student", self.compresstracker_student)):
            if path is not None and not Path(path).is_file():
                raise StudyInputError(f"{flag}: '{path}' is not a file")
        if self.refiner_samples_per_epoch < self.refiner_batch_size:
            raise StudyInputError(f"--refiner-samples-per-epoch ({self.refiner_samples_per_epoch}) must be at least "
                                  f"--refiner-batch-size ({self.refiner_batch_size})")

    def refiner_data(self) -> distill_study.StudyConfig:
        """The data sizes of the refiner run (the ATOM runs' videos, the refiner's crops, batch and pairs)."""
        return dataclasses.replace(self.atom, output_size=self.crop_size, batch_size=self.refiner_batch_size,
                                   samples_per_epoch=self.refiner_samples_per_epoch, epochs=self.refiner_epochs,
                                   val_samples_per_epoch=max(self.atom.val_samples_per_epoch, self.refiner_batch_size))


# Measured on the 2-core CPU shared with other jobs, one torch thread: the refiner trains 7-11 pairs/s (128 px
# crops, batch 16), the ATOM teacher 30 and the CFKD student 12-23 pairs/s, the ViT-tiny teacher and CT-4
# student 13-19 pairs/s; tracking FPS: KCF ~600, FDSiamFC_30 ~30, SiamFC ~6.5, ATOM MobileNetV2 ~60,
# CT-4 ~80; one refinement ~18 ms. Training about 12 minutes (refiner 5, ATOM 4, CompressTracker 3), tracking
# 5 base + 5 refined trackers over 6 synthetic and 4 OTB sequences cut to 100 frames (884 frames) 8.5 minutes.
DEFAULT = RefineStudyConfig(
    "default", atom=dataclasses.replace(distill_study.DEFAULT, epochs=3, teacher_epochs=3),
    compresstracker=dataclasses.replace(compresstracker_study.DEFAULT, teacher_epochs=3, epochs=2,
                                        samples_per_epoch=480, depths=(4,)),
    refiner_epochs=5, refiner_samples_per_epoch=640, refiner_batch_size=16, eval_frames=100)
QUICK = RefineStudyConfig(
    "quick", atom=distill_study.QUICK, compresstracker=dataclasses.replace(compresstracker_study.QUICK, depths=(4,)),
    refiner_epochs=1, refiner_samples_per_epoch=8, refiner_batch_size=4,
    trackers=("kcf", "fdsiamfc_30", "atom_cfkd"), eval_sequences=2, eval_frames=10, otb_sequences=("Football1",))


def train_refiner(config: RefineStudyConfig, workspace: Path) -> Path:
    """``refine secm_r18`` from random weights on the synthetic videos with masks; its final checkpoint."""
    data = config.refiner_data()
    folder = workspace / distill_study.run_folder(data, "refiner_secm_r18", config.refiner_epochs)
    return train_run("refine", "secm_r18", folder, config.device, config.refiner_epochs,
                     [*distill_study.data_overrides(data, workspace / "data"), "backbone_pretrained=False"])


def study_student(role: str, given: Optional[PathLike], find_or_train: Callable[..., Optional[Path]],
                  reduced: object, workspace: Path, found_from: str, training: str) -> Path:
    """``given``, else the student another study left in its default workspace (``find_or_train(may_train=False)``:
    its default configuration), else the one ``find_or_train`` trains for its configuration ``reduced`` in
    ``workspace``; ``role``, ``found_from`` and ``training`` word the line printed about the choice."""
    if given is not None:
        return Path(given)
    found = find_or_train(may_train=False)
    if found is not None:
        print(f"\n{role}: {found_from} {found}", flush=True)
        return found
    print(f"\n{role}: {training}", flush=True)
    return find_or_train(reduced, workspace)


def atom_student(config: RefineStudyConfig, workspace: Path) -> Path:
    """``--atom-student``, else the CFKD student of ``make study`` (the distillation study's default sizes in
    ``<workspace_path>/distill_study``), else a reduced one (``config.atom``) trained in ``workspace``."""
    return study_student("ATOM student", config.atom_student, distill_study.find_or_train_student,
                         dataclasses.replace(config.atom, device=config.device), workspace,
                         "the distillation study's CFKD student", "none from the distillation study (make study); "
                         "training a reduced teacher + CFKD student")


def compresstracker_student(config: RefineStudyConfig, workspace: Path) -> Path:
    """``--compresstracker-student``, else the CT-4 student of the CompressTracker study (its default sizes in
    ``<workspace_path>/compresstracker_study``), else a reduced one (``config.compresstracker``) trained in
    ``workspace``."""
    return study_student("CompressTracker student", config.compresstracker_student,
                         compresstracker_study.find_or_train_student,
                         dataclasses.replace(config.compresstracker, device=config.device), workspace,
                         "the CompressTracker study's", "none from the CompressTracker study; training a reduced "
                         "ViT-tiny teacher + CT-4 student")


def study_refiner_params(net_file: PathLike, crop_size: int, device: str) -> TrackerParams:
    """The parameters of ``pytracking/parameter/refine/ar18.py`` with ``net_path`` = ``net_file`` and
    ``output_size`` = ``crop_size``, on ``device``."""
    params = refiner_parameters(REFINER)
    params.net_path = str(net_file)
    params.output_size = crop_size
    params.device = device
    return params


def training_crop_size(checkpoint: Path, default: int) -> int:
    """The crop size an ATOM training checkpoint records (``settings.processing.output_size``), else ``default``."""
    data = torch_load(checkpoint)
    settings = data.get("settings") if isinstance(data, dict) else None
    return (settings or {}).get("processing", {}).get("output_size", default)


def published_network(file_name: str) -> Optional[Path]:
    """A published network file in the network folder (``network_path`` setting), else in ``../shared/networks``."""
    for folder in (resolve_path("network_path"), SHARED_NETWORKS):
        if (folder / file_name).is_file():
            return folder / file_name
    return None


class ParameterTracker(Tracker):
    """``name/param`` with some parameters replaced (e.g. ``net_path`` = a file found by the study)."""

    def __init__(self, name: str, parameter_name: str, overrides: Mapping[str, object], display_name: str,
                 results_path: PathLike) -> None:
        super().__init__(name, parameter_name, display_name=display_name, results_path=results_path)
        self.overrides = dict(overrides)

    def get_parameters(self) -> TrackerParams:
        params = super().get_parameters()
        for key, value in self.overrides.items():
            setattr(params, key, value)
        return params


class FileRefinedTracker(Tracker):
    """``base`` with the ``ar18`` refiner on the network file ``net_file`` (:func:`study_refiner_params`).

    Like ``base.with_refiner('ar18')``, but with the refiner's parameters replaced. Its parameter name (and
    results folder beside the base tracker's) is ``<base param>_ar18_<file hash>``: a retrained refiner never
    reuses old results, and the analysis, which groups runs by (tracker, parameter name), keeps base and
    refined apart. The refiner runs on ``device`` (None: the base tracker's device, the CPU for trackers
    without one).
    """

    def __init__(self, base: Tracker, net_file: PathLike, crop_size: int, display_name: str,
                 device: Optional[str] = None) -> None:
        results_path = base.results_dir.parents[1]  # <results_path>/<tracker>/<param>[_<run>]
        super().__init__(base.name, f"{base.parameter_name}_{REFINER}_{file_tag(Path(net_file))}", base.run_id,
                         display_name, results_path)
        self.base = base
        self.net_file = Path(net_file).resolve()
        self.crop_size = crop_size
        self.device = device

    def get_parameters(self) -> TrackerParams:
        return self.base.get_parameters()

    def create_tracker(self, debug: Optional[int] = None) -> RefinedTracker:
        tracker = self.base.create_tracker(debug)
        device = self.device or str(getattr(tracker, "device", "cpu"))
        return RefinedTracker(tracker, AlphaRefine(study_refiner_params(self.net_file, self.crop_size, device)))

    def check(self) -> None:
        super().check()
        AlphaRefine(study_refiner_params(self.net_file, self.crop_size, "cpu"))


def base_trackers(config: RefineStudyConfig, workspace: Path, results_path: Path) -> tuple:
    """``([base Tracker], {key: reason skipped})`` for ``config.trackers`` in :data:`TRACKER_KEYS` order
    (training the students that are not found)."""
    trackers, skipped = [], {}
    device = {"device": config.device} if config.device else {}
    for key in (k for k in TRACKER_KEYS if k in config.trackers):
        if key == "kcf":
            trackers.append(Tracker("kcf", "default", display_name="KCF", results_path=results_path))
        elif key in PUBLISHED:
            label, param, file_name = PUBLISHED[key]
            path = published_network(file_name)
            if path is None:
                skipped[key] = (f"{file_name} is neither in the network folder ({resolve_path('network_path')}) "
                                f"nor in {SHARED_NETWORKS}")
                continue
            trackers.append(ParameterTracker("siamfc", param, {"net_path": str(path), **device}, label, results_path))
        elif key == "atom_cfkd":
            path = atom_student(config, workspace)
            overrides = {"sample_size": training_crop_size(path, config.atom.output_size)}
            trackers.append(NetworkFileTracker(path, f"cfkd_{file_tag(path)}", results_path, "ATOM CFKD student",
                                               config.device, atom_parameter_file(ATOM_STUDENT),
                                               "atom", overrides))
        else:
            path = compresstracker_student(config, workspace)
            recorded = recorded_constructor(path).kwds  # its depth and the crops it was trained on
            sizes = {key: recorded[key] for key in ("template_size", "search_size") if key in recorded}
            label = f"CompressTracker CT-{recorded.get('num_layers', '?')} student"
            trackers.append(NetworkFileTracker(path, f"ct_{file_tag(path)}", results_path, label, config.device,
                                               CT_PARAMETER_FILE, "ostrack", sizes))
    return trackers, skipped


def parameters_run(net: torch.nn.Module, step: Callable[[], object]) -> int:
    """Parameters of the modules of ``net`` that run in ``step()`` (the refiner's backbone keeps layer4 and fc
    for the published layout, and its mask branch runs only in training)."""
    ran = set()
    handles = [module.register_forward_hook(lambda module, *_: ran.add(module)) for module in net.modules()]
    try:
        step()
    finally:
        for handle in handles:
            handle.remove()
    return sum(p.numel() for module in ran for p in module.parameters(recurse=False))


def refiner_profile(refiner: AlphaRefine, sequence: TrackingSequence) -> dict:
    """``{'params', 'params_run', 'macs', 'latency_ms'}`` of ``refiner``: learnable parameters, those run per
    refinement (:func:`parameters_run`), MACs of one refinement and the mean latency per refinement over the
    frames of ``sequence`` after the first (its first box refined on every frame)."""
    images = [imread_rgb(f) for f in sequence.frames]
    box = list(sequence.init_info()["init_bbox"])
    refiner.initialize(images[0], box)
    macs = count_macs(refiner.net, lambda: refiner.refine(images[1], box))["macs_per_frame"]
    start = time.perf_counter()
    for image in images[1:]:
        refiner.refine(image, box)
    latency = 1000 * (time.perf_counter() - start) / (len(images) - 1)
    return {"params": count_parameters(refiner.net)["params"],
            "params_run": parameters_run(refiner.net, lambda: refiner.refine(images[1], box)),
            "macs": macs, "latency_ms": latency}


def refine_table(scores: dict, pairs: Sequence[tuple], latency_ms: float) -> str:
    """Rows base / refined for each ``(base, refined)`` display-name pair; per benchmark of ``scores``
    (``{benchmark: {row: summary scores}}``) the :data:`SCORE_COLUMNS`, then the refiner's latency (refined
    rows; ``n/a`` on base rows)."""
    rows = [name for pair in pairs for name in pair]
    columns = [f"{label} {title}" for label in scores for _, title in SCORE_COLUMNS] + [f"{REFINER_LABEL} ms/frame"]
    values = [[per_tracker[row][key] for per_tracker in scores.values() for key, _ in SCORE_COLUMNS]
              + [latency_ms if index % 2 else math.nan] for index, row in enumerate(rows)]
    return format_table("Tracker", rows, columns, values, fmt="{:.1f}").replace("nan", "n/a")


def run_study(config: RefineStudyConfig = DEFAULT, workspace: Optional[PathLike] = None,
              results_path: Optional[PathLike] = None) -> dict:
    """Train, track, profile and tabulate (module doc).

    Returns:
        ``{'table': str, 'table_file': Path, 'scores': {benchmark: {row: scores}}, 'pairs': [(base row,
        refined row)], 'refiner': {'params', 'macs', 'latency_ms', 'checkpoint'}, 'skipped': {key: reason}}``.
    """
    workspace = Path(workspace) if workspace else mode_folder("workspace_path", "refine_study", config.name,
                                                              DEFAULT.name)
    results_path = Path(results_path) if results_path else mode_folder("results_path", "refine_study", config.name,
                                                                       DEFAULT.name)
    report_dir = results_path / "report"
    tracking_dir = results_path / ("tracking" if config.eval_frames is None else f"tracking_first{config.eval_frames}")
    with intra_op_threads(config.threads):
        start = time.perf_counter()
        print(f"Alpha-Refine study ({config.name}): workspace {workspace}, results {results_path}\nRefiner "
              f"secm_r18 from scratch, {config.refiner_epochs} x {config.refiner_samples_per_epoch} pairs, batch "
              f"{config.refiner_batch_size}, {config.crop_size} px crops, {config.atom.train_sequences} synthetic "
              f"training videos with masks.", flush=True)
        bases, skipped = base_trackers(config, workspace, tracking_dir)
        for key, reason in skipped.items():
            print(f"\nSkipping {key}: {reason}", flush=True)
        if not bases:
            raise StudyInputError("no tracker left to evaluate (" + "; ".join(skipped.values()) + ")")
        refiner = train_refiner(config, workspace)
        trained = time.perf_counter()
        refined = [FileRefinedTracker(t, refiner, config.crop_size, f"{t.display_name} + {REFINER_LABEL}",
                                      config.device) for t in bases]
        chosen = benchmarks(config.eval_sequences, config.eval_frames, config.otb_sequences)
        trackers = [t for pair in zip(bases, refined) for t in pair]
        print(f"\nTracking {len(trackers)} trackers on {', '.join(chosen)}", flush=True)
        scores = evaluate_benchmarks(trackers, chosen, report_dir)
        latency_sequence = chosen["synthetic"][0]
        profiled = refiner_profile(AlphaRefine(study_refiner_params(refiner, config.crop_size, "cpu")),
                                   latency_sequence)
        end = time.perf_counter()
    pairs = [(b.display_name, r.display_name) for b, r in zip(bases, refined)]
    table = refine_table(scores, pairs, profiled["latency_ms"])
    frames = "all frames" if config.eval_frames is None else f"the first {config.eval_frames} frames"
    notes = (f"{REFINER_LABEL}: Alpha-Refine ResNet-18 ({profiled['params'] / 1e6:.2f} M parameters, "
             f"{profiled['params_run'] / 1e6:.2f} M of them run per refinement; {profiled['macs'] / 1e9:.2f} "
             f"GMACs per refinement at {config.crop_size} px crops) trained from "
             f"scratch on {config.atom.train_sequences} synthetic videos, {config.refiner_epochs} x "
             f"{config.refiner_samples_per_epoch} pairs; latency: mean CPU ms per refinement on "
             f"{latency_sequence.name} ({len(latency_sequence.frames) - 1} frames, torch threads: "
             f"{config.threads or 'default'}).\nScores in percent (PyTracking analysis) over "
             f"{frames} of each sequence ({', '.join(f'{k}: {len(v)}' for k, v in chosen.items())} sequences). "
             f"Time: training {trained - start:.0f} s, tracking and profiling {end - trained:.0f} s, total "
             f"{end - start:.0f} s." + "".join(f"\nSkipped {key}: {reason}." for key, reason in skipped.items()))
    table_file = report_dir / "refine_table.txt"
    write_report(table_file, table, notes)
    return {"table": table, "table_file": table_file, "scores": scores, "pairs": pairs,
            "refiner": {**profiled, "checkpoint": refiner}, "skipped": skipped}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Alpha-Refine in miniature: train the ResNet-18 refiner on "
                                                 "synthetic videos, track base vs base + refiner (CPU: under 30 "
                                                 "minutes at the default size).")
    parser.add_argument("--quick", action="store_true", help="tiny sizes and three trackers (for the tests)")
    parser.add_argument("--workspace", default=None,
                        help="training workspace (default: <workspace_path>/refine_study[_quick])")
    parser.add_argument("--results-path", default=None,
                        help="tracking results, table and plots (default: <results_path>/refine_study[_quick])")
    parser.add_argument("--device", default=None, help="training and tracking device, e.g. cuda (default: CUDA "
                                                       "when available); latency is always measured on the CPU")
    parser.add_argument("--threads", type=int, default=None,
                        help="torch intra-op threads (default 1; 0: torch's default)")
    parser.add_argument("--trackers", nargs="+", default=None, metavar="KEY",
                        help=f"base trackers among {', '.join(TRACKER_KEYS)} (default: all; --quick: three)")
    parser.add_argument("--refiner-epochs", type=int, default=None, help="refiner training epochs")
    parser.add_argument("--refiner-samples-per-epoch", type=int, default=None, help="refiner training pairs per epoch")
    parser.add_argument("--refiner-batch-size", type=int, default=None, help="refiner training batch size")
    parser.add_argument("--crop-size", type=int, default=None,
                        help="refiner crop side in training and tracking (pixels, multiple of 16, at least 128)")
    parser.add_argument("--eval-frames", type=int, default=None,
                        help="frames tracked per sequence (default 100; 0: all)")
    parser.add_argument("--atom-student", type=Path, default=None, help="ATOM student checkpoint to use")
    parser.add_argument("--compresstracker-student", type=Path, default=None,
                        help="CompressTracker student checkpoint to use")
    return parser


def config_from_args(args: argparse.Namespace) -> RefineStudyConfig:
    """The ``--quick`` or default config with the given flags replacing its values."""
    changes = {field: value for field in ("device", "refiner_epochs", "refiner_samples_per_epoch",
                                          "refiner_batch_size", "crop_size", "atom_student",
                                          "compresstracker_student")
               if (value := getattr(args, field)) is not None}
    if args.trackers is not None:
        changes["trackers"] = tuple(args.trackers)
    if args.threads is not None:
        changes["threads"] = args.threads or None
    if args.eval_frames is not None:
        changes["eval_frames"] = args.eval_frames or None
    return dataclasses.replace(QUICK if args.quick else DEFAULT, **changes)


@command_line("refine_study.py")
def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    run_study(config_from_args(args), args.workspace, args.results_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
