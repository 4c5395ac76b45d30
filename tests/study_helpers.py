"""Shared by the quick end-to-end tests of the studies (``tests/test_*study*_quick.py``): running a study twice
into the same folders under isolated path settings, and reading its table."""
import contextlib
import io
import os
from pathlib import Path
from typing import Any, Callable, Mapping, Optional

import pytest


def table_rows(table: str) -> dict:
    """``{row label: [cell strings]}`` of a table printed by :func:`pytracking.analysis.tables.format_table`."""
    rows = {}
    for line in table.splitlines()[2:]:
        label, *cells = (cell.strip() for cell in line.split("|"))
        rows[label] = cells
    return rows


def run_study_twice(run_study: Callable[[Any, Path, Path], dict], config: Any, out: Path, synthetic_root: Path,
                    env: Optional[Mapping[str, str]] = None) -> dict:
    """``run_study(config, workspace, results_path)`` twice into ``out/ws`` and ``out/results``, with none of the
    developer's ``PYTRACKING_*`` variables, no user config file, the synthetic benchmark at ``synthetic_root`` and
    the variables of ``env``; the second run's output captured.

    Returns:
        ``{'first', 'second' (the runs' reports), 'second_output' (its stdout), 'out'}``.
    """
    with pytest.MonkeyPatch.context() as patch:
        for key in [k for k in os.environ if k.startswith("PYTRACKING_")]:
            patch.delenv(key)
        patch.setenv("PYTRACKING_CONFIG", str(out / "absent.json"))
        patch.setenv("PYTRACKING_SYNTHETIC_PATH", str(synthetic_root))
        for key, value in (env or {}).items():
            patch.setenv(key, value)
        first = run_study(config, out / "ws", out / "results")
        with contextlib.redirect_stdout(io.StringIO()) as second_output:
            second = run_study(config, out / "ws", out / "results")
    return {"first": first, "second": second, "second_output": second_output.getvalue(), "out": out}
