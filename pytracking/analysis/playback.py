"""Result playback: the ground truth and each tracker's box drawn over a sequence's frames.

Outputs, chosen by the file suffix of :func:`render_playback`:

* ``.png`` / ``.jpg``: a contact sheet of selected frames (default 8 evenly spaced);
* ``.gif``: an animated GIF (Pillow), default all frames;
* ``.mp4`` / ``.avi``: a video (OpenCV ``VideoWriter``), default all frames;

and :func:`show_playback` browses a sequence interactively with a matplotlib slider when an
interactive backend (a display) is available. Frame numbers are 0-based (frame 0 = init).
"""
from __future__ import annotations

import math
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Optional
from typing import Sequence as SequenceType

import cv2
import numpy as np

from ltr.admin.environment import PathLike
from ltr.admin.file_io import atomic_output, atomic_write
from ltr.data.image_loader import imread_rgb
from pytracking.analysis.extract import MissingResultsError, group_runs, result_file
from pytracking.evaluation.data import Sequence
from pytracking.evaluation.results_io import load_result_boxes
from pytracking.evaluation.tracker import Tracker

if TYPE_CHECKING:
    from matplotlib.widgets import Slider

GROUND_TRUTH = "ground truth"
GT_COLOUR = (0, 255, 0)
TRACKER_COLOURS = ((255, 0, 0), (60, 160, 255), (255, 200, 0), (255, 0, 255), (0, 255, 255),
                   (255, 128, 0), (128, 0, 255), (255, 255, 255), (128, 128, 0), (0, 128, 128))
"""RGB colours of the trackers' boxes, in the order the results are given (cycled)."""
SHEET_SUFFIXES = (".png", ".jpg", ".jpeg")
VIDEO_FOURCC = {".mp4": "mp4v", ".avi": "MJPG"}


def load_playback_results(trackers: SequenceType[Tracker], sequence: Sequence) -> dict:
    """``{display name: (N, 4) boxes}`` of each tracker (first run of repeated runs) on ``sequence``."""
    results = {}
    for group in group_runs(trackers):
        path = result_file(group.runs[0], sequence.name)
        if not path.is_file():
            raise MissingResultsError(f"tracker '{group.display_name}' has no result for sequence "
                                      f"'{sequence.name}' ({path})")
        results[group.display_name] = load_result_boxes(path)
    return results


def _box_at(boxes: np.ndarray, frame: int) -> Optional[np.ndarray]:
    """Row ``frame`` of (N, 4) boxes, or None when absent, NaN or empty."""
    if frame >= len(boxes) or not np.isfinite(boxes[frame]).all() or (boxes[frame, 2:] <= 0).any():
        return None
    return boxes[frame]


def draw_frame(image: np.ndarray, boxes: dict, frame: int) -> np.ndarray:
    """Draw boxes, a colour legend and the frame number on a copy of an (H, W, 3) RGB image.

    Args:
        boxes: ``{label: ((4,) box or None, RGB colour)}``; None boxes appear only in the legend.
    """
    out = np.ascontiguousarray(image).copy()
    scale = max(out.shape[0] / 288.0, 0.4)
    thickness = max(int(round(2 * scale)), 1)
    for box, colour in boxes.values():
        if box is not None:
            x, y, w, h = box
            top_left, bottom_right = (int(round(x)), int(round(y))), (int(round(x + w)), int(round(y + h)))
            cv2.rectangle(out, top_left, bottom_right, colour, thickness)
    line = int(18 * scale) + 2
    for row, (label, (_, colour)) in enumerate(boxes.items()):
        _boxed_text(out, label, (4, line * (row + 1)), 0.5 * scale, colour)
    _boxed_text(out, f"frame {frame}", (4, out.shape[0] - 6), 0.5 * scale, (255, 255, 255))
    return out


def _boxed_text(image: np.ndarray, text: str, origin: tuple, font_scale: float, colour: tuple) -> None:
    """Text in ``colour`` on a black box, readable on any background (drawn in place)."""
    thickness = max(int(round(2 * font_scale)), 1)
    (w, h), baseline = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, font_scale, thickness)
    x, y = origin
    cv2.rectangle(image, (x - 2, y - h - 2), (x + w + 2, y + baseline), (0, 0, 0), cv2.FILLED)
    cv2.putText(image, text, origin, cv2.FONT_HERSHEY_SIMPLEX, font_scale, colour, thickness, cv2.LINE_AA)


def annotated_frame(sequence: Sequence, results: dict, frame: int) -> np.ndarray:
    """Frame ``frame`` of ``sequence`` with its ground truth and every tracker's box drawn (RGB)."""
    boxes = {GROUND_TRUTH: (_box_at(sequence.ground_truth_rect, frame), GT_COLOUR)}
    for i, (name, result) in enumerate(results.items()):
        boxes[name] = (_box_at(np.asarray(result, dtype=np.float64), frame), TRACKER_COLOURS[i % len(TRACKER_COLOURS)])
    return draw_frame(imread_rgb(sequence.frames[frame]), boxes, frame)


