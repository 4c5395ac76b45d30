"""Serve a tracker to the VOT toolkit over TraX: ``python pytracking/run_vot.py NAME PARAM``.

The toolkit starts this script itself (``protocol = traxpython`` in its ``trackers.ini``; the entry
is documented in :mod:`pytracking.vot.trax_server` and written by ``python -m pytracking.vot.workspace``).
An unknown tracker or parameter file or a missing network file is one line on stderr, exit status 2.
"""
import argparse
import os
import sys

_REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if _REPO_ROOT not in sys.path:
    sys.path.insert(0, _REPO_ROOT)

from ltr.admin.errors import command_line  # noqa: E402
from pytracking.evaluation.tracker import Tracker  # noqa: E402
from pytracking.vot.trax_server import run_server  # noqa: E402


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Serve a tracker to the VOT toolkit over the TraX protocol.")
    parser.add_argument("tracker_name", help="tracker package under pytracking/tracker, e.g. kcf, atom")
    parser.add_argument("tracker_param", help="parameter file under pytracking/parameter/<tracker>, e.g. default")
    return parser


@command_line("run_vot.py")
def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    run_server(Tracker(args.tracker_name, args.tracker_param))
    return 0


if __name__ == "__main__":
    sys.exit(main())
