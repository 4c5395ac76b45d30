"""Atomic file writing: a temporary file in the target folder, then a rename.

Readers never see a half-written file, and a killed process leaves at most a hidden
``.<name>.*`` temporary file behind, never a truncated result. Files and folders get the
permissions a plain ``open(path, 'w')`` / ``mkdir`` would give them (``0o666`` / ``0o777`` minus
the process umask), not the ``0o600`` / ``0o700`` of :mod:`tempfile`.
"""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

from ltr.admin.environment import PathLike


def process_umask() -> int:
    """The process umask (read by setting and restoring it; there is no read-only call)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def atomic_output(path: PathLike, suffix: str = ".tmp") -> Iterator[Path]:
    """Yield a temporary file path beside ``path`` for a writer that wants a file name (e.g. a
    video encoder); when the block ends normally the file gets umask permissions and is renamed
    onto ``path``, on an exception it is deleted and ``path`` is left as it was.

    ``suffix`` lets writers that choose the format by extension see the right one.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o666 & ~process_umask())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def atomic_write(path: PathLike, write: Callable[[BinaryIO], object]) -> Path:
    """Call ``write(binary_handle)`` on a temporary file beside ``path``, then rename it onto
    ``path`` (see :func:`atomic_output`); parent folders are created. Returns ``path``."""
    with atomic_output(path) as tmp, open(tmp, "wb") as handle:
        write(handle)
    return Path(path)


def atomic_write_text(path: PathLike, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically (see :func:`atomic_write`)."""
    return atomic_write(path, lambda handle: handle.write(text.encode()))
