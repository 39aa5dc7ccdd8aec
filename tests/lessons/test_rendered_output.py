"""A rendered lesson shows no raw Python and no drafting notes.

The outputs are those of the one execution the lesson tests share (fixture ``executed``, see conftest.py):
selecting this test with the execution test runs each notebook once. Of each output only what a reader
sees is scanned (o2o.notebook_runner.rendered_outputs): a table's HTML, a printed line, a plain-text result.
"""

from __future__ import annotations

import html
import re

import nbformat
import pytest
from lesson_helpers import LESSONS, PRIMER_FILES, REPO, read_notebook

from o2o.display import KEEP
from o2o.notebook_runner import rendered_outputs

NOTEBOOKS = ["course/index.ipynb"] + PRIMER_FILES + [lsn.file for lsn in LESSONS]

#: raw Python representations a reader must never see
REPRS = {
    "an object's repr": re.compile(r"<o2o\.[\w.]+ object|object at 0x[0-9a-f]+"),
    "a Series footer": re.compile(r"(?m)^(?:Name: .*, )?dtype: \w+$|^Name: \w+, (?:Length|dtype)"),
    "a numpy repr": re.compile(r"\b(?:np\.(?:float|int|bool_|str_)\w*|array)\(|\bdtype=\w+"),
    "a pandas repr": re.compile(r"\b(?:Timestamp|Timedelta|Period|Categorical|Index)\(['\[]|\bFreq: \w+"),
    "a Python container dump": re.compile(r"^\s*[\[{(]['\"]?\w+['\"]?: "),
    "a traceback": re.compile(r"Traceback \(most recent call last\)|\w+Error: "),
    "a warning": re.compile(r"\b\w+Warning: "),
}
#: drafting notes a rendered lesson must never carry (markdown and printed text)
DRAFT = re.compile(r"\bTODO\b|\bFIXME\b|\bXXX\b|\bTBD\b|待补充|待完善|待定稿|[((]draft[))]|草稿", re.I)
_TH = re.compile(r"<th\b[^>]*>(.*?)</th>", re.S)
_TAG = re.compile(r"<[^>]+>")
_ENGLISH_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(?: [A-Za-z0-9_]+)*$")


def english_headers(table_html: str) -> list[str]:
    """Column or index names of an HTML table that are English words or snake_case (not a data value)."""
    heads = {html.unescape(_TAG.sub("", h)).strip() for h in _TH.findall(table_html)}
    return sorted(h for h in heads if h and h not in KEEP and _ENGLISH_NAME.match(h)
                  and (("_" in h) or h.islower()))


def problems_in(rendered) -> list[str]:
    """Every raw repr, drafting note and English table header in the rendered outputs."""
    found = []
    for cell, mime, text in rendered:
        where = f"cell {cell} ({mime})"
        for what, pattern in REPRS.items():
            if mime == "text/html" and what in ("a Python container dump",):
                continue
            m = pattern.search(text if mime != "text/html" else html.unescape(_TAG.sub(" ", text)))
            if m:
                found.append(f"{where}: {what}: …{m.group(0)}…")
        if DRAFT.search(text):
            found.append(f"{where}: a drafting note: {DRAFT.search(text).group(0)}")
        if mime == "text/html" and "<table" in text:
            eng = english_headers(text)
            if eng:
                found.append(f"{where}: a table with English column names {eng}; display it with o2o.display.show")
    return found


def drafting_notes(nb) -> list[str]:
    found = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            for m in DRAFT.finditer(re.sub(r"<!--.*?-->", "", cell.source, flags=re.S)):
                found.append(f"cell {i}: “{m.group(0)}”")
    return found


@pytest.mark.slow
@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_rendered_output_is_clean(notebook, executed):
    result = executed[notebook]
    assert result.ok, f"{notebook} did not run:\n{result.error[-1500:]}"
    assert result.rendered, f"{notebook}: no outputs recorded"
    found = problems_in(result.rendered)
    assert not found, f"{notebook} shows raw Python or English names to its reader:\n" + "\n".join(found)


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_no_drafting_notes_in_the_markdown(notebook):
    found = drafting_notes(read_notebook(REPO / notebook))
    assert not found, f"{notebook} carries drafting notes:\n" + "\n".join(found)


def test_the_scan_finds_what_it_must():
    """Each kind of leak is caught; what a reader should see passes."""
    bad = [
        (1, "text/plain", "<o2o.scenes.fivew.FiveWReport object at 0x7f3a2c1d>"),
        (2, "text/plain", "0    1.5\n1    2.0\nName: margin_per_yuan, dtype: float64"),
        (3, "stream", "effect: np.float64(0.083)\n"),
        (4, "text/plain", "array([1, 2, 3])"),
        (5, "text/html", "<table><thead><tr><th>margin_per_yuan</th><th>门店数</th></tr></thead></table>"),
        (6, "stream", "TODO: rewrite this paragraph\n"),
        (7, "text/plain", "Timestamp('2015-08-01 00:00:00')"),
        (8, "stream", "/x/y.py:3: FutureWarning: The default of observed=False is deprecated\n"),
    ]
    found = problems_in(bad)
    for cell in range(1, 9):
        assert any(p.startswith(f"cell {cell} ") for p in found), (cell, found)
    good = [
        (1, "text/html", "<table><thead><tr><th>每元成本增量毛利(元)</th><th>Who</th><th>KPA</th></tr></thead>"
                         "<tbody><tr><th>小分队场景</th><td>0.81</td></tr></tbody></table>"),
        (2, "stream", "✓ 第1题 正确! / Correct!\n试点让销售额增长了 8.3%。\n"),
        (3, "application/vnd.plotly.v1+json", ""),
    ]
    assert problems_in(good) == []


def test_drafting_notes_are_found_outside_markers_only():
    nb = read_notebook(REPO / LESSONS[0].file)
    nb.cells[1].source += "\n\n(draft) 待补充:这一段还要改。"
    assert len(drafting_notes(nb)) == 2
    nb.cells[1].source = "一句话<!-- given: TODO in a marker is not shown -->"
    assert drafting_notes(nb) == []


def test_only_what_a_reader_sees_is_scanned():
    """A widget's or a figure's text/plain fallback is never shown; a table's HTML and printed text are."""
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={"application/vnd.jupyter.widget-view+json": {"model_id": "m"},
                                                     "text/plain": "<o2o.widgets.FanTiers object at 0x7f00>"}),
        nbformat.v4.new_output("execute_result", data={"text/html": "<table><tr><th>门店数</th></tr></table>",
                                                       "text/plain": "   stores\n0  1"}, execution_count=1),
        nbformat.v4.new_output("stream", name="stdout", text="✓ 正确\n"),
        nbformat.v4.new_output("error", ename="KeyError", evalue="'x'", traceback=["KeyError: 'x'"]),
    ]
    nb.cells.append(cell)
    shown = rendered_outputs(nb)
    assert [m for _, m, _ in shown] == ["application/vnd.jupyter.widget-view+json", "text/html", "stream", "error"]
    found = problems_in(shown)
    assert len(found) == 1 and "traceback" in found[0]
