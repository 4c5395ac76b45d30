"""Procedurally generated training videos (nothing to download).

The sequences come from :mod:`ltr.data.synthetic`: on first use they are
generated into the root with its atomic writer, later constructions read them (a root generated
before masks existed gets its ``mask/`` folders added). Layout (OTB, plus masks)::

    <root>/meta.json                     generator version, seed, sequence names
    <root>/<Seq>/img/0001.jpg ...        frame i (0-based) is %04d.jpg of i + 1
    <root>/<Seq>/groundtruth_rect.txt    one "x,y,w,h" row per frame
    <root>/<Seq>/visible.txt             one 0/1 per frame (0 = less than 20 % visible)
    <root>/<Seq>/mask/0001.png ...       255 where the target is visible, 0 elsewhere

Use a seed other than the evaluation benchmark's (0) so training and test videos differ.
"""
from __future__ import annotations

from typing import Optional

import numpy as np

from ltr.admin.environment import PathLike, resolve_path
from ltr.data import synthetic
from ltr.data.annotations import read_flag_rows, read_number_rows
from ltr.data.image_loader import imread_rgb
from ltr.dataset.base_video_dataset import BaseVideoDataset, ImageLoader, SequenceAnnotation, read_gray_mask

DEFAULT_NUM_SEQUENCES = 60


class SyntheticVideo(BaseVideoDataset):
    """Synthetic training videos with target masks, generated into ``root`` when it does not exist yet.

    Args:
        root: folder of the generated videos; default: the ``synthetic_train_path`` setting.
        seed: generator seed.
        num_sequences: number of videos.
        image_loader: reads an image path into an (H, W, 3) RGB uint8 array.
    Raises:
        ValueError naming the root when it holds a generation with another seed, number of
        sequences or generator version.
    """
    name = "synthetic"
    layout = ("<root>/meta.json and <root>/<Seq>/{img/0001.jpg ..., groundtruth_rect.txt, visible.txt, "
              "mask/0001.png ...}")

    def __init__(self, root: Optional[PathLike] = None, seed: int = 1, num_sequences: int = DEFAULT_NUM_SEQUENCES,
                 image_loader: ImageLoader = imread_rgb):
        root = resolve_path("synthetic_train_path", root)
        self._names = synthetic.ensure_benchmark(root, seed, num_sequences, masks=True)
        super().__init__(root, image_loader)

    def _list_sequences(self) -> list:
        return [name for name in self._names if (self.root / name).is_dir()]

    def _read_annotation(self, seq_id: int) -> SequenceAnnotation:
        seq_dir = self.root / self.sequence_list[seq_id]
        boxes = read_number_rows(seq_dir / "groundtruth_rect.txt", 4)
        return SequenceAnnotation(boxes, visible=read_flag_rows(seq_dir / "visible.txt", len(boxes)) != 0)

    def _frame_path(self, seq_id: int, frame_id: int) -> str:
        return str(self.root / self.sequence_list[seq_id] / "img" / f"{frame_id + 1:04d}.jpg")

    def has_masks(self) -> bool:
        return True

    def _read_mask(self, seq_id: int, frame_id: int) -> np.ndarray:
        return read_gray_mask(self.root / self.sequence_list[seq_id] / synthetic.MASK_DIR / f"{frame_id + 1:04d}.png")
