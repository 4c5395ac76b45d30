"""Image reading: jpeg4py (libjpeg-turbo) when importable, OpenCV otherwise. Always RGB uint8."""
from __future__ import annotations

import os
from typing import Union

import cv2
import numpy as np

try:  # optional fast JPEG decoder
    import jpeg4py as _jpeg4py
except ImportError:  # pragma: no cover - depends on the environment
    _jpeg4py = None


class UnreadableImageError(IOError):
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
    if _jpeg4py is not None and path.lower().endswith((".jpg", ".jpeg")):
        try:
            return _jpeg4py.JPEG(path).decode()
        except Exception:  # fall back to OpenCV for anything jpeg4py rejects
            pass
    image = cv2.imread(path, cv2.IMREAD_COLOR)
    if image is None:
        raise UnreadableImageError(path, "cannot be decoded")
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
