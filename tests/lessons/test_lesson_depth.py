"""Each lesson is a real lesson, not a stub.

The order of the parts and the navigation are checked by test_lesson_layout.py (docs/lesson-guide.md); the
markers and amounts checked here:

* first cell (markdown): ``# 第NN讲 <title_zh> / <title_en>`` and a line on the source —
  "本课依据…" when the syllabus source is "000" or "004", "本课为本套件自行构建的内容…" when it is "kit";
* a heading with ``学习目标`` (objectives);
* an English summary: a heading or bold line with ``English summary``;
* at least 600 Chinese characters of explanation in markdown cells;
* at least 4 non-empty code cells;
* at least one figure or widget (plotly / ``o2o.widgets`` / ipywidgets / a package ``plot_…`` function);
* ``### 你来试试`` followed by a code cell calling ``check(…)`` or ``check_true(…)`` from ``o2o.selfcheck``;
* ``### 课堂讨论`` with a reflection question.
"""

from __future__ import annotations

import re

from lesson_helpers import REPO, read_notebook

MIN_CHINESE_CHARS = 600
MIN_CODE_CELLS = 4

_CJK = re.compile(r"[\u4e00-\u9fff]")
_FIGURE = re.compile(
    r"\b(?:px|go)\.[A-Za-z_]+\(|FigureWidget|o2o\.widgets|from o2o import widgets|ipywidgets|"
    r"\bplot_[a-z_]+\(|\bfig(?:ure)?_[a-z_]+\(|\.show\(\)"
)
_CHECK = re.compile(r"\bcheck(?:_true)?\(")


def chinese_chars(text: str) -> int:
    return len(_CJK.findall(text))


def _cells(lesson):
    path = REPO / lesson.file
    assert path.is_file(), f"missing {lesson.file}"
    return read_notebook(path).cells


def _markdown(cells) -> str:
    return "\n".join(c.source for c in cells if c.cell_type == "markdown")


def test_counting_helpers():
    assert chinese_chars("O2O是什么 what") == 3
    assert _FIGURE.search("fig = px.bar(df)") and _FIGURE.search("StoreNetwork() # from o2o.widgets")
    assert not _FIGURE.search("df.plot")
    assert _CHECK.search('check("第1题", answer, 3)') and not _CHECK.search("checkpoint(")


def test_first_cell_states_number_title_and_source(lesson):
    first = _cells(lesson)[0]
    assert first.cell_type == "markdown"
    head = first.source.strip().splitlines()[0]
    assert head.startswith(f"# 第{lesson.code}讲"), head
    assert lesson.title_zh in first.source and lesson.title_en in first.source
    marker = "本课为本套件自行构建的内容" if lesson.source == "kit" else "本课依据"
    assert marker in first.source, f"the first cell must state the source with “{marker}”"


def test_has_objectives_and_english_summary(lesson):
    md = _markdown(_cells(lesson))
    assert "学习目标" in md
    assert "english summary" in md.lower()


def test_enough_explanation(lesson):
    n = chinese_chars(_markdown(_cells(lesson)))
    assert n >= MIN_CHINESE_CHARS, f"{n} Chinese characters of explanation; at least {MIN_CHINESE_CHARS} needed"


def test_enough_code(lesson):
    code = [c for c in _cells(lesson) if c.cell_type == "code" and c.source.strip()]
    assert len(code) >= MIN_CODE_CELLS


def test_has_a_figure_or_widget(lesson):
    code = "\n".join(c.source for c in _cells(lesson) if c.cell_type == "code")
    assert _FIGURE.search(code), "no plotly figure or widget in the code cells"


def test_has_a_self_check_exercise(lesson):
    cells = _cells(lesson)
    starts = [i for i, c in enumerate(cells) if c.cell_type == "markdown" and "### 你来试试" in c.source]
    assert starts, "no “### 你来试试” heading"
    after = cells[starts[0] + 1:]
    assert any(c.cell_type == "code" and _CHECK.search(c.source) for c in after), \
        "no check(...) / check_true(...) after “### 你来试试”"


def test_has_a_reflection_question(lesson):
    cells = _cells(lesson)
    found = [c for c in cells if c.cell_type == "markdown" and "### 课堂讨论" in c.source]
    assert found, "no “### 课堂讨论” heading"
    assert any(("?" in c.source or "?" in c.source) for c in found), "the discussion needs a question"


def test_no_hint_gives_away_the_answer_code(lesson):
    """Hints teach the idea in words; a hint line holds no call, index or backticked code."""
    for cell in _cells(lesson):
        for line in cell.source.split("\n"):
            if "提示" not in line:
                continue
            hint = line.split("提示", 1)[1]
            assert not re.search(r"`[^`]*[(\[][^`]*`|[A-Za-z0-9_][(\[]|\.[A-Za-z_]+\(", hint), \
                f"a hint shows code, teach the idea instead: {line.strip()[:100]}"
