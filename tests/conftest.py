"""Shared fixtures: isolated path settings and tiny on-disk images."""
from pathlib import Path

import cv2
import numpy as np
import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = REPO_ROOT.parent / "shared"
OTB_SAMPLE = SHARED_DIR / "data" / "otb_sample" / "Football1"


@pytest.fixture(autouse=True)
def isolated_paths(monkeypatch, tmp_path_factory):
    """No test sees the developer's path environment variables or user config file."""
    import os
    for key in list(os.environ):
        if key.startswith("PYTRACKING_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("PYTRACKING_CONFIG", str(tmp_path_factory.mktemp("config") / "absent.json"))


def write_images(folder: Path, count: int, pattern: str = "%04d.jpg", first: int = 1, size=(16, 12)) -> list:
    """Write ``count`` tiny distinct JPEG images named ``pattern % i``; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(first, first + count):
        image = np.full((size[1], size[0], 3), (i * 7) % 256, dtype=np.uint8)
        path = folder / (pattern % i)
        cv2.imwrite(str(path), image)
        paths.append(path)
    return paths


def require_otb_sample() -> Path:
    if not OTB_SAMPLE.is_dir():
        pytest.skip(f"real OTB sample not available ({OTB_SAMPLE} missing: ../shared is absent)")
    return OTB_SAMPLE


@pytest.fixture(scope="session")
def synthetic_root(tmp_path_factory) -> Path:
    """The default synthetic benchmark, generated once per test session."""
    from pytracking.evaluation.syntheticdataset import SyntheticDataset
    root = tmp_path_factory.mktemp("synthetic") / "benchmark"
    SyntheticDataset(root)
    return root
