"""OSTrack's actor and CompressTracker's stage-replacement distillation actor.

Batches are those of :class:`ltr.data.ostrack_processing.OSTrackProcessing` collated with
``stack_dim=1``: ``template_images`` (1, B, 3, Hz, Wz), ``search_images`` (1, B, 3, Hx, Wx),
``search_anno`` (1, B, 4) normalised ``[x, y, w, h]`` (one template and one search frame per sample).

CompressTracker (Hong et al., arXiv 2409.17564): the teacher's D blocks form N stages of r = D / N
blocks; student block k replaces teacher stage k. In every training iteration each stage is drawn
once for the whole batch: student block with probability p, else the teacher's r frozen blocks
(:func:`draw_student_stages`), p rising from 0.5 to 1 over training
(:func:`replacement_probability`). The loss adds prediction guidance (the teacher's boxes) and
feature mimicking (each stage output vs the teacher's block output at layer (k + 1) r - 1) to
OSTrack's task loss. Validation runs the pure student.

The paper's ablation switches: without replacement every iteration runs the pure student (p = 1);
the ``'fixed'`` schedule keeps p = ``p_start``; a zero weight drops a distillation term, and with both
weights zero the teacher does not run at all.

The teacher, including the blocks the training path borrows from it, runs in evaluation mode; the
published code ran its frozen copies of the teacher blocks inside the student in training mode,
where stochastic depth drops their residual branches.
"""
from __future__ import annotations

import random
from typing import Optional, Sequence

import torch
from torch import nn

from ltr.actors.base_actor import BaseActor
from ltr.admin.distributed import unwrap
from ltr.models.backbone.vit import teacher_block_indices
from ltr.models.loss.ostrack_loss import OSTrackLoss, feature_mimicking_loss, prediction_guidance_loss
from ltr.models.ostrack.ostrack import OSTrack

P_START = 0.5
P_SCHEDULES = ("progressive", "fixed")
"""Replacement-probability schedules: :func:`replacement_probability`, or p = ``p_start`` throughout."""
SCHEDULE_FRACTION = 10  # p stays at p_start for the first and at 1 for the last num_epochs // 10 epochs


def replacement_probability(epoch: int, num_epochs: int = 500, p_start: float = P_START) -> float:
    """CompressTracker's progressive replacement probability p of the (1-based) ``epoch``.

    With ``m = num_epochs // 10``: p = ``p_start`` while ``epoch - 1 <= m``; p = 1 once
    ``epoch - 1 >= num_epochs - m``; in between ``p_start + (1 - p_start) * (epoch - m) / (num_epochs - 2 m)``.
    For 500 epochs: 0.5 for epochs 1-51, ``0.5 + 0.5 * (e - 50) / 400`` for 52-450, 1.0 for 451-500.

    Raises:
        ValueError: ``num_epochs`` < 1, ``epoch`` < 1 or ``p_start`` outside (0, 1].
    """
    if num_epochs < 1 or epoch < 1:
        raise ValueError(f"replacement_probability: need epoch >= 1 and num_epochs >= 1, got {epoch}, {num_epochs}")
    if not 0 < p_start <= 1:
        raise ValueError(f"replacement_probability: p_start must be in (0, 1], got {p_start}")
    margin = num_epochs // SCHEDULE_FRACTION
    if epoch - 1 <= margin:
        return p_start
    if epoch - 1 >= num_epochs - margin:
        return 1.0
    return p_start + (1.0 - p_start) * (epoch - margin) / (num_epochs - 2 * margin)


def draw_student_stages(num_stages: int, p: float, rng: random.Random = random) -> list[bool]:
    """Which stages run their student block: ``rng.random() < p`` per stage, in order; when every stage
    drew the teacher, stage ``rng.randrange(num_stages)`` runs its student block instead.

    Args:
        num_stages: N.
        p: probability of the student block.
        rng: random generator (default: Python's global one, which the trainer checkpoints).
    Returns:
        N booleans, at least one True.
    """
    stages = [rng.random() < p for _ in range(num_stages)]
    if not any(stages):
        stages[rng.randrange(num_stages)] = True
    return stages


def template_search_pair(data: dict) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """``(template (B, 3, Hz, Wz), search (B, 3, Hx, Wx), search box (B, 4))`` of a one-pair batch.

    Raises:
        ValueError: the batch holds other than one template and one search frame per sample.
    """
    for key in ("template_images", "search_images", "search_anno"):
        if data[key].shape[0] != 1:
            raise ValueError(f"OSTrack training takes one template and one search frame per sample: {key} has "
                             f"shape {tuple(data[key].shape)}, expected (1, B, ...) (LTRLoader stack_dim=1)")
    return data["template_images"][0], data["search_images"][0], data["search_anno"][0]


