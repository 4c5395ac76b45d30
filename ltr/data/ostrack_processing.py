"""OSTrack / CompressTracker training samples: jittered target-centred template and search crops.

From the sampler's frames (:class:`ltr.data.sampler.TrackingSampler`), :class:`OSTrackProcessing`
builds what OSTrack is trained on (the published ``vitb_256_mae`` recipe, also CompressTracker's):

1. ``joint_transform`` on all frames of the sample together: grayscale with probability 0.05 and a
   horizontal flip with probability 0.5 (:func:`ostrack_joint_transform`).
2. Each frame is cropped around a jittered copy of its target box
   (:func:`ltr.data.processing_utils.jitter_box`: size ``(w, h) * exp(N(0, 1) * scale_jitter)`` per
   axis, centre moved by ``sqrt(w' h') * center_jitter * U(-0.5, 0.5)`` per axis; template: none,
   search: centre 3, scale 0.25). The crop is the square of side ``ceil(sqrt(w' h') * factor)``
   (template 2.0, search 4.0) centred on the jittered box, padded with zeros outside the image,
   resized to 128 (template) / 256 (search).
3. ``frame_transform`` on each crop separately (:func:`ostrack_frame_transform`; training:
   brightness x U[0.8, 1.2], a horizontal flip of the crop with probability 0.5, then a 0-1 tensor
   and ImageNet normalisation; validation: no brightness jitter and no crop flip).
4. The true box is mapped into the crop and divided by the crop side: normalised ``[x, y, w, h]``.

The published code builds the crop from an integer window but maps the box with
``(crop - 1) / 2 + (c - c_jittered) * scale``, which ignores the window's rounding (up to half an
image pixel), pads one pixel too many on the right/bottom, and flips boxes about ``W - 1``; here
the crop geometry of :mod:`ltr.data.processing_utils` maps boxes exactly. The published
processing also rejected samples whose crop lies (almost) entirely outside the image and drew
again; this processing returns every sample.
"""
from __future__ import annotations

import random
from typing import Optional, Sequence

import numpy as np
import torch

from ltr.data.processing import Processing
from ltr.data.processing_utils import PadMode, jitter_box, sample_target, search_area_size, transform_box_to_crop
from ltr.data.transforms import (
    IMAGENET_MEAN,
    IMAGENET_STD,
    ColorJitter,
    Compose,
    Normalize,
    RandomHorizontalFlip,
    ToGrayscale,
    ToTensor,
    Transform,
)

ROLES = ("template", "search")


def ostrack_joint_transform(grayscale_probability: float = 0.05, flip_probability: float = 0.5) -> Compose:
    """OSTrack's transform of all frames of a sample together (before cropping): grayscale, then a horizontal
    flip, each drawn once per sample."""
    return Compose([ToGrayscale(grayscale_probability), RandomHorizontalFlip(flip_probability, joint=True)])


def ostrack_frame_transform(brightness: float = 0.2, flip_probability: float = 0.5,
                            mean: Sequence[float] = IMAGENET_MEAN, std: Sequence[float] = IMAGENET_STD) -> Compose:
    """OSTrack's per-crop transform: brightness jitter (factor in ``[1 - brightness, 1 + brightness]``, per crop;
    omitted when 0), horizontal flip of the crop (per crop; omitted when 0), (3, H, W) float32 tensor in 0-1,
    ``(x - mean) / std``. Validation uses ``brightness=0, flip_probability=0``."""
    steps: list = [ColorJitter(brightness, joint=False)] if brightness > 0 else []
    if flip_probability > 0:
        steps.append(RandomHorizontalFlip(flip_probability, joint=False))
    return Compose(steps + [ToTensor(1.0 / 255.0), Normalize(mean, std)])


class OSTrackProcessing(Processing):
    """OSTrack's template/search crops with normalised target boxes (see the module doc for the steps).

    Args:
        search_area_factor: ``{'template': 2.0, 'search': 4.0}``, crop side over ``sqrt(w * h)`` of the
            jittered box.
        output_size: ``{'template': 128, 'search': 256}``, crop sides in pixels.
        center_jitter: ``{'template': 0.0, 'search': 3.0}``, see :func:`jitter_box`.
        scale_jitter: ``{'template': 0.0, 'search': 0.25}``.
        pad: padding outside the image (``'zero'``, as OSTrack).
        joint_transform: applied to all frames together before cropping (default
            :func:`ostrack_joint_transform`).
        frame_transform: applied to each crop, ending in (3, H, W) tensors (default
            :func:`ostrack_frame_transform`, the training one).

    Returns (from ``__call__``) ``{'template_images': (Nt, 3, St, St) float32, 'template_anno': (Nt, 4),
    'search_images': (Ns, 3, Ss, Ss), 'search_anno': (Ns, 4), 'dataset', 'object_class'}``, boxes
    ``[x, y, w, h]`` divided by the crop side. Collate with ``LTRLoader(stack_dim=1)`` for the
    (num_frames, B, ...) layout of :class:`ltr.actors.ostrack.OSTrackActor`.
    """

    def __init__(self, search_area_factor: Optional[dict] = None, output_size: Optional[dict] = None,
                 center_jitter: Optional[dict] = None, scale_jitter: Optional[dict] = None, pad: PadMode = "zero",
                 joint_transform: Optional[Transform] = None, frame_transform: Optional[Compose] = None):
        super().__init__(ostrack_joint_transform() if joint_transform is None else joint_transform)
        self.search_area_factor = self._per_role("search_area_factor", search_area_factor, (2.0, 4.0))
        self.output_size = self._per_role("output_size", output_size, (128, 256))
        self.center_jitter = self._per_role("center_jitter", center_jitter, (0.0, 3.0))
        self.scale_jitter = self._per_role("scale_jitter", scale_jitter, (0.0, 0.25))
        self.pad = pad
        self.frame_transform = ostrack_frame_transform() if frame_transform is None else frame_transform

    @staticmethod
    def _per_role(name: str, value: Optional[dict], default: tuple) -> dict:
        if value is None:
            return dict(zip(ROLES, default, strict=True))
        if set(value) != set(ROLES):
            raise ValueError(f"OSTrackProcessing: {name} needs the keys {list(ROLES)}, got {sorted(value)}")
        return dict(value)

    def crop(self, image: np.ndarray, box: torch.Tensor, role: str) -> tuple:
        """Crop of one frame around its ``role`` ('template' or 'search') jittered box.

        Returns:
            ((S, S, 3) array, (4,) float32 true box in crop pixels), S = ``output_size[role]``.
        """
        jittered = jitter_box(box, self.center_jitter[role], self.scale_jitter[role], random)
        size = search_area_size(jittered, self.search_area_factor[role], ceil=True)
        crop, window = sample_target(image, jittered, size, self.output_size[role], self.pad)
        return crop, transform_box_to_crop(box, window)

    def __call__(self, data: dict) -> dict:
        data = self.apply_joint_transform(data)
        out = {key: value for key, value in data.items() if not key.startswith(ROLES)}
        for role in ROLES:
            crops, boxes = zip(*(self.crop(image, box, role)
                                 for image, box in zip(data[f"{role}_images"], data[f"{role}_anno"], strict=True)))
            images, boxes = self.frame_transform(list(crops), list(boxes), random)
            out[f"{role}_images"] = torch.stack(images)
            out[f"{role}_anno"] = torch.stack(boxes) / self.output_size[role]
        return out
