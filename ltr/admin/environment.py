"""Resolution of dataset, network, results and training paths (the shared base of ``ltr`` and ``pytracking``).

Every path setting is resolved, first match wins, from

1. an explicit override (a command-line flag such as ``--dataset-path``),
2. an environment variable ``PYTRACKING_<KEY>`` (e.g. ``PYTRACKING_OTB_PATH``),
3. the optional user config file: JSON ``{"otb_path": "/data/OTB100", ...}`` at
   ``$PYTRACKING_CONFIG`` or ``~/.config/pytracking/paths.json``,
4. a default under the repository (``./data/<dataset>``, ``./results``, ``./networks``).

No generated or hand-edited Python file is involved. Training and evaluation read the same
settings; ``run_training.py --workspace DIR`` overrides ``workspace_path`` (checkpoints and
tensorboard logs), see :func:`training_env`.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional, Union

from ltr.admin.errors import InputError

REPO_ROOT = Path(__file__).resolve().parents[2]
CONFIG_ENV_VAR = "PYTRACKING_CONFIG"
DEFAULT_CONFIG_FILE = Path("~/.config/pytracking/paths.json")

# setting key -> default relative to the repository root
PATH_DEFAULTS: dict[str, str] = {
    "results_path": "results",
    "network_path": "networks",
    "result_plot_path": "results/plots",
    "packed_results_path": "results/packed",
    "otb_path": "data/otb",
    "lasot_path": "data/lasot",
    "got10k_path": "data/got10k",
    "trackingnet_path": "data/trackingnet",
    "uav_path": "data/uav123",
    "nfs_path": "data/nfs",
    "tpl_path": "data/tc128",
    "vot_path": "data/vot",
    "dtb70_path": "data/dtb70",
    "uav10fps_path": "data/uav123_10fps",
    "uavdt_path": "data/uavdt",
    "synthetic_path": "data/synthetic",
    # training (ltr): GOT-10k, LaSOT and TrackingNet share the roots above
    "workspace_path": "workspace",
    "coco_path": "data/coco",
    "imagenetvid_path": "data/ILSVRC2015",
    "imagenetdet_path": "data/ILSVRC2015",
    "youtubevos_path": "data/youtubevos",
    "saliency_path": "data/saliency",
    "synthetic_train_path": "data/synthetic_train",
}

PathLike = Union[str, os.PathLike]


class MissingPathError(InputError, FileNotFoundError):
    """A required dataset/network path does not exist; the message says how to set it."""


def gather_missing(*steps: Callable[[], object]) -> list:
    """Run every step and return their results; when some raise MissingPathError, raise one that lists
    them all (a user missing three datasets and a teacher file learns it from one run, not four)."""
    results, missing = [], []
    for step in steps:
        try:
            results.append(step())
        except MissingPathError as err:
            missing.append(str(err))
    if len(missing) == 1:
        raise MissingPathError(missing[0])
    if missing:
        raise MissingPathError(f"{len(missing)} inputs are missing: " + " | ".join(missing))
    return results


def env_var_name(key: str) -> str:
    """Environment variable for a setting key: ``otb_path`` -> ``PYTRACKING_OTB_PATH``."""
    return "PYTRACKING_" + key.upper()


def _config_file() -> Path:
    return Path(os.environ.get(CONFIG_ENV_VAR, DEFAULT_CONFIG_FILE)).expanduser()


def _read_user_config() -> dict:
    path = _config_file()
    if not path.is_file():
        return {}
    try:
        config = json.loads(path.read_text())
    except json.JSONDecodeError as err:
        raise ValueError(f"user config {path} is not valid JSON: {err}") from err
    if not isinstance(config, dict):
        raise ValueError(f"user config {path} must hold a JSON object of path settings")
    unknown = sorted(set(config) - set(PATH_DEFAULTS))
    if unknown:
        raise ValueError(f"user config {path} has unknown keys {unknown}; known: {sorted(PATH_DEFAULTS)}")
    return config


def resolve_path(key: str, override: Optional[PathLike] = None) -> Path:
    """Resolve one path setting (see module docstring for the order)."""
    if key not in PATH_DEFAULTS:
        raise KeyError(f"unknown path setting '{key}'; known: {sorted(PATH_DEFAULTS)}")
    if override is not None:
        return Path(override).expanduser()
    from_env = os.environ.get(env_var_name(key))
    if from_env:
        return Path(from_env).expanduser()
    from_config = _read_user_config().get(key)
    if from_config:
        return Path(from_config).expanduser()
    return REPO_ROOT / PATH_DEFAULTS[key]


def require_dir(key: str, override: Optional[PathLike] = None, what: Optional[str] = None,
                flag: Optional[str] = None) -> Path:
    """Resolve a path setting that must be an existing directory, else raise :func:`missing_dir_error`.

    ``flag`` is the command-line flag that sets this path where there is one (``--dataset-path`` of the
    evaluation scripts); without one the message names the environment variable and the user config.
    """
    path = resolve_path(key, override)
    if not path.is_dir():
        raise missing_dir_error(key, path, what or key.replace("_path", ""), f"Pass {flag} DIR, set" if flag else "Set")
    return path


def missing_dir_error(key: str, path: PathLike, what: str, how: str = "Set") -> MissingPathError:
    """The error for a missing folder of setting ``key``: ``'<what> not found at <path>. <how> the environment
    variable ..., or add "<key>" to <config>.'``; ``how`` lets a caller name its own way to set the path first
    (``'Give --set validation.root=DIR, set'``). The error keeps ``key``, ``path`` and ``what`` as attributes."""
    error = MissingPathError(f"{what} not found at '{path}'. {how} the environment variable {env_var_name(key)}, "
                             f"or add \"{key}\" to {_config_file()}.")
    error.key, error.path, error.what = key, Path(path), what
    return error


@dataclass(frozen=True)
class EnvSettings:
    """Snapshot of every resolved path setting (attribute per key of ``PATH_DEFAULTS``)."""
    paths: dict

    def __getattr__(self, key: str) -> Path:
        try:
            return self.paths[key]
        except KeyError:
            raise AttributeError(key) from None


def env_settings(**overrides: Optional[PathLike]) -> EnvSettings:
    """All path settings resolved now; keyword overrides play the role of command-line flags."""
    return EnvSettings({key: resolve_path(key, overrides.get(key)) for key in PATH_DEFAULTS})


TRAINING_PATH_KEYS: tuple[str, ...] = (
    "got10k_path", "lasot_path", "trackingnet_path", "coco_path", "imagenetvid_path", "imagenetdet_path",
    "youtubevos_path", "saliency_path", "synthetic_train_path", "workspace_path", "network_path",
)


def training_env(workspace: Optional[PathLike] = None) -> EnvSettings:
    """All path settings resolved now, with ``workspace`` (``--workspace``) overriding ``workspace_path``."""
    return env_settings(workspace_path=workspace)
