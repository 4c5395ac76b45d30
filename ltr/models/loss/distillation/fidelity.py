"""Feature-fidelity terms: CFKD's channel-energy fidelity and Wang's learnable projected fidelity."""
from __future__ import annotations

from typing import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ltr.models.loss.distillation.maps import channel_abs_sum
from ltr.models.loss.distillation.outputs import DistillOutputs, check_layers, student_layer, teacher_layer
from ltr.models.loss.distillation.regression import regression_loss

FIDELITY_LAYERS = ("layer2", "layer3")


class Fidelity(nn.Module):
    """Sum over ``layers`` of reg(F(ref_s), F(ref_t)) + reg(F(test_s), F(test_t)), F = channel_abs_sum.

    Full (B, 1, H, W) maps; student and teacher widths may differ, their spatial sizes must match; the teacher
    maps are detached. ``forward(out) -> scalar``.
    """

    def __init__(self, layers: Sequence[str] = FIDELITY_LAYERS, reg: str = "mse"):
        super().__init__()
        self.layers = check_layers(layers)
        self.reg_name = reg
        self.reg = regression_loss(reg)

    def forward(self, out: DistillOutputs) -> Tensor:
        total = []
        for layer in self.layers:
            student = student_layer(out, layer, "Fidelity")
            teacher = teacher_layer(out, layer, "Fidelity")
            total.extend(self.reg(channel_abs_sum(s), channel_abs_sum(t)) for s, t in zip(student, teacher))
        return torch.stack(total).sum()

    def extra_repr(self) -> str:
        return f"layers={self.layers}, reg={self.reg_name!r}"


class ProjectedFidelity(nn.Module):
    """Wang et al.'s fidelity: each student layer through a learnable 1x1 convolution to the teacher's width,
    then full-tensor MSE against the (detached) teacher maps, for the reference and the test crop, summed
    over layers.

    The projections have no bias: a pure linear mix of the student channels, as the reference's fixed random
    matrices were, but registered parameters trained with the student (the reference left them random and
    untrained). They are parameters of this module, so the optimiser must include them and ``.to(device)``
    moves them. ``forward(out) -> scalar``.

    Args:
        student_channels: layer name -> student channel count.
        teacher_channels: layer name -> teacher channel count (same layer names).
    """

    def __init__(self, student_channels: dict[str, int], teacher_channels: dict[str, int]):
        super().__init__()
        if set(student_channels) != set(teacher_channels) or not student_channels:
            raise ValueError(f"student_channels {sorted(student_channels)} and teacher_channels "
                             f"{sorted(teacher_channels)} must name the same, non-empty set of layers")
        self.projections = nn.ModuleDict({
            layer: nn.Conv2d(channels, teacher_channels[layer], kernel_size=1, bias=False)
            for layer, channels in student_channels.items()})

    def forward(self, out: DistillOutputs) -> Tensor:
        total = []
        for layer, projection in self.projections.items():
            student = student_layer(out, layer, "ProjectedFidelity")
            teacher = teacher_layer(out, layer, "ProjectedFidelity")
            total.extend(F.mse_loss(projection(s), t) for s, t in zip(student, teacher))
        return torch.stack(total).sum()


def backbone_channels(net: nn.Module, layers: Sequence[str], image_size: int) -> dict[str, int]:
    """Channel count of each of ``layers`` in ``net.extract_backbone_features`` on one (1, 3, S, S) zero image.

    The network runs in eval mode without gradients (no batch-norm statistics change) and every module's
    train/eval mode is restored afterwards.
    """
    param = next(net.parameters())
    probe = torch.zeros(1, 3, image_size, image_size, dtype=param.dtype, device=param.device)
    modes = {module: module.training for module in net.modules()}
    net.eval()
    try:
        with torch.no_grad():
            feats = net.extract_backbone_features(probe, list(layers))
    finally:
        for module, training in modes.items():
            module.training = training
    missing = [layer for layer in layers if layer not in feats]
    if missing:
        raise ValueError(f"layers: {type(net).__name__}.extract_backbone_features returned no {missing}")
    return {layer: feats[layer].shape[1] for layer in layers}


def projected_fidelity_for(student: nn.Module, teacher: nn.Module, layers: Sequence[str] = FIDELITY_LAYERS,
                           image_size: int = 288) -> ProjectedFidelity:
    """A ProjectedFidelity sized from the networks themselves, on the student's device.

    Both networks' ``extract_backbone_features`` run once on a (1, 3, image_size, image_size) zero image (a
    small side such as 64 is enough and cheap) to read each layer's channel count.
    """
    layers = check_layers(layers)
    projection = ProjectedFidelity(backbone_channels(student, layers, image_size),
                                   backbone_channels(teacher, layers, image_size))
    return projection.to(next(student.parameters()).device)
