"""The embedded synthetic benchmark (OTB layout), generated on first use.

See :mod:`ltr.data.synthetic` for what the sequences contain. Unlike the other
loaders a missing root is not an error: the benchmark is generated there (atomically).
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from ltr.admin.environment import PathLike, resolve_path
from ltr.data import synthetic
from ltr.data.annotations import read_flag_rows, read_number_rows
from pytracking.evaluation.data import BaseDataset, Sequence, frame_paths
from pytracking.evaluation.otbdataset import read_attributes


class SyntheticDataset(BaseDataset):
    """Synthetic benchmark; sequences have ``dataset='synthetic'``, visibility and OTB-style attributes.

    Args:
        root: benchmark folder (default: the ``synthetic_path`` setting); generated when missing.
        seed: generator seed (a root generated with another seed is an error naming it).
        num_sequences: number of sequences to generate.
        check_images: see :class:`BaseDataset`.
    """
    name = "synthetic"
    path_key = "synthetic_path"

    def __init__(self, root: Optional[PathLike] = None, seed: int = 0,
                 num_sequences: int = len(synthetic.DEFAULT_SPECS), check_images: bool = True):
        self.root = resolve_path(self.path_key, root)
        self.check_images = check_images
        self._names = synthetic.ensure_benchmark(self.root, seed, num_sequences)

    def sequence_names(self) -> list:
        return list(self._names)

    def annotation_file(self, name: str) -> Path:
        return self.root / name / "groundtruth_rect.txt"

    def _build_sequence(self, name: str) -> Sequence:
        folder = self.root / name
        boxes = read_number_rows(self.annotation_file(name), num_cols=4)
        frames = frame_paths(folder / "img", "%04d.jpg", 1, len(boxes))
        self.check_frames(frames, name)
        visible = read_flag_rows(folder / "visible.txt", len(boxes)) != 0
        return Sequence(name, frames, self.name, boxes, target_visible=visible,
                        attributes=read_attributes(folder / "attrs.txt"))
