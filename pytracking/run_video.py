"""Track a target through a video: ``python pytracking/run_video.py NAME PARAM VIDEO --box x,y,w,h``.

``VIDEO`` is a video file OpenCV decodes (``.mp4``, ``.avi``, ...) or a folder of images, tracked in natural
order (``2.jpg`` before ``10.jpg``). The first box is ``--box x,y,w,h`` (0-based pixels; a negative value
needs the ``=`` form, ``--box=-4,10,30,40``) or the first row of ``--groundtruth FILE``; it is checked
against the first frame before the tracker is built. Outputs, written atomically once tracking is done:
``--results FILE`` (the boxes in the results-file format: tab-separated integers, row 0 = the first box) and
``--output FILE.mp4|.avi`` (the video with the boxes drawn, at the input's frame rate). ``--refine`` plugs a
box refiner in and ``--debug N`` shows the per-frame debug views, both as in run_tracker. Bad input (a
missing or undecodable video, a malformed box, a box outside the frame) is one line on stderr, exit status 2.
"""
from __future__ import annotations

import argparse
import itertools
import os
import re
import sys
from collections.abc import Sequence as SequenceABC
from pathlib import Path
from typing import Iterator, Optional

_REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if _REPO_ROOT not in sys.path:
    sys.path.insert(0, _REPO_ROOT)

import cv2  # noqa: E402
import numpy as np  # noqa: E402
from tqdm import tqdm  # noqa: E402

from ltr.admin.arguments import non_negative_int  # noqa: E402
from ltr.admin.environment import PathLike  # noqa: E402
from ltr.admin.errors import InputError, command_line  # noqa: E402
from ltr.admin.file_io import atomic_write_text  # noqa: E402
from ltr.data.annotations import read_number_rows  # noqa: E402
from ltr.data.image_loader import imread_rgb  # noqa: E402
from pytracking.analysis.debug_views import framed  # noqa: E402
from pytracking.analysis.playback import VIDEO_FOURCC, write_video  # noqa: E402
from pytracking.evaluation.data import check_init_box  # noqa: E402
from pytracking.evaluation.results_io import format_rows  # noqa: E402
from pytracking.evaluation.tracker import Tracker, intra_op_threads, track_frames  # noqa: E402

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp")
DEFAULT_FPS = 30.0
"""Frame rate of the annotated video of an image folder, or of a video file whose header has none."""
FFMPEG_QUIET = "-8"
"""FFmpeg's AV_LOG_QUIET: OpenCV's FFmpeg backend would print its own lines about an undecodable file."""


class VideoInputError(InputError, ValueError):
    """A video or image folder that cannot be read, or a malformed first box or output name."""


