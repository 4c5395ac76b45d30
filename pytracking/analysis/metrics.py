"""Per-frame tracking measures and per-sequence curves with PyTracking's conventions.

Everything works on all frames of many sequences at once: the ground truth of a sequence list
is concatenated into one :class:`GroundTruthTable` of F frames, the predictions of one tracker
run are aligned to it (:func:`align_predictions`), the per-frame measures are computed with a
handful of array operations (:func:`frame_measures`) and the per-sequence threshold counts
come from ``np.searchsorted`` + ``np.bincount`` (:func:`sequence_curves`).

Conventions (boxes ``x, y, w, h``):

* IoU is continuous: ``inter / (area_p + area_g - inter)``, no epsilon, no clipping.
* Centre ``c = xy + (wh - 1) / 2``; centre error ``||c_p - c_g||_2``; normalised centre error
  divides each axis by the ground-truth width / height.
* Success ``S(t) = #{IoU > t} / L`` for ``t = 0.05 k`` (k = 0..20); precision
  ``P(d) = #{err <= d} / L`` for d = 0..50 px; normalised precision for d = k / 100 (k = 0..50).
  L is the number of ground-truth rows, or the number of valid frames with
  ``exclude_invalid_frames``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence as SequenceType

import numpy as np

from ltr.admin.errors import InputError
from pytracking.evaluation.data import Sequence

OVERLAP_THRESHOLDS = np.arange(21, dtype=np.float64) * 0.05
"""Success-plot thresholds t = 0.05 k, k = 0..20 (float64, computed as k * 0.05). PyTracking's
``torch.arange(0, 1.05, 0.05)`` differs by one ulp at k = 13 and 15 in recent PyTorch, which
changes a count only for an IoU within one ulp of 0.65 or 0.75."""
CENTER_THRESHOLDS = np.arange(51, dtype=np.float64)
"""Precision-plot thresholds d = 0..50 pixels."""
NORM_CENTER_THRESHOLDS = np.arange(51, dtype=np.float64) / 100.0
"""Normalised-precision thresholds d = k / 100, k = 0..50."""

OP50_INDEX = 10
OP75_INDEX = 15
PRECISION_INDEX = 20
NORM_PRECISION_INDEX = 20


class PredictionError(InputError, ValueError):
    """A tracker's prediction cannot be scored; the message names the tracker, sequence and file."""


def iou(pred: np.ndarray, gt: np.ndarray) -> np.ndarray:
    """Continuous intersection over union of (N, 4) boxes -> (N,); no epsilon, no clipping."""
    tl = np.maximum(pred[:, :2], gt[:, :2])
    br = np.minimum(pred[:, :2] + pred[:, 2:], gt[:, :2] + gt[:, 2:])
    inter = np.clip(br - tl, 0.0, None).prod(axis=1)
    union = pred[:, 2] * pred[:, 3] + gt[:, 2] * gt[:, 3] - inter
    with np.errstate(divide="ignore", invalid="ignore"):
        return inter / union


def box_centres(boxes: np.ndarray) -> np.ndarray:
    """Centres ``xy + (wh - 1) / 2`` of (N, 4) boxes -> (N, 2)."""
    return boxes[:, :2] + 0.5 * (boxes[:, 2:] - 1.0)


def centre_error(pred: np.ndarray, gt: np.ndarray) -> np.ndarray:
    """Euclidean distance between the centres of (N, 4) boxes -> (N,) pixels."""
    diff = box_centres(pred) - box_centres(gt)
    return np.sqrt((diff * diff).sum(axis=1))


