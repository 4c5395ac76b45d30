"""Training settings: an attribute bag filled by the runner and by one settings module.

The runner (``ltr/run_training.py``) creates :class:`Settings` with the fields it owns
(:data:`RUNNER_KEYS`) and the pending ``--set key=value`` overrides, then calls the settings
module's ``run(settings)``. That function

1. declares every default of the experiment as attributes (``settings.batch_size = 8``, nested
   groups as :class:`SettingsGroup` or dicts: ``settings.loss = SettingsGroup(w_cf=0.1)``),
2. calls ``settings.apply_overrides()`` to apply the command-line overrides on top, and only then
3. builds datasets, networks and the trainer from the settings.

Overrides use dotted keys into nested groups/dicts (``loss.w_cf=0.1``); values are parsed as
Python literals (``ast.literal_eval``), falling back to the raw string (``backbone=resnet18``).
A key that was not declared is an error naming it, so a typo never passes silently, and a value
must fit the declared default's type (:func:`coerce_override`: ``batch_size=abc`` is an error
naming the key and the expected type; an int is accepted where a float was declared, any value
where None was declared). The trainer refuses to start when ``apply_overrides()`` was never called.
"""
from __future__ import annotations

import ast
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Optional, Sequence

import torch

from ltr.admin.distributed import DistInfo
from ltr.admin.environment import EnvSettings, PathLike, training_env
from ltr.admin.errors import InputError

RUNNER_KEYS: frozenset[str] = frozenset({
    "env", "module_name", "script_name", "project_path", "smoke", "resume", "seed", "device",
    "rank", "world_size", "local_rank",
})


class OverrideError(InputError, ValueError):
    """A ``key=value`` override is malformed or names a setting that was not declared."""


class SettingError(InputError, ValueError):
    """A setting holds a value the experiment cannot use (an unknown dataset name, epochs out of range, ...)."""


class SettingsGroup(SimpleNamespace):
    """A nested group of settings (attribute bag), e.g. ``settings.loss = SettingsGroup(w_cf=0.1)``."""


class Settings(SettingsGroup):
    """Everything one training run is configured with.

    Runner-owned fields: ``env`` (resolved path settings, :class:`EnvSettings`), ``module_name``,
    ``script_name``, ``project_path`` (``"<module>/<name>"``), ``smoke``, ``resume``, ``seed``,
    ``device`` (:class:`torch.device`), ``rank``, ``world_size``, ``local_rank``. Settings modules
    add their own attributes and then call :meth:`apply_overrides`.

    Args:
        module_name, script_name: the settings file ``ltr/train_settings/<module_name>/<script_name>.py``.
        smoke, resume, seed: the command-line flags.
        device: training device (default CPU).
        dist: rank / world size / local rank (default: rank 0 of 1).
        workspace: overrides the ``workspace_path`` setting (checkpoints and tensorboard logs).
        overrides: pending ``key=value`` items, applied by ``apply_overrides()``.
    """

    def __init__(self, module_name: str, script_name: str, *, smoke: bool = False, resume: bool = False,
                 seed: int = 0, device: Optional[torch.device] = None, dist: Optional[DistInfo] = None,
                 workspace: Optional[PathLike] = None, overrides: Sequence[str] = ()) -> None:
        super().__init__()
        self.env = training_env(workspace)
        self.module_name = module_name
        self.script_name = script_name
        self.project_path = f"{module_name}/{script_name}"
        self.smoke = smoke
        self.resume = resume
        self.seed = seed
        self.device = device if device is not None else torch.device("cpu")
        dist = dist if dist is not None else DistInfo()
        self.rank = dist.rank
        self.world_size = dist.world_size
        self.local_rank = dist.local_rank
        self._pending_overrides = list(overrides)
        self._overrides_applied = False

    @property
    def checkpoint_dir(self) -> Path:
        """``<workspace>/checkpoints/<module>/<name>``."""
        return Path(self.env.workspace_path) / "checkpoints" / self.project_path

    @property
    def tensorboard_dir(self) -> Path:
        """``<workspace>/tensorboard/<module>/<name>``."""
        return Path(self.env.workspace_path) / "tensorboard" / self.project_path

    @property
    def overrides_applied(self) -> bool:
        """True once :meth:`apply_overrides` ran (the trainer checks it)."""
        return self._overrides_applied

    def apply_overrides(self, overrides: Optional[Sequence[str]] = None) -> None:
        """Apply ``key=value`` items (default: the runner's pending ``--set`` items) to declared settings.

        Raises OverrideError for an item without ``=`` or naming an undeclared or runner-owned key.
        """
        items = self._pending_overrides if overrides is None else list(overrides)
        for item in items:
            key, sep, raw_value = item.partition("=")
            if not sep or not key:
                raise OverrideError(f"override '{item}' must have the form key=value")
            self._set_dotted(key.strip(), raw_value)
        self._overrides_applied = True

    def _set_dotted(self, dotted_key: str, raw_value: str) -> None:
        parts = dotted_key.split(".")
        if parts[0] in RUNNER_KEYS:
            raise OverrideError(f"setting '{parts[0]}' is set by the runner and cannot be overridden with --set "
                                f"(use the command-line flags)")
        container: Any = self
        for depth, part in enumerate(parts):
            keys = _declared_keys(container) - (RUNNER_KEYS if depth == 0 else set())
            if part not in keys:
                where = "settings" if depth == 0 else "settings." + ".".join(parts[:depth])
                raise OverrideError(f"unknown setting '{dotted_key}': {where} has no '{part}' "
                                    f"(declared: {sorted(keys)})")
            if depth == len(parts) - 1:
                break
            container = container[part] if isinstance(container, dict) else getattr(container, part)
        declared = container[parts[-1]] if isinstance(container, dict) else getattr(container, parts[-1])
        value = coerce_override(dotted_key, raw_value, declared)
        if isinstance(container, dict):
            container[parts[-1]] = value
        else:
            setattr(container, parts[-1], value)

    def summary(self) -> dict:
        """Plain-data view (numbers, strings, booleans, None, lists and dicts of those; paths and
        devices as strings) of every setting, for checkpoints and logs; other objects are skipped."""
        return _plain(vars(self))