def contact_sheet(tiles: SequenceType[np.ndarray], columns: int) -> np.ndarray:
    """Tile equally sized (H, W, 3) images row by row -> (rows * H, min(n, columns) * W, 3)."""
    h, w = tiles[0].shape[:2]
    cols = min(columns, len(tiles))
    sheet = np.zeros((math.ceil(len(tiles) / cols) * h, cols * w, 3), dtype=np.uint8)
    for i, tile in enumerate(tiles):
        if tile.shape[:2] != (h, w):
            tile = cv2.resize(tile, (w, h))
        r, c = divmod(i, cols)
        sheet[r * h:(r + 1) * h, c * w:(c + 1) * w] = tile
    return sheet


def default_frames(num_frames: int, still: bool) -> list:
    """8 evenly spaced frames for a contact sheet, every frame for an animation."""
    if not still:
        return list(range(num_frames))
    return sorted(set(np.linspace(0, num_frames - 1, min(8, num_frames)).round().astype(int).tolist()))


def render_playback(sequence: Sequence, results: dict, out_path: PathLike,
                    frames: Optional[SequenceType[int]] = None, columns: int = 4, fps: float = 10.0) -> Path:
    """Write a playback of ``results`` (``{name: (N, 4) boxes}``) on ``sequence`` to ``out_path``.

    The suffix selects the output (see the module docstring); the file is written atomically.
    ``frames`` are 0-based frame indices (default: 8 evenly spaced for a sheet, all otherwise).
    Returns the path written.
    """
    out_path = Path(out_path)
    suffix = out_path.suffix.lower()
    if suffix not in SHEET_SUFFIXES + (".gif",) + tuple(VIDEO_FOURCC):
        raise ValueError(f"playback output '{out_path}': unknown format '{suffix}'; "
                         f"use one of {', '.join(SHEET_SUFFIXES + ('.gif',) + tuple(VIDEO_FOURCC))}")
    frames = default_frames(len(sequence.frames), suffix in SHEET_SUFFIXES) if frames is None else list(frames)
    bad = [f for f in frames if not 0 <= f < len(sequence.frames)]
    if bad or not frames:
        raise ValueError(f"playback frames {bad or frames} are outside sequence '{sequence.name}' "
                         f"(0..{len(sequence.frames) - 1})")
    images = [annotated_frame(sequence, results, f) for f in frames]
    if suffix in SHEET_SUFFIXES:
        ok, data = cv2.imencode(suffix, cv2.cvtColor(contact_sheet(images, columns), cv2.COLOR_RGB2BGR))
        if not ok:
            raise OSError(f"cannot encode contact sheet '{out_path}'")
        atomic_write(out_path, partial(_write_bytes, data.tobytes()))
    elif suffix == ".gif":
        from PIL import Image
        pil = [Image.fromarray(image) for image in images]
        atomic_write(out_path, partial(pil[0].save, format="GIF", save_all=True, append_images=pil[1:],
                                       duration=int(round(1000 / fps)), loop=0))
    else:
        write_video(images, out_path, fps)
    return out_path


def _write_bytes(data: bytes, handle) -> None:
    handle.write(data)


def write_video(images: SequenceType[np.ndarray], out_path: Path, fps: float) -> None:
    """Encode RGB frames with OpenCV into a temporary file beside ``out_path``, then rename."""
    with atomic_output(out_path, suffix=out_path.suffix) as tmp:
        h, w = images[0].shape[:2]
        writer = cv2.VideoWriter(str(tmp), cv2.VideoWriter_fourcc(*VIDEO_FOURCC[out_path.suffix.lower()]), fps, (w, h))
        if not writer.isOpened():
            raise OSError(f"OpenCV cannot write '{out_path.suffix}' video (codec unavailable) for '{out_path}'")
        for image in images:
            writer.write(cv2.cvtColor(cv2.resize(image, (w, h)), cv2.COLOR_RGB2BGR))
        writer.release()


def show_playback(sequence: Sequence, results: dict) -> Slider:
    """Browse ``sequence`` with the boxes of ``results`` in a matplotlib window with a frame slider.

    Returns the slider (keep a reference where ``plt.show`` does not block, e.g. in a notebook
    with an interactive backend, or the slider stops responding). Raises RuntimeError when
    matplotlib's backend is non-interactive (no display); use :func:`render_playback` instead.
    """
    import matplotlib.pyplot as plt
    from matplotlib.backends import BackendFilter, backend_registry
    from matplotlib.widgets import Slider

    backend = plt.get_backend()
    if backend.lower() in {b.lower() for b in backend_registry.list_builtin(BackendFilter.NON_INTERACTIVE)}:
        raise RuntimeError(f"interactive playback needs a display; matplotlib backend is '{backend}'. "
                           f"Use render_playback(...) to write a contact sheet, GIF or video instead")
    fig, ax = plt.subplots()
    fig.subplots_adjust(bottom=0.15)
    artist = ax.imshow(annotated_frame(sequence, results, 0))
    ax.set_title(sequence.name)
    ax.axis("off")
    slider = Slider(fig.add_axes((0.15, 0.04, 0.7, 0.04)), "frame", 0, len(sequence.frames) - 1, valinit=0, valstep=1)
    slider.on_changed(lambda value: (artist.set_data(annotated_frame(sequence, results, int(value))),
                                     fig.canvas.draw_idle()))
    plt.show()
    return slider
