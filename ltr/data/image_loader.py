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


def imread_rgb(path: Union[str, os.PathLike]) -> np.ndarray:
    """Read an image file as an (H, W, 3) RGB uint8 array; raise naming the file when unreadable."""
    path = os.fspath(path)
    if _jpeg4py is not None and path.lower().endswith((".jpg", ".jpeg")):
        try:
            return _jpeg4py.JPEG(path).decode()
        except Exception:  # fall back to OpenCV for anything jpeg4py rejects
            pass
    image = cv2.imread(path, cv2.IMREAD_COLOR)
    if image is None:
        reason = "file does not exist" if not os.path.exists(path) else "cannot be decoded"
        raise IOError(f"cannot read image '{path}': {reason}")
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
