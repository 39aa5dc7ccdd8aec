"""Discussion notes (``course/discussions.yml``): for every 课堂讨论 of every lesson, what a good
discussion reaches, the likely misconceptions and a follow-up question.

A discussion is found in a lesson by its heading (a markdown heading line that begins with 课堂讨论);
its position is its order among the lesson's discussions (1, 2, …). A note names the lesson, the
position and an ``anchor``: a short phrase of the discussion's own text, so a discussion that is
rewritten into another question shows up as a note to review, not as a silent mismatch.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from o2o.syllabus import load_syllabus
from o2o.teaching.common import course_file, fail, integer, items, read_yaml, text, texts

__all__ = ["Discussion", "DiscussionNote", "find_discussions", "load_notes", "match_notes", "parse_notes"]

_HEADING = re.compile(r"^(#{1,6})\s*(.*)$")
_LESSON_FILE = re.compile(r"^(\d{2})-[a-z0-9-]+\.ipynb$")
MAX_NOTEBOOK_BYTES = 5_000_000


@dataclass(frozen=True)
class Discussion:
    """One 课堂讨论 found in a lesson notebook."""

    lesson: int
    position: int
    cell_id: str
    text: str


@dataclass(frozen=True)
class DiscussionNote:
    lesson: int
    position: int
    anchor: str
    reaches_zh: tuple[str, ...]
    reaches_en: tuple[str, ...]
    misconceptions_zh: tuple[str, ...]
    misconceptions_en: tuple[str, ...]
    follow_up_zh: str
    follow_up_en: str

    @property
    def key(self) -> tuple[int, int]:
        return self.lesson, self.position


def _source(cell: dict[str, Any]) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def _discussions_in(number: int, cells: list[dict[str, Any]]) -> list[Discussion]:
    found: list[Discussion] = []
    for i, cell in enumerate(cells):
        if cell.get("cell_type") != "markdown":
            continue
        lines = _source(cell).splitlines()
        for j, line in enumerate(lines):
            m = _HEADING.match(line.strip())
            if not (m and m.group(2).startswith("课堂讨论")):
                continue
            body = []
            for rest in lines[j + 1:]:
                if _HEADING.match(rest.strip()):
                    break
                body.append(rest)
            said = "\n".join(body).strip()
            if not said and i + 1 < len(cells) and cells[i + 1].get("cell_type") == "markdown":
                said = _source(cells[i + 1]).strip()   # the question in the cell after the heading
            found.append(Discussion(number, len(found) + 1, str(cell.get("id", "")), said))
    return found


def find_discussions(lessons_dir: Path | str | None = None) -> list[Discussion]:
    """Every 课堂讨论 of the lesson notebooks ``NN-slug.ipynb`` in ``lessons_dir`` (default: the course's)."""
    folder = Path(lessons_dir) if lessons_dir is not None else load_syllabus().root / "lessons"
    out: list[Discussion] = []
    for path in sorted(folder.glob("*.ipynb")):
        m = _LESSON_FILE.match(path.name)
        if not m or path.is_symlink() or path.stat().st_size > MAX_NOTEBOOK_BYTES:
            continue
        try:
            nb = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            raise fail(path.name, "不是可读的笔记本。", "is not a readable notebook.") from None
        out += _discussions_in(int(m.group(1)), nb.get("cells", []) if isinstance(nb, dict) else [])
    return out


def parse_notes(raw: Any, path: Path) -> list[DiscussionNote]:
    """Validate the parsed ``discussions.yml``."""
    notes = []
    for i, d in enumerate(items(raw, "notes", path.name)):
        where = f"{path.name} notes[{i}]"
        lesson, position = integer(d, "lesson", where, 0, 99), integer(d, "position", where, 1, 9)
        where = f"{path.name} 第{lesson}讲第{position}个讨论"
        note = DiscussionNote(
            lesson, position, text(d, "anchor", where),
            texts(d, "reaches_zh", where, 2, 5), texts(d, "reaches_en", where, 2, 5),
            texts(d, "misconceptions_zh", where, 1, 4), texts(d, "misconceptions_en", where, 1, 4),
            text(d, "follow_up_zh", where), text(d, "follow_up_en", where))
        if len(note.reaches_zh) != len(note.reaches_en) or len(note.misconceptions_zh) != len(note.misconceptions_en):
            raise fail(where, "中文和英文的条数必须相同。", "the Chinese and English lists must be equally long.")
        notes.append(note)
    keys = Counter(n.key for n in notes)
    twice = sorted(k for k, c in keys.items() if c > 1)
    if twice:
        raise fail(path.name, f"同一个讨论有两条要点:{twice}。", f"two notes for the same discussion: {twice}.")
    return notes


def load_notes(path: Path | str | None = None) -> list[DiscussionNote]:
    """Load and validate ``course/discussions.yml``."""
    p = Path(path) if path is not None else course_file("discussions.yml")
    return parse_notes(read_yaml(p), p)


def _compact(s: str) -> str:
    return re.sub(r"\s+", "", s)


def match_notes(discussions: list[Discussion], notes: list[DiscussionNote]) -> list[str]:
    """What does not match, one line each (bilingual): a discussion without a note, a note without a
    discussion, or a note whose anchor the discussion no longer contains."""
    by_key = {n.key: n for n in notes}
    problems = []
    for d in discussions:
        note = by_key.pop((d.lesson, d.position), None)
        if note is None:
            problems.append(f"第{d.lesson}讲的第{d.position}个课堂讨论没有教学要点 / lesson {d.lesson}, "
                            f"discussion {d.position} has no note in course/discussions.yml")
        elif _compact(note.anchor) not in _compact(d.text):
            problems.append(f"第{d.lesson}讲的第{d.position}个课堂讨论已改写(不再含“{note.anchor}”),请复核它的要点 / "
                            f"lesson {d.lesson}, discussion {d.position} changed (no longer says “{note.anchor}”): "
                            "review its note")
    for key in sorted(by_key):
        problems.append(f"第{key[0]}讲没有第{key[1]}个课堂讨论,这条要点多余 / lesson {key[0]} has no discussion "
                        f"{key[1]}: remove or move its note")
    return problems
