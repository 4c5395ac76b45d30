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

The toolkit's OTB experiment (``ExperimentOTB``, also used for UAV123 / TColor128 / NfS
experiments and by FDSiamFC's candidate selection) scores differently again, see
:func:`compute_otb_experiment_scores`: per sequence, the prediction's frame 0 is replaced by the
ground truth and every frame counts (no validity or visibility rule); success curve
``#{IoU > t} / N`` at ``linspace(0, 1, 21)`` (toolkit IoU), precision curve ``#{err <= d} / N``
at ``d = 0..50`` px (centre ``xy + (wh - 1) / 2``); curves are averaged over sequences, the
success score is the mean of the success curve, the precision score the curve at 20 px and
the success rate the curve at 0.5 (index 10).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence as SequenceType

import numpy as np

from pytracking.analysis import metrics
from pytracking.analysis.extract import TrackerRuns, group_runs, load_run, run_labels, select_sequences
from pytracking.evaluation.data import Sequence
from pytracking.evaluation.tracker import Tracker

SUCCESS_THRESHOLDS = np.linspace(0.0, 1.0, 101)
"""The toolkit's 101 success-curve thresholds."""
OTB_OVERLAP_THRESHOLDS = np.linspace(0.0, 1.0, 21)
"""The OTB experiment's 21 success-curve thresholds (compared with '>')."""
OTB_CENTER_THRESHOLDS = np.arange(51, dtype=np.float64)
"""The OTB experiment's precision-curve thresholds 0..50 px (compared with '<=')."""
OTB_PRECISION_INDEX = 20
OTB_SUCCESS_RATE_INDEX = 10


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


def load_checked_run(group: TrackerRuns, run: Tracker, table: metrics.GroundTruthTable) -> np.ndarray:
    """(F, 4) raw predictions of one run for the sequences of ``table``, concatenated, unrepaired.

    Raises PredictionError naming the file on NaN / negative sizes or a length mismatch.
    """
    preds = load_run(run, table.names)
    labels = run_labels(group, run, table.names)
    metrics.check_predictions(np.concatenate(preds), np.array([len(p) for p in preds]), labels)
    for s, pred in enumerate(preds):
        if len(pred) != table.lengths[s]:
            raise metrics.PredictionError(f"{labels[s]}: {len(pred)} predicted boxes for "
                                          f"{table.lengths[s]} ground-truth rows")
    return np.concatenate(preds)


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
            pred = load_checked_run(group, run, table)
            ious.append(got10k_iou(pred[scored], table.gt[scored]))
            seq_index.append(table.seq_index[scored])
        result[group.display_name] = scores_from_ious(np.concatenate(ious), np.concatenate(seq_index), table.names)
    return result


@dataclass
class OTBExperimentScores:
    """GOT-10k toolkit OTB-experiment measures of one tracker (fractions in [0, 1]).

    Attributes:
        success_score: mean of ``success_curve`` (the toolkit's AUC).
        precision_score: ``precision_curve`` at 20 px (DP).
        success_rate: ``success_curve`` at IoU 0.5 (SR).
        success_curve: (21,) mean over sequences at :data:`OTB_OVERLAP_THRESHOLDS`.
        precision_curve: (51,) mean over sequences at :data:`OTB_CENTER_THRESHOLDS`.
        sequence_success_score: ``{sequence: mean of its success curve}``.
    """
    success_score: float
    precision_score: float
    success_rate: float
    success_curve: np.ndarray
    precision_curve: np.ndarray
    sequence_success_score: dict


def otb_experiment_curves(table: metrics.GroundTruthTable, pred: np.ndarray) -> tuple:
    """Per-sequence OTB-experiment curves of (F, 4) predictions aligned with ``table``'s frames.

    Frame 0 of every sequence is scored as the ground truth (the toolkit sets ``boxes[0] = anno[0]``).

    Returns:
        ((S, 21) success curves, (S, 51) precision curves), fractions of each sequence's frames.
    """
    pred = np.array(pred, dtype=np.float64)
    pred[table.starts] = table.gt[table.starts]
    hits_iou = got10k_iou(pred, table.gt)[:, None] > OTB_OVERLAP_THRESHOLDS[None, :]
    hits_err = metrics.centre_error(pred, table.gt)[:, None] <= OTB_CENTER_THRESHOLDS[None, :]
    lengths = table.lengths[:, None].astype(np.float64)
    return (np.add.reduceat(hits_iou.astype(np.float64), table.starts, axis=0) / lengths,
            np.add.reduceat(hits_err.astype(np.float64), table.starts, axis=0) / lengths)


def otb_scores_from_curves(success: np.ndarray, precision: np.ndarray, names: SequenceType[str]) -> OTBExperimentScores:
    """Dataset measures from (S, 21) success and (S, 51) precision curves of S sequences."""
    success_curve, precision_curve = success.mean(axis=0), precision.mean(axis=0)
    return OTBExperimentScores(success_score=float(success_curve.mean()),
                               precision_score=float(precision_curve[OTB_PRECISION_INDEX]),
                               success_rate=float(success_curve[OTB_SUCCESS_RATE_INDEX]),
                               success_curve=success_curve, precision_curve=precision_curve,
                               sequence_success_score=dict(zip(names, success.mean(axis=1).tolist(), strict=True)))


def compute_otb_experiment_scores(trackers: SequenceType[Tracker], sequences: SequenceType[Sequence],
                                  skip_missing: bool = True) -> dict:
    """GOT-10k toolkit OTB-experiment measures per tracker: ``{display name: OTBExperimentScores}``.

    Repeated runs of a tracker are merged by averaging their per-sequence curves. Missing
    results are handled as in :func:`pytracking.analysis.extract.compute_results`. Raises
    PredictionError naming the file on NaN / negative sizes or a length mismatch (the
    toolkit asserts equal lengths).
    """
    groups = group_runs(trackers)
    kept, _ = select_sequences(groups, sequences, skip_missing)
    table = metrics.GroundTruthTable.from_sequences(kept)
    result = {}
    for group in groups:
        success, precision = [], []
        for run in group.runs:
            run_success, run_precision = otb_experiment_curves(table, load_checked_run(group, run, table))
            success.append(run_success)
            precision.append(run_precision)
        result[group.display_name] = otb_scores_from_curves(np.mean(success, axis=0), np.mean(precision, axis=0),
                                                            table.names)
    return result
