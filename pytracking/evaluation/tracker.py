"""``Tracker``: a (tracker name, parameter name, run id) triple, its results folder and its run loop."""
from __future__ import annotations

import copy
import importlib
import itertools
import os
import pkgutil
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING, Iterable, Iterator, Optional

import numpy as np
import torch

from ltr.admin.environment import PathLike, resolve_path
from ltr.admin.errors import InputError
from ltr.data.image_loader import imread_rgb
from pytracking.evaluation.data import Sequence
from pytracking.features.net_wrappers import load_tracker_network
from pytracking.refine import RefinedTracker, load_refiner
from pytracking.tracker.base.basetracker import NetworkTracker
from pytracking.utils.params import TrackerParams

if TYPE_CHECKING:
    from pytracking.analysis.debug_views import DebugViews


class TrackerSpecError(InputError, ValueError):
    """An unknown tracker or parameter file, or a results folder that cannot be written."""


def results_dir_name(parameter_name: str, run_id: Optional[int] = None) -> str:
    """``default`` or ``default_003`` (PyTracking's layout for repeated runs)."""
    return parameter_name if run_id is None else f"{parameter_name}_{run_id:03d}"


class Tracker:
    """A tracker configuration as evaluated on a benchmark.

    Args:
        name: tracker package under ``pytracking.tracker`` (e.g. ``atom``).
        parameter_name: parameter module under ``pytracking.parameter.<name>`` (e.g. ``default``).
        run_id: index of a repeated run; results go to ``<param>_<run_id:03d>``.
        display_name: name used in tables and plot legends (default ``name/param[_refine][_run]``).
        results_path: root of the raw results (default: the resolved ``results_path`` setting).
        refine: a box refiner plugged in (``pytracking/parameter/refine/<refine>.py``, e.g. ``ar34``);
            results go to ``<param>_<refine>[_<run_id:03d>]`` so base and refined runs analyse side by side.
    """

    def __init__(self, name: str, parameter_name: str, run_id: Optional[int] = None,
                 display_name: Optional[str] = None, results_path: Optional[PathLike] = None,
                 refine: Optional[str] = None):
        self.name = name
        self.parameter_name = parameter_name
        self.run_id = run_id
        self.refine = refine
        self.display_name = display_name or self.default_display_name()
        self.results_dir = (resolve_path("results_path", results_path) / name
                            / results_dir_name(self.results_label, run_id))

    @property
    def results_label(self) -> str:
        """The parameter part of the results folder: ``<param>``, or ``<param>_<refine>`` with a refiner."""
        return f"{self.parameter_name}_{self.refine}" if self.refine else self.parameter_name

    def default_display_name(self) -> str:
        """``name/<results label>[_run]``: the display name when none is given."""
        return f"{self.name}/{results_dir_name(self.results_label, self.run_id)}"

    def with_refiner(self, refine: str) -> "Tracker":
        """A copy of this tracker definition with the box refiner ``refine`` plugged in (its own results folder
        ``<param>_<refine>[_<run>]`` beside this one's; a given display name gets ``+<refine>``)."""
        if self.refine:
            raise TrackerSpecError(f"{self.display_name} already has the refiner '{self.refine}'")
        refined = copy.copy(self)
        refined.refine = refine
        suffix = "" if self.run_id is None else f"_{self.run_id:03d}"
        label = self.results_dir.name[:len(self.results_dir.name) - len(suffix)]
        refined.results_dir = self.results_dir.parent / f"{label}_{refine}{suffix}"
        default = self.display_name == self.default_display_name()
        refined.display_name = refined.default_display_name() if default else f"{self.display_name}+{refine}"
        return refined

    def __repr__(self) -> str:
        refine = f", refine={self.refine!r}" if self.refine else ""
        return f"Tracker({self.name!r}, {self.parameter_name!r}, run_id={self.run_id!r}{refine})"

    def get_parameters(self) -> TrackerParams:
        """Import ``pytracking.parameter.<name>.<param>`` and call its ``parameters()``."""
        module_name = f"pytracking.parameter.{self.name}.{self.parameter_name}"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as err:
            if err.name is not None and module_name.startswith(err.name):
                raise TrackerSpecError(f"no parameter file for tracker '{self.name}' named '{self.parameter_name}' "
                                       f"(expected pytracking/parameter/{self.name}/{self.parameter_name}.py; "
                                       f"available: {', '.join(parameter_names(self.name)) or 'none'})") from None
            raise
        return module.parameters()

    def tracker_class(self) -> type:
        """The tracker class from ``pytracking.tracker.<name>.get_tracker_class()``."""
        try:
            module = importlib.import_module(f"pytracking.tracker.{self.name}")
        except ModuleNotFoundError as err:
            if err.name is not None and f"pytracking.tracker.{self.name}".startswith(err.name):
                raise TrackerSpecError(f"unknown tracker '{self.name}' (no package pytracking/tracker/{self.name}; "
                                       f"available: {', '.join(tracker_names())})") from None
            raise
        return module.get_tracker_class()

    def named_parameters(self, debug: Optional[int] = None) -> TrackerParams:
        """The parameters with ``tracker_name`` / ``param_name`` (and ``debug`` when given) filled in."""
        params = self.get_parameters()
        if debug is not None:
            params.debug = debug
        params.tracker_name = self.name
        params.param_name = self.parameter_name
        return params

    def create_tracker(self, debug: Optional[int] = None):
        """The tracker object (wrapped with its refiner when ``refine`` is set)."""
        tracker = self.tracker_class()(self.named_parameters(debug))
        if self.refine:
            return RefinedTracker(tracker, load_refiner(self.refine, device=str(getattr(tracker, "device", "cpu"))))
        return tracker

    def check(self) -> None:
        """Raise an InputError now for what would make every sequence fail: an unknown tracker or parameter
        file, a parameter the tracker does not read, a network file that is missing or does not fit, a
        results folder that cannot be written."""
        tracker_class = self.tracker_class()
        params = self.named_parameters()
        tracker_class.check_parameters(params)
        if issubclass(tracker_class, NetworkTracker):
            load_tracker_network(params)
        if self.refine:
            load_refiner(self.refine, device="cpu")
        try:
            self.results_dir.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise TrackerSpecError(f"results folder '{self.results_dir}' cannot be created ({err.strerror}); "
                                   f"pass another --results-path") from None
        if not os.access(self.results_dir, os.W_OK):
            raise TrackerSpecError(f"results folder '{self.results_dir}' is not writable; pass another --results-path")

    def run_sequence(self, seq: Sequence, debug: Optional[int] = None) -> dict:
        """Track one sequence from its first-frame box; ``debug > 0`` also shows every frame's debug view
        (:meth:`debug_views`).

        Returns:
            ``{'target_bbox': (N, 4) float64 array, 'time': (N,) seconds per frame}``; row 0 is the
            initial box and its time is the initialisation time (image reading excluded).
        """
        tracker = self.create_tracker(debug)
        views = self.debug_views(seq.name) if debug else None
        with intra_op_threads(tracker.params.get("num_threads", None)):
            return self._track(tracker, seq, views)

    def debug_views(self, sequence_name: str) -> DebugViews:
        """Where ``--debug`` shows the frames of ``sequence_name`` (see :mod:`pytracking.analysis.debug_views`):
        visdom when a server answers, else PNG files in ``<results_dir>/debug/<sequence_name>/``."""
        from pytracking.analysis.debug_views import open_debug_views  # not at the top: the analysis imports us
        return open_debug_views(f"{self.display_name} {sequence_name}", self.results_dir / "debug" / sequence_name)

    @staticmethod
    def _track(tracker, seq: Sequence, views: Optional[DebugViews] = None) -> dict:
        images = (imread_rgb(frame) for frame in seq.frames)
        first = next(images)
        seq.check_init_box((first.shape[1], first.shape[0]))
        boxes, times = zip(*track_frames(tracker, itertools.chain([first], images), seq.init_info(), seq.name,
                                         views))
        return {"target_bbox": np.asarray(boxes, dtype=np.float64), "time": np.asarray(times)}


