"""ATOM / IoU-Net training samples: jittered target-centred crops, box proposals and IoU labels.

From the sampler's template ("train", reference) and search ("test") frames,
:class:`ATOMProcessing` builds what an IoU-Net is trained on:

1. ``joint_transform`` on all frames together (ATOM: grayscale with probability 0.05).
2. Every frame is cropped around a jittered copy of its target box
   (:func:`ltr.data.processing_utils.jitter_box`: size ``(w, h) * exp(N(0, 1) * scale_jitter)``
   per axis, centre moved by ``sqrt(w' h') * center_jitter * U(-0.5, 0.5)`` per axis; ATOM:
   no jitter on train frames, centre 4.5 / scale 0.5 on test frames). The crop is the square
   of side ``sqrt(w' h') * search_area_factor`` (5) centred on the jittered box, resized to
   ``output_size`` (288 = 18 * 16); the true box is mapped into the crop's coordinates.
3. ``frame_transform`` on each crop (ATOM: per-frame brightness jitter 0.2 for training, then
   a 0-1 tensor and ImageNet normalisation; :func:`atom_frame_transform`).
4. ``num_proposals`` (16) proposals around each test frame's box in crop coordinates
   (:func:`sample_proposals`), labelled ``2 * IoU - 1`` (IoU 0.1..1 -> -0.8..1).
"""
from __future__ import annotations

import random
from typing import Optional, Sequence

import numpy as np
import torch

from ltr.data.bounding_box_utils import box_iou
from ltr.data.processing import Processing
from ltr.data.processing_utils import PadMode, jitter_box, sample_target, search_area_size, transform_box_to_crop
from ltr.data.transforms import IMAGENET_MEAN, IMAGENET_STD, ColorJitter, Compose, Normalize, ToTensor, Transform

SIGMA_FACTORS = (0.01, 0.05, 0.1, 0.2, 0.3)
"""ATOM's proposal noise levels (fractions of the box's width/height)."""
STD_DECAY = 0.9
MAX_PROPOSAL_DRAWS = 100


def atom_frame_transform(brightness: float = 0.2, mean: Sequence[float] = IMAGENET_MEAN,
                         std: Sequence[float] = IMAGENET_STD) -> Compose:
    """ATOM's per-frame transform of a crop: brightness jitter (per frame; omitted when
    ``brightness`` is 0, as for validation), (3, H, W) float32 tensor in 0-1, ``(x - mean) / std``."""
    steps = [ColorJitter(brightness, joint=False)] if brightness > 0 else []
    return Compose(steps + [ToTensor(1.0 / 255.0), Normalize(mean, std)])


def perturb_box(box: torch.Tensor, sigma_factor: float, min_iou: float,
                rng: random.Random = random) -> tuple:
    """One random proposal around ``box`` with IoU at least ``min_iou``.

    Procedure (ATOM's): with ``std = sigma_factor * sqrt(w * h)`` for all four values, draw the centre ``(cx', cy') ~
    N((cx, cy), std[:2])`` and size ``(w', h') ~ N((w, h), std[2:])`` (one ``rng.gauss`` each,
    in this order). The draw is accepted when ``w' > 0``, ``h' > 0`` and its IoU with ``box`` is
    ``>= min_iou``; otherwise ``std`` is multiplied by 0.9 and another draw made, so proposals
    converge to the box (ATOM's safeguard). After 100 rejected draws the box itself is returned
    (IoU 1; it never happens for ATOM's sigma factors and ``min_iou`` 0.1).

    Args:
        box: (4,) ``[x, y, w, h]`` with ``w, h > 0``.
        sigma_factor: noise level relative to the box size.
        min_iou: smallest accepted IoU, < 1.
        rng: random generator (default: the global :mod:`random`, seeded per loader worker).
    Returns:
        ``(proposal (4,) float32 [x, y, w, h], iou (0-d float32 tensor))``; ``iou`` is
        :func:`box_iou` of the returned float32 proposal and ``box``.
    """
    box = torch.as_tensor(box, dtype=torch.float32)
    x, y, w, h = (float(v) for v in box)
    std = [sigma_factor * (w * h) ** 0.5] * 4
    for _ in range(MAX_PROPOSAL_DRAWS):
        cx, cy = rng.gauss(x + w / 2, std[0]), rng.gauss(y + h / 2, std[1])
        pw, ph = rng.gauss(w, std[2]), rng.gauss(h, std[3])
        if pw > 0 and ph > 0:
            proposal = torch.tensor([cx - pw / 2, cy - ph / 2, pw, ph], dtype=torch.float32)
            iou = box_iou(proposal, box)
            if iou >= min_iou:
                return proposal, iou
        std = [s * STD_DECAY for s in std]
    return box.clone(), box_iou(box, box)


