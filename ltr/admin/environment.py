"""Training path settings: the same resolution as evaluation (see pytracking.evaluation.environment).

Every key resolves flag > ``PYTRACKING_<KEY>`` environment variable > user config file > repository
default. The training keys are listed in :data:`TRAINING_PATH_KEYS`; ``workspace_path`` holds the
checkpoints and tensorboard logs and can be overridden with ``run_training.py --workspace DIR``.
"""
from __future__ import annotations

from typing import Optional

from pytracking.evaluation.environment import EnvSettings, PathLike, env_settings, require_dir, resolve_path

TRAINING_PATH_KEYS: tuple[str, ...] = (
    "got10k_path", "lasot_path", "trackingnet_path", "coco_path", "imagenetvid_path",
    "synthetic_train_path", "workspace_path", "network_path",
)


def training_env(workspace: Optional[PathLike] = None) -> EnvSettings:
    """All path settings resolved now, with ``workspace`` (``--workspace``) overriding ``workspace_path``."""
    return env_settings(workspace_path=workspace)


__all__ = ["TRAINING_PATH_KEYS", "training_env", "require_dir", "resolve_path", "EnvSettings"]
