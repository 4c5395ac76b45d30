"""A tracker's network: the device it runs on and loading it from its parameter file's network file."""
from __future__ import annotations

import torch

from ltr.admin.loading import import_callable, load_network, network_file
from pytracking.utils.params import TrackerParams

NETWORK_PARAMETERS = frozenset({"net_path", "net_constructor", "net_kwargs", "net", "device", "use_gpu"})
"""Parameters read by :func:`select_device` and :func:`load_tracker_network`."""


def parameter_file(params: TrackerParams) -> str:
    """``pytracking/parameter/<tracker>/<param>.py`` of ``params`` (for error messages)."""
    return f"pytracking/parameter/{params.get('tracker_name', '<tracker>')}/{params.get('param_name', '<param>')}.py"


def select_device(params: TrackerParams) -> torch.device:
    """``params.device`` when set, else CUDA when available and ``params.use_gpu`` (default True), else CPU."""
    device = params.get("device", None)
    if device is None:
        device = "cuda" if params.get("use_gpu", True) and torch.cuda.is_available() else "cpu"
    return torch.device(device)


def load_tracker_network(params: TrackerParams) -> torch.nn.Module:
    """``params.net`` when set (an already built network), else ``net_constructor(**net_kwargs)`` with the
    weights of ``net_path`` loaded strictly (:func:`ltr.admin.loading.load_network`).

    Raises:
        MissingPathError: ``net_path`` is not found (the message names the parameter file).
        CheckpointError: the file does not fit the constructor's network (names the file and the mismatch).
    """
    if params.has("net"):
        return params.net
    path = network_file(params.net_path, what=f"net_path of {parameter_file(params)}")
    return load_network(path, constructor=import_callable(params.net_constructor), **params.get("net_kwargs", {}))