def normalised_centre_error(pred: np.ndarray, gt: np.ndarray) -> np.ndarray:
    """Centre error with each axis divided by the ground-truth width / height -> (N,).

    Computed as ``c_p / wh_g - c_g / wh_g`` (PyTracking's order of operations, so threshold
    ties resolve identically). Frames with a zero ground-truth size give inf / NaN.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        diff = box_centres(pred) / gt[:, 2:] - box_centres(gt) / gt[:, 2:]
        return np.sqrt((diff * diff).sum(axis=1))


# columns of the ground-truth box that must be > 0 for a frame to be valid
VALID_RULES = {"xywh": slice(0, 4), "wh": slice(2, 4)}


@dataclass
class GroundTruthTable:
    """The ground truth of S sequences concatenated into F frames (built once per analysis).

    Attributes:
        names: (S,) sequence names.
        gt: (F, 4) ground-truth boxes.
        starts: (S,) index of each sequence's first frame in the flat arrays.
        lengths: (S,) number of ground-truth rows per sequence.
        seq_index: (F,) sequence index of each frame.
        offset: (F,) frame number inside its sequence.
        gt_nan: (F,) ground-truth row holds a NaN (UAV123 marks absent targets so).
        visible: (F,) target visible (``Sequence.target_visible``; None = all visible).
        valid: (F,) ``x, y, w, h > 0`` (or ``w, h > 0`` with the 'wh' rule) and visible.
        uav: (F,) frame belongs to a 'uav' sequence (invalid frames: centre error -1).
        lasot: (F,) frame belongs to a 'lasot' sequence (invisible frames: centre errors +inf).
        lasot_sequence: (S,) sequence is from 'lasot' (a short prediction is an error).
    """
    names: list
    gt: np.ndarray
    starts: np.ndarray
    lengths: np.ndarray
    seq_index: np.ndarray
    offset: np.ndarray
    gt_nan: np.ndarray
    visible: np.ndarray
    valid: np.ndarray
    uav: np.ndarray
    lasot: np.ndarray
    lasot_sequence: np.ndarray

    @classmethod
    def from_sequences(cls, sequences: SequenceType[Sequence], valid_rule: str = "xywh") -> "GroundTruthTable":
        """Concatenate the sequences' ground truth; raise on NaN ground truth outside 'uav'.

        ``valid_rule``: ``'xywh'`` (current PyTracking: all of x, y, w, h > 0) or ``'wh'`` (older
        PyTracking and the CFKD fork: only w, h > 0), ANDed with target visibility.
        """
        if valid_rule not in VALID_RULES:
            raise ValueError(f"valid_rule must be one of {sorted(VALID_RULES)}, got '{valid_rule}'")
        for seq in sequences:
            if seq.dataset != "uav" and np.isnan(seq.ground_truth_rect).any():
                frame = int(np.isnan(seq.ground_truth_rect).any(axis=1).argmax())
                raise ValueError(f"sequence '{seq.name}' ({seq.dataset}): NaN in the ground truth at frame {frame}; "
                                 f"only 'uav' ground truth may hold NaN rows")
        lengths = np.array([len(s.ground_truth_rect) for s in sequences], dtype=np.int64)
        starts = _starts(lengths)
        seq_index = np.repeat(np.arange(len(sequences)), lengths)
        gt = np.concatenate([s.ground_truth_rect for s in sequences])
        visible = np.concatenate([np.ones(len(s.ground_truth_rect), dtype=bool) if s.target_visible is None
                                  else s.target_visible for s in sequences])
        lasot_sequence = _from_dataset(sequences, "lasot")
        return cls(names=[s.name for s in sequences], gt=gt, starts=starts, lengths=lengths,
                   seq_index=seq_index, offset=np.arange(len(gt)) - starts[seq_index],
                   gt_nan=np.isnan(gt).any(axis=1), visible=visible,
                   valid=(gt[:, VALID_RULES[valid_rule]] > 0).all(axis=1) & visible,
                   uav=_from_dataset(sequences, "uav")[seq_index],
                   lasot=lasot_sequence[seq_index], lasot_sequence=lasot_sequence)

    def __len__(self) -> int:
        return len(self.gt)


def _starts(lengths: np.ndarray) -> np.ndarray:
    """(S,) index of each block's first row when blocks of ``lengths`` rows are concatenated."""
    return np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)


def _from_dataset(sequences: SequenceType[Sequence], dataset: str) -> np.ndarray:
    """(S,) bool: sequence belongs to ``dataset``."""
    return np.array([seq.dataset == dataset for seq in sequences], dtype=bool)


