"""The tracker API every tracker implements (PyTracking's convention)."""
from __future__ import annotations

from typing import Optional

import numpy as np

from pytracking.utils.params import TrackerParams


class BaseTracker:
    """Base class of all trackers.

    A tracker is built from its parameters, then ``initialize`` is called on the first frame
    with ``info['init_bbox'] = [x, y, w, h]`` and ``track`` on every later frame. Images are
    (H, W, 3) RGB uint8 arrays.
    """

    def __init__(self, params: TrackerParams):
        self.params = params
        self.frame_num = 0

    def initialize(self, image: np.ndarray, info: dict) -> Optional[dict]:
        """Set the tracker up on the first frame; may return extra outputs (e.g. {'time': ...})."""
        raise NotImplementedError

    def track(self, image: np.ndarray, info: Optional[dict] = None) -> dict:
        """Locate the target in a new frame; returns at least ``{'target_bbox': [x, y, w, h]}``."""
        raise NotImplementedError
