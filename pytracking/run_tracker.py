"""Run a tracker on a benchmark: ``python pytracking/run_tracker.py NAME PARAM --dataset DATASET``.

Results go to ``<results_path>/NAME/PARAM[_RUNID]/<seq>.txt`` (see README); sequences with
existing results are skipped, so an interrupted run resumes where it stopped. ``--debug N`` (N > 0)
re-runs finished sequences, raises errors, and shows every frame with its box and score map
(:mod:`pytracking.analysis.debug_views`).
"""
import argparse
import os
import sys

_REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if _REPO_ROOT not in sys.path:
    sys.path.insert(0, _REPO_ROOT)

from ltr.admin.arguments import non_negative_int  # noqa: E402
from ltr.admin.errors import command_line  # noqa: E402
from pytracking.evaluation.datasets import DATASETS, load_sequences  # noqa: E402
from pytracking.evaluation.running import run_and_report  # noqa: E402
from pytracking.evaluation.tracker import Tracker  # noqa: E402


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Run a tracker on a benchmark dataset.")
    parser.add_argument("tracker_name", help="tracker package under pytracking/tracker, e.g. kcf, atom")
    parser.add_argument("tracker_param", help="parameter file under pytracking/parameter/<tracker>, e.g. default")
    parser.add_argument("--dataset", default="otb", choices=sorted(DATASETS), help="benchmark (default: otb)")
    parser.add_argument("--sequence", nargs="+", default=None, help="sequence names or indices to run (default: all)")
    parser.add_argument("--runid", type=non_negative_int, default=None, help="run id: results go to PARAM_<runid:03d>")
    parser.add_argument("--threads", type=non_negative_int, default=0, help="worker processes (0: run in this process)")
    parser.add_argument("--debug", type=int, default=0,
                        help="debug level (>0: re-runs finished sequences, raises errors and shows per-frame views "
                             "in visdom when a server runs, else PNG files under <results dir>/debug/<sequence>/)")
    parser.add_argument("--refine", default=None, metavar="REFINER",
                        help="plug a box refiner in (pytracking/parameter/refine/REFINER.py, e.g. ar34); results go "
                             "to PARAM_REFINER")
    parser.add_argument("--dataset-path", default=None,
                        help="benchmark root (else PYTRACKING_<DATASET>_PATH, user config, ./data)")
    parser.add_argument("--results-path", default=None,
                        help="results root (else PYTRACKING_RESULTS_PATH, user config, ./results)")
    return parser


@command_line("run_tracker.py")
def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    sequences = load_sequences(args.dataset, args.dataset_path, args.sequence)
    tracker = Tracker(args.tracker_name, args.tracker_param, args.runid, results_path=args.results_path,
                      refine=args.refine)
    print(f"Running {tracker.display_name} on {args.dataset} ({len(sequences)} sequences) -> {tracker.results_dir}")
    if args.debug > 0:
        print(f"debug views: visdom when a server answers, else PNG files in {tracker.results_dir}/debug/<sequence>/")
    return run_and_report(sequences, [tracker], debug=args.debug, threads=args.threads)


if __name__ == "__main__":
    sys.exit(main())
