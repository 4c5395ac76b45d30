"""GOT-10k training set (Huang et al., TPAMI 2019) and its training splits.

Layout under the ``got10k_path`` root (the evaluation root)::

    train/list.txt                       # GOT-10k_Train_000001 ... one per line
    train/<seq>/00000001.jpg ...         # frame k (0-based) is %08d.jpg of k + 1
    train/<seq>/groundtruth.txt          # one "x,y,w,h" row per frame
    train/<seq>/absence.label            # 1 where the target is absent
    train/<seq>/cover.label              # visible fraction in eighths, 0..8
    train/<seq>/meta_info.ini            # "object_class: ...", "motion_class: ..." lines

A frame is visible where ``absence == 0``, ``cover > 0`` and the box is valid;
``visible_ratio = cover / 8``.

Splits are indices into ``train/list.txt`` (PyTracking's ``ltr/data_specs`` format, which a
``split_file`` may also use). The bundled files hold the official index sets:

* ``got10k_val_split.txt``: the 1401 held-out sequences of the official ``val`` split; the
  official ``train`` split (7934 sequences) is its complement among the 9335 sequences.
* ``got10k_vot_exclude_ids.txt``: the 1000 indices left out of the official ``vottrain``
  (7086) and ``votval`` (1249) splits, i.e. ``vottrain = train - excluded`` and
  ``votval = val - excluded``. These are the indices PyTracking's published vot split files
  leave out. Note: its separate name list ``got10k_vot_exclude.txt`` names
  ``GOT-10k_Train_<i>`` for each of these indices, which is sequence index ``i - 1``, so the
  published vot splits (reproduced here) may be shifted by one from the intended VOT overlap.

Only sequences whose folder exists are used, so a partial download works.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional
from typing import Sequence as SequenceType

import numpy as np

from ltr.admin.environment import PathLike, require_dir
from ltr.data.annotations import DatasetError, read_flag_rows, read_name_list, read_number_rows
from ltr.data.image_loader import imread_rgb
from ltr.dataset.base_video_dataset import BaseVideoDataset, ImageLoader, SequenceAnnotation

DATA_SPECS = Path(__file__).resolve().parents[1] / "data_specs"
VAL_SPLIT_FILE = DATA_SPECS / "got10k_val_split.txt"
VOT_EXCLUDE_FILE = DATA_SPECS / "got10k_vot_exclude_ids.txt"
SPLITS = ("train", "val", "vottrain", "votval")
COVER_LEVELS = 8
# meta-info key -> meta_info.ini field
META_FIELDS = {"object_class_name": "object_class", "motion_class": "motion_class", "major_class": "major_class",
               "root_class": "root_class", "motion_adverb": "motion_adverb"}


def read_index_file(path: PathLike) -> list:
    """Sequence indices of a split file (one integer a line), sorted; errors name the file and line."""
    return sorted(set(read_flag_rows(path).tolist()))


def split_indices(split: str, num_sequences: int) -> list:
    """Sorted indices (into ``train/list.txt``) of an official split, limited to ``num_sequences``."""
    if split not in SPLITS:
        raise ValueError(f"GOT-10k split must be one of {SPLITS}, got '{split}'")
    val = set(read_index_file(VAL_SPLIT_FILE))
    chosen = val if split in ("val", "votval") else set(range(num_sequences)) - val
    if split.startswith("vot"):
        chosen -= set(read_index_file(VOT_EXCLUDE_FILE))
    return sorted(i for i in chosen if i < num_sequences)


def read_meta_info(path: Path) -> dict:
    """The ``key: value`` lines of a ``meta_info.ini`` as a dict ({} when the file is absent)."""
    if not path.is_file():
        return {}
    entries = {}
    for line in path.read_text().splitlines():
        key, sep, value = line.partition(":")
        if sep:
            entries[key.strip()] = value.strip()
    return entries


class Got10k(BaseVideoDataset):
    """GOT-10k ``train`` folder, optionally restricted to a split or to given sequence indices.

    Args:
        root: dataset root (holding ``train/``); default: the ``got10k_path`` setting.
        split: None (all sequences), 'train', 'val', 'vottrain' or 'votval' (see module docstring).
        seq_ids: explicit indices into ``train/list.txt`` (instead of a split).
        split_file: a file of indices into ``train/list.txt``, one a line (instead of a split).
        image_loader: reads an image path into an (H, W, 3) RGB uint8 array.
    """
    name = "got10k"
    layout = ("<root>/train/list.txt and "
              "<root>/train/<seq>/{00000001.jpg ..., groundtruth.txt, absence.label, cover.label}")

    def __init__(self, root: Optional[PathLike] = None, split: Optional[str] = None,
                 seq_ids: Optional[SequenceType[int]] = None, split_file: Optional[PathLike] = None,
                 image_loader: ImageLoader = imread_rgb):
        if sum(x is not None for x in (split, seq_ids, split_file)) > 1:
            raise ValueError("GOT-10k: give at most one of split, seq_ids and split_file")
        self.split = split
        self._seq_ids = seq_ids
        self._split_file = split_file
        self.train_dir = require_dir("got10k_path", root, what="GOT-10k dataset") / "train"
        super().__init__(self.train_dir.parent, image_loader)

    def _list_sequences(self) -> list:
        names = read_name_list(self.train_dir / "list.txt", "GOT-10k train sequence list")
        if self.split is not None:
            indices = split_indices(self.split, len(names))
        else:
            indices = self._requested_indices(len(names))
        return [names[i] for i in indices if (self.train_dir / names[i]).is_dir()]

    def _requested_indices(self, num_names: int) -> list:
        """Indices from ``split_file`` or ``seq_ids`` (all without either), checked against the list."""
        if self._split_file is not None:
            indices, source = read_index_file(self._split_file), f"split file '{self._split_file}'"
        elif self._seq_ids is not None:
            indices, source = [int(i) for i in self._seq_ids], "seq_ids"
        else:
            return list(range(num_names))
        outside = [i for i in indices if not 0 <= i < num_names]
        if outside:
            raise ValueError(f"GOT-10k {source}: index {outside[0]} is outside train/list.txt ({num_names} sequences)")
        return indices

    def _sequence_dir(self, seq_id: int) -> Path:
        return self.train_dir / self.sequence_list[seq_id]

    def _read_annotation(self, seq_id: int) -> SequenceAnnotation:
        seq_dir = self._sequence_dir(seq_id)
        boxes = read_number_rows(seq_dir / "groundtruth.txt", 4)
        absence = read_flag_rows(seq_dir / "absence.label", len(boxes))
        cover = read_flag_rows(seq_dir / "cover.label", len(boxes))
        if ((cover < 0) | (cover > COVER_LEVELS)).any():
            raise DatasetError(f"{seq_dir / 'cover.label'}: cover values must lie in 0..{COVER_LEVELS}")
        return SequenceAnnotation(boxes, visible=(absence == 0) & (cover > 0),
                                  visible_ratio=cover.astype(np.float64) / COVER_LEVELS)

    def _frame_path(self, seq_id: int, frame_id: int) -> str:
        return str(self._sequence_dir(seq_id) / f"{frame_id + 1:08d}.jpg")

    def _meta_info(self, seq_id: int) -> dict:
        entries = read_meta_info(self._sequence_dir(seq_id) / "meta_info.ini")
        return {key: entries.get(field) for key, field in META_FIELDS.items()}