def track_stats(total: torch.Tensor, terms: dict) -> dict[str, float]:
    """Tensorboard statistics of :class:`OSTrackLoss`'s result."""
    return {"Loss/total": total.item(), "Loss/giou": terms["giou"].item(), "Loss/l1": terms["l1"].item(),
            "Loss/focal": terms["focal"].item(), "IoU": terms["iou"].item()}


class OSTrackActor(BaseActor):
    """Runs ``net(template, search)`` (an :class:`OSTrack`) and scores it with ``objective``
    (default :class:`OSTrackLoss`: 2 * GIoU + 5 * L1 + 1 * focal).

    Statistics: ``Loss/total``, ``Loss/giou``, ``Loss/l1``, ``Loss/focal``, ``IoU`` (mean IoU of the
    predicted boxes with the ground truth).
    """

    def __init__(self, net: nn.Module, objective: Optional[OSTrackLoss] = None) -> None:
        super().__init__(net, objective if objective is not None else OSTrackLoss())

    def __call__(self, data: dict) -> tuple[torch.Tensor, dict[str, float]]:
        template, search, gt_boxes = template_search_pair(data)
        total, terms = self.objective(self.net(template, search), gt_boxes)
        return total, track_stats(total, terms)


class StageReplacementNet(nn.Module):
    """A CompressTracker student and its frozen teacher; the forward pass runs the student with any of its
    stages replaced by the teacher's blocks, and the pure teacher.

    Args:
        student: N-block OSTrack (e.g. ``compresstracker_vitb_256_4``).
        teacher: D-block OSTrack with D divisible by N and the same width and crop sizes; its parameters
            are frozen and it stays in evaluation mode (also under ``train()``).
    Raises:
        ValueError: N does not divide D, or the networks differ in crop sizes.
    """

    def __init__(self, student: OSTrack, teacher: OSTrack) -> None:
        super().__init__()
        depth, num_stages = len(teacher.backbone.layers), len(student.backbone.layers)
        self.teacher_layers = teacher_block_indices(depth, num_stages)
        self.ratio = depth // num_stages
        grids = [(net.backbone.template_grid, net.backbone.search_grid) for net in (student, teacher)]
        if grids[0] != grids[1]:
            raise ValueError(f"StageReplacementNet: student and teacher patch grids (template, search) differ: "
                             f"{grids[0]} vs {grids[1]} (build both for the same crop sizes)")
        self.student = student
        self.teacher = teacher.requires_grad_(False).eval()

    @property
    def num_stages(self) -> int:
        """N, the number of student blocks."""
        return len(self.student.backbone.layers)

    def train(self, mode: bool = True) -> "StageReplacementNet":
        super().train(mode)
        self.teacher.eval()
        return self

    def forward(self, template: torch.Tensor, search: torch.Tensor, student_stages: Sequence[bool],
                with_teacher: bool = True) -> dict:
        """Training path and (``with_teacher``) teacher on the same crops.

        Args:
            template: (B, 3, Hz, Wz) template crops.
            search: (B, 3, Hx, Wx) search crops.
            student_stages: N booleans, True where stage k runs student block k, False where it runs
                teacher blocks k r .. k r + r - 1; all True is the pure student.
            with_teacher: also run the pure teacher (False: the result has no ``teacher_*`` entries).
        Returns:
            ``pred``: :meth:`OSTrack.head` dict of the training path (student embedding, the chosen
            blocks, student norm and head); ``stage_outputs``: N (B, Nz + Nx, C) token tensors after
            each stage; ``teacher_pred`` and ``teacher_stage_outputs`` (teacher block outputs at layers
            (k + 1) r - 1, before the final norm): the pure teacher's, computed without gradient.
        """
        if len(student_stages) != self.num_stages:
            raise ValueError(f"StageReplacementNet: {len(student_stages)} stage choices for {self.num_stages} stages")
        backbone, teacher_blocks = self.student.backbone, self.teacher.backbone.layers
        tokens = backbone.embed(template, search)
        stage_outputs = []
        for k, use_student in enumerate(student_stages):
            blocks = [backbone.layers[k]] if use_student else teacher_blocks[k * self.ratio:(k + 1) * self.ratio]
            for block in blocks:
                tokens = block(tokens)
            stage_outputs.append(tokens)
        out = {"pred": self.student.head(backbone.norm(tokens)), "stage_outputs": stage_outputs}
        if with_teacher:
            with torch.no_grad():
                out["teacher_pred"], out["teacher_stage_outputs"] = self.teacher_forward(template, search)
        return out

    def teacher_forward(self, template: torch.Tensor, search: torch.Tensor) -> tuple[dict, list[torch.Tensor]]:
        """The teacher's :meth:`OSTrack.head` dict and its (B, Nz + Nx, C) block outputs at layers (k + 1) r - 1."""
        backbone = self.teacher.backbone
        tokens = backbone.embed(template, search)
        outputs = []
        for index, block in enumerate(backbone.layers):
            tokens = block(tokens)
            if index in self.teacher_layers:
                outputs.append(tokens)
        return self.teacher.head(backbone.norm(tokens)), outputs


