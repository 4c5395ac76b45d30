"""Experiments with the built-in baseline tracker (no learned weights needed)."""
from __future__ import annotations

from pytracking.evaluation.datasets import get_dataset
from pytracking.evaluation.tracker import trackerlist


def synthetic_kcf() -> tuple:
    """KCF on the embedded synthetic benchmark (generated on first use)."""
    return trackerlist("kcf", "default"), get_dataset("synthetic")


def otb_kcf_runs() -> tuple:
    """KCF on OTB-100, 5 runs (results in kcf/default_000 .. _004), as the model zoo averages."""
    return trackerlist("kcf", "default", range(5)), get_dataset("otb")
