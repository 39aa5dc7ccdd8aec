"""Every lesson and the course home run top to bottom on the default dataset.

The selected notebooks are executed once per test session, two at a time (each in its own
process and kernel); each parametrised test then reports its own notebook.
"""

from __future__ import annotations

import os

import pytest
from lesson_helpers import LESSONS, REPO

from o2o.notebook_runner import run_many

CELL_TIMEOUT = int(os.environ.get("O2O_NOTEBOOK_TIMEOUT", "300"))
WORKERS = 2
NOTEBOOKS = ["course/index.ipynb"] + [lsn.file for lsn in LESSONS]
TEST_NAME = "test_notebook_executes"


@pytest.fixture(scope="session")
def executed(request):
    """Run every notebook selected for this session; returns {relative path: RunResult}."""
    try:  # make sure the default dataset exists (fixture of tests/conftest.py)
        request.getfixturevalue("dataset")
    except pytest.FixtureLookupError:
        pass
    wanted = [item.callspec.params["notebook"] for item in request.session.items
              if getattr(item, "originalname", "") == TEST_NAME and hasattr(item, "callspec")]
    results = run_many([REPO / p for p in wanted], workers=WORKERS, timeout=CELL_TIMEOUT)
    return {os.path.relpath(k, REPO): v for k, v in results.items()}


@pytest.mark.slow
@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_notebook_executes(notebook, executed):
    result = executed[notebook]
    assert result.ok, f"{notebook} failed after {result.seconds:.1f} s:\n{result.error}"
    assert "Traceback" not in result.stdout
    if notebook.startswith("lessons/"):
        assert result.has_figure_or_widget, f"{notebook} displayed no figure or widget"
        assert ("✓" in result.stdout) or ("✗" in result.stdout), f"{notebook}: the self-check printed nothing"
