"""GOT-10k toolkit measures (AO, SR0.5, SR0.75, 101-point success curve).

Conventions of the GOT-10k toolkit 0.1.3 (``got10k/utils/metrics.py`` and
``got10k/experiments/got10k.py``), which differ from PyTracking's:

* IoU = inter / (union + eps) with eps = ``np.finfo(float).eps``, clipped to [0, 1].
* Frame 0 (the initialisation frame) is excluded; only frames whose target is visible are
  kept (the toolkit keeps ``cover > 0``; here ``Sequence.target_visible`` where present,
  else every frame).
* No repair of the prediction: zero-size boxes are scored as they are, and a prediction
  whose length differs from the ground truth is an error.
* Repeated runs (the toolkit's ``<seq>_001..003.txt``; here ``Tracker`` runs): the IoUs of
  all runs of a sequence are concatenated, then the IoUs of all sequences are concatenated.
  AO = mean of that frame-weighted pool, SR_t = fraction with IoU > t, success curve at
  ``linspace(0, 1, 101)`` with '>'. Per-sequence AO = mean over that sequence's runs' frames.
  (The toolkit's local report has SR0.5 only; SR0.75, reported by the evaluation server, is
  computed the same way.)
* Not reproduced: the toolkit clips boxes to the image resolution from ``meta.info`` before
  the IoU; sequences here carry no resolution, so boxes reaching outside the image can
  score slightly differently.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence as SequenceType

import numpy as np

from pytracking.analysis import metrics
from pytracking.analysis.extract import group_runs, load_run, run_labels, select_sequences
from pytracking.evaluation.data import Sequence
from pytracking.evaluation.tracker import Tracker

SUCCESS_THRESHOLDS = np.linspace(0.0, 1.0, 101)
"""The toolkit's 101 success-curve thresholds."""


def got10k_iou(pred: np.ndarray, gt: np.ndarray) -> np.ndarray:
    """IoU of (N, 4) boxes with the toolkit's epsilon in the union, clipped to [0, 1] -> (N,)."""
    tl = np.maximum(pred[:, :2], gt[:, :2])
    br = np.minimum(pred[:, :2] + pred[:, 2:], gt[:, :2] + gt[:, 2:])
    inter = np.maximum(br - tl, 0.0).prod(axis=1)
    union = pred[:, 2:].prod(axis=1) + gt[:, 2:].prod(axis=1) - inter
    return np.clip(inter / (union + np.finfo(float).eps), 0.0, 1.0)


@dataclass
class Got10kScores:
    """GOT-10k measures of one tracker (fractions in [0, 1], as the toolkit reports them).

    Attributes:
        ao: average overlap over all scored frames.
        sr50: success rate at IoU > 0.5.
        sr75: success rate at IoU > 0.75.
        success_curve: (101,) success rate at :data:`SUCCESS_THRESHOLDS`.
        sequence_ao: ``{sequence: AO}``.
    """
    ao: float
    sr50: float
    sr75: float
    success_curve: np.ndarray
    sequence_ao: dict


def scores_from_ious(ious: np.ndarray, seq_index: np.ndarray, names: SequenceType[str]) -> Got10kScores:
    """Toolkit measures of a frame-weighted pool of (M,) IoUs whose sequences are ``seq_index``."""
    counts = np.bincount(seq_index, minlength=len(names))
    sums = np.bincount(seq_index, weights=ious, minlength=len(names))
    with np.errstate(invalid="ignore", divide="ignore"):
        sequence_ao = sums / counts
    return Got10kScores(ao=float(ious.mean()), sr50=float(np.mean(ious > 0.5)), sr75=float(np.mean(ious > 0.75)),
                        success_curve=(ious[:, None] > SUCCESS_THRESHOLDS[None, :]).mean(axis=0),
                        sequence_ao=dict(zip(names, sequence_ao.tolist())))


def compute_got10k_scores(trackers: SequenceType[Tracker], sequences: SequenceType[Sequence],
                          skip_missing: bool = True) -> dict:
    """GOT-10k toolkit measures per tracker (runs merged): ``{display name: Got10kScores}``.

    Missing results are handled as in :func:`pytracking.analysis.extract.compute_results`.
    Raises PredictionError naming the file on NaN / negative sizes or a length mismatch.
    """
    groups = group_runs(trackers)
    kept, _ = select_sequences(groups, sequences, skip_missing)
    table = metrics.GroundTruthTable.from_sequences(kept)
    scored = (table.offset >= 1) & table.visible
    result = {}
    for group in groups:
        ious, seq_index = [], []
        for run in group.runs:
            preds = load_run(run, table.names)
            labels = run_labels(group, run, table.names)
            metrics.check_predictions(np.concatenate(preds), np.array([len(p) for p in preds]), labels)
            for s, pred in enumerate(preds):
                if len(pred) != table.lengths[s]:
                    raise metrics.PredictionError(f"{labels[s]}: {len(pred)} predicted boxes for "
                                                  f"{table.lengths[s]} ground-truth rows")
            pred = np.concatenate(preds)
            ious.append(got10k_iou(pred[scored], table.gt[scored]))
            seq_index.append(table.seq_index[scored])
        result[group.display_name] = scores_from_ious(np.concatenate(ious), np.concatenate(seq_index), table.names)
    return result