def track_frames(tracker, images: Iterable[np.ndarray], init_info: dict, name: str,
                 views: Optional[DebugViews] = None) -> Iterator[tuple]:
    """Initialise ``tracker`` on the first of ``images`` (RGB (H, W, 3)) with ``init_info``, then track the
    others, one frame per step of the iteration.

    Yields:
        ``(box, seconds)`` per frame: ``[x, y, w, h]`` floats and the time the tracker took (image reading
        and debug views excluded); frame 0 gives the initial box and the initialisation time. Each frame is
        also shown in ``views`` with the tracker's ``debug_info``. ``name`` names the sequence in errors.
    """
    def shown(index: int, image: np.ndarray, box: list, seconds: float) -> tuple:
        if views is not None:
            views.show(index, image, box, tracker.debug_info)
        return box, seconds

    frames = iter(images)
    image = next(frames)
    start = time.perf_counter()
    out = tracker.initialize(image, init_info) or {}
    yield shown(0, image, [float(v) for v in init_info["init_bbox"]], out.get("time", time.perf_counter() - start))
    for index, image in enumerate(frames, start=1):
        start = time.perf_counter()
        out = tracker.track(image, {})
        seconds = time.perf_counter() - start
        yield shown(index, image, _check_box(out, name, index), seconds)


@contextmanager
def intra_op_threads(num_threads: Optional[int]):
    """Run with ``torch.set_num_threads(num_threads)`` (unchanged when None), then restore.

    Trackers with tiny per-frame workloads set ``params.num_threads = 1``: OpenMP parallel
    regions on a loaded machine cost far more than such workloads themselves.
    """
    if num_threads is None:
        yield
        return
    previous = torch.get_num_threads()
    torch.set_num_threads(num_threads)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def _check_box(out: dict, seq_name: str, frame: int) -> list:
    box = out.get("target_bbox") if isinstance(out, dict) else None
    if box is None or len(box) != 4:
        raise ValueError(f"tracker output on '{seq_name}' frame {frame} has no 4-value 'target_bbox': {out!r}")
    return [float(v) for v in box]


def tracker_names() -> list:
    """Names of the tracker packages under ``pytracking/tracker`` (``base`` excluded)."""
    import pytracking.tracker
    return sorted(info.name for info in pkgutil.iter_modules(pytracking.tracker.__path__)
                  if info.ispkg and info.name != "base")


def parameter_names(tracker_name: str) -> list:
    """Names of the parameter files of a tracker (``pytracking/parameter/<tracker_name>/*.py``)."""
    try:
        package = importlib.import_module(f"pytracking.parameter.{tracker_name}")
    except ModuleNotFoundError:
        return []
    return sorted(info.name for info in pkgutil.iter_modules(package.__path__))


def trackerlist(name: str, parameter_name: str, run_ids: Optional[Iterable[Optional[int]]] = None,
                display_name: Optional[str] = None, results_path: Optional[PathLike] = None) -> list:
    """One ``Tracker`` per run id (``None`` = the single un-numbered run)."""
    run_ids = [None] if run_ids is None else list(run_ids)
    return [Tracker(name, parameter_name, run_id, display_name, results_path) for run_id in run_ids]
