"""Network checkpoints in PyTracking's model-zoo layout: recording constructors, saving, strict loading.

A checkpoint is a dict ``{'net': state_dict, 'constructor': {...}, **extra}`` where the
constructor entry names the factory function that rebuilds the architecture
(``fun_name``, ``fun_module``, ``args``, ``kwds``). Factories decorated with
:func:`model_constructor` record it on the network they return (``net.constructor``), so
:func:`save_network` writes it and :func:`load_network` rebuilds the network and loads the
weights strictly. Published PyTracking checkpoints store the constructor as a pickled
``NetConstructor`` object (and settings/statistics objects of PyTracking's training code);
:func:`torch_load` reads those without executing any of that code: objects of classes from
the ``ltr`` / ``pytracking`` packages come back as :class:`PickledObject` attribute bags.

Everything is loaded onto the CPU; the caller moves the network to its device.
"""
from __future__ import annotations

import functools
import importlib
import os
import pickle
import pickletools
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional, Union

import numpy as np
import torch
import torch.nn as nn

from ltr.admin.environment import MissingPathError, PathLike, env_var_name, resolve_path
from ltr.admin.errors import InputError
from ltr.admin.file_io import atomic_write

# packages whose pickled objects are replaced by PickledObject stand-ins (PyTracking's and ours)
STAND_IN_PACKAGES = ("ltr", "pytracking")
# numpy globals needed to unpickle arrays and scalars (e.g. in training statistics)
_NUMPY_GLOBALS = ("numpy.ndarray", "numpy.dtype", "numpy.core.multiarray._reconstruct",
                  "numpy.core.multiarray.scalar", "numpy._core.multiarray._reconstruct",
                  "numpy._core.multiarray.scalar")
_MAX_LISTED_KEYS = 10


class CheckpointError(InputError, ValueError):
    """A checkpoint cannot be read or does not fit the network; the message names the file."""


class PickledObject:
    """Stand-in for an object of a training-code class found in a checkpoint (e.g. PyTracking's
    ``NetConstructor`` or ``Settings``): its pickled attributes, nothing executed."""

    def __init__(self, *args: Any):
        if args:
            self.pickled_args = args

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in sorted(vars(self).items()))
        return f"PickledObject({inner})"


def import_callable(dotted_name: str) -> Callable:
    """The function or class ``package.module.name`` (e.g. ``'ltr.models.siamfc.siamfc_alexnet'``)."""
    module_name, _, name = dotted_name.rpartition(".")
    if not module_name:
        raise ValueError(f"'{dotted_name}' is not a dotted name 'module.function'")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as err:
        raise ValueError(f"cannot import '{dotted_name}': module '{module_name}' not found ({err})") from None
    try:
        return getattr(module, name)
    except AttributeError:
        raise ValueError(f"cannot import '{dotted_name}': module '{module_name}' has no '{name}'") from None


@dataclass(frozen=True)
class NetConstructor:
    """How to rebuild a network: ``fun_module.fun_name(*args, **kwds)``."""
    fun_name: str
    fun_module: str
    args: tuple = ()
    kwds: dict = field(default_factory=dict)

    def get(self, **kwds_override: Any) -> nn.Module:
        """Build the network, with ``kwds_override`` replacing recorded keyword arguments."""
        function = import_callable(f"{self.fun_module}.{self.fun_name}")
        return function(*self.args, **{**self.kwds, **kwds_override})

    def to_dict(self) -> dict:
        """Plain-data form stored in checkpoints (loads with ``torch.load(weights_only=True)``)."""
        return {"fun_name": self.fun_name, "fun_module": self.fun_module,
                "args": tuple(self.args), "kwds": dict(self.kwds)}

    @classmethod
    def from_entry(cls, entry: Any) -> "NetConstructor":
        """From a checkpoint's ``'constructor'`` entry: a dict, or an object with the four attributes."""
        get = entry.get if isinstance(entry, dict) else functools.partial(getattr, entry)
        fun_name, fun_module = get("fun_name", None), get("fun_module", None)
        if not isinstance(fun_name, str) or not isinstance(fun_module, str):
            raise CheckpointError(f"constructor entry {entry!r} lacks the strings fun_name and fun_module")
        return cls(fun_name, fun_module, tuple(get("args", ()) or ()), dict(get("kwds", {}) or {}))


def model_constructor(function: Callable[..., nn.Module]) -> Callable[..., nn.Module]:
    """Decorator for network factories: the returned network records how it was built in
    ``net.constructor`` (a :class:`NetConstructor`), which :func:`save_network` stores."""

    @functools.wraps(function)
    def build(*args: Any, **kwds: Any) -> nn.Module:
        net = function(*args, **kwds)
        net.constructor = NetConstructor(function.__name__, function.__module__, args, kwds)
        return net

    return build


