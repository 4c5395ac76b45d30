"""The ATOM tracker: an online classifier for the position, the IoU-Net for the box.

Per frame: a square sample of side ``search_area_scale * sqrt(w * h)`` around the previous
position, resized to ``sample_size``; one backbone pass gives layer3 (classifier, normalised)
and the IoU-Net's layers. The classifier's score map gives the new position and a flag
(:meth:`ATOMTracker._localize`); the IoU-Net then refines the box from that peak (see
:mod:`pytracking.tracker.atom.iou_refine`).

Localisation. ``max1`` is the highest score, ``max2`` the highest outside the target
neighbourhood of ``max1``'s cell (``target_neighborhood_scale`` times the target size, in score
cells, i.e. ``target_neighborhood_scale * target_sz / scale / stride``):

* ``max1 < target_not_found_threshold``: ``'not_found'``, the box is kept;
* ``max2 > distractor_threshold * max1`` and ``max2 > target_not_found_threshold`` (a distractor
  about as strong as the target): each peak's displacement from the sample centre's cell (the
  previous position), divided per axis by the neighbourhood size in cells, has the norm ``d1``
  resp. ``d2``. A peak markedly closer to the previous position than the other wins,
  ``d1 < displacement_scale * d2``: peak 1, ``d2 < displacement_scale * d1``: peak 2, both with
  flag ``'hard_negative'``; otherwise (comparable distances) peak 1 with flag ``'uncertain'``.
  The rule is purely relative, without an absolute distance threshold (peak 2 lies outside
  peak 1's neighbourhood, so ``d1 + d2 >= 1/2`` and the comparison is always meaningful);
* ``max2 > hard_negative_threshold * max1`` and ``max2 > target_not_found_threshold``: peak 1,
  ``'hard_negative'``;
* else peak 1, ``'normal'``.

Update. ``'normal'`` and ``'hard_negative'`` samples are stored in the memory with learning rate
``learning_rate`` resp. ``hard_negative_learning_rate``, labelled at the new position; the filter
gets ``update_CG_iter`` CG iterations every ``train_skipping`` frames and ``hard_negative_CG_iter``
on hard negatives. ``'uncertain'`` moves the position but stores nothing and runs no CG; the box
size changes only if ``update_scale_when_uncertain``. ``residual_reweighting`` (DRNet) reweights
the samples in both optimisations (see :mod:`pytracking.tracker.atom.classifier`).

Boxes are 0-based ``[x, y, w, h]``; the centre is ``(y + h / 2, x + w / 2)`` (continuous
coordinates, pixel ``k`` spans ``[k, k + 1)``). This is PyTracking's pixel-index centre
``(y + (h - 1) / 2, x + (w - 1) / 2)`` plus 1/2, the same point of the image:
:func:`~pytracking.features.preprocessing.sample_patch` subtracts the 1/2 when it resamples (pixel
centres at integers), so a box's sample is centred on the box. The score peak is taken on the
score grid itself (stride 16 in the sample), without sub-cell interpolation; the IoU-Net refines
it. Randomness (projection init, dropout, jittered boxes) comes from a ``torch.Generator`` seeded
with ``params.seed`` in :meth:`ATOMTracker.initialize`, so runs repeat exactly on one device.
"""
from __future__ import annotations

import math
from typing import Optional

import numpy as np
import torch
import torch.nn.functional as F

from ltr.data.bounding_box_utils import xywh_to_xyxy
from pytracking.features.augmentation import dropout_copies, first_frame_augmentations
from pytracking.features.preprocessing import normalize_power, sample_patch, to_network_input
from pytracking.libs.dcf import hann2d
from pytracking.libs.optimization import ConjugateGradient, GaussNewtonCG
from pytracking.libs.tensorlist import TensorList
from pytracking.tracker.atom.classifier import (
    FactorizedConvProblem,
    FilterProblem,
    SampleMemory,
    apply_filter,
    find_peaks,
    gaussian_label,
    score_map_size,
)
from pytracking.tracker.atom.iou_refine import IoUFunction, ascend_boxes, jittered_boxes, select_box
from pytracking.tracker.base.basetracker import NetworkTracker
from pytracking.utils.params import TrackerParams

CLASSIFIER_LAYER = "layer3"


