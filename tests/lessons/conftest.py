"""Fixtures of the lesson tests."""

from __future__ import annotations

import os

import pytest
from lesson_helpers import LESSONS, REPO, lesson_id

from o2o.notebook_runner import run_many

CELL_TIMEOUT = int(os.environ.get("O2O_NOTEBOOK_TIMEOUT", "300"))
WORKERS = 2
#: Tests parametrised by ``notebook`` that share one execution of each notebook per session.
EXECUTING_TESTS = ("test_notebook_executes", "test_quoted_figures_hold",
                   "test_quoted_figures_hold_changing_one_by_hand_fails", "test_rendered_output_is_clean")


@pytest.fixture(params=LESSONS, ids=lesson_id)
def lesson(request):
    """Each lesson of the syllabus in turn."""
    return request.param


@pytest.fixture(scope="session")
def executed(request):
    """Run every notebook selected for this session once; returns {relative path: RunResult}.

    Both the execution test and the quoted-figure test read the same run, so selecting either
    (or both) executes each notebook once.
    """
    try:  # make sure the default dataset exists (fixture of tests/conftest.py)
        request.getfixturevalue("dataset")
    except pytest.FixtureLookupError:
        pass
    wanted = sorted({item.callspec.params["notebook"] for item in request.session.items
                     if getattr(item, "originalname", "") in EXECUTING_TESTS and hasattr(item, "callspec")})
    results = run_many([REPO / p for p in wanted], workers=WORKERS, timeout=CELL_TIMEOUT)
    return {os.path.relpath(k, REPO): v for k, v in results.items()}
