"""Session plans (``course/sessions.yml``): each module's classroom sessions, minute by minute.

Every session lists its segments; a lesson segment splits its time into teaching with the case, the
exercise (你来试试) and the discussion (课堂讨论). The loader refuses a plan whose segments do not add
up to the session's length, that leaves out a lesson of the syllabus or plans one twice, that puts a
lesson into another module's session, or that introduces an assignment twice or not at all.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from o2o.syllabus import Syllabus, load_syllabus
from o2o.teaching.common import course_file, fail, integer, items, mapping, read_yaml, text

__all__ = ["KINDS", "Segment", "Session", "SessionPlan", "load_sessions", "parse_sessions"]

#: Segments other than a lesson: kind -> (Chinese label, English label).
KINDS: dict[str, tuple[str, str]] = {
    "opening": ("开场", "opening"),
    "review": ("回顾与作业复盘", "review of the last session and assignment"),
    "primer": ("第0课:笔记本入门", "lesson 0: the notebook primer"),
    "break": ("休息", "break"),
    "assignment": ("作业导入", "assignment introduction"),
    "game": ("班长战争课堂游戏", "the class game (squad wars)"),
    "wrap": ("小结", "wrap-up"),
}
#: The parts of a lesson segment, in teaching order: key -> (Chinese label, English label).
LESSON_PARTS: dict[str, tuple[str, str]] = {
    "teach": ("讲授与案例", "the idea and the case"),
    "exercise": ("你来试试", "exercise"),
    "discussion": ("课堂讨论", "discussion"),
}


@dataclass(frozen=True)
class Segment:
    """One block of a session: a lesson (its parts' minutes) or another kind of segment."""

    kind: str                      # "lesson" or a key of KINDS
    minutes: int
    lesson: int | None = None
    parts: tuple[tuple[str, int], ...] = ()   # lesson only: (part, minutes) in LESSON_PARTS order
    assignment: str | None = None
    note_zh: str = ""
    note_en: str = ""


@dataclass(frozen=True)
class Session:
    id: str
    module: str
    title_zh: str
    title_en: str
    minutes: int
    optional: bool
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class SessionPlan:
    sessions: tuple[Session, ...]
    path: Path

    def module_sessions(self, module_id: str) -> tuple[Session, ...]:
        return tuple(s for s in self.sessions if s.module == module_id)

    def module_minutes(self, module_id: str, optional: bool = False) -> int:
        return sum(s.minutes for s in self.module_sessions(module_id) if optional or not s.optional)


def _segment(d: dict[str, Any], where: str, syllabus: Syllabus) -> Segment:
    note_zh, note_en = str(d.get("note_zh") or "").strip(), str(d.get("note_en") or "").strip()
    if "lesson" in d:
        number = integer(d, "lesson", where, 1, 99)
        syllabus.lesson(number)  # refuses a lecture the syllabus does not have
        parts = tuple((p, integer(d, p, f"{where} 第{number}讲", 1, 120)) for p in LESSON_PARTS)
        extra = sorted(set(d) - {"lesson", "note_zh", "note_en", *LESSON_PARTS})
        if extra:
            raise fail(where, f"未知的字段 {extra}。", f"unknown fields {extra}.")
        return Segment("lesson", sum(m for _, m in parts), number, parts, None, note_zh, note_en)
    kind = d.get("kind")
    if kind not in KINDS:
        raise fail(where, f"kind 必须是 {sorted(KINDS)} 之一,或者写 lesson(现在是 {kind!r})。",
                   f"kind must be one of {sorted(KINDS)}, or give a lesson (it is {kind!r}).")
    assignment = None
    if kind == "assignment":
        assignment = text(d, "assignment", where)
        if assignment not in {a.id for a in syllabus.assignments}:
            raise fail(where, f"作业 {assignment} 不在大纲中。", f"assignment {assignment} is not in the syllabus.")
    return Segment(kind, integer(d, "minutes", where, 1, 240), None, (), assignment, note_zh, note_en)


def _session(d: dict[str, Any], module: str, where: str, syllabus: Syllabus) -> Session:
    sid = text(d, "id", where)
    where = f"{where} {sid}"
    minutes = integer(d, "minutes", where, 30, 300)
    raw = d.get("segments")
    if not isinstance(raw, list) or not raw:
        raise fail(where, "segments 必须是非空列表。", "segments must be a non-empty list.")
    segments = tuple(_segment(mapping(s, f"{where} segments[{i}]"), f"{where} segments[{i}]", syllabus)
                     for i, s in enumerate(raw))
    total = sum(s.minutes for s in segments)
    if total != minutes:
        raise fail(where, f"各环节合计 {total} 分钟,与这次课的 {minutes} 分钟不符。",
                   f"the segments add up to {total} minutes, not the session's {minutes}.")
    for s in segments:
        if s.lesson and syllabus.lesson(s.lesson).module.id != module:
            raise fail(where, f"第{s.lesson}讲属于模块 {syllabus.lesson(s.lesson).module.id},不属于 {module}。",
                       f"lecture {s.lesson} belongs to module {syllabus.lesson(s.lesson).module.id}, not {module}.")
    return Session(sid, module, text(d, "title_zh", where), text(d, "title_en", where), minutes,
                   bool(d.get("optional", False)), segments)


def parse_sessions(raw: Any, path: Path, syllabus: Syllabus) -> SessionPlan:
    """Validate the parsed ``sessions.yml`` against ``syllabus`` and build the plan."""
    where = path.name
    sessions: list[Session] = []
    modules = []
    for i, m in enumerate(items(raw, "modules", where)):
        module = text(m, "module", f"{where} modules[{i}]")
        modules.append(module)
        raw_sessions = m.get("sessions")
        if not isinstance(raw_sessions, list) or not raw_sessions:
            raise fail(f"{where} {module}", "sessions 必须是非空列表。", "sessions must be a non-empty list.")
        sessions += [_session(mapping(s, f"{where} {module}"), module, f"{where} {module}", syllabus)
                     for s in raw_sessions]
    if modules != [m.id for m in syllabus.modules]:
        raise fail(where, f"模块必须按大纲的顺序各出现一次({[m.id for m in syllabus.modules]}),现在是 {modules}。",
                   f"modules must appear once each in the syllabus order; they are {modules}.")
    ids = Counter(s.id for s in sessions)
    if max(ids.values()) > 1:
        raise fail(where, f"课次编号重复:{sorted(k for k, v in ids.items() if v > 1)}。",
                   f"duplicate session ids: {sorted(k for k, v in ids.items() if v > 1)}.")
    planned = Counter(seg.lesson for s in sessions for seg in s.segments if seg.lesson)
    wanted = [lsn.number for lsn in syllabus.lessons]
    missing = [n for n in wanted if planned[n] == 0]
    twice = sorted(n for n, c in planned.items() if c > 1)
    if missing or twice:
        raise fail(where, f"每一讲必须恰好安排一次:缺 {missing},重复 {twice}。",
                   f"every lecture must be planned exactly once: missing {missing}, twice {twice}.")
    intro = Counter(seg.assignment for s in sessions for seg in s.segments if seg.assignment)
    wrong = sorted(a.id for a in syllabus.assignments if intro[a.id] != 1)
    if wrong:
        raise fail(where, f"每份作业必须恰好导入一次:{wrong}。",
                   f"every assignment must be introduced exactly once: {wrong}.")
    return SessionPlan(tuple(sessions), path)


def load_sessions(path: Path | str | None = None, syllabus: Syllabus | None = None) -> SessionPlan:
    """Load and validate ``course/sessions.yml`` (found beside the syllabus when ``path`` is None)."""
    syllabus = syllabus or load_syllabus()
    p = Path(path) if path is not None else course_file("sessions.yml", syllabus.path.parent)
    return parse_sessions(read_yaml(p), p, syllabus)
