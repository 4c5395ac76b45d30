"""Feature Distilling (FD) modules and FDSiamFC's layer-by-layer width compression of SiamFC.

Layer i of an FD network: conv_i -> squeeze_i (1x1, C -> C') -> combine_i (1x1, C' -> C) ->
BN_i, ReLU, (pool) -> conv_{i+1}. Squeeze and combine have biases and the groups of their
layer (1, 2, 1, 2, 2); C' = 2 * floor(Sq * C / 2). Layer 5 only gets a squeeze.

Schedule (step: surgery -> phase trained right after it); each restricted phase is followed
by a 'finetune' phase that trains everything:

=========  ==========================================  ===========================================
step       surgery                                     phase
=========  ==========================================  ===========================================
0          none (the full SiamFC)                      'finetune': all parameters
2i-1, i<5  :func:`add_fd` (fresh squeeze_i, combine_i)  'fd': only squeeze_i and combine_i
2i, i<5    :func:`drop_combine` (combine_i removed;     'rebuild': only BN_i and conv_{i+1}
           BN_i and conv_{i+1} rebuilt for C' inputs)
9          :func:`add_fd` on layer 5 (squeeze only)    'fd': only squeeze_5
=========  ==========================================  ===========================================

In the network, the convolution of stage ``conv<i>`` (element 0) is replaced by an
:class:`FDConv` holding ``conv``, ``squeeze`` and ``combine``, so parameters are named
``backbone.conv<i>.0.conv.weight``, ``backbone.conv<i>.0.squeeze.weight``, ... Every surgery
keeps a valid SiamFC (forward works) and updates ``net.constructor`` to
:func:`fd_siamfc_alexnet` at the new step, so :func:`ltr.admin.loading.save_network`
checkpoints of any step reload with :func:`ltr.admin.loading.load_network`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional, Sequence

import torch
import torch.nn as nn

from ltr.admin.loading import NetConstructor, model_constructor
from ltr.models.backbone.alexnet import DEFAULT_CHANNELS, NUM_LAYERS, batch_norm, conv_layer, init_weights
from ltr.models.siamfc.siamfc import OUT_SCALE, SiamFC, siamfc_alexnet

PHASES = ("fd", "rebuild", "finetune")
NUM_STEPS = 9


def squeezed_channels(channels: int, squeeze_ratio: float) -> int:
    """C' = 2 * floor(Sq * C / 2), e.g. 96 -> 28 for Sq 0.3 and 96 -> 14 for Sq 0.15."""
    if not 0 < squeeze_ratio <= 1:
        raise ValueError(f"squeeze_ratio must be in (0, 1], got {squeeze_ratio}")
    squeezed = 2 * math.floor(squeeze_ratio * channels / 2)
    if squeezed < 2:
        raise ValueError(f"squeeze_ratio {squeeze_ratio} leaves no channels of {channels}")
    return squeezed


class FDConv(nn.Module):
    """A layer's convolution followed by its FD module.

    Args:
        conv: the layer's (trained) convolution, C output channels, kept as is.
        squeeze_ratio: Sq; the squeeze maps C -> C' = 2 * floor(Sq * C / 2) channels.
        combine: also add the combine conv (C' -> C); False for the last layer.

    Shapes: (B, Cin, H, W) -> (B, C, h, w) with combine, (B, C', h, w) without.
    """

    def __init__(self, conv: nn.Conv2d, squeeze_ratio: float, combine: bool = True):
        super().__init__()
        channels, groups = conv.out_channels, conv.groups
        squeezed = squeezed_channels(channels, squeeze_ratio)
        self.squeeze_ratio = squeeze_ratio
        self.conv = conv
        self.squeeze = nn.Conv2d(channels, squeezed, 1, groups=groups)
        self.combine = nn.Conv2d(squeezed, channels, 1, groups=groups) if combine else None
        init_weights(self.squeeze)
        if self.combine is not None:
            init_weights(self.combine)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.squeeze(self.conv(x))
        return x if self.combine is None else self.combine(x)


@dataclass(frozen=True)
class ScheduleStep:
    """One step of the compression schedule.

    Attributes:
        step: 0..9.
        layer: the layer operated on (None for step 0).
        surgery: 'none', 'add_fd' or 'drop_combine'.
        phase: the restricted training phase after the surgery ('fd', 'rebuild'; 'finetune' for step 0).
    """
    step: int
    layer: Optional[int]
    surgery: str
    phase: str


