"""A TraX server around any tracker and parameter file, for the VOT toolkit (``vot-toolkit``).

The toolkit starts ``pytracking/run_vot.py NAME PARAM`` (see the ``trackers.ini`` entry below),
sends the first frame with the target region, then one frame at a time; the server answers every
frame with the tracker's box as a TraX rectangle. Frames come as image paths (TraX image format
``path``). The initial region may be a rectangle ``x, y, w, h`` or a 4-corner polygon, which is
turned into a box with the VOT loader's 'preserve area' rule
(:func:`pytracking.evaluation.votdataset.polygon_to_box`), so a tracker starts from the same box as
in ``run_tracker.py --dataset vot``. Each initialisation (a new sequence, or a restart after a
failure in a supervised experiment) gets a freshly built tracker.

An unknown tracker or parameter file, a parameter the tracker does not read or a missing network
file fails before the TraX handshake: one line on stderr and exit status 2, which the toolkit shows
as the tracker's output. Python's ``print`` output goes to stderr so it never mixes with the TraX
messages on stdout.

``trackers.ini`` entry of a toolkit workspace (``python -m pytracking.vot.workspace`` writes it;
``REPO`` is the repository root, ``PYTHON`` the interpreter of the environment it is installed in)::

    [kcf_default]
    label = kcf/default
    protocol = traxpython
    command = import sys; from pytracking.run_vot import main; sys.exit(main(['kcf', 'default']))
    paths = REPO
    python = PYTHON
    timeout = 120
    # optional, for trackers with networks: env_PYTRACKING_NETWORK_PATH = /path/to/networks

``paths`` is put on ``sys.path`` (and ``PYTHONPATH``) of the tracker process, ``env_<NAME>``
sets environment variables, ``timeout`` is how long (seconds) the toolkit waits for a reply
(start-up included: importing torch and loading a network can take longer than its default 30).
"""
from __future__ import annotations

import itertools
import sys
from contextlib import redirect_stdout
from typing import Iterator

import numpy as np

from ltr.admin.errors import InputError, one_line
from ltr.data.image_loader import imread_rgb
from pytracking.evaluation.tracker import Tracker, intra_op_threads
from pytracking.evaluation.votdataset import polygon_to_box

try:
    import trax
except ImportError:  # optional dependency: the error is raised when a server is started
    trax = None

REGION_FORMATS = ("rectangle", "polygon")
"""TraX region formats the server accepts for initialisation (masks are converted by the client)."""
IMAGE_FORMATS = ("path",)


class TraxUnavailableError(InputError, ImportError):
    """The ``vot-trax`` package is not installed."""


class TraxSessionError(InputError, RuntimeError):
    """The TraX connection broke (the client vanished, or the script was not started by a TraX client)."""


class UnsupportedRegionError(InputError, ValueError):
    """An initial region the server cannot turn into a box (a polygon without 4 corners or area)."""


def region_to_box(region) -> list:
    """``[x, y, w, h]`` of a TraX initial region: a rectangle as is, a 4-corner polygon by
    :func:`~pytracking.evaluation.votdataset.polygon_to_box` ('preserve area')."""
    if region.type == "rectangle":
        return [float(v) for v in region.bounds()]
    if region.type == "polygon":
        points = list(region)
        if len(points) != 4:
            raise UnsupportedRegionError(f"initial polygon has {len(points)} corners; only 4-corner polygons "
                                         f"(VOT annotations) and rectangles are supported")
        box = polygon_to_box(np.asarray(points, dtype=np.float64).reshape(1, 8))[0]
        if not np.isfinite(box).all():
            raise UnsupportedRegionError(f"initial polygon spans no area: {points}")
        return box.tolist()
    raise UnsupportedRegionError(f"initial region of type '{region.type}' is not supported "
                                 f"(supported: {', '.join(REGION_FORMATS)})")


def serve(server, trackers: Iterator) -> int:
    """Answer the client's requests until it quits.

    Args:
        server: a ``trax.Server`` (or an object with its ``wait()`` / ``status(objects)`` methods).
        trackers: yields a new tracker (``initialize`` / ``track`` API) for every initialisation.
    Returns:
        The number of frames answered (initialisation frames included).
    """
    tracker = None
    answered = 0
    while True:
        request = server.wait()
        if request.type == "quit":
            return answered
        image = imread_rgb(request.image["color"].path())
        if request.type == "initialize":
            if len(request.objects) != 1:
                raise UnsupportedRegionError(f"initialisation with {len(request.objects)} objects; "
                                             f"the server tracks exactly one")
            box = region_to_box(request.objects[0][0])
            tracker = next(trackers)
            tracker.initialize(image, {"init_bbox": box})
        else:
            box = tracker.track(image, {})["target_bbox"]
        server.status([(trax.Rectangle.create(*(float(v) for v in box)), {})])
        answered += 1


def run_server(tracker: Tracker) -> int:
    """Build the tracker (raising InputErrors before the TraX handshake), then serve the toolkit on
    stdin / stdout (or the socket the toolkit names in ``TRAX_SOCKET``); returns the frames answered."""
    if trax is None:
        raise TraxUnavailableError("the TraX server needs the 'vot-trax' package: pip install vot-trax "
                                   "(or pip install -e '.[vot]')")
    first = tracker.create_tracker()
    trackers = itertools.chain([first], iter(tracker.create_tracker, None))
    with intra_op_threads(first.params.get("num_threads", None)), redirect_stdout(sys.stderr):
        server = trax.Server(list(REGION_FORMATS), list(IMAGE_FORMATS), tracker_name=tracker.display_name)
        try:
            answered = serve(server, trackers)
        except trax.TraxException as err:
            raise TraxSessionError(f"TraX session broken ({err}); this server is started by the VOT toolkit, "
                                   f"see the trackers.ini entry in pytracking/vot/trax_server.py") from None
        except Exception as err:
            server.quit(reason=one_line(err))
            raise
        server.quit()
    return answered
