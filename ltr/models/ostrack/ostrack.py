"""OSTrack (one-stream ViT tracker, the teacher) and CompressTracker students, with their constructors.

A network is a :class:`~ltr.models.backbone.vit.TrackingViT` backbone (``backbone``) and a
:class:`~ltr.models.ostrack.head.CenterHead` (``box_head``); names and layouts are those of the
published checkpoints (``ostrack_vitb_256``, ``compresstracker_vitb_256_{2,3,4,6}``). The ViT-tiny
variants (embed 192, 3 heads, head widths / 4) are for tests and CPU studies.

Training code that mixes teacher and student blocks runs ``backbone.embed`` -> any blocks ->
``backbone.norm`` -> :meth:`OSTrack.head`. Constructors build randomly initialised networks; load
MAE / ImageNet weights with :func:`~ltr.models.backbone.vit.load_pretrained_vit` and initialise a
student with :func:`student_init_from_teacher`.
"""
from __future__ import annotations

from typing import Sequence, Type

import torch
import torch.nn as nn

from ltr.admin.loading import model_constructor
from ltr.models.backbone.vit import CompressTrackerViT, OSTrackViT, TrackingViT, teacher_block_indices
from ltr.models.ostrack.head import CenterHead, decode_boxes

VITB = {"embed_dim": 768, "num_heads": 12}
VITB_HEAD_CHANNELS = (256, 128, 64, 32)
VITB_DEPTH = 12
VIT_TINY = {"embed_dim": 192, "num_heads": 3}
VIT_TINY_HEAD_CHANNELS = (64, 32, 16, 8)


class OSTrack(nn.Module):
    """One-stream tracker: joint template-search ViT, centre head on the search tokens.

    Args:
        backbone: ViT returning (B, Nz + Nx, C) normalised tokens, search tokens last.
        box_head: centre head on the (B, C, Hx/16, Wx/16) search feature map.
    """

    def __init__(self, backbone: TrackingViT, box_head: CenterHead):
        super().__init__()
        self.backbone = backbone
        self.box_head = box_head

    def forward(self, template: torch.Tensor, search: torch.Tensor) -> dict:
        """Predictions for the search crops.

        Args:
            template: (B, 3, Hz, Wz) template crops (128 x 128 in the published networks).
            search: (B, 3, Hx, Wx) search crops (256 x 256).
        Returns:
            the dict of :meth:`head`.
        """
        return self.head(self.backbone(template, search))

    def head(self, tokens: torch.Tensor) -> dict:
        """Centre-head predictions from the final (normalised) token sequence.

        Args:
            tokens: (B, Nz + Nx, C) tokens after ``backbone.norm``; the last Nx = h * w are the search tokens.
        Returns:
            ``score_map`` (B, 1, h, w), ``size_map`` (B, 2, h, w), ``offset_map`` (B, 2, h, w) and
            ``pred_boxes`` (B, 4): (cx, cy, w, h) normalised to the search crop; h = w = Hx / 16.
        """
        grid = self.backbone.search_grid
        search_tokens = tokens[:, -grid * grid:]
        feat = search_tokens.transpose(1, 2).reshape(tokens.shape[0], tokens.shape[2], grid, grid)
        score_map, size_map, offset_map = self.box_head(feat)
        return {"score_map": score_map, "size_map": size_map, "offset_map": offset_map,
                "pred_boxes": decode_boxes(score_map, size_map, offset_map)}


@torch.no_grad()
def student_init_from_teacher(student: OSTrack, teacher: OSTrack) -> None:
    """CompressTracker initialisation: copy the teacher's patch embedding, position embeddings, cls
    token, final norm and box head into ``student``, and student block j from teacher block
    :func:`teacher_block_indices` (teacher depth, student depth)[j].

    Raises:
        ValueError: the student depth does not divide the teacher depth.
        RuntimeError: the networks differ in width or crop sizes (shape mismatch).
    """
    source = teacher.backbone
    indices = teacher_block_indices(len(source.layers), len(student.backbone.layers))
    state = {name: value for name, value in source.state_dict().items()
             if not name.startswith(source.layers_name + ".")}
    prefix = student.backbone.layers_name
    for j, i in enumerate(indices):
        state.update({f"{prefix}.{j}.{name}": value for name, value in source.layers[i].state_dict().items()})
    student.backbone.load_state_dict(state)
    student.box_head.load_state_dict(teacher.box_head.state_dict())


