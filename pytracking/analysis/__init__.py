"""Analysis of raw tracking results: PyTracking's metrics, GOT-10k toolkit measures, tables,
JSON reports, plots and result playback.

Typical use::

    from pytracking.analysis import compute_results, summary
    result = compute_results(trackers, sequences)     # trackers: one Tracker per run
    print(summary(result))                            # {name: {'auc': ..., 'precision': ...}}

Plots (matplotlib) and playback (OpenCV / Pillow) live in ``pytracking.analysis.plots`` and
``pytracking.analysis.playback`` and are imported only when used.
"""
from pytracking.analysis.extract import (
                                         AnalysisResult,
                                         MissingResultsError,
                                         compute_results,
                                         resolve_tracker_runs,
                                         sequence_scores,
                                         summary,
)
from pytracking.analysis.got10k_metrics import Got10kScores, compute_got10k_scores
from pytracking.analysis.tables import per_attribute_table, per_sequence_table, summary_table, write_json

__all__ = ["AnalysisResult", "MissingResultsError", "compute_results", "resolve_tracker_runs", "sequence_scores",
           "summary", "Got10kScores", "compute_got10k_scores", "per_attribute_table", "per_sequence_table",
           "summary_table", "write_json"]
