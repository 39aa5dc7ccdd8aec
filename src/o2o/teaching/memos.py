"""Example memos (``course/memos.yml``): for each memo question of the module assignments, three
example answers — 优秀 (strong), 合格 (adequate), 待改进 (weak) — each marked item by item on the
question's rubric, with the reason for every mark.

The loader holds the examples to the rules an instructor grades by:

* the rubric's points add up to the memo cell's points in the assignment (nbgrader ``points``);
* every example is marked on every rubric item, within the item's points; its level follows from its
  total (优秀 ≥ 80 %, 合格 50–79 %, 待改进 < 50 %);
* a memo shorter than half the question's lower word limit gets at most half the points;
* no data figure: a memo quotes the student's own results only as placeholders 〔第N题:…〕 naming an
  autograded question of the same assignment (numbers differ by student and by dataset), so a text
  holds no percentage and no decimal; whole numbers are the writer's own plan (days, yuan of budget).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from o2o.syllabus import load_syllabus
from o2o.teaching.common import course_file, fail, integer, items, mapping, read_yaml, text

__all__ = ["LEVELS", "ExampleMemo", "MemoQuestion", "RubricItem", "load_memos", "parse_memos",
           "placeholders", "quoted_figures", "rubric_in_guide", "written_length"]

#: level -> (Chinese, English, lowest share of the points, highest share (exclusive, 1.0 inclusive)).
LEVELS: dict[str, tuple[str, str, float, float]] = {
    "strong": ("优秀", "strong", 0.8, 1.0),
    "adequate": ("合格", "adequate", 0.5, 0.8),
    "weak": ("待改进", "weak", 0.0, 0.5),
}
_PLACEHOLDER = re.compile(r"〔第(\d+)题[::]([^〕]+)〕")
_FIGURE = re.compile(r"\d+(?:\.\d+)?\s*[%%‰]|\d+\.\d+|百分之|[一二两三四五六七八九十几]成(?![员本功为果纯])")
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class RubricItem:
    item: str
    zh: str
    en: str
    points: int


@dataclass(frozen=True)
class Mark:
    item: str
    mark: int
    zh: str
    en: str


@dataclass(frozen=True)
class ExampleMemo:
    level: str
    text_zh: str
    gist_en: str
    marks: tuple[Mark, ...]

    @property
    def total(self) -> int:
        return sum(m.mark for m in self.marks)


@dataclass(frozen=True)
class MemoQuestion:
    assignment: str
    question: str          # the memo cell's nbgrader grade_id, e.g. "q6-memo"
    guide_heading: str     # the heading of its rubric in course/INSTRUCTOR.md, e.g. "作业一 第6题"
    words: tuple[int, int]
    points: int
    rubric: tuple[RubricItem, ...]
    examples: tuple[ExampleMemo, ...]


def placeholders(s: str) -> list[int]:
    """The question numbers a text's placeholders 〔第N题:…〕 name."""
    return [int(n) for n, _ in _PLACEHOLDER.findall(s)]


def quoted_figures(s: str) -> list[str]:
    """Data-like figures (percentages, decimals, 几成) outside the placeholders."""
    return _FIGURE.findall(_PLACEHOLDER.sub("", s))


def written_length(s: str) -> int:
    """Length as the questions count it: Chinese characters plus English words."""
    bare = _PLACEHOLDER.sub("〔〕", s)
    return len(_CJK.findall(bare)) + len(re.findall(r"[A-Za-z]+", bare))


def _assignment_cells(root: Path, assignment: str) -> list[dict[str, Any]]:
    path = root / "assignments" / "source" / assignment / f"{assignment}.ipynb"
    try:
        return json.loads(path.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError):
        raise fail("memos.yml", f"读不到作业 {assignment} 的源笔记本。",
                   f"cannot read the source notebook of assignment {assignment}.") from None


def _graded(cells: list[dict[str, Any]]) -> dict[str, int]:
    out = {}
    for c in cells:
        nbg = (c.get("metadata") or {}).get("nbgrader") or {}
        if nbg.get("grade_id") and nbg.get("points"):
            out[str(nbg["grade_id"])] = int(nbg["points"])
    return out


def _example(d: dict[str, Any], where: str, rubric: tuple[RubricItem, ...]) -> ExampleMemo:
    level = text(d, "level", where)
    if level not in LEVELS:
        raise fail(where, f"level 必须是 {list(LEVELS)} 之一。", f"level must be one of {list(LEVELS)}.")
    where = f"{where} {LEVELS[level][0]}"
    raw = d.get("marks")
    if not isinstance(raw, list):
        raise fail(where, "marks 必须是列表。", "marks must be a list.")
    marks = []
    for i, m in enumerate(raw):
        m = mapping(m, f"{where} marks[{i}]")
        if set(m) != {"item", "mark", "zh", "en"}:
            raise fail(where, f"marks[{i}] 必须恰好有 item、mark、zh、en 四项(现在是 {sorted(m)})。",
                       f"marks[{i}] must have exactly item, mark, zh and en (it has {sorted(m)}).")
        item = text(m, "item", where)
        top = {r.item: r.points for r in rubric}.get(item)
        if top is None:
            raise fail(where, f"评分项 {item} 不在评分标准里。", f"rubric item {item} is not in the rubric.")
        marks.append(Mark(item, integer(m, "mark", f"{where} {item}", 0, top), text(m, "zh", where), text(m, "en", where)))
    if [m.item for m in marks] != [r.item for r in rubric]:
        raise fail(where, "必须按评分标准的顺序给每一项打分。", "every rubric item must be marked, in the rubric's order.")
    return ExampleMemo(level, text(d, "text_zh", where), text(d, "gist_en", where), tuple(marks))


