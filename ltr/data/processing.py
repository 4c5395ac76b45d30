"""Processing: turn the sampler's frames and boxes into network inputs (crops, tensors, labels).

The sampler (:class:`ltr.data.sampler.TrackingSampler`) calls ``processing(data)`` with::

    {'template_images': [(H, W, 3) uint8 RGB, ...], 'template_anno': [(4,) float32 xywh, ...],
     'search_images': [...], 'search_anno': [...], 'dataset': str, 'object_class': str | None}

and a processing returns the training sample (a dict the loader's collate stacks). Randomness
uses Python's global :mod:`random` generator, seeded per loader worker and epoch.
"""
from __future__ import annotations

import random
from typing import Optional

import numpy as np
import torch

from ltr.data.processing_utils import PadMode, context_size, sample_target, transform_box_to_crop
from ltr.data.transforms import CenterCrop, Compose, RandomCrop, RandomStretch, ToTensor, Transform


class Processing:
    """Base class. ``joint_transform`` (e.g. ``ToGrayscale(0.05)``) is applied to all template and
    search frames of a sample together, before the subclass's own steps (:meth:`apply_joint_transform`)."""

    def __init__(self, joint_transform: Optional[Transform] = None):
        self.joint_transform = joint_transform

    def apply_joint_transform(self, data: dict) -> dict:
        """``data`` with its template and search frames (and boxes) passed through ``joint_transform``."""
        if self.joint_transform is None:
            return data
        num_template = len(data["template_images"])
        images, boxes = self.joint_transform(list(data["template_images"]) + list(data["search_images"]),
                                             list(data["template_anno"]) + list(data["search_anno"]), random)
        return {**data, "template_images": images[:num_template], "template_anno": boxes[:num_template],
                "search_images": images[num_template:], "search_anno": boxes[num_template:]}

    def __call__(self, data: dict) -> dict:
        raise NotImplementedError


class SiamFCProcessing(Processing):
    """SiamFC's training pairs (one template frame, one search frame).

    Each frame is cropped around its own target box: a square of
    ``x_sz = z_sz * instance_size / exemplar_size`` image pixels with
    ``z_sz = sqrt((w + p)(h + p))``, ``p = context * (w + h)``, padded with the image's mean
    colour, resized to ``instance_size`` (255). Then

    - template: RandomStretch(+-max_stretch) -> CenterCrop(center_crop_size) ->
      RandomCrop(search_size) -> CenterCrop(exemplar_size), i.e. 255 -> ~255 -> 247 -> 239 -> 127;
    - search: RandomStretch -> CenterCrop(center_crop_size) -> RandomCrop(search_size): 239.

    The target thus sits at the crop centre up to the stretch and a shift of at most
    ``(center_crop_size - search_size) / 2`` = 4 pixels. Boxes are read as 0-based continuous
    ``[x, y, w, h]`` (centre ``x + w / 2``); the published code read GOT-10k boxes as 1-based,
    a one-pixel difference. The resize after stretching is bilinear (the published code picked
    a random interpolation).

    Returns ``data`` with ``'template_images'``: (3, exemplar_size, exemplar_size) float32,
    ``'search_images'``: (3, search_size, search_size) float32, raw RGB 0-255 (no normalisation),
    and ``'template_anno'`` / ``'search_anno'``: (4,) float32 target box in the crop's
    coordinates; other keys (``'dataset'``, ``'object_class'``) pass through.
    """

    def __init__(self, exemplar_size: int = 127, instance_size: int = 255, context: float = 0.5,
                 max_stretch: float = 0.05, center_crop_size: int = 247, search_size: int = 239,
                 pad: PadMode = "mean", joint_transform: Optional[Transform] = None):
        super().__init__(joint_transform)
        if not exemplar_size <= search_size <= center_crop_size:
            raise ValueError(f"SiamFCProcessing: need exemplar_size <= search_size <= center_crop_size, got "
                             f"{exemplar_size}, {search_size}, {center_crop_size}")
        self.exemplar_size, self.instance_size, self.context, self.pad = exemplar_size, instance_size, context, pad
        shared = [RandomStretch(max_stretch), CenterCrop(center_crop_size), RandomCrop(search_size)]
        self.template_transform = Compose(shared + [CenterCrop(exemplar_size), ToTensor()])
        self.search_transform = Compose(shared + [ToTensor()])

    def crop(self, image: np.ndarray, box: torch.Tensor) -> tuple:
        """The ``instance_size`` crop of a frame around ``box`` and the box in its coordinates.

        Returns:
            ((instance_size, instance_size, 3) array of the image's dtype, (4,) float32 box).
        """
        size = context_size(box, self.context) * self.instance_size / self.exemplar_size
        crop, window = sample_target(image, box, size, self.instance_size, self.pad)
        return crop, transform_box_to_crop(box, window)

    def __call__(self, data: dict) -> dict:
        for key in ("template_images", "search_images"):
            if len(data[key]) != 1:
                raise ValueError(f"SiamFCProcessing takes one template and one search frame, got "
                                 f"{len(data[key])} {key}: build the sampler with num_template_frames="
                                 "num_search_frames=1")
        data = self.apply_joint_transform(data)
        out = dict(data)
        for prefix, transform in (("template", self.template_transform), ("search", self.search_transform)):
            crop, box = self.crop(data[f"{prefix}_images"][0], data[f"{prefix}_anno"][0])
            images, boxes = transform([crop], [box], random)
            out[f"{prefix}_images"], out[f"{prefix}_anno"] = images[0], boxes[0]
        return out


def siamfc_frame_filter(info: dict, image_size: tuple, min_area: float = 20, min_side: float = 20,
                        max_side: float = 500, min_relative: float = 0.01, max_relative: float = 0.5,
                        min_aspect: float = 0.25, max_aspect: float = 4) -> torch.Tensor:
    """The SiamFC/FDSiamFC data filter: the frames usable for training pairs.

    A frame is kept when the target is visible, ``w * h >= min_area``, ``min_side <= w, h <=
    max_side``, ``min_relative <= w / W, h / H <= max_relative`` and ``min_aspect <= w / max(1, h)
    <= max_aspect``. Pass it as ``TrackingSampler(frame_filter=siamfc_frame_filter)`` (thresholds
    via :func:`functools.partial`).

    Args:
        info: the sequence's ``get_sequence_info`` (``'bbox'`` (N, 4) xywh, ``'visible'`` (N,) bool).
        image_size: (H, W) of the sequence's frames.
    Returns:
        (N,) bool mask.
    """
    boxes = info["bbox"].to(torch.float64)
    width, height = boxes[:, 2], boxes[:, 3]
    relative_w, relative_h = width / image_size[1], height / image_size[0]
    aspect = width / height.clamp(min=1)
    return (info["visible"]
            & (width * height >= min_area)
            & (width >= min_side) & (height >= min_side) & (width <= max_side) & (height <= max_side)
            & (relative_w >= min_relative) & (relative_h >= min_relative)
            & (relative_w <= max_relative) & (relative_h <= max_relative)
            & (aspect >= min_aspect) & (aspect <= max_aspect))
