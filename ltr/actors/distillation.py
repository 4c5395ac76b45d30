"""Knowledge-distillation actors: a frozen teacher and a training student on identical ATOM crops.

The batch is the ATOM one (:class:`ltr.actors.bbreg.ATOMActor`): ``train_images`` /
``test_images`` (1, B, 3, S, S), ``train_anno`` / ``test_anno`` (1, B, 4) target boxes in crop
pixels, ``test_proposals`` (1, B, N, 4), ``proposal_iou`` (1, B, N) labels ``2 * IoU - 1``.
One reference and one test frame per sample (the CFKD recipe); the feature terms compare
(B, C, h, w) maps of those two crops.

The teacher runs in evaluation mode (BatchNorm with its running statistics) under
``torch.no_grad``; the reference CFKD code left it in training mode, which normalises with the
batch's statistics and keeps moving the "frozen" teacher's running averages. Student parts
without trainable parameters (a frozen backbone or box head in the two-phase ``ablation/sep``
recipe) are kept in evaluation mode likewise. Checkpoints hold the student only.
"""
from __future__ import annotations

from typing import Optional, Sequence

import torch
from torch import nn

from ltr.actors.base_actor import BaseActor
from ltr.actors.bbreg import eval_frozen_parts
from ltr.admin.distributed import unwrap
from ltr.data.bounding_box_utils import encode_offsets
from ltr.models.loss.distillation import DistillOutputs

DISTILL_LAYERS = ("conv1", "layer1", "layer2", "layer3")
TARGETS = ("iou", "offsets")


def regression_targets(data: dict, target: str) -> torch.Tensor:
    """The head's ground truth: (1, B, N) IoU labels (ATOM) or (1, B, N, 4) R-CNN offsets of the
    test box relative to each proposal (DRNet, :func:`~ltr.data.bounding_box_utils.encode_offsets`)."""
    if target == "iou":
        return data["proposal_iou"]
    if target == "offsets":
        return encode_offsets(data["test_proposals"], data["test_anno"].unsqueeze(-2))
    raise ValueError(f"target must be one of {TARGETS}, got {target!r}")


def _check_single_frames(data: dict) -> None:
    for key in ("train_images", "test_images"):
        if data[key].dim() == 5 and data[key].shape[0] != 1:
            raise ValueError(f"distillation needs one {key.split('_')[0]} frame per sample, got "
                             f"{data[key].shape[0]} ({key} shape {tuple(data[key].shape)})")


class DistillationActor(BaseActor):
    """Student ``net`` trained against ``teacher`` (may be None for losses without teacher terms).

    Args:
        net: the student (an :class:`~ltr.models.bbreg.atom.ATOMnet`).
        objective: a loss called as ``objective(DistillOutputs) -> (loss, stats)``, e.g.
            :func:`~ltr.models.loss.distillation.cfkd_loss`.
        teacher: the frozen teacher network, or None.
        target: ``'iou'`` (ATOM) or ``'offsets'`` (DRNet).
        layers: backbone stages handed to the loss.

    Statistics: the objective's (``Loss/total``, ``Loss/iou``, ``Loss/ts``, ``Loss/ah``, ``Loss/fid``, ...).
    """

    def __init__(self, net: nn.Module, objective: nn.Module, teacher: Optional[nn.Module] = None,
                 target: str = "iou", layers: Sequence[str] = DISTILL_LAYERS) -> None:
        super().__init__(net, objective)
        if target not in TARGETS:
            raise ValueError(f"target must be one of {TARGETS}, got {target!r}")
        self.teacher = teacher
        if teacher is not None:
            teacher.requires_grad_(False)
        self.target = target
        self.layers = tuple(layers)

    def to(self, device) -> "DistillationActor":
        super().to(device)
        if self.teacher is not None:
            self.teacher.to(device)
        return self

    def train(self, mode: bool = True) -> None:
        super().train(mode)
        for student in self.students():
            eval_frozen_parts(student)
        if self.teacher is not None:
            self.teacher.eval()

    def students(self) -> list[nn.Module]:
        """The student network(s) without a DDP wrapper."""
        return [unwrap(self.net)]

    def _run(self, net: nn.Module, data: dict) -> tuple:
        return net(data["train_images"], data["test_images"], data["train_anno"], data["test_proposals"],
                   feature_layers=self.layers)

    def teacher_outputs(self, data: dict) -> tuple:
        """(prediction, reference features, test features) of the teacher, or three Nones without one."""
        if self.teacher is None:
            return None, None, None
        with torch.no_grad():
            return self._run(self.teacher, data)

    def make_outputs(self, data: dict, student: tuple, teacher: tuple) -> DistillOutputs:
        """Pack one student's ``(prediction, ref feats, test feats)`` with the teacher's and the batch's boxes."""
        return DistillOutputs(student_pred=student[0], gt=regression_targets(data, self.target),
                              ref_box=data["train_anno"].reshape(-1, 4), test_box=data["test_anno"].reshape(-1, 4),
                              student_ref=student[1], student_test=student[2], teacher_pred=teacher[0],
                              teacher_ref=teacher[1], teacher_test=teacher[2],
                              image_size=float(data["test_images"].shape[-1]), epoch=self.epoch)

    def __call__(self, data: dict) -> tuple[torch.Tensor, dict[str, float]]:
        _check_single_frames(data)
        outputs = self.make_outputs(data, self._run(self.net, data), self.teacher_outputs(data))
        return self.objective(outputs)


class StudentPair(nn.Module):
    """TSsKD's two students trained together; ``forward`` runs both on the same batch."""

    def __init__(self, dull: nn.Module, intelligent: nn.Module) -> None:
        super().__init__()
        self.dull = dull
        self.intelligent = intelligent

    def forward(self, *args, **kwargs) -> tuple:
        """``(dull student's output, intelligent student's output)`` of the same call."""
        return self.dull(*args, **kwargs), self.intelligent(*args, **kwargs)


class TSsKDActor(DistillationActor):
    """TSsKD: a dull and an intelligent student (``net`` is a :class:`StudentPair`) learning from
    the teacher and from each other; ``objective(dull outputs, intelligent outputs) -> (loss, stats)``
    (:class:`~ltr.models.loss.distillation.TSsKDLoss`).

    The intelligent student is the product: checkpoints store it as ``'net'`` (loadable by the
    tracker like any student); the dull one is kept under ``'actor'`` for resuming.
    """

    def students(self) -> list[nn.Module]:
        pair = unwrap(self.net)
        return [pair.dull, pair.intelligent]

    def checkpoint_net(self) -> nn.Module:
        return unwrap(self.net).intelligent

    def extra_state(self) -> dict:
        return {**super().extra_state(), "dull_student": unwrap(self.net).dull.state_dict()}

    def load_extra_state(self, state: dict) -> None:
        super().load_extra_state(state)
        unwrap(self.net).dull.load_state_dict(state["dull_student"])

    def __call__(self, data: dict) -> tuple[torch.Tensor, dict[str, float]]:
        _check_single_frames(data)
        dull, intelligent = self._run(self.net, data)
        teacher = self.teacher_outputs(data)
        return self.objective(self.make_outputs(data, dull, teacher), self.make_outputs(data, intelligent, teacher))
