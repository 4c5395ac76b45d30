"""Per-frame debug views (``--debug`` on run_tracker / run_video): the frame with the tracker's box, and the
score map its position was taken from (``tracker.debug_info['score_map']``, see
:meth:`~pytracking.tracker.base.BaseTracker.expose_score_map`) as a heat map beside it.

Shown in visdom, as PyTracking users are used to, when the package is installed and a server answers (start
one with ``python -m visdom.server``; default ``localhost:8097``), in two windows that update in place: the
frame and the score map. Otherwise each frame is written as a PNG file, ``<folder>/<frame:05d>.png`` (frame
0 = the initial frame, which has no score map), the frame and the heat map side by side.
"""
from __future__ import annotations

import socket
from pathlib import Path
from typing import Protocol
from typing import Sequence as SequenceType

import cv2
import numpy as np

from ltr.admin.environment import PathLike
from ltr.admin.file_io import atomic_write
from pytracking.analysis.playback import TRACKER_COLOURS, draw_frame

VISDOM_HOST = "localhost"
VISDOM_PORT = 8097
CONNECT_TIMEOUT_S = 0.5
FRAME_WINDOW = "debug frame"
SCORE_WINDOW = "debug score map"


class DebugViews(Protocol):
    """Where the per-frame views go; ``where`` says it in words (for the command line)."""

    where: str

    def show(self, frame: int, image: np.ndarray, box: SequenceType[float], debug_info: dict) -> None:
        """Show frame ``frame`` (RGB (H, W, 3)) with ``box`` = [x, y, w, h] and the tracker's ``debug_info``."""


def heat_map(score_map: np.ndarray, height: int) -> np.ndarray:
    """(H', W') scores -> (height, width, 3) RGB uint8 jet heat map, normalised to the map's min..max, cells
    enlarged without smoothing and the aspect ratio kept (``width = height * W' / H'``)."""
    scores = np.nan_to_num(np.asarray(score_map, dtype=np.float32))
    low, span = scores.min(), scores.max() - scores.min()
    levels = np.zeros(scores.shape, np.uint8) if span <= 0 else ((scores - low) * (255 / span)).astype(np.uint8)
    width = max(1, int(round(height * scores.shape[1] / scores.shape[0])))
    enlarged = cv2.resize(levels, (width, height), interpolation=cv2.INTER_NEAREST)
    return cv2.cvtColor(cv2.applyColorMap(enlarged, cv2.COLORMAP_JET), cv2.COLOR_BGR2RGB)


def framed(image: np.ndarray, box: SequenceType[float], frame: int, label: str) -> np.ndarray:
    """``image`` with ``box`` drawn, labelled ``label``, and the frame number (playback's drawing)."""
    return draw_frame(image, {label: (np.asarray(box, dtype=np.float64), TRACKER_COLOURS[0])}, frame)


def debug_view(image: np.ndarray, box: SequenceType[float], debug_info: dict, frame: int, label: str) -> np.ndarray:
    """The frame with its box and, when ``debug_info`` has a score map, the heat map at its right (same height)."""
    view = framed(image, box, frame, label)
    if "score_map" not in debug_info:
        return view
    return np.concatenate([view, heat_map(debug_info["score_map"], view.shape[0])], axis=1)


class ImageFileViews:
    """Each frame's :func:`debug_view` written atomically to ``<folder>/<frame:05d>.png``."""

    def __init__(self, folder: PathLike, label: str):
        self.folder = Path(folder)
        self.label = label
        self.where = f"PNG files in {self.folder}"

    def show(self, frame: int, image: np.ndarray, box: SequenceType[float], debug_info: dict) -> None:
        view = debug_view(image, box, debug_info, frame, self.label)
        ok, data = cv2.imencode(".png", cv2.cvtColor(view, cv2.COLOR_RGB2BGR))
        if not ok:
            raise OSError(f"cannot encode the debug view of frame {frame}")
        atomic_write(self.folder / f"{frame:05d}.png", lambda handle: handle.write(data.tobytes()))


class VisdomViews:
    """The frame with its box and the score map in two visdom windows, replaced on every frame."""

    def __init__(self, client, label: str, where: str):
        self.client = client
        self.label = label
        self.where = where

    def show(self, frame: int, image: np.ndarray, box: SequenceType[float], debug_info: dict) -> None:
        title = f"{self.label} frame {frame}"
        self.client.image(framed(image, box, frame, self.label).transpose(2, 0, 1), win=FRAME_WINDOW,
                          opts={"title": title})
        if "score_map" in debug_info:  # visdom draws row 0 of a heat map at the bottom
            self.client.heatmap(np.flipud(debug_info["score_map"]), win=SCORE_WINDOW,
                                opts={"title": f"{title}: score map"})


def visdom_client(host: str = VISDOM_HOST, port: int = VISDOM_PORT):
    """A connected ``visdom.Visdom`` client, or None when visdom is not installed or no server answers at
    ``host:port`` (probed with a plain socket first: visdom's own client prints tracebacks when it fails)."""
    try:
        import visdom
    except ImportError:
        return None
    try:
        with socket.create_connection((host, port), timeout=CONNECT_TIMEOUT_S):
            pass
        client = visdom.Visdom(server=f"http://{host}", port=port, use_incoming_socket=False, raise_exceptions=True)
    except OSError:  # no server; visdom's and requests' connection errors are OSErrors too
        return None
    return client if client.check_connection() else None


def open_debug_views(label: str, folder: PathLike, host: str = VISDOM_HOST, port: int = VISDOM_PORT) -> DebugViews:
    """Visdom views when a server answers at ``host:port`` (see :func:`visdom_client`), else PNG files in
    ``folder``; ``label`` names the tracker and sequence in titles and on the frames."""
    client = visdom_client(host, port)
    if client is None:
        return ImageFileViews(folder, label)
    return VisdomViews(client, label, f"visdom at http://{host}:{port}")

