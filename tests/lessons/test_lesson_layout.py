"""Every lesson follows the one layout written down in docs/lesson-guide.md (static, no execution).

1. header cell: ``# 第NN讲 <title_zh> / <title_en>``, the module line, the source statement (a quote),
   the navigation line (course home · previous · next, as in the syllabus);
2. ``## 学习目标 / Objectives``;
3. ``## 核心概念… / The idea`` with the English summary;
4. one or more ``## 案例…`` (case), ``## 互动…`` (explore) and ``## 数据的反例…`` (counter-example) sections,
   at least one case;
5. ``## 练习与讨论 / Practice and discussion`` holding ``### 你来试试…``, then optionally
   ``### 代码练习(选做)…``, then ``### 课堂讨论 / Discussion`` with an English paragraph;
6. a last cell repeating the navigation line.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lesson_helpers import LESSONS, REPO, read_notebook

_HEADING = re.compile(r"^(#{1,6}) (.+?)\s*$")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_BILINGUAL = re.compile(r"[\u4e00-\u9fff].*?/ ?[A-Z]")
HOME = "[课程首页 / Course home](../course/index.ipynb)"
PRACTICE = "练习与讨论 / Practice and discussion"


def headings(cells) -> list[tuple[int, int, str]]:
    """(cell index, level, text) of every markdown heading, outside fenced code."""
    found = []
    for i, cell in enumerate(cells):
        if cell.cell_type != "markdown":
            continue
        fenced = False
        for line in cell.source.split("\n"):
            if line.lstrip().startswith("```"):
                fenced = not fenced
            m = None if fenced else _HEADING.match(line)
            if m:
                found.append((i, len(m.group(1)), m.group(2)))
    return found


def expected_nav(index: int) -> str:
    parts = [HOME]
    if index > 0:
        p = LESSONS[index - 1]
        parts.append(f"[上一讲 / Previous: 第{p.code}讲 {p.title_zh}](../{p.file})")
    if index + 1 < len(LESSONS):
        n = LESSONS[index + 1]
        parts.append(f"[下一讲 / Next: 第{n.code}讲 {n.title_zh}](../{n.file})")
    else:
        parts.append("[回到课程首页 / Back to the course home](../course/index.ipynb)")
    return " · ".join(parts)


def layout_problems(cells, index: int) -> list[str]:
    """Everything in ``cells`` that departs from the layout of lesson number ``index + 1``."""
    lsn, problems = LESSONS[index], []
    head = cells[0].source.strip().split("\n\n") if cells and cells[0].cell_type == "markdown" else []
    want_title = f"# 第{lsn.code}讲 {lsn.title_zh} / {lsn.title_en}"
    m = lsn.module
    want_module = f"**模块 {m.id.upper()} · {m.title_zh} / {m.title_en}** · 作业 / assignment: `{lsn.assignment.id}`"
    if len(head) < 4:
        return ["the first cell must hold title, module line, source statement and navigation, separated by blank lines"]
    if head[0] != want_title:
        problems.append(f"title line should be {want_title!r}, is {head[0]!r}")
    if head[1] != want_module:
        problems.append(f"module line should be {want_module!r}, is {head[1]!r}")
    if not all(line.startswith(">") for block in head[2:-1] for line in block.split("\n")):
        problems.append("the source statement between the module line and the navigation is a quote (every line starts with >)")
    nav = expected_nav(index)
    if head[-1] != nav:
        problems.append(f"top navigation should be {nav!r}, is {head[-1]!r}")
    if cells[-1].cell_type != "markdown" or cells[-1].source.strip() != nav:
        problems.append("the last cell must repeat the navigation line")
    problems += _section_problems(cells)
    return problems


def _section_problems(cells) -> list[str]:
    hs = headings(cells)
    problems = []
    if [h for h in hs if h[1] == 1] != hs[:1] or hs[0][0] != 0:
        problems.append("exactly one level-1 heading, the title in the first cell")
    h2 = [(i, t) for i, lvl, t in hs if lvl == 2]
    names = [t for _, t in h2]
    if names[:1] != ["学习目标 / Objectives"]:
        problems.append(f"the first section must be “## 学习目标 / Objectives”, is {names[:1]}")
    if len(names) < 2 or not names[1].startswith("核心概念") or not names[1].endswith("/ The idea"):
        problems.append(f"the second section must be “## 核心概念… / The idea”, is {names[1:2]}")
    if names[-1:] != [PRACTICE]:
        problems.append(f"the last section must be “## {PRACTICE}”, is {names[-1:]}")
    middle = names[2:-1]
    if not any(t.startswith("案例") for t in middle):
        problems.append("at least one “## 案例…” section between the idea and the exercise")
    for t in middle:
        if not t.startswith(("案例", "互动", "数据的反例")):
            problems.append(f"a section between the idea and the exercise is a case, explore or counter-example section: “## {t}”")
    for t in names:
        if not _BILINGUAL.search(t):
            problems.append(f"a section heading is Chinese first, then English after “/”: “## {t}”")
    if len(h2) >= 2:
        idea = "\n".join(c.source for c in cells[h2[1][0]:(h2[2][0] if len(h2) > 2 else len(cells))])
        if "**English summary.**" not in idea:
            problems.append("the idea section carries the “**English summary.**”")
    problems += _practice_problems(cells, hs, h2)
    return problems


def _practice_problems(cells, hs, h2) -> list[str]:
    if not h2 or h2[-1][1] != PRACTICE:
        return []
    start = h2[-1][0]
    tail = [(i, lvl, t) for i, lvl, t in hs if i >= start and lvl >= 3]
    names = [t for _, lvl, t in tail if lvl == 3]
    problems = []
    if not names or not names[0].startswith("你来试试") or not names[0].endswith("/ Your turn: a judgment"):
        problems.append(f"the practice section opens with “### 你来试试… / Your turn: a judgment”, is {names[:1]}")
    if names[-1:] != ["课堂讨论 / Discussion"]:
        problems.append(f"the practice section ends with “### 课堂讨论 / Discussion”, is {names[-1:]}")
    for t in names[1:-1]:
        if not t.startswith("代码练习(选做)"):
            problems.append(f"between the exercise and the discussion only “### 代码练习(选做)…”: “### {t}”")
    disc = [i for i, lvl, t in tail if t == "课堂讨论 / Discussion"]
    if disc:
        text = cells[disc[-1]].source
        if not re.search(r"^\*[A-Z].+\*\s*$", text, re.M | re.S):
            problems.append("the discussion has an English paragraph in italics (*…*)")
        if "?" not in text and "?" not in text:
            problems.append("the discussion asks a question")
    return problems


@pytest.mark.parametrize("index", range(len(LESSONS)), ids=[lsn.file.split("/")[-1] for lsn in LESSONS])
def test_lesson_follows_the_layout(index):
    cells = read_notebook(REPO / LESSONS[index].file).cells
    problems = layout_problems(cells, index)
    assert not problems, f"{LESSONS[index].file} departs from docs/lesson-guide.md:\n" + "\n".join(problems)


@pytest.mark.parametrize("index", range(len(LESSONS)), ids=[lsn.file.split("/")[-1] for lsn in LESSONS])
def test_every_relative_link_resolves(index):
    path = REPO / LESSONS[index].file
    for cell in read_notebook(path).cells:
        if cell.cell_type != "markdown":
            continue
        for text, target in _LINK.findall(cell.source):
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue
            assert (path.parent / target.split("#")[0]).resolve().is_file(), f"“{text}” links to a missing {target}"


def test_the_check_finds_a_broken_layout():
    """Moving the discussion above the exercise, dropping the bottom navigation or a wrong next link is reported."""
    good = read_notebook(REPO / LESSONS[4].file).cells
    assert layout_problems(good, 4) == []
    cells = list(good)
    ex = next(i for i, c in enumerate(cells) if "### 你来试试" in c.source)
    disc = next(i for i, c in enumerate(cells) if "### 课堂讨论" in c.source)
    cells[ex], cells[disc] = cells[disc], cells[ex]
    assert any("practice section" in p for p in layout_problems(cells, 4))
    assert any("repeat the navigation" in p for p in layout_problems(good[:-1], 4))
    assert any("top navigation" in p for p in layout_problems(good, 5))
    assert any("module line" in p for p in layout_problems(good, 12))


def test_the_guide_describes_this_layout():
    guide = (Path(REPO) / "docs" / "lesson-guide.md").read_text(encoding="utf-8")
    for marker in ("## 学习目标 / Objectives", "## 核心概念", f"## {PRACTICE}", "### 你来试试", "### 课堂讨论 / Discussion",
                   "**模块 ", "[课程首页 / Course home]"):
        assert marker in guide, marker
