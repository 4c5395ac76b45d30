"""Any tracker with a box refiner: the base tracker's box, refined, becomes its state for the next frame."""
from __future__ import annotations

from typing import Optional

import numpy as np

from pytracking.refine.alpha_refine import AlphaRefine
from pytracking.tracker.base.basetracker import BaseTracker


class RefinedTracker:
    """``base`` tracking, every box refined by ``refiner`` and written back with ``base.set_box``.

    Frame 1: both are initialised on the first box. Each later frame: ``base.track`` -> box -> refined box
    -> ``base.set_box(refined)`` (so the base continues from it) -> reported. Boxes cross between the two in
    image coordinates: a tracker with 1-based boxes (``box_origin = 1``, SiamFC) is shifted on the way.
    ``params``, ``net`` and ``device`` are the base tracker's (the runner reads them); the refiner's
    network is ``refiner.net``.
    """

    def __init__(self, base: BaseTracker, refiner: AlphaRefine):
        self.base = base
        self.refiner = refiner

    @property
    def params(self):
        return self.base.params

    @property
    def net(self):
        return getattr(self.base, "net", None)

    @property
    def debug_info(self) -> dict:
        """The base tracker's per-frame debug outputs (its score map)."""
        return self.base.debug_info

    def initialize(self, image: np.ndarray, info: dict) -> Optional[dict]:
        out = self.base.initialize(image, info)
        self.refiner.initialize(image, self._to_image(info["init_bbox"]))
        return out

    def track(self, image: np.ndarray, info: Optional[dict] = None) -> dict:
        out = dict(self.base.track(image, info or {}))
        refined = self._from_image(self.refiner.refine(image, self._to_image(out["target_bbox"])))
        self.base.set_box(refined)
        out["target_bbox"] = refined
        return out

    def _to_image(self, box) -> list:
        origin = self.base.box_origin
        return [float(box[0]) - origin, float(box[1]) - origin, float(box[2]), float(box[3])]

    def _from_image(self, box) -> list:
        origin = self.base.box_origin
        return [box[0] + origin, box[1] + origin, box[2], box[3]]
