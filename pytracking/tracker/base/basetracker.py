"""The tracker API every tracker implements (PyTracking's convention), and typo-safe parameters."""
from __future__ import annotations

import difflib
from typing import ClassVar, Optional, Sequence

import numpy as np
import torch

from ltr.admin.errors import InputError
from pytracking.features.net_wrappers import NETWORK_PARAMETERS, load_tracker_network, parameter_file, select_device
from pytracking.utils.params import TrackerParams

RUNNER_PARAMETERS = frozenset({"tracker_name", "param_name", "debug", "num_threads"})
"""Parameters every tracker accepts: set by the runner (names, debug level) or read by it (threads)."""


class UnknownParameterError(InputError, ValueError):
    """A parameter file sets a key its tracker does not read; the message names the key and the file."""


class BaseTracker:
    """Base class of all trackers.

    A tracker is built from its parameters, then ``initialize`` is called on the first frame
    with ``info['init_bbox'] = [x, y, w, h]`` and ``track`` on every later frame. Images are
    (H, W, 3) RGB uint8 arrays.

    Subclasses list the parameters their code reads in :attr:`parameter_names`; building a
    tracker from parameters that set any other key raises :class:`UnknownParameterError`, so a
    misspelt parameter never passes silently.

    ``debug_info`` is what the last frame exposes for the debug views (``--debug``): ``{'score_map': (H, W)
    float32 array}``, kept by :meth:`expose_score_map` only when ``params.debug > 0``, else empty.
    """

    parameter_names: ClassVar[frozenset] = frozenset()
    box_origin: ClassVar[int] = 0
    """Boxes this tracker takes and reports are ``box_origin``-based: 0 for image coordinates, 1 for trackers
    that keep the published code's 1-based OTB convention (SiamFC)."""

    def __init__(self, params: TrackerParams):
        self.check_parameters(params)
        self.params = params
        self.frame_num = 0
        self.debug_info: dict = {}

    @classmethod
    def known_parameters(cls) -> frozenset:
        """Every key this tracker reads (its own, the runner's and, for network trackers, the network's)."""
        return RUNNER_PARAMETERS | cls.parameter_names

    @classmethod
    def check_parameters(cls, params: TrackerParams) -> None:
        """Raise :class:`UnknownParameterError` naming the first key of ``params`` this tracker does not read."""
        known = cls.known_parameters()
        for key in sorted(vars(params)):
            if key not in known:
                close = difflib.get_close_matches(key, known, n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                raise UnknownParameterError(f"{parameter_file(params)} sets '{key}', which the {cls.__name__} "
                                            f"tracker does not read{hint}")

    def expose_score_map(self, score_map) -> None:
        """Keep the (H, W) score map the frame's position was taken from (tensor or array) in
        :attr:`debug_info` for the debug views; nothing happens unless ``params.debug > 0``."""
        if self.params.get("debug", 0) > 0:
            self.debug_info = {"score_map": torch.as_tensor(score_map).detach().float().cpu().numpy()}

    def initialize(self, image: np.ndarray, info: dict) -> Optional[dict]:
        """Set the tracker up on the first frame; may return extra outputs (e.g. {'time': ...})."""
        raise NotImplementedError

    def track(self, image: np.ndarray, info: Optional[dict] = None) -> dict:
        """Locate the target in a new frame; returns at least ``{'target_bbox': [x, y, w, h]}``."""
        raise NotImplementedError

    def set_box(self, box: Sequence[float]) -> None:
        """Make ``box`` = [x, y, w, h] (in the convention of :attr:`box_origin`, like ``track``'s output) the
        target state the next frame starts from: position and size, and whatever the tracker derives from
        them (search scale, ...). A box refiner (``--refine``) writes its refined box back through this;
        every tracker implements it."""
        raise NotImplementedError


class NetworkTracker(BaseTracker):
    """A tracker running a learned network: ``self.net`` (eval mode) on ``self.device``, loaded from the
    parameter file's ``net_path`` / ``net_constructor`` / ``net_kwargs`` (or given as ``params.net``)."""

    def __init__(self, params: TrackerParams):
        super().__init__(params)
        self.device: torch.device = select_device(params)
        self.net: torch.nn.Module = load_tracker_network(params).to(self.device).eval()

    @classmethod
    def known_parameters(cls) -> frozenset:
        return super().known_parameters() | NETWORK_PARAMETERS
