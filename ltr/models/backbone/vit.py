"""One-stream ViT backbones of OSTrack (teacher) and CompressTracker (student), and pretrained-ViT loading.

Template and search images are cut into 16x16 patches, each patch sequence gets its own learnable
position embedding (``pos_embed_z`` / ``pos_embed_x``, bicubic resamplings of the 14x14 patch part of
the ImageNet/MAE ``pos_embed``), and the concatenated sequence [z; x] runs through pre-norm
transformer blocks and a final LayerNorm. There is no cls token and no segment embedding in the
forward pass; ``cls_token`` and ``pos_embed`` are kept because the published checkpoints hold them.

Parameter names and registration order are those of the published checkpoints: the teacher keeps
its blocks in ``blocks`` (registered before ``norm``), the CompressTracker student in
``distill_blocks`` (registered after ``norm``). Both expose the blocks of their forward pass as
:attr:`TrackingViT.layers`.

Pretrained weights are read from a local file in timm key names (:func:`load_pretrained_vit`).
"""
from __future__ import annotations

import math
import re
from typing import Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F

from ltr.admin.environment import PathLike
from ltr.admin.loading import CheckpointError, load_state_strict, torch_load

LAYER_NORM_EPS = 1e-6
# side of the patch grid the ImageNet / MAE ``pos_embed`` was trained on (224 / 16)
PRETRAIN_GRID = 14
# timm checkpoint entries that have no counterpart in the tracking backbone (classifier, MAE decoder)
IGNORED_PRETRAINED_PREFIXES = ("head.", "fc_norm.", "pre_logits.", "decoder", "mask_token")
_MAX_LISTED_KEYS = 10


def teacher_block_indices(depth: int, num_layers: int) -> list[int]:
    """Teacher block that initialises (and ends the stage replaced by) each of ``num_layers`` student blocks.

    With r = depth // num_layers, student block j corresponds to teacher stage [j*r, ..., j*r + r - 1]
    and is initialised from its last block (j+1)*r - 1; e.g. depth 12, 4 layers -> [2, 5, 8, 11].

    Raises:
        ValueError: ``num_layers`` is not positive or does not divide ``depth``.
    """
    if num_layers <= 0 or depth < num_layers or depth % num_layers:
        raise ValueError(f"{depth} blocks cannot be divided into {num_layers} equal stages")
    ratio = depth // num_layers
    return [(j + 1) * ratio - 1 for j in range(num_layers)]


def resize_pos_embed(pos_embed: torch.Tensor, grid: int) -> torch.Tensor:
    """Bicubic resampling of a square patch position embedding.

    Args:
        pos_embed: (1, g*g, C) embedding of a g x g patch grid (no cls token).
        grid: side of the output grid.
    Returns:
        (1, grid*grid, C) float tensor.
    """
    side = math.isqrt(pos_embed.shape[1])
    if side * side != pos_embed.shape[1]:
        raise ValueError(f"position embedding of {pos_embed.shape[1]} tokens is not a square grid")
    image = pos_embed.float().reshape(1, side, side, -1).permute(0, 3, 1, 2)
    image = F.interpolate(image, size=(grid, grid), mode="bicubic", align_corners=False)
    return image.flatten(2).transpose(1, 2)


class PatchEmbed(nn.Module):
    """Non-overlapping patch projection: (B, 3, H, W) -> (B, (H/p)*(W/p), C), tokens in row-major order."""

    def __init__(self, embed_dim: int, patch_size: int = 16, in_channels: int = 3):
        super().__init__()
        self.proj = nn.Conv2d(in_channels, embed_dim, kernel_size=patch_size, stride=patch_size)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        return self.proj(image).flatten(2).transpose(1, 2)