def _build(backbone_class: Type[TrackingViT], *, embed_dim: int, num_heads: int, depth: int,
           head_channels: Sequence[int], template_size: int, search_size: int, drop_path_rate: float) -> OSTrack:
    backbone = backbone_class(embed_dim=embed_dim, depth=depth, num_heads=num_heads, template_size=template_size,
                              search_size=search_size, drop_path_rate=drop_path_rate)
    return OSTrack(backbone, CenterHead(embed_dim, head_channels))


@model_constructor
def ostrack_vitb_256(*, template_size: int = 128, search_size: int = 256, drop_path_rate: float = 0.1) -> OSTrack:
    """OSTrack-256 teacher: ViT-B/16 (768, 12 blocks, 12 heads), no candidate elimination, 256-ch centre head."""
    return _build(OSTrackViT, **VITB, depth=VITB_DEPTH, head_channels=VITB_HEAD_CHANNELS,
                  template_size=template_size, search_size=search_size, drop_path_rate=drop_path_rate)


def _compresstracker_vitb_256(num_layers: int, template_size: int, search_size: int,
                              drop_path_rate: float) -> OSTrack:
    return _build(CompressTrackerViT, **VITB, depth=num_layers, head_channels=VITB_HEAD_CHANNELS,
                  template_size=template_size, search_size=search_size, drop_path_rate=drop_path_rate)


@model_constructor
def compresstracker_vitb_256(*, num_layers: int, template_size: int = 128, search_size: int = 256,
                             drop_path_rate: float = 0.1) -> OSTrack:
    """CompressTracker-N student: ``num_layers`` ViT-B blocks (``distill_blocks``), OSTrack-256 embeddings and head."""
    return _compresstracker_vitb_256(num_layers, template_size, search_size, drop_path_rate)


@model_constructor
def compresstracker_vitb_256_2(*, template_size: int = 128, search_size: int = 256,
                               drop_path_rate: float = 0.1) -> OSTrack:
    """CompressTracker-2 (student blocks from teacher blocks 5, 11)."""
    return _compresstracker_vitb_256(2, template_size, search_size, drop_path_rate)


@model_constructor
def compresstracker_vitb_256_3(*, template_size: int = 128, search_size: int = 256,
                               drop_path_rate: float = 0.1) -> OSTrack:
    """CompressTracker-3 (student blocks from teacher blocks 3, 7, 11)."""
    return _compresstracker_vitb_256(3, template_size, search_size, drop_path_rate)


@model_constructor
def compresstracker_vitb_256_4(*, template_size: int = 128, search_size: int = 256,
                               drop_path_rate: float = 0.1) -> OSTrack:
    """CompressTracker-4 (student blocks from teacher blocks 2, 5, 8, 11)."""
    return _compresstracker_vitb_256(4, template_size, search_size, drop_path_rate)


@model_constructor
def compresstracker_vitb_256_6(*, template_size: int = 128, search_size: int = 256,
                               drop_path_rate: float = 0.1) -> OSTrack:
    """CompressTracker-6 (student blocks from teacher blocks 1, 3, 5, 7, 9, 11)."""
    return _compresstracker_vitb_256(6, template_size, search_size, drop_path_rate)


@model_constructor
def ostrack_vit_tiny(*, depth: int = 12, template_size: int = 128, search_size: int = 256,
                     drop_path_rate: float = 0.1) -> OSTrack:
    """OSTrack on ViT-tiny/16 (192, 3 heads), centre head 64 -> 32 -> 16 -> 8 channels; any crop multiple of 16."""
    return _build(OSTrackViT, **VIT_TINY, depth=depth, head_channels=VIT_TINY_HEAD_CHANNELS,
                  template_size=template_size, search_size=search_size, drop_path_rate=drop_path_rate)


@model_constructor
def compresstracker_vit_tiny(*, num_layers: int, template_size: int = 128, search_size: int = 256,
                             drop_path_rate: float = 0.1) -> OSTrack:
    """CompressTracker student of :func:`ostrack_vit_tiny`: ``num_layers`` ViT-tiny blocks."""
    return _build(CompressTrackerViT, **VIT_TINY, depth=num_layers, head_channels=VIT_TINY_HEAD_CHANNELS,
                  template_size=template_size, search_size=search_size, drop_path_rate=drop_path_rate)
