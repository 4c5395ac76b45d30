"""Random image transforms that keep the frames' boxes consistent with the images.

A :class:`Transform` is called on a list of frames and, optionally, their ``[x, y, w, h]``
boxes: ``images, boxes = transform(images, boxes, rng)``. Joint transforms (``joint=True``)
draw their random parameters once per call and apply them identically to every frame; per-frame
transforms (``joint=False``) draw once per frame. Each class has the default that fits its
usual use (grayscale joint, jitter/flip/blur/crops per frame) and takes ``joint`` to change it.

Randomness comes only from the ``rng`` argument: a :class:`random.Random` or, by default, the
:mod:`random` module itself, whose global generator :class:`ltr.data.loader.LTRLoader` seeds
per worker and epoch (and the trainer checkpoints), so samples are reproducible.

Images: (H, W, C) NumPy arrays with values 0-255 (uint8, or float32 after
:class:`ColorJitter`) for every transform up to :class:`ToTensor`, which makes (C, H, W)
float32 tensors; :class:`Normalize` works on those tensors.
"""
from __future__ import annotations

import random
from typing import Any, Optional, Sequence

import cv2
import numpy as np
import torch

from ltr.data.bounding_box_utils import rescale_box
from ltr.data.processing_utils import CropWindow, PadMode, crop_window, transform_box_to_crop

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
"""ImageNet channel statistics (RGB, 0-1 scale) that every ImageNet-pretrained backbone expects."""

Image = Any  # np.ndarray (H, W, C) before ToTensor, torch.Tensor (C, H, W) after


def image_size(image: Image) -> tuple:
    """(height, width) of an (H, W, C) array or a (C, H, W) tensor."""
    return tuple(image.shape[-2:]) if isinstance(image, torch.Tensor) else tuple(image.shape[:2])


def _require_array(image: Image, transform: "Transform") -> np.ndarray:
    if not isinstance(image, np.ndarray):
        raise TypeError(f"{type(transform).__name__} works on (H, W, C) NumPy images, got "
                        f"{type(image).__name__}: apply it before ToTensor")
    return image


class Transform:
    """Base class: subclasses implement :meth:`transform_image` and, when needed, :meth:`draw`
    (the random parameters) and :meth:`transform_box` (boxes are unchanged by default)."""

    def __init__(self, joint: bool = True):
        self.joint = joint

    def draw(self, rng: random.Random, size: tuple) -> Any:
        """Random parameters for a frame of (height, width) ``size`` (joint: the first frame's)."""
        return None

    def transform_image(self, image: Image, params: Any) -> Image:
        raise NotImplementedError

    def transform_box(self, box: torch.Tensor, size: tuple, params: Any) -> torch.Tensor:
        """The (4,) box of a frame of (height, width) ``size`` (before the transform)."""
        return box

    def __call__(self, images: Sequence[Image], boxes: Optional[Sequence[torch.Tensor]] = None,
                 rng: random.Random = random) -> tuple:
        """Transform frames and their boxes.

        Args:
            images: the frames.
            boxes: one (4,) ``[x, y, w, h]`` tensor per frame, or None.
            rng: random generator (default: the global :mod:`random` generator).
        Returns:
            ``(images, boxes)``: new lists (``boxes`` None when given None).
        """
        if boxes is not None and len(boxes) != len(images):
            raise ValueError(f"{type(self).__name__}: {len(images)} images but {len(boxes)} boxes")
        shared = self.draw(rng, image_size(images[0])) if self.joint and images else None
        out_images, out_boxes = [], []
        for index, image in enumerate(images):
            size = image_size(image)
            params = shared if self.joint else self.draw(rng, size)
            if boxes is not None:
                out_boxes.append(self.transform_box(torch.as_tensor(boxes[index], dtype=torch.float32), size, params))
            out_images.append(self.transform_image(image, params))
        return out_images, (out_boxes if boxes is not None else None)


class Compose:
    """Apply transforms in order (each with its own joint/per-frame rule)."""

    def __init__(self, transforms: Sequence[Transform]):
        self.transforms = list(transforms)

    def __call__(self, images: Sequence[Image], boxes: Optional[Sequence[torch.Tensor]] = None,
                 rng: random.Random = random) -> tuple:
        for transform in self.transforms:
            images, boxes = transform(images, boxes, rng)
        return list(images), (list(boxes) if boxes is not None else None)


class ToTensor(Transform):
    """(H, W, C) arrays -> (C, H, W) float32 tensors multiplied by ``scale`` (1: raw 0-255, 1/255: 0-1)."""

    def __init__(self, scale: float = 1.0):
        super().__init__(joint=True)
        self.scale = scale

    def transform_image(self, image: Image, params: Any) -> torch.Tensor:
        array = _require_array(image, self)
        tensor = torch.from_numpy(np.ascontiguousarray(array, dtype=np.float32)).permute(2, 0, 1).contiguous()
        return tensor * self.scale if self.scale != 1.0 else tensor


class Normalize(Transform):
    """``(image - mean) / std`` per channel on (C, H, W) tensors (use the scale of ToTensor's output)."""

    def __init__(self, mean: Sequence[float], std: Sequence[float]):
        super().__init__(joint=True)
        self.mean = torch.tensor(mean, dtype=torch.float32).view(-1, 1, 1)
        self.std = torch.tensor(std, dtype=torch.float32).view(-1, 1, 1)

    def transform_image(self, image: Image, params: Any) -> torch.Tensor:
        if not isinstance(image, torch.Tensor):
            raise TypeError(f"Normalize works on (C, H, W) tensors, got {type(image).__name__}: apply ToTensor first")
        return (image - self.mean) / self.std