class Attention(nn.Module):
    """Multi-head self-attention with a joint qkv projection: (B, N, C) -> (B, N, C)."""

    def __init__(self, dim: int, num_heads: int):
        super().__init__()
        if dim % num_heads:
            raise ValueError(f"embedding dimension {dim} is not divisible by {num_heads} heads")
        self.num_heads = num_heads
        self.qkv = nn.Linear(dim, 3 * dim, bias=True)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        batch, tokens, dim = x.shape
        qkv = self.qkv(x).reshape(batch, tokens, 3, self.num_heads, dim // self.num_heads)
        q, k, v = qkv.permute(2, 0, 3, 1, 4)  # each (B, heads, N, C / heads)
        out = F.scaled_dot_product_attention(q, k, v)
        return self.proj(out.transpose(1, 2).reshape(batch, tokens, dim))


class Mlp(nn.Module):
    """Linear -> GELU -> Linear: (B, N, C) -> (B, N, C) through a hidden width ``hidden_dim``."""

    def __init__(self, dim: int, hidden_dim: int):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden_dim)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden_dim, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(self.act(self.fc1(x)))


class DropPath(nn.Module):
    """Stochastic depth: in training, zero a residual branch per sample with probability ``drop_prob``
    and rescale the kept ones by 1 / (1 - drop_prob); identity in evaluation. (B, ...) -> (B, ...)."""

    def __init__(self, drop_prob: float = 0.0):
        super().__init__()
        self.drop_prob = drop_prob

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.drop_prob == 0.0:
            return x
        keep = 1.0 - self.drop_prob
        mask = x.new_empty((x.shape[0],) + (1,) * (x.dim() - 1)).bernoulli_(keep)
        return x * mask / keep

    def extra_repr(self) -> str:
        return f"drop_prob={self.drop_prob:g}"


class Block(nn.Module):
    """Pre-norm transformer block: x + attn(norm1(x)), then x + mlp(norm2(x)); (B, N, C) -> (B, N, C).

    Args:
        dim: token width C.
        num_heads: attention heads.
        mlp_ratio: MLP hidden width / C.
        drop_path: stochastic-depth probability of both residual branches.
    """

    def __init__(self, dim: int, num_heads: int, mlp_ratio: float = 4.0, drop_path: float = 0.0):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=LAYER_NORM_EPS)
        self.attn = Attention(dim, num_heads)
        self.norm2 = nn.LayerNorm(dim, eps=LAYER_NORM_EPS)
        self.mlp = Mlp(dim, int(dim * mlp_ratio))
        self.drop_path = DropPath(drop_path)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.drop_path(self.attn(self.norm1(x)))
        return x + self.drop_path(self.mlp(self.norm2(x)))


