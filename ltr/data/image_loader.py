"""Image reading: jpeg4py (libjpeg-turbo) when importable, OpenCV otherwise. Always RGB uint8.

Decoders return a half-decoded picture for a truncated JPEG (the missing rows grey) with at most a
warning on stderr; :func:`imread_rgb` refuses such files instead: a JPEG must end with its
end-of-image marker (trailing padding of up to :data:`JPEG_TAIL_BYTES` bytes after it is tolerated).
"""
from __future__ import annotations

import os
from typing import Optional, Union

import cv2
import numpy as np

from ltr.admin.errors import InputError

JPEG_START_OF_IMAGE = b"\xff\xd8"
JPEG_END_OF_IMAGE = b"\xff\xd9"
JPEG_TAIL_BYTES = 1024

try:  # optional fast JPEG decoder
    import jpeg4py as _jpeg4py
except ImportError:  # pragma: no cover - depends on the environment
    _jpeg4py = None


class UnreadableImageError(InputError, IOError):
    """An image file is missing or cannot be decoded.

    Attributes:
        path: the image file.
        reason: why it could not be read (``'file does not exist'``, ``'cannot be decoded'``).
    """

    def __init__(self, path: Union[str, os.PathLike], reason: str = "cannot be decoded"):
        super().__init__(os.fspath(path), reason)  # args stay (path, reason): the error pickles across processes
        self.path = os.fspath(path)
        self.reason = reason

    def __str__(self) -> str:
        return f"cannot read image '{self.path}': {self.reason}"


def imread_rgb(path: Union[str, os.PathLike]) -> np.ndarray:
    """Read an image file as an (H, W, 3) RGB uint8 array.

    Raises:
        UnreadableImageError naming the file when it does not exist or cannot be decoded.
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise UnreadableImageError(path, "file does not exist")
    is_jpeg = path.lower().endswith((".jpg", ".jpeg"))
    problem = jpeg_problem(path) if is_jpeg else None
    if problem:
        raise UnreadableImageError(path, problem)
    if _jpeg4py is not None and is_jpeg:
        try:
            return _jpeg4py.JPEG(path).decode()
        except Exception:  # fall back to OpenCV for anything jpeg4py rejects
            pass
    image = cv2.imread(path, cv2.IMREAD_COLOR)
    if image is None:
        raise UnreadableImageError(path, "cannot be decoded")
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)


def jpeg_problem(path: Union[str, os.PathLike]) -> Optional[str]:
    """Why a ``.jpg`` file cannot be a whole JPEG image, or None: it must start with the start-of-image
    marker and end with the end-of-image marker (within its last :data:`JPEG_TAIL_BYTES` bytes)."""
    with open(path, "rb") as handle:
        if handle.read(2) != JPEG_START_OF_IMAGE:
            return "cannot be decoded (not a JPEG file)"
        handle.seek(0, os.SEEK_END)
        handle.seek(max(0, handle.tell() - JPEG_TAIL_BYTES))
        if JPEG_END_OF_IMAGE not in handle.read():
            return "truncated JPEG (no end-of-image marker)"
    return None


def image_size(path: Union[str, os.PathLike]) -> tuple:
    """(width, height) of an image file, read from its header (the pixels are not decoded).

    Raises:
        UnreadableImageError naming the file when it does not exist or is not an image.
    """
    from PIL import Image, UnidentifiedImageError

    path = os.fspath(path)
    if not os.path.isfile(path):
        raise UnreadableImageError(path, "file does not exist")
    try:
        with Image.open(path) as image:
            return image.size
    except (UnidentifiedImageError, OSError) as err:
        raise UnreadableImageError(path, f"not an image ({err})") from None