def check_predictions(raw: np.ndarray, lengths: np.ndarray, labels: SequenceType[str]) -> None:
    """Raise PredictionError on NaN, infinite values or negative width/height in concatenated raw predictions.

    Args:
        raw: (M, 4) predictions of several sequences, as loaded, concatenated.
        lengths: (S,) rows per sequence in ``raw``.
        labels: (S,) description of each sequence's source (tracker, sequence, file).
    """
    bad = ~np.isfinite(raw).all(axis=1) | (raw[:, 2:] < 0).any(axis=1)
    if bad.any():
        row = int(bad.argmax())
        seq = int(np.searchsorted(np.cumsum(lengths), row, side="right"))
        frame = row - int(_starts(lengths)[seq])
        raise PredictionError(f"{labels[seq]}: NaN, inf or negative width/height in the prediction at frame {frame}: "
                              f"{raw[row].tolist()}")


def align_predictions(table: GroundTruthTable, preds: SequenceType[np.ndarray],
                      labels: SequenceType[str]) -> np.ndarray:
    """Clean and align the raw predictions of one tracker run to the ground truth -> (F, 4).

    Order of the steps (PyTracking's): (1) raise on NaN or negative w/h; (2) on the loaded
    prediction, a box with w == 0 or h == 0 at frame i >= 1 whose ground-truth row is not NaN
    is replaced by the (already replaced) box at i - 1, cascading; (3) the length is fixed:
    a longer prediction is truncated, a shorter one raises for 'lasot' and is padded with zero
    boxes otherwise (padded boxes are not replaced, step 2 came first); (4) frame 0 is set to
    the ground truth. Truncating before step 2 gives the same boxes, since replacement only
    looks backwards, so it is done first here.

    Args:
        table: ground truth of the S sequences.
        preds: S raw (N_s, 4) predictions, in the table's sequence order.
        labels: S source descriptions used in error messages.
    """
    pred_lengths = np.array([len(p) for p in preds], dtype=np.int64)
    raw = np.concatenate(preds) if len(preds) else np.zeros((0, 4))
    check_predictions(raw, pred_lengths, labels)
    short = pred_lengths < table.lengths
    if (short & table.lasot_sequence).any():
        s = int((short & table.lasot_sequence).argmax())
        raise PredictionError(f"{labels[s]}: {pred_lengths[s]} predicted boxes for {table.lengths[s]} "
                              f"ground-truth rows (LaSOT predictions may not be shorter)")
    raw_starts = _starts(pred_lengths)
    padded = table.offset >= pred_lengths[table.seq_index]
    source = np.where(padded, 0, raw_starts[table.seq_index] + table.offset)
    pred = raw[source] if len(raw) else np.zeros((len(table), 4))
    pred[padded] = 0.0
    replace = (pred[:, 2:] == 0).any(axis=1) & (table.offset >= 1) & ~table.gt_nan & ~padded
    if replace.any():
        kept = np.where(replace, 0, np.arange(len(pred)))
        pred = pred[np.maximum.accumulate(kept)]
    pred[table.starts] = table.gt[table.starts]
    return pred


@dataclass
class FrameMeasures:
    """Per-frame measures of one tracker run, with invalid frames already marked. Arrays (F,)."""
    overlap: np.ndarray
    centre_error: np.ndarray
    norm_centre_error: np.ndarray


def frame_measures(table: GroundTruthTable, pred: np.ndarray,
                   labels: SequenceType[str]) -> FrameMeasures:
    """IoU, centre error and normalised centre error of aligned (F, 4) predictions.

    Invalid frames (see :class:`GroundTruthTable`): IoU = -1 (never a success); centre error
    = -1 for 'uav' (always within any threshold), +inf otherwise; normalised error = -1. For
    'lasot' both centre errors are +inf where the target is not visible. Raises
    PredictionError naming the sequence when a valid frame's IoU is NaN.
    """
    gt = table.gt
    overlap = iou(pred, gt)
    err = centre_error(pred, gt)
    norm_err = normalised_centre_error(pred, gt)
    invalid = ~table.valid
    overlap[invalid] = -1.0
    err[invalid] = np.where(table.uav[invalid], -1.0, np.inf)
    norm_err[invalid] = -1.0
    lasot_hidden = table.lasot & ~table.visible
    err[lasot_hidden] = np.inf
    norm_err[lasot_hidden] = np.inf
    if np.isnan(overlap).any():
        row = int(np.isnan(overlap).argmax())
        raise PredictionError(f"{labels[table.seq_index[row]]}: IoU is NaN at frame {table.offset[row]} "
                              f"(prediction {pred[row].tolist()}, ground truth {gt[row].tolist()})")
    return FrameMeasures(overlap, err, norm_err)


