"""The FDSiamFC demo (``make demo``) end to end in its quick mode, run the way the Makefile runs it: from a
fresh copy of the repository, with relative workspace and results paths."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TEACHER, STUDENT, BASELINE = "SiamFC teacher", "FDSiamFC_30 (folded)", "KCF"
PUBLISHED = ["FDSiamFC_30 (official)", "FDSiamFC_15 (official)", "SiamFC (original)"]


def fresh_copy(destination: Path) -> Path:
    """The repository's tracked and unignored files copied to ``destination/project`` (``../shared`` linked
    beside it when present), as a fresh clone would have them."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=REPO, check=True,
                            capture_output=True).stdout.decode().split("\0")
    project = destination / "project"
    for name in filter(None, listed):
        if (REPO / name).is_file():
            (project / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, project / name)
    if (REPO.parent / "shared").is_dir():
        (destination / "shared").symlink_to(REPO.parent / "shared")
    return project


@pytest.mark.slow
def test_quick_demo_runs_from_a_fresh_copy_with_the_makefiles_relative_paths(tmp_path, synthetic_root):
    project = fresh_copy(tmp_path)
    env = {**os.environ, "PYTHONPATH": "", "PYTRACKING_SYNTHETIC_PATH": str(synthetic_root)}
    run = subprocess.run([sys.executable, "ltr/experiments/fdsiamfc_demo.py", "--quick",
                          "--workspace", "workspace/fdsiamfc_demo", "--results-path", "results/demo"],
                         cwd=project, env=env, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    table = run.stdout[run.stdout.rindex("\nTracker "):].strip().split("\n\n")[0]
    rows = [line.split("|")[0].strip() for line in table.splitlines()[2:]]
    published = PUBLISHED if (REPO.parent / "shared" / "networks").is_dir() else []
    assert rows == [TEACHER, STUDENT, BASELINE, *published]
    assert (project / "workspace" / "fdsiamfc_demo" / "networks" / "fdsiamfc_30.pth").is_file()
    assert (project / "results" / "demo" / "plots" / "synthetic" / "success_plot.png").is_file()