class RandomlyApplied(Transform):
    """A transform applied with probability ``probability``: the drawn parameter is a bool."""

    def __init__(self, probability: float, joint: bool):
        super().__init__(joint)
        self.probability = probability

    def draw(self, rng: random.Random, size: tuple) -> bool:
        return rng.random() < self.probability


class ToGrayscale(RandomlyApplied):
    """With probability ``probability``, replace RGB by its gray level in all three channels."""

    def __init__(self, probability: float = 0.5, joint: bool = True):
        super().__init__(probability, joint)

    def transform_image(self, image: Image, params: bool) -> np.ndarray:
        image = _require_array(image, self)
        if not params:
            return image
        gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
        return np.repeat(gray[:, :, None], 3, axis=2)


class ColorJitter(Transform):
    """Brightness jitter: multiply by a factor drawn in ``[max(0, 1 - brightness), 1 + brightness]``,
    clip to ``[0, 255]``; returns float32 arrays (no rounding)."""

    def __init__(self, brightness: float = 0.2, joint: bool = False):
        super().__init__(joint)
        self.brightness = brightness

    def draw(self, rng: random.Random, size: tuple) -> float:
        return rng.uniform(max(0.0, 1.0 - self.brightness), 1.0 + self.brightness)

    def transform_image(self, image: Image, params: float) -> np.ndarray:
        image = _require_array(image, self)
        return np.clip(image.astype(np.float32) * np.float32(params), 0.0, 255.0)


class RandomHorizontalFlip(RandomlyApplied):
    """With probability ``probability``, mirror the image left-right; a box becomes ``[W - x - w, y, w, h]``."""

    def __init__(self, probability: float = 0.5, joint: bool = False):
        super().__init__(probability, joint)

    def transform_image(self, image: Image, params: bool) -> np.ndarray:
        image = _require_array(image, self)
        return np.ascontiguousarray(image[:, ::-1]) if params else image

    def transform_box(self, box: torch.Tensor, size: tuple, params: bool) -> torch.Tensor:
        if not params:
            return box
        x, y, w, h = box.unbind(-1)
        return torch.stack((size[1] - x - w, y, w, h), dim=-1)


class Blur(RandomlyApplied):
    """With probability ``probability``, Gaussian blur of standard deviation ``sigma`` pixels."""

    def __init__(self, sigma: float, probability: float = 1.0, joint: bool = False):
        super().__init__(probability, joint)
        self.sigma = sigma

    def transform_image(self, image: Image, params: bool) -> np.ndarray:
        image = _require_array(image, self)
        return cv2.GaussianBlur(image, (0, 0), self.sigma) if params else image


class RandomStretch(Transform):
    """Resize by a factor drawn in ``[1 - max_stretch, 1 + max_stretch]`` (SiamFC, 0.05): the new
    size is ``round(W * s) x round(H * s)``, bilinear; boxes scale by new/old size per axis."""

    def __init__(self, max_stretch: float = 0.05, joint: bool = False):
        super().__init__(joint)
        self.max_stretch = max_stretch

    def draw(self, rng: random.Random, size: tuple) -> float:
        return 1.0 + rng.uniform(-self.max_stretch, self.max_stretch)

    @staticmethod
    def _new_size(size: tuple, factor: float) -> tuple:
        return max(1, round(size[0] * factor)), max(1, round(size[1] * factor))

    def transform_image(self, image: Image, params: float) -> np.ndarray:
        image = _require_array(image, self)
        height, width = self._new_size(image.shape[:2], params)
        if (height, width) == image.shape[:2]:
            return image
        return cv2.resize(image, (width, height), interpolation=cv2.INTER_LINEAR)

    def transform_box(self, box: torch.Tensor, size: tuple, params: float) -> torch.Tensor:
        height, width = self._new_size(size, params)
        return rescale_box(box, width / size[1], height / size[0])


class CenterCrop(Transform):
    """Cut the ``size`` x ``size`` window at offset ``((W - size) // 2, (H - size) // 2)``; where the
    image is smaller the window is padded (``pad``: 'mean' = the image's mean colour)."""

    def __init__(self, size: int, pad: PadMode = "mean"):
        super().__init__(joint=True)
        self.size, self.pad = size, pad

    def window(self, size: tuple) -> CropWindow:
        return CropWindow.square((size[1] - self.size) // 2, (size[0] - self.size) // 2, self.size, self.size)

    def transform_image(self, image: Image, params: None) -> np.ndarray:
        image = _require_array(image, self)
        return crop_window(image, self.window(image.shape[:2]), self.pad)

    def transform_box(self, box: torch.Tensor, size: tuple, params: None) -> torch.Tensor:
        return transform_box_to_crop(box, self.window(size))


class RandomCrop(Transform):
    """Cut a ``size`` x ``size`` window at a uniformly drawn integer offset (every position inside
    the image equally likely; where the image is smaller, every padded placement)."""

    def __init__(self, size: int, pad: PadMode = "mean", joint: bool = False):
        super().__init__(joint)
        self.size, self.pad = size, pad

    def draw(self, rng: random.Random, size: tuple) -> CropWindow:
        def offset(extent: int) -> int:
            margin = extent - self.size
            return rng.randint(min(0, margin), max(0, margin))
        x0 = offset(size[1])
        y0 = offset(size[0])
        return CropWindow.square(x0, y0, self.size, self.size)

    def transform_image(self, image: Image, params: CropWindow) -> np.ndarray:
        return crop_window(_require_array(image, self), params, self.pad)

    def transform_box(self, box: torch.Tensor, size: tuple, params: CropWindow) -> torch.Tensor:
        return transform_box_to_crop(box, params)
