"""The SiamFC tracker (also runs the folded FDSiamFC networks: they are plain, thinner SiamFCs).

Per frame: three search crops at scales ``scale_step ** (-1, 0, 1)`` of ``x_sz``, one batched
network pass against the first-frame template, 17x17 responses upsampled x16 bicubic to
272x272, the two non-centre scales multiplied by ``scale_penalty``, the scale with the highest
peak kept, its map normalised (minus min, over sum) and blended with a Hann window,
``0.824 * map + 0.176 * hann``; the peak's offset from the centre (135.5) moves the target by
``offset * total_stride / upsampling * x_sz * scale / instance_size`` image pixels, and the size
follows ``1 - scale_lr + scale_lr * scale``. The template is never updated.

Box convention (as in the published SiamFC / FDSiamFC code, whose results the parameters
reproduce): boxes ``[x, y, w, h]`` are read as 1-based (OTB), so the 0-based centre is
``x - 1 + (w - 1) / 2`` and the output box is shifted back by +1. The centre is clipped to
``[0, H] x [0, W]``.
"""
from __future__ import annotations

import functools
from typing import Optional

import cv2
import numpy as np
import torch

from pytracking.tracker.base.basetracker import NetworkTracker
from pytracking.tracker.siamfc.crop import crop_and_resize
from pytracking.utils.params import TrackerParams


@functools.lru_cache(maxsize=4)
def hann_window(size: int) -> np.ndarray:
    """(size, size) outer product of Hann windows, normalised to sum 1 (read-only)."""
    window = np.outer(np.hanning(size), np.hanning(size))
    window /= window.sum()
    window.flags.writeable = False
    return window


class SiamFCTracker(NetworkTracker):
    """SiamFC tracker; ``self.net`` is the network run at every step (on ``self.device``, eval mode).

    Parameters (see ``pytracking/parameter/siamfc/default.py``): the network's (``net_path``,
    ``net_constructor``, ``net_kwargs``, ``device`` / ``use_gpu``) and :attr:`parameter_names`.
    """

    box_origin = 1
    parameter_names = frozenset({
        "exemplar_size", "instance_size", "context_amount", "scale_num", "scale_step", "scale_penalty",
        "scale_lr", "window_influence", "response_upsampling", "total_stride",
    })

    def __init__(self, params: TrackerParams):
        super().__init__(params)
        num = params.scale_num
        self.scale_factors = params.scale_step ** np.linspace(-(num // 2), num // 2, num)

    @torch.inference_mode()
    def initialize(self, image: np.ndarray, info: dict) -> Optional[dict]:
        """Crop the exemplar around ``info['init_bbox']`` (1-based ``[x, y, w, h]``) and compute its features."""
        p = self.params
        self.set_box(info["init_bbox"])
        self.pad_color = np.rint(image.mean(axis=(0, 1))).clip(0, 255).astype(np.uint8)
        exemplar = crop_and_resize(image, self.center, self.z_sz, p.exemplar_size, self.pad_color)
        self.kernel = self.net.template_features(self._to_tensor(exemplar[None]))
        self.frame_num = 1
        return None

    def set_box(self, box) -> None:
        """Centre, size and the exemplar / search crop sizes they imply, from a 1-based [x, y, w, h] box."""
        p = self.params
        x, y, w, h = (float(v) for v in box)
        self.center = np.array([y - 1 + (h - 1) / 2, x - 1 + (w - 1) / 2])  # (row, column), 0-based
        self.target_sz = np.array([h, w])
        context = p.context_amount * (w + h)
        self.z_sz = float(np.sqrt((w + context) * (h + context)))
        self.x_sz = self.z_sz * p.instance_size / p.exemplar_size

    @torch.inference_mode()
    def track(self, image: np.ndarray, info: Optional[dict] = None) -> dict:
        """Locate the target in ``image`` (H, W, 3) RGB uint8; returns ``{'target_bbox': [x, y, w, h]}`` (1-based)."""
        p = self.params
        self.frame_num += 1
        crops = np.stack([crop_and_resize(image, self.center, self.x_sz * f, p.instance_size, self.pad_color)
                          for f in self.scale_factors])
        responses = self.net.correlate(self.kernel, self.net.search_features(self._to_tensor(crops)))
        scale_id, peak, upscale = self._peak(responses[:, 0].float().cpu().numpy())

        scale = self.scale_factors[scale_id]
        offset_in_search = (peak - (upscale - 1) / 2) * p.total_stride / p.response_upsampling
        self.center = self.center + offset_in_search * self.x_sz * scale / p.instance_size
        self.center = np.clip(self.center, 0, image.shape[:2])
        size_change = 1 - p.scale_lr + p.scale_lr * scale
        self.target_sz = self.target_sz * size_change
        self.z_sz *= size_change
        self.x_sz *= size_change
        (cy, cx), (h, w) = self.center, self.target_sz
        return {"target_bbox": [float(cx + 1 - (w - 1) / 2), float(cy + 1 - (h - 1) / 2), float(w), float(h)]}

    def _peak(self, responses: np.ndarray) -> tuple:
        """(S, r, r) responses -> (chosen scale index, (2,) peak row/column in the upsampled map, its size)."""
        p = self.params
        upscale = p.response_upsampling * responses.shape[-1]
        maps = np.stack([cv2.resize(r, (upscale, upscale), interpolation=cv2.INTER_CUBIC) for r in responses])
        middle = len(maps) // 2
        maps[:middle] *= p.scale_penalty
        maps[middle + 1:] *= p.scale_penalty
        scale_id = int(np.argmax(maps.max(axis=(1, 2))))
        response = maps[scale_id] - maps[scale_id].min()
        response /= response.sum() + 1e-16
        response = (1 - p.window_influence) * response + p.window_influence * hann_window(upscale)
        self.expose_score_map(response)
        peak = np.array(np.unravel_index(int(response.argmax()), response.shape), dtype=np.float64)
        return scale_id, peak, upscale

    def _to_tensor(self, crops: np.ndarray) -> torch.Tensor:
        """(N, s, s, 3) uint8 -> (N, 3, s, s) float32 on the tracker's device (raw 0-255 values)."""
        return torch.from_numpy(crops).to(self.device).permute(0, 3, 1, 2).float()
