"""Assignments are fair: a question says the precision it wants and its hidden test accepts exactly that;
the numbers a question states about the data are the data's.

The end-to-end proof that a rounded answer gets full marks through ``o2o grade`` is in
tests/grading/test_e2e_real_assignments.py (student ``rounded``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from o2o.assignments import ASSIGNMENTS
from o2o.assignments.catalog import asked_precision, source_notebook

ROOT = Path(__file__).resolve().parents[2]


def _cells(name: str) -> list[dict]:
    return json.loads(source_notebook(name).read_text(encoding="utf-8"))["cells"]


def _text(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_the_hidden_tolerance_is_half_a_unit_of_the_precision_the_question_asks(name):
    for p in asked_precision(name):
        assert p.tolerance is not None, f"{name}/{p.grade_id}: the hidden test states no '<= T + 1e-9' tolerance"
        assert p.tolerance == pytest.approx(0.5 * 10 ** -p.decimals), (name, p)


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_every_numeric_hidden_comparison_comes_with_a_stated_precision(name):
    """No hidden test compares a number more tightly than its question says (the old 1e-9 checks)."""
    asked = {p.grade_id.replace("-answer", "-test") for p in asked_precision(name)}
    for cell in _cells(name):
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
        if "abs(float(" in _text(cell):
            assert gid in asked, f"{name}/{gid}: a numeric hidden test whose question states no precision"
            assert not re.search(r"<\s*1e-\d", _text(cell)), f"{name}/{gid}: tolerance tighter than asked"


def test_the_pilot_sizes_stated_in_questions_are_the_datas(dataset):
    groups = dataset.stores["pilot_group"].value_counts()
    pilot, control = int(groups["试点"]), int(groups["对照"])
    m4 = "\n".join(_text(c) for c in _cells("m4-fivew"))
    stated = re.search(r"(\d+) 家直营“试点”门店.*?另有 (\d+) 家条件相近的“对照”门店.*?这 (\d+) 家店", m4, re.DOTALL)
    assert stated, "m4 question 3 no longer states the pilot's size"
    assert tuple(map(int, stated.groups())) == (pilot, control, pilot + control)
    m5 = "\n".join(_text(c) for c in _cells("m5-rights"))
    assert [int(n) for n in re.findall(r"(\d+) 家直营试点店", m5)] == [pilot]
