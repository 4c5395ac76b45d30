"""Analyse raw tracking results: ``python pytracking/run_analysis.py --dataset otb --trackers atom/default``.

Prints a table of AUC, OP50, OP75, Precision and Norm Precision per tracker (PyTracking's
conventions, repeated runs ``PARAM_000..`` averaged), and optionally per-sequence and
per-attribute tables, the GOT-10k toolkit measures, a JSON report, plots and playbacks.
A tracker given without ``/PARAM`` uses ``default``.

Only the benchmark's annotation files are read, never its images (raw results analyse on a
machine without the image data; only ``--playback`` needs the images). Result files written by
other toolkits are found by sequence name ignoring case and '-'/'_' (one line per results
folder lists the files matched so).
"""
import argparse
import os
import sys

_REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if _REPO_ROOT not in sys.path:
    sys.path.insert(0, _REPO_ROOT)

from ltr.admin.errors import InputError, command_line  # noqa: E402
from pytracking.analysis.extract import compute_results, parse_tracker_spec, resolve_tracker_runs  # noqa: E402
from pytracking.analysis.got10k_metrics import compute_got10k_scores  # noqa: E402
from pytracking.analysis.tables import (got10k_table, per_attribute_table, per_sequence_table,  # noqa: E402
                                        summary_table, write_json)
from pytracking.evaluation.data import check_frames_exist  # noqa: E402
from pytracking.evaluation.datasets import DATASETS, load_sequences  # noqa: E402


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Analyse raw tracking results on a benchmark.")
    parser.add_argument("--dataset", default="otb", choices=sorted(DATASETS), help="benchmark (default: otb)")
    parser.add_argument("--trackers", nargs="+", required=True, metavar="NAME[/PARAM]",
                        help="trackers to analyse; PARAM defaults to 'default'")
    parser.add_argument("--results-path", default=None,
                        help="results root (else PYTRACKING_RESULTS_PATH, user config, ./results)")
    parser.add_argument("--dataset-path", default=None,
                        help="benchmark root (else PYTRACKING_<DATASET>_PATH, user config, ./data)")
    parser.add_argument("--sequences", nargs="+", default=None, help="sequence names or indices (default: all)")
    parser.add_argument("--json", default=None, metavar="FILE", help="write the scores as JSON")
    parser.add_argument("--plot-dir", default=None, metavar="DIR", help="write success/precision plots (PNG, PDF)")
    parser.add_argument("--per-sequence", action="store_true", help="print AUC and AO per sequence")
    parser.add_argument("--per-attribute", action="store_true", help="print AUC per challenge attribute")
    parser.add_argument("--got10k-metrics", action="store_true", help="print the GOT-10k toolkit's AO / SR")
    parser.add_argument("--no-skip-missing", action="store_true",
                        help="fail on a missing result file instead of dropping the sequence for all trackers")
    parser.add_argument("--exclude-invalid-frames", action="store_true",
                        help="divide by the number of valid frames instead of the sequence length")
    parser.add_argument("--valid-rule", choices=("xywh", "wh"), default="xywh",
                        help="ground-truth boxes count as valid when x,y,w,h > 0 (default, current PyTracking) "
                             "or only w,h > 0 (older PyTracking and the CFKD fork)")
    parser.add_argument("--playback", nargs="+", default=None, metavar="SEQ",
                        help="write <plot-dir>/<SEQ>_playback.png contact sheets of these sequences")
    return parser


def run(args: argparse.Namespace) -> None:
    trackers = [run for spec in args.trackers
                for run in resolve_tracker_runs(*parse_tracker_spec(spec), args.results_path, dataset=args.dataset)]
    sequences = load_sequences(args.dataset, args.dataset_path, args.sequences, check_images=False)
    skip_missing = not args.no_skip_missing
    result = compute_results(trackers, sequences, skip_missing=skip_missing,
                             exclude_invalid_frames=args.exclude_invalid_frames, valid_rule=args.valid_rule)
    for folder, matches in result.loose_matches.items():
        print(f"Matched ignoring case and '-'/'_' in {folder}: "
              + ", ".join(f"{file} -> {name}" for name, file in matches.items()))
    if result.skipped:
        print(f"Skipped {len(result.skipped)} sequence(s) missing for some tracker: {', '.join(result.skipped)}")
    print(summary_table(result))
    if args.per_sequence:
        print("\n" + per_sequence_table(result))
    if args.per_attribute:
        print("\n" + per_attribute_table(result))
    if args.got10k_metrics:
        print("\n" + got10k_table(compute_got10k_scores(trackers, sequences, skip_missing=skip_missing)))
    if args.json:
        write_json(result, args.json)
        print(f"\nScores written to {args.json}")
    if args.plot_dir:
        from pytracking.analysis.plots import save_plots
        print(f"\nPlots written to {args.plot_dir}: " + ", ".join(p.name for p in save_plots(result, args.plot_dir)))
    if args.playback:
        write_playbacks(args, trackers, sequences)


def write_playbacks(args: argparse.Namespace, trackers: list, sequences) -> None:
    from pytracking.analysis.playback import load_playback_results, render_playback
    if not args.plot_dir:
        raise InputError("--playback needs --plot-dir (the folder the contact sheets are written to)")
    for name in args.playback:
        try:
            sequence = sequences[name]
        except KeyError:
            raise InputError(f"--playback: sequence '{name}' is not among the analysed sequences") from None
        check_frames_exist(sequence.frames, name)
        path = os.path.join(args.plot_dir, f"{name}_playback.png")
        render_playback(sequence, load_playback_results(trackers, sequence), path)
        print(f"Playback written to {path}")


@command_line("run_analysis.py")
def main(argv=None) -> int:
    run(build_parser().parse_args(argv))
    return 0


if __name__ == "__main__":
    sys.exit(main())
