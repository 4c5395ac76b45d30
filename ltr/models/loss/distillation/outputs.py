"""The batch record every distillation term reads, and checked accessors for its feature maps."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

from torch import Tensor


@dataclass
class DistillOutputs:
    """One batch of student (and teacher) predictions and features. B = batch (num_train = num_test = 1)."""
    student_pred: Tensor            # (1, B, N) IoU predictions, or (1, B, N, 4) DRNet offsets
    gt: Tensor                      # same shape: IoU labels 2*IoU-1, or the offset regression targets
    ref_box: Tensor                 # (B, 4) target box (x, y, w, h) in the reference crop's pixels (288x288 crops)
    test_box: Tensor                # (B, 4) target box in the test crop's pixels
    student_ref: dict[str, Tensor]  # layer name -> (B, C, H, W) student features of the reference crop
    student_test: dict[str, Tensor] # likewise for the test crop
    teacher_pred: Optional[Tensor] = None   # same shape as student_pred (None when there is no teacher)
    teacher_ref: Optional[dict[str, Tensor]] = None
    teacher_test: Optional[dict[str, Tensor]] = None
    image_size: float = 288.0       # crop side in pixels; layer downsampling ds = feature width / image_size
    epoch: int = 1                  # current training epoch (1-based), used by TSsKD's decay


def _layer(maps: Optional[dict[str, Tensor]], field: str, layer: str, term: str) -> Tensor:
    """``maps[layer]`` (B, C, H, W), or ValueError naming the term, the DistillOutputs field and the layer."""
    if maps is None:
        raise ValueError(f"{term}: needs DistillOutputs.{field}, which is None (no teacher given)")
    if layer not in maps:
        raise ValueError(f"{term}: DistillOutputs.{field} has no layer {layer!r} (it has {sorted(maps)})")
    feat = maps[layer]
    if feat.dim() != 4:
        raise ValueError(f"{term}: DistillOutputs.{field}[{layer!r}] must be (B, C, H, W), got {tuple(feat.shape)}")
    return feat


def student_layer(out: DistillOutputs, layer: str, term: str) -> tuple[Tensor, Tensor]:
    """The student's (reference, test) maps of ``layer``, each (B, C, H, W) of the same shape."""
    ref = _layer(out.student_ref, "student_ref", layer, term)
    test = _layer(out.student_test, "student_test", layer, term)
    if ref.shape != test.shape:
        raise ValueError(f"{term}: layer {layer!r} student reference maps {tuple(ref.shape)} and test maps "
                         f"{tuple(test.shape)} differ in shape (both crops must be image_size wide)")
    return ref, test


def teacher_layer(out: DistillOutputs, layer: str, term: str) -> tuple[Tensor, Tensor]:
    """The teacher's detached (reference, test) maps of ``layer``, each (B, C_t, H, W).

    Their batch and spatial size must match the student's maps (channel counts may differ).
    """
    ref = _layer(out.teacher_ref, "teacher_ref", layer, term).detach()
    test = _layer(out.teacher_test, "teacher_test", layer, term).detach()
    student, _ = student_layer(out, layer, term)
    for field, feat in (("teacher_ref", ref), ("teacher_test", test)):
        if feat.shape[0] != student.shape[0] or feat.shape[2:] != student.shape[2:]:
            raise ValueError(f"{term}: DistillOutputs.{field}[{layer!r}] has shape {tuple(feat.shape)}; batch and "
                             f"spatial size must match the student's {tuple(student.shape)}")
    return ref, test


def teacher_prediction(out: DistillOutputs, term: str) -> Tensor:
    """The detached teacher prediction (shape of ``student_pred``), or ValueError when there is none."""
    if out.teacher_pred is None:
        raise ValueError(f"{term}: needs DistillOutputs.teacher_pred, which is None (no teacher given)")
    if out.teacher_pred.shape != out.student_pred.shape:
        raise ValueError(f"{term}: teacher_pred shape {tuple(out.teacher_pred.shape)} differs from "
                         f"student_pred shape {tuple(out.student_pred.shape)}")
    return out.teacher_pred.detach()


def check_layers(layers: Sequence[str]) -> tuple[str, ...]:
    """``layers`` as a non-empty tuple of names; ValueError otherwise."""
    layers = (layers,) if isinstance(layers, str) else tuple(layers)
    if not layers:
        raise ValueError("layers: at least one layer name is needed")
    return layers