class TrackingViT(nn.Module):
    """Joint template-search ViT; subclasses register the blocks (:attr:`layers_name`) and ``norm``.

    Args:
        embed_dim: token width C.
        depth: number of transformer blocks.
        num_heads: attention heads per block.
        mlp_ratio: MLP hidden width / C.
        template_size: template crop side Hz = Wz (a multiple of ``patch_size``).
        search_size: search crop side Hx = Wx (a multiple of ``patch_size``).
        patch_size: patch side p; Nz = (Hz/p)^2 template and Nx = (Hx/p)^2 search tokens.
        drop_path_rate: stochastic depth of the last block; block i uses linspace(0, rate, depth)[i].
    """

    layers_name = ""

    def __init__(self, *, embed_dim: int, depth: int, num_heads: int, mlp_ratio: float = 4.0,
                 template_size: int = 128, search_size: int = 256, patch_size: int = 16, drop_path_rate: float = 0.0):
        super().__init__()
        for name, size in (("template_size", template_size), ("search_size", search_size)):
            if size % patch_size:
                raise ValueError(f"{name} {size} is not a multiple of the patch size {patch_size}")
        self.embed_dim = embed_dim
        self.template_grid = template_size // patch_size
        self.search_grid = search_size // patch_size
        self.cls_token = nn.Parameter(nn.init.trunc_normal_(torch.empty(1, 1, embed_dim), std=0.02))
        pos_embed = torch.empty(1, 1 + PRETRAIN_GRID ** 2, embed_dim)
        self.pos_embed = nn.Parameter(nn.init.trunc_normal_(pos_embed, std=0.02))
        with torch.no_grad():
            self.pos_embed_z = nn.Parameter(resize_pos_embed(self.pos_embed[:, 1:], self.template_grid))
            self.pos_embed_x = nn.Parameter(resize_pos_embed(self.pos_embed[:, 1:], self.search_grid))
        self.patch_embed = PatchEmbed(embed_dim, patch_size)
        rates = torch.linspace(0, drop_path_rate, depth, device="cpu").tolist()
        blocks = nn.ModuleList(Block(embed_dim, num_heads, mlp_ratio, rate) for rate in rates)
        self._register_layers(blocks, nn.LayerNorm(embed_dim, eps=LAYER_NORM_EPS))
        self.apply(_init_linear)

    def _register_layers(self, blocks: nn.ModuleList, norm: nn.LayerNorm) -> None:
        """Register ``blocks`` under :attr:`layers_name` and the final ``norm``, in the published order."""
        raise NotImplementedError

    @property
    def layers(self) -> nn.ModuleList:
        """The transformer blocks of the forward pass, in order."""
        return getattr(self, self.layers_name)

    def embed(self, template: torch.Tensor, search: torch.Tensor) -> torch.Tensor:
        """Patch embedding plus position embeddings, concatenated [z; x].

        Args:
            template: (B, 3, Hz, Wz) template crops.
            search: (B, 3, Hx, Wx) search crops.
        Returns:
            (B, Nz + Nx, C) tokens.
        """
        z = self.patch_embed(template) + self.pos_embed_z
        x = self.patch_embed(search) + self.pos_embed_x
        return torch.cat((z, x), dim=1)

    def forward(self, template: torch.Tensor, search: torch.Tensor) -> torch.Tensor:
        """(B, 3, Hz, Wz), (B, 3, Hx, Wx) -> (B, Nz + Nx, C): embedding, all blocks, final LayerNorm."""
        tokens = self.embed(template, search)
        for block in self.layers:
            tokens = block(tokens)
        return self.norm(tokens)


class OSTrackViT(TrackingViT):
    """OSTrack's ViT (the teacher): blocks in ``blocks``, registered before ``norm``."""

    layers_name = "blocks"

    def _register_layers(self, blocks: nn.ModuleList, norm: nn.LayerNorm) -> None:
        self.blocks = blocks
        self.norm = norm


class CompressTrackerViT(TrackingViT):
    """CompressTracker's student ViT: blocks in ``distill_blocks``, registered after ``norm``."""

    layers_name = "distill_blocks"

    def _register_layers(self, blocks: nn.ModuleList, norm: nn.LayerNorm) -> None:
        self.norm = norm
        self.distill_blocks = blocks


def _init_linear(module: nn.Module) -> None:
    """Truncated-normal (std 0.02) weights and zero biases for linear layers."""
    if isinstance(module, nn.Linear):
        nn.init.trunc_normal_(module.weight, std=0.02)
        nn.init.zeros_(module.bias)


