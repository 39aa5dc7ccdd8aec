"""o2o.figures: quoted numbers in notebook prose are tied to computed values and checked."""

from __future__ import annotations

import nbformat
import pytest

from o2o.figures import check_figures, probe_source, quotes, unmarked_numbers
from o2o.notebook_runner import run_notebook


def _nb(*cells: tuple[str, str]):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) if kind == "code" else nbformat.v4.new_markdown_cell(s)
                for kind, s in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def _values(**pairs):
    return {f"fig:{k}": {"value": v} for k, v in pairs.items()}


def test_a_quoted_number_is_read_with_its_precision_and_unit():
    nb = _nb(("md", "占 12.1%<!-- fig: a --> ,每场 **66 万元**<!-- fig: b -->,共 1,234 家<!-- fig: c -->"))
    found, problems = quotes(nb)
    assert problems == []
    assert [(q.number, q.decimals, q.percent) for q in found] == [(12.1, 1, True), (66.0, 0, False),
                                                                   (1234.0, 0, False)]
    assert check_figures(nb, _values(a=0.12149, b=65.6, c=1234.4)) == []
    bad = check_figures(nb, _values(a=0.1216, b=66.6, c=1235))
    assert len(bad) == 3 and "the data gives 12.2%" in bad[0] and "the data gives 67" in bad[1]


def test_claims_errors_and_missing_values_are_problems():
    nb = _nb(("md", "更高<!-- claim: x > y --> 与 3.5<!-- fig: z --> 以及 <!-- fig: w -->"))
    found, problems = quotes(nb)
    assert len(found) == 2 and "no number right before" in problems[0]
    assert check_figures(nb, {"claim:x > y": {"value": True}, "fig:z": {"value": 3.46}}) == problems
    got = check_figures(nb, {"claim:x > y": {"value": False}, "fig:z": {"error": "NameError: z"}})
    assert "the claim is false" in got[1] and "NameError" in got[2]
    assert "not evaluated" in check_figures(nb, {})[1]


def test_unmarked_numbers_are_flagged_and_givens_and_calendar_forms_are_not():
    nb = _nb(("md", "第18讲说 2015年8月,会员占 23.2% 而异业只有一成;每场上百万元。\n"
                    "假设预算 2,000 元<!-- given: 设定 -->,转化 9.6%<!-- fig: v -->。`x = 0.5` 不算。"))
    flagged = unmarked_numbers(nb)
    assert [f.split("“")[1].split("”")[0] for f in flagged] == ["23.2%", "一成", "上百万元"]


@pytest.mark.slow
def test_a_notebook_run_evaluates_its_markers_and_a_hand_edit_fails(tmp_path):
    nb = _nb(("code", "share = 83 / 1000\nrows = [1, 2, 3]"),
             ("md", "占 8.3%<!-- fig: share -->,共 3 行<!-- fig: len(rows) -->,多于两行<!-- claim: len(rows) > 2 -->"))
    path = tmp_path / "lesson.ipynb"
    nbformat.write(nb, path)
    result = run_notebook(path, timeout=60)
    assert result.ok and result.figures["fig:share"] == {"value": 0.083}
    assert check_figures(nb, result.figures) == []
    assert len(nbformat.read(path, as_version=4).cells) == 2, "the probe cell is never written back"
    nb.cells[1].source = nb.cells[1].source.replace("8.3%", "8.4%")
    assert check_figures(nb, result.figures) == ["cell 1: “8.4%” <!-- fig: share -->: the data gives 8.3%"]


def test_no_probe_without_markers():
    assert probe_source(_nb(("md", "没有数字"))) is None
