"""Alpha-Refine training samples: non-square crops of a template and a jittered search frame, and its mask.

From the sampler's one template ("train") and one search ("test") frame, :class:`RefineProcessing`
builds what Alpha-Refine trains on:

1. ``joint_transform`` on both frames together (Alpha-Refine: grayscale with probability 0.05).
2. Each frame is cropped around a jittered copy of its box (:func:`~ltr.data.processing_utils.jitter_box`:
   size ``(w, h) * exp(N(0, 1) * scale_jitter)`` per axis, centre moved by
   ``sqrt(w' h') * center_jitter * U(-0.5, 0.5)`` per axis; Alpha-Refine: no jitter on the template,
   0.25 / 0.25 on the search frame). The window is ``ceil(2 w') x ceil(2 h')`` centred on the
   jittered box (:func:`~ltr.data.processing_utils.rect_window`), padded with zeros and resized
   anisotropically to ``output_size`` x ``output_size`` (256), so an unjittered target fills the
   central 128 x 128. The true box is mapped into the crop and clipped to ``[0, output_size]``.
3. The search frame's target mask, when the sample has one (``data['search_masks']``), is cropped
   with the same window (bilinear, zero padding): values in [0, 1].
4. ``frame_transform`` on each crop (training: brightness times U(0.8, 1.2) per frame; then a 0-1
   tensor and ImageNet normalisation; :func:`~ltr.data.atom_processing.atom_frame_transform`).

The published code mapped the box into the crop around the jittered box's unrounded centre
(``(256 - 1) / 2 + (c - c_jittered) * scale``); here the mapping is exact for the integer window
that is actually cut (:func:`~ltr.data.processing_utils.transform_box_to_crop`), a sub-pixel difference.
"""
from __future__ import annotations

import random
from typing import Optional

import numpy as np
import torch

from ltr.data.atom_processing import atom_frame_transform
from ltr.data.bounding_box_utils import clip_box
from ltr.data.processing import Processing
from ltr.data.processing_utils import CropWindow, crop_window, jitter_box, rect_window, transform_box_to_crop
from ltr.data.transforms import Compose, Transform

FRAME_KEYS = ("template_images", "template_anno", "template_masks", "search_images", "search_anno", "search_masks")


class RefineProcessing(Processing):
    """Alpha-Refine training samples (see the module doc for the steps).

    Args:
        search_area_factor: window width / height over the jittered box's width / height (2).
        output_size: side of the (square) crops (256).
        center_jitter: ``{'train': factor, 'test': factor}`` for the template / search frame
            (default 0 / 0.25).
        scale_jitter: likewise (default 0 / 0.25).
        joint_transform: applied to both frames together before cropping.
        frame_transform: applied to each crop; must end in (3, H, W) tensors (default
            :func:`~ltr.data.atom_processing.atom_frame_transform` with brightness jitter 0.2).

    Returns (from ``__call__``) ``{'template_images': (3, S, S) float32, 'template_anno': (4,),
    'search_images': (3, S, S), 'search_anno': (4,), 'search_mask': (1, S, S) float32 in [0, 1]
    (zeros without a mask), 'has_mask': bool, 'dataset', 'object_class'}``, boxes ``[x, y, w, h]``
    in crop pixels within ``[0, S]``. Collate with ``LTRLoader(stack_dim=0)`` for (B, ...) batches.
    """

    def __init__(self, search_area_factor: float = 2.0, output_size: int = 256,
                 center_jitter: Optional[dict] = None, scale_jitter: Optional[dict] = None,
                 joint_transform: Optional[Transform] = None, frame_transform: Optional[Compose] = None):
        super().__init__(joint_transform)
        self.center_jitter = {"train": 0.0, "test": 0.25} if center_jitter is None else dict(center_jitter)
        self.scale_jitter = {"train": 0.0, "test": 0.25} if scale_jitter is None else dict(scale_jitter)
        for name, factors in (("center_jitter", self.center_jitter), ("scale_jitter", self.scale_jitter)):
            if set(factors) != {"train", "test"}:
                raise ValueError(f"RefineProcessing: {name} needs the keys 'train' and 'test', got {sorted(factors)}")
        if search_area_factor <= 0 or output_size < 1:
            raise ValueError(f"RefineProcessing: need search_area_factor > 0 and output_size >= 1, got "
                             f"{search_area_factor} and {output_size}")
        self.search_area_factor = search_area_factor
        self.output_size = output_size
        self.frame_transform = frame_transform if frame_transform is not None else atom_frame_transform()

    def window(self, box: torch.Tensor, role: str) -> CropWindow:
        """The crop window of a frame whose target is ``box`` (4,) xywh: Alpha-Refine's rectangle around
        the ``role`` ('train' or 'test') jittered box."""
        jittered = jitter_box(box, self.center_jitter[role], self.scale_jitter[role], random)
        return rect_window(jittered, self.search_area_factor, (self.output_size, self.output_size))

    def crop(self, image: np.ndarray, box: torch.Tensor, window: CropWindow) -> tuple:
        """(S, S, 3) zero-padded crop of ``window`` and the (4,) float32 box in it, clipped to [0, S]."""
        crop = crop_window(image, window, pad="zero")
        return crop, clip_box(transform_box_to_crop(box, window), self.output_size, self.output_size)

    def __call__(self, data: dict) -> dict:
        for key in ("template_images", "search_images"):
            if len(data[key]) != 1:
                raise ValueError(f"RefineProcessing takes one template and one search frame, got {len(data[key])} "
                                 f"{key}: build the sampler with num_template_frames=num_search_frames=1")
        data = self.apply_joint_transform(data)
        out = {key: value for key, value in data.items() if key not in FRAME_KEYS}
        for source, role in (("template", "train"), ("search", "test")):
            box = data[f"{source}_anno"][0]
            window = self.window(box, role)
            crop, crop_box = self.crop(data[f"{source}_images"][0], box, window)
            images, boxes = self.frame_transform([crop], [crop_box], random)
            out[f"{source}_images"], out[f"{source}_anno"] = images[0], boxes[0]
            if source == "search":
                out["search_mask"], out["has_mask"] = self.crop_mask(data.get("search_masks"), window)
        return out

    def crop_mask(self, masks: Optional[list], window: CropWindow) -> tuple:
        """``((1, S, S) float32 crop of masks[0] in [0, 1], True)``, or zeros and False without masks."""
        if masks is None:
            return torch.zeros(1, self.output_size, self.output_size), False
        crop = crop_window(np.asarray(masks[0], dtype=np.float32), window, pad="zero")
        return torch.from_numpy(np.clip(crop, 0.0, 1.0))[None], True