def schedule_step(step: int) -> ScheduleStep:
    """What step ``step`` (0..9) of the schedule does (see the module docstring)."""
    if not 0 <= step <= NUM_STEPS:
        raise ValueError(f"schedule steps are 0..{NUM_STEPS}, got {step}")
    if step == 0:
        return ScheduleStep(0, None, "none", "finetune")
    if step % 2:
        return ScheduleStep(step, (step + 1) // 2, "add_fd", "fd")
    return ScheduleStep(step, step // 2, "drop_combine", "rebuild")


def fd_module(net: SiamFC, layer: int) -> Optional[FDConv]:
    """The FD convolution of ``layer``, or None when the layer is still plain."""
    conv = net.backbone.stage(layer)[0]
    return conv if isinstance(conv, FDConv) else None


def layer_conv(net: SiamFC, layer: int) -> nn.Conv2d:
    """The (teacher) convolution conv_layer, whether or not it has an FD module."""
    conv = net.backbone.stage(layer)[0]
    return conv.conv if isinstance(conv, FDConv) else conv


def base_channels(net: SiamFC) -> tuple:
    """Output channels of conv1..conv5 before squeezing (the uncompressed widths)."""
    return tuple(layer_conv(net, layer).out_channels for layer in range(1, NUM_LAYERS + 1))


def current_step(net: SiamFC) -> int:
    """The schedule step the network's structure corresponds to (0 for a plain SiamFC)."""
    fd_layers = [layer for layer in range(1, NUM_LAYERS + 1) if fd_module(net, layer) is not None]
    if not fd_layers:
        return 0
    last = fd_layers[-1]
    if fd_layers != list(range(1, last + 1)) or any(fd_module(net, i).combine is not None for i in fd_layers[:-1]):
        raise ValueError(f"FD modules on layers {fd_layers} do not follow the layer-by-layer schedule")
    if last == NUM_LAYERS:
        return NUM_STEPS
    return 2 * last - 1 if fd_module(net, last).combine is not None else 2 * last


def add_fd(net: SiamFC, layer: int, squeeze_ratio: float) -> None:
    """Insert a freshly initialised FD module after conv_layer (squeeze and, below layer 5, combine).

    Layers are compressed in order: layers 1..layer-1 must already have lost their combine.
    """
    step = current_step(net)
    if step % 2 or layer != step // 2 + 1:
        raise ValueError(f"add_fd(layer={layer}): the network is at schedule step {step}, "
                         f"so the next layer to add an FD module to is {step // 2 + 1} (after drop_combine)")
    ratios = {fd_module(net, i).squeeze_ratio for i in range(1, layer)}
    if ratios and ratios != {squeeze_ratio}:
        raise ValueError(f"add_fd(layer={layer}): squeeze_ratio {squeeze_ratio} differs from the "
                         f"earlier layers' {ratios.pop()}")
    stage = net.backbone.stage(layer)
    conv = stage[0]
    stage[0] = FDConv(conv, squeeze_ratio, combine=layer < NUM_LAYERS).to(conv.weight.device, conv.weight.dtype)
    _record_constructor(net)


def drop_combine(net: SiamFC, layer: int) -> None:
    """Remove combine_layer; rebuild BN_layer (C' features) and conv_{layer+1} (C' inputs), freshly initialised."""
    fd = fd_module(net, layer) if 1 <= layer < NUM_LAYERS else None
    if fd is None or fd.combine is None:
        raise ValueError(f"drop_combine(layer={layer}): layer {layer} has no combine conv "
                         f"(network at schedule step {current_step(net)})")
    device, dtype = fd.squeeze.weight.device, fd.squeeze.weight.dtype
    squeezed = fd.squeeze.out_channels
    fd.combine = None
    net.backbone.stage(layer)[1] = batch_norm(squeezed).to(device, dtype)
    next_stage = net.backbone.stage(layer + 1)
    next_stage[0] = conv_layer(layer + 1, squeezed, next_stage[0].out_channels).to(device, dtype)
    _record_constructor(net)


def apply_step(net: SiamFC, step: int, squeeze_ratio: float) -> ScheduleStep:
    """Perform the surgery of schedule step ``step`` on a network at step ``step - 1``; returns the step."""
    plan = schedule_step(step)
    if plan.surgery == "add_fd":
        add_fd(net, plan.layer, squeeze_ratio)
    elif plan.surgery == "drop_combine":
        drop_combine(net, plan.layer)
    elif current_step(net) != 0:
        raise ValueError(f"step 0 trains the plain SiamFC; the network is at step {current_step(net)}")
    return plan


def trainable_parameters(net: SiamFC, phase: str, layer: Optional[int] = None) -> list:
    """Set ``requires_grad`` for a training phase and return the trainable parameters.

    Args:
        phase: 'fd' (only squeeze_layer / combine_layer), 'rebuild' (only BN_layer and
            conv_{layer+1}) or 'finetune' (everything).
        layer: the layer of an 'fd' or 'rebuild' phase.
    """
    if phase not in PHASES:
        raise ValueError(f"unknown phase '{phase}'; phases: {PHASES}")
    if phase == "finetune":
        chosen = list(net.parameters())
    elif phase == "fd":
        fd = fd_module(net, layer) if layer in range(1, NUM_LAYERS + 1) else None
        if fd is None:
            raise ValueError(f"phase 'fd' needs a layer with an FD module, got layer={layer}")
        chosen = list(fd.squeeze.parameters()) + (list(fd.combine.parameters()) if fd.combine is not None else [])
    else:
        if layer not in range(1, NUM_LAYERS):
            raise ValueError(f"phase 'rebuild' needs a layer in 1..{NUM_LAYERS - 1}, got layer={layer}")
        chosen = list(net.backbone.stage(layer)[1].parameters()) + list(layer_conv(net, layer + 1).parameters())
    chosen_ids = {id(p) for p in chosen}
    for p in net.parameters():
        p.requires_grad_(id(p) in chosen_ids)
    return chosen


@model_constructor
def fd_siamfc_alexnet(squeeze_ratio: float, step: int, channels: Sequence[int] = DEFAULT_CHANNELS,
                      out_scale: float = OUT_SCALE) -> SiamFC:
    """The FD network after schedule steps 1..``step`` applied to ``siamfc_alexnet(channels)`` (fresh weights)."""
    net = siamfc_alexnet(channels, out_scale)
    for s in range(1, step + 1):
        apply_step(net, s, squeeze_ratio)
    return net


def _record_constructor(net: SiamFC) -> None:
    net.constructor = NetConstructor(
        "fd_siamfc_alexnet", __name__, (),
        {"squeeze_ratio": fd_module(net, 1).squeeze_ratio, "step": current_step(net),
         "channels": base_channels(net), "out_scale": net.out_scale})
