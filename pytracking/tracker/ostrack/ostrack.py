"""The OSTrack tracker: runs OSTrack-256 and the CompressTracker-N students (the same inference).

Initialisation: the template is the square crop of side ``ceil(sqrt(w h) * template_factor)``
around the first box, resized to ``template_size`` (2.0 -> 128); it is never updated.
Per frame: the search crop of side ``ceil(sqrt(w h) * search_factor)`` around the previous box,
resized to ``search_size`` (4.0 -> 256), both crops zero-padded outside the image and
ImageNet-normalised; one network pass on (template, search); the score map is multiplied by
a Hann window of its size (``hann2d(16, 16)``: the outer product of ``0.5 (1 - cos(2 pi k / 17))``,
k = 1..16); the box at its maximum (cell + offset, size) is mapped from the crop back to the
image and clipped with :func:`clip_box_with_margin` (margin 10), and becomes the next state.

Crops are those of training (:func:`ltr.data.processing_utils.centered_window`: an integer window
whose corner is ``round(centre - side / 2)``), and the box is mapped back through that same
window (:func:`ltr.data.processing_utils.transform_box_from_crop`). OSTrack's code instead maps
back as if the crop were centred exactly on the previous centre (``map_box_back``: crop point
``u`` -> ``centre + (u - search_size / 2) / resize_factor``), which ignores the rounding of the
window's corner; the two differ by less than half an image pixel.

Boxes are ``[x, y, w, h]`` in continuous pixel coordinates (pixel k covers [k, k + 1)) and are
used as given, as OSTrack does.
"""
from __future__ import annotations

from typing import Optional, Sequence

import numpy as np
import torch

from ltr.data.processing_utils import (CropWindow, centered_window, crop_window, search_area_size,
                                       transform_box_from_crop)
from ltr.models.ostrack import decode_boxes
from pytracking.features.preprocessing import to_network_input
from pytracking.libs.dcf import hann2d
from pytracking.tracker.base.basetracker import NetworkTracker


def clip_box_with_margin(box: Sequence[float], width: float, height: float, margin: float) -> list:
    """OSTrack's ``clip_box(box, H, W, margin)``: keep at least ``margin`` pixels of the box in the image.

    With ``x2 = x + w``: ``x`` is clamped to ``[0, width - margin]``, ``x2`` to ``[margin, width]``
    and the new width is ``max(margin, x2 - x)`` (the same along y). The result therefore always
    has ``w, h >= margin`` and overlaps the image by at least ``margin`` pixels per axis, so the
    next search crop is never empty, even when the prediction left the image.

    Args:
        box: ``[x, y, w, h]``.
        width, height: image size.
        margin: minimum size / overlap in pixels (10 in OSTrack and CompressTracker).
    Returns:
        the clipped ``[x, y, w, h]`` (floats).
    """
    x, y, w, h = (float(v) for v in box)
    x2 = min(max(margin, x + w), width)
    y2 = min(max(margin, y + h), height)
    x = min(max(0.0, x), width - margin)
    y = min(max(0.0, y), height - margin)
    return [x, y, max(margin, x2 - x), max(margin, y2 - y)]


class OSTracker(NetworkTracker):
    """OSTrack / CompressTracker tracker; ``self.net`` is an :class:`ltr.models.ostrack.OSTrack`.

    Parameters (see ``pytracking/parameter/ostrack/vitb_256.py``): the network's (``net_path``,
    ``net_constructor``, ``net_kwargs``, ``device`` / ``use_gpu``) and :attr:`parameter_names`.
    """

    parameter_names = frozenset({"template_factor", "template_size", "search_factor", "search_size", "clip_margin"})

    def _crop(self, image: np.ndarray, box: Sequence[float], factor: float, size: int) -> tuple:
        """Zero-padded square crop of side ``ceil(sqrt(w h) * factor)`` around ``box``, resized to ``size``.

        Returns:
            ``(crop, window)``: (1, 3, size, size) ImageNet-normalised float32 tensor on the tracker's
            device, and its :class:`CropWindow`.
        """
        window = centered_window(box, search_area_size(box, factor, ceil=True), size)
        patch = crop_window(image, window, pad="zero")
        return to_network_input(patch[None], self.device), window

    @torch.inference_mode()
    def initialize(self, image: np.ndarray, info: dict) -> Optional[dict]:
        """Crop the template around ``info['init_bbox']`` (``[x, y, w, h]``); it is kept for the whole sequence."""
        p = self.params
        self.state = [float(v) for v in info["init_bbox"]]
        self.template = self._crop(image, self.state, p.template_factor, p.template_size)[0]
        self.frame_num = 1
        return None

    @torch.inference_mode()
    def track(self, image: np.ndarray, info: Optional[dict] = None) -> dict:
        """Locate the target in ``image`` (H, W, 3) RGB uint8; returns ``{'target_bbox': [x, y, w, h]}``."""
        p = self.params
        self.frame_num += 1
        search, window = self._crop(image, self.state, p.search_factor, p.search_size)
        out = self.net(self.template, search)
        score_map = out["score_map"]  # (1, 1, h, w)
        windowed = score_map * hann2d(tuple(score_map.shape[-2:])).to(score_map)
        self.expose_score_map(windowed[0, 0])
        box = decode_boxes(windowed, out["size_map"], out["offset_map"])[0].float().cpu()
        self.state = clip_box_with_margin(self._box_in_image(box, window), image.shape[1], image.shape[0],
                                          p.clip_margin)
        return {"target_bbox": list(self.state)}

    def set_box(self, box) -> None:
        """The previous box the next search crop is centred on (OSTrack's whole state besides the template)."""
        self.state = [float(v) for v in box]

    @staticmethod
    def _box_in_image(box: torch.Tensor, window: CropWindow) -> torch.Tensor:
        """(4,) ``(cx, cy, w, h)`` normalised to the crop -> (4,) ``[x, y, w, h]`` image box."""
        cx, cy, w, h = box * box.new_tensor(window.output_shape * 2)
        return transform_box_from_crop(torch.stack((cx - w / 2, cy - h / 2, w, h)), window)
