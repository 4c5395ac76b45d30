"""Model transform: fold every conv_i + squeeze_i of an FD network into one plain, thinner conv.

There is no nonlinearity between conv_i (weights W, bias b, C outputs) and squeeze_i (1x1,
S of shape (C', C/g), bias s), so the composition is the convolution
W'[j] = sum_o S[j, o] W[o], b' = S b + s (exact). For groups = 2 each output half is folded
with its half of the squeeze and the halves are concatenated. The arithmetic runs in float64.
BN_i (already C' channels) is copied unchanged; the result is a plain
``siamfc_alexnet(channels=(C'_1, ..., C'_5))`` whose checkpoints load strictly.
"""
from __future__ import annotations

import torch
import torch.nn as nn

from ltr.models.backbone.alexnet import NUM_LAYERS
from ltr.models.siamfc.fd import fd_module
from ltr.models.siamfc.siamfc import SiamFC, siamfc_alexnet


def fold_conv_squeeze(conv: nn.Conv2d, squeeze: nn.Conv2d) -> tuple:
    """Weight (C', Cin/g, k, k) and bias (C',) of the conv equal to ``squeeze(conv(x))``, in conv's dtype."""
    groups = conv.groups
    if squeeze.groups != groups or squeeze.in_channels != conv.out_channels:
        raise ValueError(f"squeeze (groups {squeeze.groups}, {squeeze.in_channels} inputs) does not follow "
                         f"conv (groups {groups}, {conv.out_channels} outputs)")
    weight, bias = conv.weight.detach().double(), conv.bias.detach().double()
    s_weight, s_bias = squeeze.weight.detach().double()[:, :, 0, 0], squeeze.bias.detach().double()
    per_out, per_squeezed = conv.out_channels // groups, squeeze.out_channels // groups
    weights, biases = [], []
    for g in range(groups):
        outs, squeezed = slice(g * per_out, (g + 1) * per_out), slice(g * per_squeezed, (g + 1) * per_squeezed)
        s_group = s_weight[squeezed]  # (C'/g, C/g)
        weights.append(torch.einsum("jo,oikl->jikl", s_group, weight[outs]))
        biases.append(s_group @ bias[outs] + s_bias[squeezed])
    return torch.cat(weights).to(conv.weight.dtype), torch.cat(biases).to(conv.bias.dtype)


def fold_fd_network(net: SiamFC) -> SiamFC:
    """The plain SiamFC computing the same function as the FD network ``net`` (same device, eval/train mode).

    Layers without an FD module are copied; a layer whose combine conv is still present cannot
    be folded exactly and raises ValueError (drop it first).
    """
    state = net.state_dict()
    folded, channels = {}, []
    for layer in range(1, NUM_LAYERS + 1):
        fd = fd_module(net, layer)
        prefix = f"backbone.conv{layer}."
        if fd is None:
            conv = net.backbone.stage(layer)[0]
            weight, bias = conv.weight.detach(), conv.bias.detach()
        elif fd.combine is not None:
            raise ValueError(f"layer {layer} still has its combine conv; the fold needs drop_combine first")
        else:
            weight, bias = fold_conv_squeeze(fd.conv, fd.squeeze)
        folded[prefix + "0.weight"], folded[prefix + "0.bias"] = weight, bias
        channels.append(weight.shape[0])
        folded.update({key: value for key, value in state.items()
                       if key.startswith(prefix + "1.")})  # BN_layer, unchanged
    plain = siamfc_alexnet(channels=tuple(channels), out_scale=net.out_scale)
    plain.load_state_dict(folded, strict=True)
    device = next(net.parameters()).device
    return plain.to(device).train(net.training)
