"""Training in phases: each phase of a multi-phase recipe keeps its own checkpoints and logs."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from ltr.admin.checkpoints import latest_checkpoint
from ltr.admin.settings import Settings


@contextmanager
def phase_settings(settings: Settings, phase: str) -> Iterator[Settings]:
    """Inside the block, ``settings`` trains phase ``phase`` in its own folders.

    ``project_path`` becomes ``<module>/<name>/<phase>`` (so ``checkpoint_dir`` and
    ``tensorboard_dir`` are the phase's) and ``resume`` is True exactly when the phase
    folder already holds a checkpoint (a half-trained phase continues). Both are restored after.
    """
    saved = settings.project_path, settings.resume
    settings.project_path = f"{saved[0]}/{phase}"
    settings.resume = latest_checkpoint(settings.checkpoint_dir) is not None
    try:
        yield settings
    finally:
        settings.project_path, settings.resume = saved
