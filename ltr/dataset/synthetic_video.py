"""Procedurally generated training videos (nothing to download).

The sequences come from :mod:`pytracking.evaluation.synthetic`: on first use they are
generated into the root with its atomic writer, later constructions read them. Layout (OTB)::

    <root>/meta.json                     generator version, seed, sequence names
    <root>/<Seq>/img/0001.jpg ...        frame i (0-based) is %04d.jpg of i + 1
    <root>/<Seq>/groundtruth_rect.txt    one "x,y,w,h" row per frame
    <root>/<Seq>/visible.txt             one 0/1 per frame (0 = less than 20 % visible)

Use a seed other than the evaluation benchmark's (0) so training and test videos differ.
"""
from __future__ import annotations

import json
from typing import Optional

from ltr.data.image_loader import imread_rgb
from ltr.dataset.base_video_dataset import BaseVideoDataset, ImageLoader, SequenceAnnotation
from pytracking.evaluation import synthetic
from pytracking.evaluation.data import DatasetError, read_flag_rows, read_number_rows
from pytracking.evaluation.environment import PathLike, resolve_path

DEFAULT_NUM_SEQUENCES = 60


def expected_meta(seed: int, num_sequences: int) -> dict:
    """The ``meta.json`` entries that identify a generation: version, seed and sequence names."""
    return {"version": synthetic.GENERATOR_VERSION, "seed": seed,
            "sequences": [spec.name for spec in synthetic.default_specs(num_sequences)]}


class SyntheticVideo(BaseVideoDataset):
    """Synthetic training videos, generated into ``root`` when it does not exist yet.

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
    layout = "<root>/meta.json and <root>/<Seq>/{img/0001.jpg ..., groundtruth_rect.txt, visible.txt}"

    def __init__(self, root: Optional[PathLike] = None, seed: int = 1, num_sequences: int = DEFAULT_NUM_SEQUENCES,
                 image_loader: ImageLoader = imread_rgb):
        root = resolve_path("synthetic_train_path", root)
        self.seed, self.num_sequences = seed, num_sequences
        if not root.is_dir():
            try:
                synthetic.write_benchmark(root, seed=seed, num_sequences=num_sequences)
            except FileExistsError:  # another process generated it meanwhile
                pass
        super().__init__(root, image_loader)

    def _list_sequences(self) -> list:
        meta_file = self.root / "meta.json"
        try:
            meta = json.loads(meta_file.read_text())
        except FileNotFoundError:
            raise DatasetError(f"synthetic videos: '{meta_file}' does not exist; delete '{self.root}' "
                               "to regenerate it") from None
        except json.JSONDecodeError as err:
            raise DatasetError(f"synthetic videos: '{meta_file}' is not valid JSON ({err})") from None
        expected = expected_meta(self.seed, self.num_sequences)
        found = {key: meta.get(key) for key in expected}
        if found != expected:
            raise ValueError(f"synthetic videos in '{self.root}' were generated with version {found['version']}, "
                             f"seed {found['seed']}, {len(found['sequences'] or [])} sequences; requested version "
                             f"{expected['version']}, seed {self.seed}, {self.num_sequences} sequences. Use another "
                             "root or delete this one to regenerate")
        return [name for name in meta["sequences"] if (self.root / name).is_dir()]

    def _read_annotation(self, seq_id: int) -> SequenceAnnotation:
        seq_dir = self.root / self.sequence_list[seq_id]
        boxes = read_number_rows(seq_dir / "groundtruth_rect.txt", 4)
        return SequenceAnnotation(boxes, visible=read_flag_rows(seq_dir / "visible.txt", len(boxes)) != 0)

    def _frame_path(self, seq_id: int, frame_id: int) -> str:
        return str(self.root / self.sequence_list[seq_id] / "img" / f"{frame_id + 1:04d}.jpg")
