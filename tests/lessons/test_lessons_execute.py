"""Every lesson and the course home run top to bottom on the default dataset.

The selected notebooks are executed once per test session, two at a time (each in its own
process and kernel; fixture ``executed`` in conftest.py); each parametrised test then reports
its own notebook. test_lesson_figures.py reads the same runs.
"""

from __future__ import annotations

import pytest
from lesson_helpers import LESSONS, PRIMER_FILES

NOTEBOOKS = ["course/index.ipynb"] + PRIMER_FILES + [lsn.file for lsn in LESSONS]


@pytest.mark.slow
@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_notebook_executes(notebook, executed):
    result = executed[notebook]
    assert result.ok, f"{notebook} failed after {result.seconds:.1f} s:\n{result.error}"
    assert "Traceback" not in result.stdout
    if notebook.startswith("lessons/"):
        assert result.has_figure_or_widget, f"{notebook} displayed no figure or widget"
        assert ("✓" in result.stdout) or ("✗" in result.stdout), f"{notebook}: the self-check printed nothing"
