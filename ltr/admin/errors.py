"""Bad input from the user, and command lines that report it as one line.

Every error a user can cause with a file, a flag or a setting (a missing dataset, a malformed
annotation, a network file that does not fit, a misspelt setting, ...) is an :class:`InputError`:
its message names the file or argument, says what is wrong and, where it helps, what to do. The
command-line entry points wrap their ``main`` with :func:`command_line`, which turns such an error
into one line on stderr and exit status 2, never a traceback. Errors that are not InputErrors are
bugs and keep their traceback.
"""
from __future__ import annotations

import functools
import sys
from typing import Callable, Optional, Sequence

EXIT_INPUT_ERROR = 2


class InputError(Exception):
    """Bad input from the user: the message names the file, flag or setting and what is wrong.

    Concrete errors also derive from the built-in class callers expect (``ValueError``,
    ``FileNotFoundError``, ``OSError``), e.g. ``class DatasetError(InputError, ValueError)``.
    """


def one_line(error: BaseException) -> str:
    """The error's message on one line (inner line breaks become '; ')."""
    return "; ".join(part.strip() for part in str(error).splitlines() if part.strip())


def command_line(prog: str) -> Callable[[Callable[..., Optional[int]]], Callable[..., int]]:
    """Decorator for ``main(argv=None) -> exit status`` of a command-line script: an :class:`InputError`
    becomes ``'<prog>: error: <message>'`` on stderr and exit status 2 (argparse's convention)."""

    def wrap(main: Callable[..., Optional[int]]) -> Callable[..., int]:
        @functools.wraps(main)
        def run(argv: Optional[Sequence[str]] = None) -> int:
            try:
                return main(argv) or 0
            except InputError as err:
                print(f"{prog}: error: {one_line(err)}", file=sys.stderr)
                return EXIT_INPUT_ERROR

        return run

    return wrap
