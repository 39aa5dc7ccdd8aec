"""The app notebooks run top to bottom and end by displaying one app widget."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from o2o.apps.server import APP_NOTEBOOKS

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("name", list(APP_NOTEBOOKS.values()))
def test_app_notebook_runs(name, dataset_dir, monkeypatch):
    monkeypatch.setenv("O2O_DATA_DIR", str(dataset_dir))
    path = ROOT / "widgets" / name
    nb = nbformat.read(path, as_version=4)
    assert nb.nbformat == 4 and nb.nbformat_minor >= 5
    assert nb.metadata.kernelspec.name == "python3"
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), "committed with outputs"
    assert len(nb.cells) <= 4  # thin: imports, one app, display
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    outputs = [o for c in nb.cells for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    assert "application/vnd.jupyter.widget-view+json" in outputs[-1].get("data", {})