def save_network(path: PathLike, net: nn.Module, **extra: Any) -> Path:
    """Atomically write ``{'net': net.state_dict(), 'constructor': {...}, **extra}`` to ``path``.

    The constructor entry is written when the network records one (``net.constructor``).
    """
    checkpoint = {"net": net.state_dict()}
    constructor = getattr(net, "constructor", None)
    if constructor is not None:
        checkpoint["constructor"] = NetConstructor.from_entry(constructor).to_dict()
    checkpoint.update(extra)
    path = Path(path)
    atomic_write(path, lambda handle: torch.save(checkpoint, handle))
    return path


def torch_load(path: PathLike) -> Any:
    """``torch.load`` onto the CPU, safely (``weights_only``), with errors naming the file.

    Objects of classes from the ``ltr`` / ``pytracking`` packages (PyTracking model-zoo files
    pickle ``NetConstructor``, ``Settings``, statistics) are returned as :class:`PickledObject`.
    Any other non-tensor global is refused.

    Raises:
        FileNotFoundError: the file does not exist.
        CheckpointError: the file is not a readable checkpoint, or pickles unsupported objects.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"checkpoint file '{path}' does not exist")
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as err:  # corrupt, or pickles objects beyond tensors and containers
        error = err
    except Exception as err:
        raise _unreadable(path, err) from None
    try:
        allowed = _allowed_globals(path)
    except CheckpointError:
        raise
    except Exception:  # not a pickle at all
        raise _unreadable(path, error) from None
    if not allowed:
        raise _unreadable(path, error)
    try:
        with torch.serialization.safe_globals(allowed):
            return torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:
        raise _unreadable(path, err) from None


def _unreadable(path: Path, err: Exception) -> CheckpointError:
    return CheckpointError(f"checkpoint '{path}' cannot be read ({type(err).__name__}: {err})")


def _allowed_globals(path: Path) -> list:
    """Safe-globals entries for the non-tensor globals pickled in ``path``; refuses any other."""
    allowed, refused = [], []
    for name in sorted(_pickled_globals(path)):
        if name.split(".")[0] in STAND_IN_PACKAGES:
            allowed.append((PickledObject, name))
        elif name in _NUMPY_GLOBALS or name.startswith("numpy.dtypes."):
            allowed.append((import_callable(name), name))
        elif not name.startswith(("torch.", "collections.", "builtins.", "_codecs.")):
            refused.append(name)
    if refused:
        raise CheckpointError(f"checkpoint '{path}' pickles objects of {refused}; only tensors, containers, "
                              f"numpy arrays and {'/'.join(STAND_IN_PACKAGES)} objects are loaded")
    if any(name == "numpy.dtype" for _, name in allowed):  # numpy.dtype(...) builds e.g. numpy.dtypes.Float64DType
        allowed += [(cls, f"numpy.dtypes.{name}") for name, cls in vars(np.dtypes).items() if isinstance(cls, type)]
    return allowed


def _pickled_globals(path: Path) -> set:
    """Names ``module.attr`` of the globals referenced by the checkpoint's pickle."""
    if zipfile.is_zipfile(path):
        return set(torch.serialization.get_unsafe_globals_in_checkpoint(path))
    names, strings = set(), []
    with open(path, "rb") as handle:  # legacy format: pickles of magic, protocol, sys info, then the object
        for _ in range(4):
            for opcode, arg, _pos in pickletools.genops(handle):
                if opcode.name in ("SHORT_BINUNICODE", "BINUNICODE", "UNICODE"):
                    strings.append(arg)
                elif opcode.name == "GLOBAL":
                    names.add(arg.replace(" ", "."))
                elif opcode.name == "STACK_GLOBAL" and len(strings) >= 2:
                    names.add(f"{strings[-2]}.{strings[-1]}")
    return names