def _check_example(ex: ExampleMemo, q: MemoQuestion, graded: dict[str, int], where: str) -> None:
    name, _, lo, hi = LEVELS[ex.level]
    share = ex.total / q.points
    if not (lo <= share < hi or (hi == 1.0 and share == 1.0)):
        raise fail(where, f"{name}示例得 {ex.total}/{q.points} 分,不在这一档的范围内。",
                   f"the {ex.level} example earns {ex.total}/{q.points}, outside its level's range.")
    autograded = {int(g[1:].split("-")[0]) for g in graded if re.match(r"^q\d+-", g) and g != q.question}
    unknown = sorted(set(placeholders(ex.text_zh)) - autograded)
    if unknown:
        raise fail(where, f"{name}示例引用了不存在的题目 {unknown}。", f"the {ex.level} example cites no such question {unknown}.")
    figures = quoted_figures(ex.text_zh)
    if figures:
        raise fail(where, f"{name}示例写了数据数字 {figures}:请改用占位符〔第N题:…〕。",
                   f"the {ex.level} example quotes data figures {figures}: use a placeholder 〔第N题:…〕.")
    if written_length(ex.text_zh) < q.words[0] / 2 and ex.total > q.points / 2:
        raise fail(where, f"{name}示例不到字数下限的一半,最多只能得一半分。",
                   f"the {ex.level} example is under half the word limit and can earn at most half the points.")
    if ex.level == "strong" and not q.words[0] <= written_length(ex.text_zh) <= q.words[1]:
        raise fail(where, f"优秀示例的字数 {written_length(ex.text_zh)} 不在题目要求的 {q.words} 之内。",
                   f"the strong example's length {written_length(ex.text_zh)} is outside the question's {q.words}.")


def _question(d: dict[str, Any], root: Path) -> MemoQuestion:
    assignment, question = text(d, "assignment", "memos.yml"), text(d, "question", "memos.yml")
    where = f"memos.yml {assignment} {question}"
    graded = _graded(_assignment_cells(root, assignment))
    if question not in graded:
        raise fail(where, "作业里没有这道备忘录题。", "the assignment has no such memo question.")
    words = d.get("words")
    if not (isinstance(words, list) and len(words) == 2 and all(isinstance(w, int) for w in words) and 0 < words[0] < words[1]):
        raise fail(where, "words 必须是 [下限, 上限]。", "words must be [lower, upper].")
    if any(set(r) != {"item", "zh", "en", "points"} for r in d.get("rubric") or [] if isinstance(r, dict)):
        raise fail(where, "评分项必须恰好有 item、zh、en、points 四项。", "a rubric item must have exactly item, zh, en and points.")
    rubric = tuple(RubricItem(text(r, "item", where), text(r, "zh", where), text(r, "en", where),
                              integer(r, "points", where, 1, 10))
                   for r in (mapping(x, where) for x in d.get("rubric") or []))
    if sum(r.points for r in rubric) != graded[question]:
        raise fail(where, f"评分项合计 {sum(r.points for r in rubric)} 分,作业里这道题是 {graded[question]} 分。",
                   f"the rubric adds up to {sum(r.points for r in rubric)}, the question is worth {graded[question]}.")
    examples = tuple(_example(mapping(x, where), where, rubric) for x in d.get("examples") or [])
    if sorted(e.level for e in examples) != sorted(LEVELS):
        raise fail(where, "每道题需要优秀、合格、待改进三份示例,各一份。", "each question needs one strong, adequate and weak example.")
    q = MemoQuestion(assignment, question, text(d, "guide_heading", where), (words[0], words[1]),
                     graded[question], rubric, tuple(sorted(examples, key=lambda e: list(LEVELS).index(e.level))))
    for ex in q.examples:
        _check_example(ex, q, graded, where)
    return q


def parse_memos(raw: Any, root: Path) -> list[MemoQuestion]:
    """Validate the parsed ``memos.yml`` against the assignments under ``root``."""
    out = [_question(d, root) for d in items(raw, "memos", "memos.yml")]
    seen = [(q.assignment, q.question) for q in out]
    if len(set(seen)) != len(seen):
        raise fail("memos.yml", "同一道题出现了两次。", "a question appears twice.")
    return out


def load_memos(path: Path | str | None = None) -> list[MemoQuestion]:
    """Load and validate ``course/memos.yml``."""
    root = load_syllabus().root
    p = Path(path) if path is not None else course_file("memos.yml")
    return parse_memos(read_yaml(p), root)


def rubric_in_guide(guide: str, heading: str) -> list[tuple[str, int]]:
    """The (item, points) rows of the rubric table under ``**<heading> …**`` in the instructor's guide."""
    lines = guide.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith(f"**{heading}")), None)
    if start is None:
        return []
    rows = []
    for line in lines[start + 1:]:
        if not line.startswith("|"):
            if rows:
                break
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) >= 2 and cells[1].isdigit():
            rows.append((cells[0], int(cells[1])))
    return rows
