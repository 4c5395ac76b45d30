"""The import rules of the layering (README "Layout"): the shared base imports nothing above it, ``ltr``
never imports ``pytracking``, and only the experiments (above both) combine the two."""
import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BASE_MODULES = {
    "ltr.admin.environment", "ltr.admin.errors", "ltr.admin.arguments", "ltr.admin.file_io", "ltr.admin.loading",
    "ltr.admin.checkpoints",
    "ltr.data.annotations", "ltr.data.image_loader", "ltr.data.bounding_box_utils", "ltr.data.synthetic",
    "ltr.data.processing_utils", "ltr.data.transforms",
}
EXPERIMENTS = "ltr.experiments"


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> set:
    """Every module a file imports, at any depth of its code (function-level imports included)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def package_files(package: str) -> list:
    return sorted((REPO / package).rglob("*.py"))


def within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def violations(files: list, forbidden: str, exempt: str = EXPERIMENTS) -> list:
    """``'<file> imports [...]'`` for each file outside ``exempt`` that imports from ``forbidden``."""
    found = []
    for path in files:
        if within(module_name(path), exempt):
            continue
        offending = sorted(name for name in imported_modules(path) if within(name, forbidden))
        if offending:
            found.append(f"{path.relative_to(REPO)} imports {offending}")
    return found


def test_ltr_imports_pytracking_only_in_the_experiments():
    assert violations(package_files("ltr"), "pytracking") == []


def test_nothing_below_the_experiments_imports_them():
    files = package_files("ltr") + package_files("pytracking") + package_files("benchmarks")
    assert violations(files, EXPERIMENTS) == []


@pytest.mark.parametrize("module", sorted(BASE_MODULES))
def test_the_shared_base_imports_only_the_shared_base(module):
    path = REPO / (module.replace(".", "/") + ".py")
    project = {name for name in imported_modules(path) if within(name, "ltr") or within(name, "pytracking")}
    outside = sorted(name for name in project if not any(within(name, base) for base in BASE_MODULES))
    assert not outside, f"{module} (shared base) imports {outside}"


def test_a_function_level_import_is_a_violation(tmp_path):
    offender = tmp_path / "offender.py"
    offender.write_text("def f():\n    from pytracking.evaluation.tracker import Tracker\n")
    assert "pytracking.evaluation.tracker" in imported_modules(offender)