class ATOMTracker(NetworkTracker):
    """ATOM; ``self.net`` (an :class:`~ltr.models.bbreg.atom.ATOMnet`, eval mode) runs on ``self.device``.

    Parameters: see ``pytracking/parameter/atom/default.py``. After :meth:`track`, ``self.flag``
    is ``'normal'``, ``'not_found'``, ``'hard_negative'`` or ``'uncertain'``.
    """

    parameter_names = frozenset({
        "seed", "sample_size", "search_area_scale", "min_target_size",
        "normalize_power", "compressed_dim", "filter_size", "response_min_val", "output_sigma_factor", "window_output",
        "augmentation_flip", "augmentation_rotations", "augmentation_blurs", "augmentation_shift", "dropout_num",
        "dropout_prob", "init_CG_iter", "init_GN_iter", "filter_reg", "projection_reg",
        "sample_memory_size", "learning_rate", "train_skipping", "update_CG_iter", "fletcher_reeves",
        "direction_forget_factor", "residual_reweighting",
        "target_not_found_threshold", "target_neighborhood_scale", "hard_negative_threshold",
        "hard_negative_learning_rate", "hard_negative_CG_iter", "distractor_threshold", "displacement_scale",
        "update_scale_when_uncertain",
        "num_init_random_boxes", "box_jitter_pos", "box_jitter_sz", "box_refinement_iter",
        "box_refinement_step_length", "maximal_aspect_ratio", "iounet_k",
    })

    def __init__(self, params: TrackerParams):
        super().__init__(params)
        self.layers = sorted(set(self.net.bb_regressor_layer) | {CLASSIFIER_LAYER})
        self.flag = "normal"

    # ---------------------------------------------------------------- geometry
    def _sample_side(self) -> float:
        return self.params.search_area_scale * float(np.sqrt(np.prod(self.target_sz)))

    def _features(self, patches: np.ndarray) -> tuple:
        """(N, s, s, 3) patches -> (normalised layer3 (N, C, H, W), IoU-Net features [layer2, layer3])."""
        with torch.no_grad():
            feats = self.net.extract_features(to_network_input(patches, self.device), self.layers)
        return (normalize_power(feats[CLASSIFIER_LAYER], self.params.normalize_power),
                [feats[name] for name in self.net.bb_regressor_layer])

    def _label(self, center_crop_yx: np.ndarray) -> torch.Tensor:
        """(1, 1, H', W') Gaussian label for a target centred at crop pixel ``center_crop_yx``."""
        label = gaussian_label(self.score_size, self.sigma, torch.as_tensor(center_crop_yx), self.stride)
        return label.to(self.device).view(1, 1, *self.score_size)

    def _crop_box(self, center_crop_yx: np.ndarray, scale: float) -> torch.Tensor:
        """(4,) box (x, y, w, h) in sample pixels of the current target size centred at ``center_crop_yx``."""
        h, w = self.target_sz / scale
        return torch.tensor([center_crop_yx[1] - w / 2, center_crop_yx[0] - h / 2, w, h], dtype=torch.float32,
                            device=self.device)

    def _set_target_size(self, size: np.ndarray) -> None:
        """Target size (h, w), its scale ``sqrt(area / initial area)`` clamped to the allowed range."""
        scale = math.sqrt(float(np.prod(size) / np.prod(self.base_target_sz)))
        clamped = min(max(scale, self.min_scale), self.max_scale)
        self.target_sz = size * (clamped / scale)

    # ---------------------------------------------------------------- first frame
    def initialize(self, image: np.ndarray, info: dict) -> Optional[dict]:
        """Train the classifier on the augmented first sample and compute the IoU-Net modulation."""
        p = self.params
        self.generator = torch.Generator().manual_seed(p.get("seed", 0))
        self.frame_num = 1
        self.flag = "normal"
        x, y, w, h = (float(v) for v in info["init_bbox"])
        self.pos = np.array([y + h / 2, x + w / 2])
        self.target_sz = self.base_target_sz = np.array([h, w])
        self.image_sz = np.array(image.shape[:2], dtype=np.float64)
        self.min_scale = float(np.max(p.min_target_size / self.base_target_sz))
        self.max_scale = float(np.min(self.image_sz / self.base_target_sz))

        out = p.sample_size
        side = self._sample_side()
        augs = first_frame_augmentations(p.augmentation_rotations, p.augmentation_blurs, p.augmentation_shift, out,
                                         flip=p.augmentation_flip)
        feat, iou_feat = self._features(np.stack([sample_patch(image, self.pos, side, out, a) for a in augs]))
        self.stride = out / feat.shape[-1]
        self.score_size = score_map_size(tuple(feat.shape[-2:]), p.filter_size)
        self.sigma = float(np.sqrt(np.prod(self.target_sz / (side / out) / self.stride))) * p.output_sigma_factor
        self.window = hann2d(self.score_size).to(self.device) if p.window_output else None

        labels = torch.cat([self._label(out / 2 + a.target_offset_yx()) for a in augs])
        if p.dropout_num > 0:
            feat = torch.cat([feat, dropout_copies(feat[:1], p.dropout_num, p.dropout_prob, self.generator)])
            labels = torch.cat([labels, labels[:1].expand(p.dropout_num, -1, -1, -1)])
        weights = feat.new_ones(feat.shape[0]) / feat.shape[0]

        num_ch = feat.shape[1]
        proj = (torch.randn(p.compressed_dim, num_ch, 1, 1, generator=self.generator) / math.sqrt(num_ch))
        filt = torch.zeros(1, p.compressed_dim, p.filter_size, p.filter_size)
        variables = TensorList([filt.to(self.device), proj.to(self.device)])
        problem = FactorizedConvProblem(feat, labels, weights, p.filter_reg, p.projection_reg, p.response_min_val,
                                        reweight=p.residual_reweighting)
        GaussNewtonCG(problem, variables).run(p.init_CG_iter // p.init_GN_iter, p.init_GN_iter)
        self.projection = variables[1].detach()
        self.filter = variables[0].detach()

        with torch.no_grad():
            self.memory = SampleMemory(p.sample_memory_size, F.conv2d(feat, self.projection), labels, weights)
        update_problem = FilterProblem(self.memory, p.filter_reg, p.response_min_val, reweight=p.residual_reweighting)
        self.filter_optimizer = ConjugateGradient(update_problem, TensorList([self.filter]),
                                                  fletcher_reeves=p.fletcher_reeves,
                                                  direction_forget_factor=p.direction_forget_factor)
        init_box = self._crop_box(np.array([out / 2, out / 2]), side / out).view(1, 4)
        with torch.no_grad():
            self.modulation = self.net.bb_regressor.get_modulation([f[:1] for f in iou_feat], init_box)
        return None

    def set_box(self, box) -> None:
        """Position and size (scale clamped as in tracking) from a 0-based [x, y, w, h] box."""
        x, y, w, h = (float(v) for v in box)
        self.pos = np.array([y + h / 2, x + w / 2])
        self._set_target_size(np.array([h, w]))

    # ---------------------------------------------------------------- tracking
    def scores(self, feat: torch.Tensor) -> torch.Tensor:
        """(H', W') classifier scores of one normalised layer3 sample (1, C, H, W) (windowed if enabled)."""
        with torch.no_grad():
            scores = apply_filter(F.conv2d(feat, self.projection), self.filter, self.params.response_min_val)[0, 0]
        return scores * self.window if self.window is not None else scores

    def iou_function(self, iou_feat: list) -> IoUFunction:
        """Predicted IoU of (1, N, 4) sample-pixel boxes in the sample with backbone features ``iou_feat``.

        The IoU-Net's ``predict_iou`` with the modulated test features computed once per frame. The boxes'
        gradient goes through PrRoIPool in closed form (:class:`~ltr.models.layers.prroi_pool.FixedMapPrRoIPool`),
        the features get none.
        """
        head = self.net.bb_regressor
        with torch.no_grad():
            feat3, feat4 = head.modulate(self.modulation, head.get_iou_feat(iou_feat))
        pool3, pool4 = head.prroi_pool3t.fixed_map(feat3[0]), head.prroi_pool4t.fixed_map(feat4[0])

        def iou(boxes: torch.Tensor) -> torch.Tensor:
            corners = xywh_to_xyxy(boxes[0])
            return head.predict_pooled(pool3(corners), pool4(corners)).view(1, -1)
        return iou

    def refine_box(self, iou_fn: IoUFunction, box: torch.Tensor) -> Optional[torch.Tensor]:
        """IoU-Net refinement of a (4,) sample-pixel box; None when no candidate has a valid aspect ratio."""
        p = self.params
        boxes = jittered_boxes(box, p.num_init_random_boxes, p.box_jitter_pos, p.box_jitter_sz, self.generator)
        boxes, iou = ascend_boxes(iou_fn, boxes, p.box_refinement_iter, p.box_refinement_step_length)
        return select_box(boxes, iou, p.maximal_aspect_ratio, p.iounet_k)

    def estimate_box(self, iou_feat: list, box: torch.Tensor) -> Optional[torch.Tensor]:
        """The box-estimation step: (4,) sample-pixel box at the classifier's peak -> refined (4,) box or None.

        ATOM: IoU-Net refinement (:meth:`refine_box`); subclasses replace this step.
        """
        return self.refine_box(self.iou_function(iou_feat), box)

    def _localize(self, scores: torch.Tensor, scale: float) -> tuple:
        """(flag, peak cell (2,) (row, col) or None) from the (H', W') score map of a sample centred on the
        previous position at ``scale`` image pixels per sample pixel (see the module docstring)."""
        p = self.params
        neighborhood = p.target_neighborhood_scale * self.target_sz / scale / self.stride  # (rows, cols) cells
        max1, peak1, max2, peak2 = find_peaks(scores, tuple(neighborhood / 2))
        if max1 < p.target_not_found_threshold:
            return "not_found", None
        if max2 <= p.target_not_found_threshold:
            return "normal", peak1
        if max2 > p.distractor_threshold * max1:
            center = p.sample_size / (2 * self.stride)
            d1, d2 = (float(((peak - center) / torch.as_tensor(neighborhood)).norm()) for peak in (peak1, peak2))
            if d1 < p.displacement_scale * d2:
                return "hard_negative", peak1
            if d2 < p.displacement_scale * d1:
                return "hard_negative", peak2
            return "uncertain", peak1
        if max2 > p.hard_negative_threshold * max1:
            return "hard_negative", peak1
        return "normal", peak1

    def track(self, image: np.ndarray, info: Optional[dict] = None) -> dict:
        """Locate the target in ``image`` (H, W, 3) RGB uint8; returns ``{'target_bbox': [x, y, w, h]}``."""
        p = self.params
        self.frame_num += 1
        out = p.sample_size
        side = self._sample_side()
        scale = side / out
        sample_pos = self.pos.copy()
        feat, iou_feat = self._features(sample_patch(image, sample_pos, side, out)[None])
        scores = self.scores(feat)
        self.expose_score_map(scores)
        self.flag, peak = self._localize(scores, scale)

        if peak is not None:
            center_crop = peak.numpy() * self.stride
            refined = self.estimate_box(iou_feat, self._crop_box(center_crop, scale))
            if refined is not None:
                box = refined.detach().cpu().double().numpy()
                center_crop = np.array([box[1] + box[3] / 2, box[0] + box[2] / 2])
                if self.flag != "uncertain" or p.update_scale_when_uncertain:
                    self._set_target_size(box[[3, 2]] * scale)
            self.pos = np.clip(sample_pos + (center_crop - out / 2) * scale, 0, self.image_sz)
            if self.flag != "uncertain":
                self._update_classifier(feat, out / 2 + (self.pos - sample_pos) / scale)

        (cy, cx), (h, w) = self.pos, self.target_sz
        return {"target_bbox": [float(cx - w / 2), float(cy - h / 2), float(w), float(h)]}

    def _update_classifier(self, feat: torch.Tensor, center_crop: np.ndarray) -> None:
        """Store the sample (label at ``center_crop``); run CG every ``train_skipping`` frames and on hard negatives."""
        p = self.params
        hard = self.flag == "hard_negative"
        with torch.no_grad():
            self.memory.add(F.conv2d(feat, self.projection), self._label(center_crop),
                            p.hard_negative_learning_rate if hard else p.learning_rate)
        if hard or (self.frame_num - 1) % p.train_skipping == 0:
            self.filter_optimizer.run(p.hard_negative_CG_iter if hard else p.update_CG_iter)
