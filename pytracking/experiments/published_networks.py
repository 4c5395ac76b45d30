"""The published networks on the real sample sequences: the official FDSiamFC_30 and FDSiamFC_15 files and the
original SiamFC-3s network, tracked with the ``siamfc`` tracker's default (OTB) settings on every benchmark.

    python pytracking/run_experiment.py published_networks otb_sample     # tracks (also dtb70_sample, ...)
    python -m pytracking.experiments.published_networks [--samples otb_sample ...] [--results-path DIR]

The second command tracks and prints, per sample set, AUC and precision per sequence and their mean (the
tables of MODEL_ZOO.md). The network files are looked up under their published names in the network folder
(``PYTRACKING_NETWORK_PATH=../shared/networks``); the sequences are the sample folders of
``../shared/data``. As with every run, sequences whose result file exists are not tracked again.
"""
from __future__ import annotations

import argparse
import sys
from typing import Optional, Sequence

import numpy as np

from ltr.admin.environment import REPO_ROOT, PathLike
from ltr.admin.errors import command_line
from pytracking.analysis.extract import compute_results, sequence_scores, summary
from pytracking.analysis.tables import format_table
from pytracking.evaluation.data import Sequence as TrackingSequence
from pytracking.evaluation.datasets import load_sequences
from pytracking.evaluation.running import run_and_report
from pytracking.evaluation.tracker import Tracker

SAMPLE_DATA = REPO_ROOT.parent / "shared" / "data"
PUBLISHED = (("FDSiamFC_30", "fdsiamfc_30_official"), ("FDSiamFC_15", "fdsiamfc_15_official"),
             ("SiamFC", "siamfc_original"))
"""(display name, ``siamfc`` parameter file) of each published network."""
SAMPLES = {
    "otb_sample": ("otb", "otb_sample", ("Football1", "DragonBaby", "MotorRolling", "Surfer")),
    "dtb70_sample": ("dtb70", "dtb70_sample", ("dtb70_MountainBike6", "dtb70_Surfing06")),
    "uav10fps_sample": ("uav10fps", "uav123_10fps_sample", ("uav10fps_building5", "uav10fps_wakeboard7")),
}
"""Experiment name -> (registry dataset, folder under ``../shared/data``, sequence names)."""
SCORES = (("auc", "AUC"), ("precision", "Prec"))
"""(summary key, column heading) of the scores tabulated."""


def published_trackers(results_path: Optional[PathLike] = None) -> list:
    """One ``siamfc`` :class:`Tracker` per published network (see :data:`PUBLISHED`)."""
    return [Tracker("siamfc", param, display_name=name, results_path=results_path) for name, param in PUBLISHED]


def sample_sequences(experiment: str) -> list:
    """The sequences of one entry of :data:`SAMPLES` (an InputError naming the folder when it is absent)."""
    dataset, folder, names = SAMPLES[experiment]
    return list(load_sequences(dataset, SAMPLE_DATA / folder, names))


def otb_sample() -> tuple:
    """The published networks on the OTB sample: Football1, DragonBaby, MotorRolling, Surfer."""
    return published_trackers(), sample_sequences("otb_sample")


def dtb70_sample() -> tuple:
    """The published networks on the DTB70 sample: MountainBike6, Surfing06."""
    return published_trackers(), sample_sequences("dtb70_sample")


def uav10fps_sample() -> tuple:
    """The published networks on the UAV123@10fps sample: building5, wakeboard7."""
    return published_trackers(), sample_sequences("uav10fps_sample")


def score_table(title: str, trackers: Sequence[Tracker], sequences: Sequence[TrackingSequence]) -> str:
    """AUC and precision (percent) of ``trackers``' results per sequence and their mean, as a text table."""
    result = compute_results(trackers, sequences, skip_missing=False)
    per_sequence, mean = sequence_scores(result), summary(result)
    rows = [[per_sequence[name][seq.name][key] for name in result.trackers for key, _ in SCORES]
            for seq in sequences]
    rows.append([mean[name][key] for name in result.trackers for key, _ in SCORES])
    columns = [f"{name} {heading}" for name in result.trackers for _, heading in SCORES]
    return format_table(title, [seq.name for seq in sequences] + ["mean"], columns, np.array(rows))


@command_line("published_networks")
def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Track the sample sequences with the published networks and "
                                                 "print AUC and precision per sequence.")
    parser.add_argument("--samples", nargs="+", choices=list(SAMPLES), default=list(SAMPLES),
                        help="sample sets (default: all)")
    parser.add_argument("--results-path", default=None,
                        help="results root (else PYTRACKING_RESULTS_PATH, user config, ./results)")
    args = parser.parse_args(argv)
    trackers = published_trackers(args.results_path)
    for experiment in args.samples:
        sequences = sample_sequences(experiment)
        status = run_and_report(sequences, trackers)
        if status:
            return status
        print(score_table(experiment, trackers, sequences) + "\n", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