def load_pretrained_vit(backbone: TrackingViT, path: PathLike) -> None:
    """Load ImageNet / MAE ViT weights in timm key names from a local file into ``backbone``.

    The file holds a state dict, possibly under ``'model'`` or ``'state_dict'``, with ``cls_token``,
    ``pos_embed`` (1, 1 + g*g, C), ``patch_embed.proj.*``, ``blocks.<i>.*`` and ``norm.*``;
    classifier / MAE-decoder entries are ignored. With a source of depth D and L backbone blocks,
    backbone block j gets source block :func:`teacher_block_indices` (D, L)[j] (block j itself when
    D == L). ``pos_embed`` is resampled to the backbone's 14x14 grid (unchanged if already 14x14), and
    ``pos_embed_z`` / ``pos_embed_x`` become bicubic resamplings of its g x g patch part to the template /
    search grids.

    Raises:
        FileNotFoundError: the file does not exist.
        CheckpointError: the file is unreadable or has missing, unexpected or wrongly shaped entries
            (the message names the file and lists them).
    """
    source = f"'{path}'"
    state = _unwrap_state_dict(torch_load(path), source)
    depth = 1 + max((int(key.split(".")[1]) for key in state if re.match(r"blocks\.\d+\.", key)), default=-1)
    try:
        indices = teacher_block_indices(depth, len(backbone.layers))
    except ValueError as err:
        raise CheckpointError(f"checkpoint {source} does not fit {type(backbone).__name__}: {err}") from None
    targets = _source_keys(backbone, indices)
    used = set(targets.values())
    selected = tuple(f"blocks.{i}." for i in indices)
    missing = sorted(key for key in used if key not in state)
    unexpected = sorted(key for key in state if key not in used and not key.startswith(IGNORED_PRETRAINED_PREFIXES)
                        and (key.startswith(selected) or not key.startswith("blocks.")))
    own = backbone.state_dict()
    mismatched = [f"{key} {tuple(state[key].shape)} vs {tuple(own[name].shape)}" for name, key in targets.items()
                  if key in state and key != "pos_embed" and state[key].shape != own[name].shape]
    pos_embed = state.get("pos_embed")
    if pos_embed is not None and not _is_pos_embed(pos_embed, backbone.embed_dim):
        mismatched.append(f"pos_embed {tuple(pos_embed.shape)} is not (1, 1 + g*g, {backbone.embed_dim})")
    problems = [f"{len(keys)} {what} {keys[:_MAX_LISTED_KEYS]}" for what, keys in
                (("missing keys", missing), ("unexpected keys", unexpected), ("shape mismatches", mismatched)) if keys]
    if problems:
        raise CheckpointError(f"checkpoint {source} does not fit {type(backbone).__name__}: " + "; ".join(problems))
    new_state = {name: state[key] for name, key in targets.items()}
    patch_pos = pos_embed[:, 1:]
    new_state["pos_embed"] = torch.cat((pos_embed[:, :1].float(), resize_pos_embed(patch_pos, PRETRAIN_GRID)), 1)
    new_state["pos_embed_z"] = resize_pos_embed(patch_pos, backbone.template_grid)
    new_state["pos_embed_x"] = resize_pos_embed(patch_pos, backbone.search_grid)
    load_state_strict(backbone, new_state, source)


def _unwrap_state_dict(data: object, source: str) -> dict:
    """The tensor mapping of a loaded checkpoint: ``data`` itself or its ``'model'`` / ``'state_dict'`` entry."""
    if isinstance(data, dict):
        data = data.get("model", data.get("state_dict", data))
    if not isinstance(data, dict) or not all(isinstance(value, torch.Tensor) for value in data.values()):
        raise CheckpointError(f"checkpoint {source} holds no ViT state dict (a mapping of tensors, possibly "
                              "under 'model' or 'state_dict')")
    return data


def _source_keys(backbone: TrackingViT, indices: Sequence[int]) -> dict:
    """Backbone state-dict key -> timm key, for every entry except the resampled ``pos_embed_z/x``."""
    prefix = backbone.layers_name + "."
    keys = {}
    for name in backbone.state_dict():
        if name in ("pos_embed_z", "pos_embed_x"):
            continue
        if name.startswith(prefix):
            block, rest = name[len(prefix):].split(".", 1)
            keys[name] = f"blocks.{indices[int(block)]}.{rest}"
        else:
            keys[name] = name
    return keys


def _is_pos_embed(pos_embed: torch.Tensor, embed_dim: int) -> bool:
    """Whether ``pos_embed`` is (1, 1 + g*g, embed_dim): a cls token plus a square patch grid."""
    if pos_embed.dim() != 3 or pos_embed.shape[0] != 1 or pos_embed.shape[2] != embed_dim:
        return False
    return math.isqrt(pos_embed.shape[1] - 1) ** 2 == pos_embed.shape[1] - 1 and pos_embed.shape[1] > 1