def sample_proposals(box: torch.Tensor, num_proposals: int, sigma_factors: Sequence[float] = SIGMA_FACTORS,
                     min_iou: float = 0.1, rng: random.Random = random) -> tuple:
    """``num_proposals`` proposals around ``box``, each with a sigma factor drawn uniformly from
    ``sigma_factors`` (``rng.choice``) and then :func:`perturb_box`.

    Returns:
        ``(proposals (num_proposals, 4) float32 [x, y, w, h], ious (num_proposals,) float32)``.
    """
    pairs = [perturb_box(box, rng.choice(list(sigma_factors)), min_iou, rng) for _ in range(num_proposals)]
    return torch.stack([p for p, _ in pairs]), torch.stack([iou for _, iou in pairs])


class ATOMProcessing(Processing):
    """IoU-Net training samples (see the module doc for the steps).

    Args:
        search_area_factor: crop side over ``sqrt(w * h)`` of the jittered box.
        output_size: side of the crops.
        center_jitter: ``{'train': factor, 'test': factor}`` for :func:`jitter_box`.
        scale_jitter: likewise.
        num_proposals: proposals per test frame.
        sigma_factors, min_iou: see :func:`sample_proposals`.
        pad: how crops are padded outside the image (``'replicate'``: the nearest border pixel,
            as ATOM's crops).
        joint_transform: applied to all frames of a sample together before cropping.
        frame_transform: applied to each crop; must end in (3, H, W) tensors (default
            :func:`atom_frame_transform` with brightness jitter 0.2).

    Returns (from ``__call__``) ``{'train_images': (num_train, 3, S, S) float32, 'train_anno':
    (num_train, 4), 'test_images': (num_test, 3, S, S), 'test_anno': (num_test, 4),
    'test_proposals': (num_test, num_proposals, 4), 'proposal_iou': (num_test, num_proposals)
    in [2 * min_iou - 1, 1], 'dataset', 'object_class'}``, boxes ``[x, y, w, h]`` in crop
    pixels. Collate with ``LTRLoader(stack_dim=1)`` to get the network's (num_frames, B, ...)
    layout.
    """

    def __init__(self, search_area_factor: float = 5.0, output_size: int = 288,
                 center_jitter: Optional[dict] = None, scale_jitter: Optional[dict] = None,
                 num_proposals: int = 16, sigma_factors: Sequence[float] = SIGMA_FACTORS, min_iou: float = 0.1,
                 pad: PadMode = "replicate", joint_transform: Optional[Transform] = None,
                 frame_transform: Optional[Compose] = None):
        super().__init__(joint_transform)
        self.center_jitter = {"train": 0.0, "test": 4.5} if center_jitter is None else dict(center_jitter)
        self.scale_jitter = {"train": 0.0, "test": 0.5} if scale_jitter is None else dict(scale_jitter)
        for name, factors in (("center_jitter", self.center_jitter), ("scale_jitter", self.scale_jitter)):
            if set(factors) != {"train", "test"}:
                raise ValueError(f"ATOMProcessing: {name} needs the keys 'train' and 'test', got {sorted(factors)}")
        if not 0 <= min_iou < 1:
            raise ValueError(f"ATOMProcessing: min_iou must be in [0, 1), got {min_iou}")
        if num_proposals < 1 or not sigma_factors:
            raise ValueError(f"ATOMProcessing: need num_proposals >= 1 and at least one sigma factor, got "
                             f"{num_proposals} and {list(sigma_factors)}")
        self.search_area_factor = search_area_factor
        self.output_size = output_size
        self.num_proposals = num_proposals
        self.sigma_factors = tuple(sigma_factors)
        self.min_iou = min_iou
        self.pad = pad
        self.frame_transform = frame_transform if frame_transform is not None else atom_frame_transform()

    def crop(self, image: np.ndarray, box: torch.Tensor, role: str) -> tuple:
        """Crop of one frame around its ``role`` ('train' or 'test') jittered box.

        Returns:
            ((output_size, output_size, 3) array, (4,) float32 true box in crop coordinates).
        """
        jittered = jitter_box(box, self.center_jitter[role], self.scale_jitter[role], random)
        size = search_area_size(jittered, self.search_area_factor)
        crop, window = sample_target(image, jittered, size, self.output_size, self.pad)
        return crop, transform_box_to_crop(box, window)

    def __call__(self, data: dict) -> dict:
        data = self.apply_joint_transform(data)
        out = {key: value for key, value in data.items()
               if key not in ("template_images", "template_anno", "search_images", "search_anno")}
        for source, role in (("template", "train"), ("search", "test")):
            crops, boxes = [], []
            for image, box in zip(data[f"{source}_images"], data[f"{source}_anno"], strict=True):
                crop, crop_box = self.crop(image, box, role)
                crops.append(crop)
                boxes.append(crop_box)
            images, boxes = self.frame_transform(crops, boxes, random)
            out[f"{role}_images"], out[f"{role}_anno"] = torch.stack(images), torch.stack(boxes)
        proposals, ious = zip(*(sample_proposals(box, self.num_proposals, self.sigma_factors, self.min_iou, random)
                                for box in out["test_anno"]))
        out["test_proposals"] = torch.stack(proposals)
        out["proposal_iou"] = 2.0 * torch.stack(ious) - 1.0
        return out