def load_network(checkpoint: Union[PathLike, dict], constructor: Optional[Callable[..., nn.Module]] = None,
                 **kwds_override: Any) -> nn.Module:
    """Rebuild a network and load its weights strictly (on the CPU).

    Args:
        checkpoint: a checkpoint file, or an already loaded checkpoint dict. Accepted contents:
            a dict with the state dict under ``'net'`` (optionally ``'constructor'``, optimiser
            entries, ...) or a bare state dict (as published SiamFC / FDSiamFC files are).
        constructor: builds the network as ``constructor(**kwds_override)`` instead of the
            checkpoint's recorded constructor; required when none is recorded, and useful when
            the recorded module does not exist in this code base.
        kwds_override: keyword arguments replacing the recorded ones (e.g. ``channels=...``).
    Raises:
        CheckpointError: no constructor is known, or the state dict does not fit the network
            (the message lists missing / unexpected keys and shape mismatches).
    """
    source = f"'{checkpoint}'" if not isinstance(checkpoint, dict) else "(checkpoint dict)"
    data = checkpoint if isinstance(checkpoint, dict) else torch_load(checkpoint)
    if not isinstance(data, dict):
        raise CheckpointError(f"checkpoint {source} holds a {type(data).__name__}, not a dict")
    state = data.get("net", data)
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise CheckpointError(f"checkpoint {source} has no state dict: no 'net' entry and not a mapping of "
                              f"tensors (keys: {sorted(data)[:_MAX_LISTED_KEYS]})")
    if constructor is not None:
        net = constructor(**kwds_override)
    elif data.get("constructor") is not None:
        try:
            net = NetConstructor.from_entry(data["constructor"]).get(**kwds_override)
        except ValueError as err:
            raise CheckpointError(f"checkpoint {source}: cannot rebuild its network ({err}); "
                                  "pass constructor=... to build it") from None
    else:
        raise CheckpointError(f"checkpoint {source} records no network constructor; pass constructor=...")
    load_state_strict(net, state, source)
    return net


def check_architecture(net: nn.Module, constructor: Callable[..., nn.Module], source: str, what: str) -> None:
    """Raise CheckpointError unless ``net`` is the kind of network ``constructor`` builds: the same class
    with the same classes of direct submodules (widths may differ: an ATOM teacher on ResNet-18-medium
    passes for ``atom_resnet18``, a SiamFC or a DRNet does not). The expected network is built on the
    meta device, so no memory is spent on it."""
    with torch.device("meta"):
        expected = constructor()

    def kind(module: nn.Module) -> tuple:
        return type(module).__name__, tuple(type(child).__name__ for child in module.children())

    if kind(net) != kind(expected):
        built = getattr(net, "constructor", None)
        recorded = f" (recorded constructor {built.fun_module}.{built.fun_name})" if built is not None else ""
        raise CheckpointError(f"{what} {source} holds {type(net).__name__}{recorded}, not the network "
                              f"{constructor.__module__}.{constructor.__name__} builds ({type(expected).__name__})")


def load_state_strict(net: nn.Module, state: dict, source: str = "(state dict)") -> None:
    """``net.load_state_dict(state, strict=True)`` with an error listing what does not fit: missing and
    unexpected keys, and tensors whose shapes differ (at most :data:`_MAX_LISTED_KEYS` of each listed)."""
    expected = net.state_dict()
    shapes = [f"{key} {tuple(value.shape)} in the file vs {tuple(expected[key].shape)} in the network"
              for key, value in state.items() if key in expected and value.shape != expected[key].shape]
    missing = [key for key in expected if key not in state]
    unexpected = [key for key in state if key not in expected]
    problems = []
    for what, items in (("missing keys", missing), ("unexpected keys", unexpected), ("shape mismatches", shapes)):
        if items:
            more = f" (+{len(items) - _MAX_LISTED_KEYS} more)" if len(items) > _MAX_LISTED_KEYS else ""
            problems.append(f"{len(items)} {what} {list(items[:_MAX_LISTED_KEYS])}{more}")
    if problems:
        raise CheckpointError(f"checkpoint {source} does not fit {type(net).__name__}: " + "; ".join(problems))
    net.load_state_dict(state, strict=True)


def network_file(net_path: PathLike, what: str = "network file") -> Path:
    """An existing network file named by a parameter file, a setting or a command line.

    A path with a folder part (``workspace/networks/x.pth``, ``./x.pth``) or an absolute path is
    taken as it is: a relative one is relative to the working directory, as everywhere on the
    command line. A bare file name (``atom_default.pth``) is looked up in the network folder (the
    resolved ``network_path`` setting: ``PYTRACKING_NETWORK_PATH`` > user config > ``./networks``),
    then in the working directory.

    Raises:
        MissingPathError naming ``what``, ``net_path``, the places looked at and how to set the folder.
    """
    path = Path(net_path).expanduser()
    bare_name = not path.is_absolute() and len(path.parts) == 1
    candidates = [resolve_path("network_path") / path, path] if bare_name else [path]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    looked = " and ".join(f"'{c.absolute()}'" for c in candidates)
    hint = (f"Put the file in the network folder (set by the environment variable {env_var_name('network_path')} "
            f"or \"network_path\" in the user config, default ./networks) or give its path." if bare_name else
            "A relative path is relative to the working directory.")
    raise MissingPathError(f"{what} '{os.fspath(net_path)}' not found: looked for {looked}. {hint}")
