"""The analysis notebook runs headless, end to end, on the synthetic benchmark."""
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from pytracking.evaluation.datasets import load_sequences
from pytracking.evaluation.results_io import save_tracking_result

NOTEBOOK = Path(__file__).resolve().parents[1] / "pytracking" / "notebooks" / "analyze_results.ipynb"


@pytest.mark.slow
def test_notebook_executes_and_shows_table_and_plots(tmp_path, monkeypatch, synthetic_root):
    monkeypatch.setenv("PYTRACKING_SYNTHETIC_PATH", str(synthetic_root))
    monkeypatch.setenv("PYTRACKING_RESULTS_PATH", str(tmp_path / "results"))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    rng = np.random.default_rng(0)
    for seq in load_sequences("synthetic"):
        noisy = seq.ground_truth_rect + rng.normal(0, 2, seq.ground_truth_rect.shape)
        save_tracking_result(tmp_path / "results" / "kcf" / "default", seq.name, noisy)

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    resources = {"metadata": {"path": str(tmp_path)}}
    NotebookClient(notebook, timeout=180, kernel_name="python3", resources=resources).execute()

    outputs = [out for cell in notebook.cells if cell.cell_type == "code" for out in cell.get("outputs", [])]
    text = "".join(out.get("text", "") for out in outputs if out.output_type == "stream")
    images = [out for out in outputs if "image/png" in out.get("data", {})]
    assert "kcf/default" in text and "AUC" in text
    assert len(images) == 4   # success, precision, normalised precision, playback


@pytest.mark.slow
def test_without_results_the_notebook_names_the_command_that_makes_them(tmp_path, monkeypatch, synthetic_root):
    monkeypatch.setenv("PYTRACKING_SYNTHETIC_PATH", str(synthetic_root))
    monkeypatch.setenv("PYTRACKING_RESULTS_PATH", str(tmp_path / "results"))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(notebook, timeout=180, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}})
    with pytest.raises(CellExecutionError, match="python pytracking/run_tracker.py kcf default --dataset synthetic"):
        client.execute()