class CompressTrackerActor(BaseActor):
    """CompressTracker's replacement training of ``net`` (a :class:`StageReplacementNet`).

    Training iterations draw the stages with p = :meth:`replacement_p`: :func:`replacement_probability`
    (epoch, ``num_epochs``, ``p_start``) under the ``'progressive'`` schedule, ``p_start`` under ``'fixed'``,
    1 (the pure student) without ``replacement``; evaluation (validation loaders) runs the pure student
    (p = 1). Loss ``L_track + w_pred * L_pred + w_feat * L_feat``: L_track the ``objective`` (OSTrack's task
    loss of the training path's prediction), L_pred :func:`prediction_guidance_loss` to the teacher's boxes
    with the objective's GIoU and L1 weights (2, 5), L_feat :func:`feature_mimicking_loss`. With
    ``w_pred`` = ``w_feat`` = 0 the loss is L_track alone and the teacher does not run.

    Statistics: ``Loss/total``, ``Loss/giou``, ``Loss/l1``, ``Loss/focal`` (terms of L_track), ``Loss/pred``,
    ``Loss/feat`` (unweighted; only when the teacher runs), ``IoU`` and ``p`` (the iteration's replacement
    probability). Checkpoints hold the student only (:meth:`checkpoint_net`).

    Raises:
        ValueError: ``p_schedule`` not in :data:`P_SCHEDULES`, or a schedule argument out of range
            (see :func:`replacement_probability`).
    """

    def __init__(self, net: StageReplacementNet, objective: Optional[OSTrackLoss] = None, num_epochs: int = 500,
                 p_start: float = P_START, w_pred: float = 1.0, w_feat: float = 0.2, replacement: bool = True,
                 p_schedule: str = "progressive") -> None:
        super().__init__(net, objective if objective is not None else OSTrackLoss())
        if p_schedule not in P_SCHEDULES:
            raise ValueError(f"CompressTrackerActor: p_schedule must be one of {P_SCHEDULES}, got {p_schedule!r}")
        replacement_probability(1, num_epochs, p_start)  # validates the schedule's arguments
        self.num_epochs = num_epochs
        self.p_start = p_start
        self.w_pred = w_pred
        self.w_feat = w_feat
        self.replacement = replacement
        self.p_schedule = p_schedule
        self.training = True

    def train(self, mode: bool = True) -> None:
        super().train(mode)
        self.training = mode

    def checkpoint_net(self) -> nn.Module:
        """The student network."""
        return unwrap(self.net).student

    def replacement_p(self) -> float:
        """The replacement probability of training iterations in the current epoch (class doc)."""
        if not self.replacement:
            return 1.0
        if self.p_schedule == "fixed":
            return self.p_start
        return replacement_probability(self.epoch, self.num_epochs, self.p_start)

    def __call__(self, data: dict) -> tuple[torch.Tensor, dict[str, float]]:
        template, search, gt_boxes = template_search_pair(data)
        model = unwrap(self.net)
        if self.training:
            p = self.replacement_p()
            stages = draw_student_stages(model.num_stages, p)
        else:
            p, stages = 1.0, [True] * model.num_stages
        distilled = self.w_pred > 0 or self.w_feat > 0
        out = self.net(template, search, stages, with_teacher=distilled)
        total, terms = self.objective(out["pred"], gt_boxes)
        extra = {"p": p}
        if distilled:
            pred_loss = prediction_guidance_loss(out["pred"]["pred_boxes"], out["teacher_pred"]["pred_boxes"],
                                                 self.objective.w_giou, self.objective.w_l1)
            feat_loss = feature_mimicking_loss(out["stage_outputs"], out["teacher_stage_outputs"],
                                               model.student.backbone.search_grid ** 2)
            total = total + self.w_pred * pred_loss + self.w_feat * feat_loss
            extra.update({"Loss/pred": pred_loss.item(), "Loss/feat": feat_loss.item()})
        return total, {**track_stats(total, terms), **extra}