def natural_key(name: str) -> list:
    """Sort key ordering digit runs by value: ``frame2`` before ``frame10``."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", name)]


class VideoFrames:
    """The RGB frames of a video file or an image folder, read lazily; each iteration starts again at frame 0.

    Attributes:
        name: the file's stem or the folder's name.
        fps: the file's frame rate (:data:`DEFAULT_FPS` for a folder or a file without one).
        announced: the number of frames the header announces (may be off for some videos; the folder's
            image count), or None.
    """

    def __init__(self, path: PathLike):
        self.path = Path(path)
        self.name = self.path.stem if self.path.is_file() else self.path.name
        self.images: Optional[list] = None
        if self.path.is_dir():
            self.images = sorted((p for p in self.path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES),
                                 key=lambda p: natural_key(p.name))
            if not self.images:
                raise VideoInputError(f"image folder '{self.path}' holds no images ({' '.join(IMAGE_SUFFIXES)})")
            self.fps, self.announced = DEFAULT_FPS, len(self.images)
        elif self.path.is_file():
            capture = self._open()
            self.fps = capture.get(cv2.CAP_PROP_FPS) or DEFAULT_FPS
            self.announced = int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) or None
            capture.release()
        else:
            raise VideoInputError(f"no video file or image folder '{self.path}'")

    def _open(self) -> cv2.VideoCapture:
        capture = cv2.VideoCapture(str(self.path))
        if not capture.isOpened():
            raise VideoInputError(f"cannot read video '{self.path}': OpenCV cannot decode it")
        return capture

    def __iter__(self) -> Iterator[np.ndarray]:
        if self.images is not None:
            yield from (imread_rgb(path) for path in self.images)
            return
        capture = self._open()
        try:
            ok, frame = capture.read()
            if not ok:
                raise VideoInputError(f"cannot read video '{self.path}': no frame can be decoded")
            while ok:
                yield cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)
                ok, frame = capture.read()
        finally:
            capture.release()


class AnnotatedFrames(SequenceABC):
    """The frames of ``video`` with ``boxes`` (one per frame) drawn, labelled ``label``: a lazy sequence, read
    again from the video in order, so a long video is never held in memory (what the video writer iterates)."""

    def __init__(self, video: VideoFrames, boxes: np.ndarray, label: str):
        self.video, self.boxes, self.label = video, boxes, label
        self._reader, self._next = iter(video), 0

    def __len__(self) -> int:
        return len(self.boxes)

    def __getitem__(self, index: int) -> np.ndarray:
        if not 0 <= index < len(self):
            raise IndexError(index)
        if index < self._next:
            self._reader, self._next = iter(self.video), 0
        image = next(itertools.islice(self._reader, index - self._next, None))
        self._next = index + 1
        return framed(image, self.boxes[index], index, self.label)


def parse_box(text: str) -> list:
    """``'x,y,w,h'`` -> four floats (the ``--box`` flag)."""
    try:
        box = [float(v) for v in text.split(",")]
    except ValueError:
        box = []
    if len(box) != 4:
        raise VideoInputError(f"--box '{text}' is not four comma-separated numbers x,y,w,h")
    return box


def frame_rate(frames: int, seconds: float) -> float:
    """Frames per second (infinite for no measurable time)."""
    return frames / seconds if seconds > 0 else float("inf")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Track a target through a video file or an image folder.")
    parser.add_argument("tracker_name", help="tracker package under pytracking/tracker, e.g. kcf, atom")
    parser.add_argument("tracker_param", help="parameter file under pytracking/parameter/<tracker>, e.g. default")
    parser.add_argument("video", help="video file (.mp4, .avi, ...) or folder of images (natural order)")
    first = parser.add_mutually_exclusive_group(required=True)
    first.add_argument("--box", metavar="X,Y,W,H", help="first box in pixels (negative values: --box=-4,10,30,40)")
    first.add_argument("--groundtruth", metavar="FILE", help="annotation file whose first row is the first box")
    parser.add_argument("--output", metavar="FILE", help=f"annotated video ({', '.join(VIDEO_FOURCC)})")
    parser.add_argument("--results", metavar="FILE", help="boxes, one row per frame (results-file format)")
    parser.add_argument("--refine", default=None, metavar="REFINER",
                        help="plug a box refiner in (pytracking/parameter/refine/REFINER.py, e.g. ar34)")
    parser.add_argument("--debug", type=non_negative_int, default=0, metavar="N",
                        help="debug level (>0: per-frame views in visdom when a server runs, else PNG files "
                             "under <results_path>/NAME/PARAM/debug/<video>/)")
    return parser


@command_line("run_video.py")
def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", FFMPEG_QUIET)
    if args.output and Path(args.output).suffix.lower() not in VIDEO_FOURCC:
        raise VideoInputError(f"--output '{args.output}': use one of {', '.join(VIDEO_FOURCC)}")
    video = VideoFrames(args.video)
    box = parse_box(args.box) if args.box else [float(v) for v in read_number_rows(args.groundtruth, max_rows=1)[0]]
    frames = iter(video)
    first = next(frames)
    check_init_box(box, (first.shape[1], first.shape[0]), f"video '{video.path}'")

    definition = Tracker(args.tracker_name, args.tracker_param, refine=args.refine)
    tracker = definition.create_tracker(args.debug)
    views = definition.debug_views(video.name) if args.debug else None
    if views is not None:
        print(f"debug views: {views.where}")
    boxes, elapsed = [], 0.0
    with intra_op_threads(tracker.params.get("num_threads", None)), \
            tqdm(total=video.announced, desc=video.name, unit="frame") as bar:
        for frame_box, seconds in track_frames(tracker, itertools.chain([first], frames), {"init_bbox": box},
                                               video.name, views):
            boxes.append(frame_box)
            elapsed += seconds
            bar.set_postfix(fps=f"{frame_rate(len(boxes), elapsed):.1f}", refresh=False)
            bar.update()
    boxes = np.asarray(boxes, dtype=np.float64)
    print(f"{definition.display_name} on {video.name}: {len(boxes)} frames, FPS {frame_rate(len(boxes), elapsed):.1f}")
    if args.results:
        atomic_write_text(args.results, format_rows(boxes))
        print(f"boxes -> {args.results}")
    if args.output:
        write_video(AnnotatedFrames(video, boxes, definition.display_name), Path(args.output), video.fps)
        print(f"annotated video -> {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
