"""Registry of evaluation benchmarks by name (``--dataset otb`` ...)."""
from __future__ import annotations

import importlib
from typing import Iterable, Optional

from ltr.admin.environment import PathLike
from ltr.data.annotations import DatasetError
from pytracking.evaluation.data import BaseDataset, SequenceList

# name -> (module under pytracking.evaluation, class, constructor keyword arguments)
DATASETS: dict = {
    "otb": ("otbdataset", "OTBDataset", {}),
    "otb2013": ("otbdataset", "OTBDataset", {"subset": "otb2013"}),
    "lasot": ("lasotdataset", "LaSOTDataset", {}),
    "got10k_test": ("got10kdataset", "GOT10kDataset", {"split": "test"}),
    "got10k_val": ("got10kdataset", "GOT10kDataset", {"split": "val"}),
    "trackingnet": ("trackingnetdataset", "TrackingNetDataset", {}),
    "uav": ("uavdataset", "UAV123Dataset", {}),
    "uav20l": ("uavdataset", "UAV20LDataset", {}),
    "uav10fps": ("uavdataset", "UAV10fpsDataset", {}),
    "dtb70": ("dtb70dataset", "DTB70Dataset", {}),
    "uavdt": ("uavdtdataset", "UAVDTDataset", {}),
    "nfs": ("nfsdataset", "NFSDataset", {}),
    "tpl": ("tpldataset", "TPLDataset", {}),
    "tpl_nootb": ("tpldataset", "TPLDataset", {"exclude_otb": True}),
    "vot": ("votdataset", "VOTDataset", {}),
    "synthetic": ("syntheticdataset", "SyntheticDataset", {}),
}


def get_dataset_loader(name: str, root: Optional[PathLike] = None, **options) -> BaseDataset:
    """The dataset object of benchmark ``name``, its root resolved from ``root`` or the path settings.

    ``options`` are extra constructor arguments of the dataset class, overriding the registry's
    (e.g. ``seed=2, num_sequences=3`` for ``synthetic``).
    """
    if name not in DATASETS:
        raise DatasetError(f"unknown dataset '{name}'; known: {', '.join(sorted(DATASETS))}")
    module_name, class_name, kwargs = DATASETS[name]
    module = importlib.import_module(f"pytracking.evaluation.{module_name}")
    return getattr(module, class_name)(root=root, **{**kwargs, **options})


def get_dataset(*names: str, root: Optional[PathLike] = None,
                sequences: Optional[Iterable[str]] = None) -> SequenceList:
    """Sequences of one or more benchmarks, optionally only those named in ``sequences``."""
    result = SequenceList()
    for name in names:
        result = result + get_dataset_loader(name, root).get_sequence_list(sequences)
    return result


def load_sequences(name: str, root: Optional[PathLike] = None, selection: Optional[Iterable[str]] = None,
                   check_images: bool = True, **options) -> SequenceList:
    """Sequences of benchmark ``name``; ``selection`` holds sequence names or indices (as strings).

    Only the selected sequences are read, so a subset works on a partially downloaded benchmark
    (loading all of a partial one is one error listing the complete sequences). With
    ``check_images=False`` only the annotation files are read (analysis); tracking checks that
    every image exists. ``options`` are passed to the dataset class (see :func:`get_dataset_loader`).
    """
    loader = get_dataset_loader(name, root, check_images=check_images, **options)
    if not selection:
        return loader.get_sequence_list()
    names = loader.sequence_names()
    chosen = []
    for item in selection:
        if item in names:
            chosen.append(item)
        elif item.isdigit() and int(item) < len(names):
            chosen.append(names[int(item)])
        else:
            raise DatasetError(f"sequence '{item}' is neither a name nor an index of dataset '{name}' "
                             f"({len(names)} sequences)")
    return loader.get_sequence_list(chosen)