def parse_value(text: str) -> Any:
    """``text`` as a Python literal (``'0.1'`` -> 0.1, ``'[1, 2]'`` -> [1, 2]), else the stripped string."""
    text = text.strip()
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return text


def coerce_override(key: str, raw_value: str, declared: Any) -> Any:
    """The value of ``--set key=raw_value`` for a setting declared as ``declared``.

    The text is parsed by :func:`parse_value`; the result must have the declared value's type:
    bool for bool, int for int, int or float (as float) for float, a list or tuple (as the declared
    type) for those, a dict for a dict. A str (or Path) setting takes the parsed string, or the raw
    text when it parsed as something else (``teacher=12``). A None default and other types accept
    any value.

    Raises:
        OverrideError naming the key, the expected type and the value given.
    """
    value = parse_value(raw_value)
    if declared is None:
        return value
    if isinstance(declared, (str, Path)):  # '2024.pth', "'quoted'" and 12 all give text
        text = value if isinstance(value, str) else raw_value.strip()
        return text if isinstance(declared, str) else Path(text)
    expected = None
    if isinstance(declared, bool):
        ok, expected = isinstance(value, bool), "True or False"
    elif isinstance(declared, int):
        ok, expected = isinstance(value, int) and not isinstance(value, bool), "an integer"
    elif isinstance(declared, float):
        ok, expected = isinstance(value, (int, float)) and not isinstance(value, bool), "a number"
        value = float(value) if ok else value
    elif isinstance(declared, (list, tuple)):
        ok, expected = isinstance(value, (list, tuple)), "a list such as [1, 2]"
        value = type(declared)(value) if ok else value
    elif isinstance(declared, dict):
        ok, expected = isinstance(value, dict), "a dict such as {'key': 1}"
    else:
        return value
    if not ok:
        raise OverrideError(f"--set {key}={raw_value.strip()}: {key} expects {expected} (declared "
                            f"{declared!r}), got {value!r}")
    return value


def _declared_keys(container: Any) -> set:
    if isinstance(container, dict):
        return set(container)
    if isinstance(container, SimpleNamespace):
        return {key for key in vars(container) if not key.startswith("_")}
    return set()


_PLAIN_TYPES = (bool, int, float, str, type(None))
_SKIP = object()  # marks values that summary() leaves out


def _plain(value: Any) -> Any:
    if isinstance(value, _PLAIN_TYPES):
        return value
    if isinstance(value, (Path, torch.device)):
        return str(value)
    if isinstance(value, EnvSettings):
        return _plain(value.paths)
    if isinstance(value, SimpleNamespace):
        value = vars(value)
    if isinstance(value, dict):
        plain = {}
        for key, item in value.items():
            converted = _plain(item)
            if str(key).startswith("_") or converted is _SKIP:
                continue
            plain[str(key)] = converted
        return plain
    if isinstance(value, (list, tuple)):
        converted = [_plain(item) for item in value]
        return _SKIP if any(item is _SKIP for item in converted) else converted
    return _SKIP
