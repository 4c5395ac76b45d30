"""SiamFC's square crops: cut a (rounded) size x size patch around a centre, mean-colour padding, resize.

The one crop of the framework that does not go through :func:`ltr.data.processing_utils.resample`:
it is the published SiamFC / FDSiamFC tracking code's own (integer window, first-frame mean colour,
``cv2.resize`` of the cut patch, which anti-aliases differently from a bilinear warp), and with it
this tracker reproduces the official FDSiamFC scores on OTB with the published weights.
"""
from __future__ import annotations

import cv2
import numpy as np


def crop_and_resize(image: np.ndarray, center_yx: np.ndarray, size: float, out_size: int,
                    pad_color: np.ndarray) -> np.ndarray:
    """Square patch of side ``round(size)`` around ``center_yx``, resized to ``out_size``.

    The patch's top-left pixel is ``round(center - (side - 1) / 2)`` (0-based row, column);
    pixels outside the image take ``pad_color``; the resize is bilinear.

    Args:
        image: (H, W, 3) uint8.
        center_yx: (2,) patch centre (row, column) in 0-based pixel coordinates.
        size: side of the patch in image pixels.
        out_size: side of the output.
        pad_color: (3,) uint8 colour of the padding.
    Returns:
        (out_size, out_size, 3) uint8.
    """
    side = max(1, int(round(size)))
    y0, x0 = np.round(np.asarray(center_yx) - (side - 1) / 2).astype(int)
    height, width = image.shape[:2]
    if y0 >= 0 and x0 >= 0 and y0 + side <= height and x0 + side <= width:
        patch = image[y0:y0 + side, x0:x0 + side]
    else:
        patch = np.empty((side, side, 3), dtype=np.uint8)
        patch[:] = pad_color
        top, left = max(y0, 0), max(x0, 0)
        bottom, right = min(y0 + side, height), min(x0 + side, width)
        if bottom > top and right > left:
            patch[top - y0:bottom - y0, left - x0:right - x0] = image[top:bottom, left:right]
    return cv2.resize(patch, (out_size, out_size), interpolation=cv2.INTER_LINEAR)