def threshold_counts(values: np.ndarray, seq_index: np.ndarray, num_sequences: int,
                     thresholds: np.ndarray, greater: bool) -> np.ndarray:
    """Per-sequence counts of frames beyond each threshold -> (S, K) int64.

    Args:
        values: (F,) per-frame measure.
        seq_index: (F,) sequence of each frame.
        num_sequences: S.
        thresholds: (K,) ascending thresholds.
        greater: count ``value > t`` (success) if True, else ``value <= t`` (precision).
    """
    k = len(thresholds)
    # bin b = number of thresholds strictly below the value (NaN and +inf land in bin K)
    bins = np.searchsorted(thresholds, values, side="left")
    hist = np.bincount(seq_index * (k + 1) + bins, minlength=num_sequences * (k + 1)).reshape(num_sequences, k + 1)
    if greater:
        # value > t_j  <=>  b > j
        return hist[:, ::-1].cumsum(axis=1)[:, ::-1][:, 1:]
    # value <= t_j  <=>  b <= j
    return hist.cumsum(axis=1)[:, :k]


@dataclass
class SequenceCurves:
    """Per-sequence curves of one tracker run (fractions in [0, 1]).

    Attributes:
        success: (S, 21) success rate at :data:`OVERLAP_THRESHOLDS`.
        precision: (S, 51) precision at :data:`CENTER_THRESHOLDS`.
        norm_precision: (S, 51) normalised precision at :data:`NORM_CENTER_THRESHOLDS`.
        average_overlap: (S,) mean IoU over the valid frames (frame 0 included).
    """
    success: np.ndarray
    precision: np.ndarray
    norm_precision: np.ndarray
    average_overlap: np.ndarray


def sequence_curves(table: GroundTruthTable, measures: FrameMeasures,
                    exclude_invalid_frames: bool = False) -> SequenceCurves:
    """Success, precision and normalised-precision curves per sequence.

    The denominator L is the number of ground-truth rows, or the number of valid frames with
    ``exclude_invalid_frames``. Raises ValueError naming a sequence whose L is zero.
    """
    num = len(table.names)
    valid_count = np.bincount(table.seq_index, weights=table.valid, minlength=num)
    denominator = valid_count if exclude_invalid_frames else table.lengths.astype(np.float64)
    if (denominator <= 0).any():
        raise ValueError(f"sequence '{table.names[int((denominator <= 0).argmax())]}' has no valid frames to score")
    counts = [threshold_counts(measures.overlap, table.seq_index, num, OVERLAP_THRESHOLDS, greater=True),
              threshold_counts(measures.centre_error, table.seq_index, num, CENTER_THRESHOLDS, greater=False),
              threshold_counts(measures.norm_centre_error, table.seq_index, num, NORM_CENTER_THRESHOLDS,
                               greater=False)]
    success, precision, norm_precision = (c / denominator[:, None] for c in counts)
    overlap_sum = np.bincount(table.seq_index, weights=np.where(table.valid, measures.overlap, 0.0), minlength=num)
    with np.errstate(divide="ignore", invalid="ignore"):
        average_overlap = overlap_sum / valid_count
    return SequenceCurves(success, precision, norm_precision, average_overlap)


def scores_from_curves(success: np.ndarray, precision: np.ndarray, norm_precision: np.ndarray) -> dict:
    """Scores in percent from curves averaged as wanted; works on (..., K) arrays.

    Returns ``{'auc', 'op50', 'op75', 'precision', 'norm_precision'}``: AUC = mean of the 21
    success values, OP50 = S(0.5), OP75 = S(0.75), Precision = P(20 px), Norm Precision = NP(0.2).
    """
    return {"auc": 100.0 * success.mean(axis=-1),
            "op50": 100.0 * success[..., OP50_INDEX],
            "op75": 100.0 * success[..., OP75_INDEX],
            "precision": 100.0 * precision[..., PRECISION_INDEX],
            "norm_precision": 100.0 * norm_precision[..., NORM_PRECISION_INDEX]}
