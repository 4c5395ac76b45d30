"""Run an experiment: ``python pytracking/run_experiment.py MODULE FUNC``.

``pytracking/experiments/MODULE.py`` defines ``FUNC()`` returning ``(trackers, sequences)``.
"""
import argparse
import importlib
import os
import sys

_REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if _REPO_ROOT not in sys.path:
    sys.path.insert(0, _REPO_ROOT)

from ltr.admin.arguments import non_negative_int  # noqa: E402
from ltr.admin.errors import command_line  # noqa: E402
from pytracking.evaluation.running import run_and_report  # noqa: E402


@command_line("run_experiment.py")
def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Run the trackers and sequences an experiment function returns.")
    parser.add_argument("experiment_module", help="module under pytracking/experiments, e.g. baselines")
    parser.add_argument("experiment_name", help="function in that module, e.g. synthetic_kcf")
    parser.add_argument("--threads", type=non_negative_int, default=0, help="worker processes (0: run in this process)")
    parser.add_argument("--debug", type=int, default=0, help="debug level")
    parser.add_argument("--refine", default=None, metavar="REFINER",
                        help="plug a box refiner into every tracker (pytracking/parameter/refine/REFINER.py)")
    args = parser.parse_args(argv)
    module_name = f"pytracking.experiments.{args.experiment_module}"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as err:
        if err.name and module_name.startswith(err.name):
            parser.error(f"no experiment module pytracking/experiments/{args.experiment_module}.py")
        raise
    if not hasattr(module, args.experiment_name):
        parser.error(f"{module_name} has no experiment '{args.experiment_name}'")
    trackers, sequences = getattr(module, args.experiment_name)()
    if args.refine:
        trackers = [tracker.with_refiner(args.refine) for tracker in trackers]
    return run_and_report(sequences, trackers, debug=args.debug, threads=args.threads)


if __name__ == "__main__":
    sys.exit(main())
