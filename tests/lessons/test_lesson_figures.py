"""Every number a lesson's prose (or the course home) quotes from the data holds on the data.

The figures are read from the same execution as test_lessons_execute.py (fixture ``executed``):
each marker's expression is evaluated in the lesson's kernel after its last cell
(see o2o.figures), and the quoted number must agree at the precision it is written with.
"""

from __future__ import annotations

import pytest
from lesson_helpers import LESSONS, PRIMER_FILES, REPO, read_notebook

from o2o.figures import check_figures, quotes, unmarked_numbers

NOTEBOOKS = ["course/index.ipynb"] + PRIMER_FILES + [lsn.file for lsn in LESSONS]


@pytest.mark.slow
@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_quoted_figures_hold(notebook, executed):
    result = executed[notebook]
    assert result.ok, f"{notebook} did not run, so its figures cannot be checked:\n{result.error[-1500:]}"
    problems = check_figures(read_notebook(REPO / notebook), result.figures)
    assert not problems, f"{notebook}: quoted figures that do not hold:\n" + "\n".join(problems)


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_every_number_in_the_prose_is_marked(notebook):
    """A number with a unit (%, 元, 家, 个, 人, 倍 …) is either tied to the data or marked as a given."""
    nb = read_notebook(REPO / notebook)
    found = unmarked_numbers(nb)
    assert not found, (f"{notebook}: numbers in the prose with neither <!-- fig: … --> nor <!-- given: … -->:\n"
                       + "\n".join(found))
    assert not quotes(nb)[1], "\n".join(quotes(nb)[1])


def _bump(text: str) -> str:
    """The quoted number with its last digit changed by one (8.3 → 8.4, 19 → 10)."""
    digits = [i for i, ch in enumerate(text) if ch.isdigit()]
    i = digits[-1]
    return text[:i] + str((int(text[i]) + 1) % 10) + text[i + 1:]


@pytest.mark.slow
@pytest.mark.parametrize("notebook", ["lessons/32-cross-industry.ipynb"])
def test_quoted_figures_hold_changing_one_by_hand_fails(notebook, executed):
    """Edit each quoted figure of a real lesson by hand, one at a time: the check fails every time."""
    result = executed[notebook]
    nb = read_notebook(REPO / notebook)
    assert check_figures(nb, result.figures) == []
    figs = [q for q in quotes(nb)[0] if q.kind == "fig"]
    assert len(figs) >= 3
    for q in figs:
        edited = read_notebook(REPO / notebook)
        cell = edited.cells[q.cell]
        start, end = q.span
        cell.source = cell.source[:start] + _bump(cell.source[start:end]) + cell.source[end:]
        problems = check_figures(edited, result.figures)
        assert problems and "the data gives" in problems[0], f"editing {q.where()} went unnoticed"
