"""The instructor's material holds together: session plans that add up and plan every lecture once, a note
for every 课堂讨论 of every lesson, example memos marked on the real rubrics, and the guide rendered from them.

Each check is shown to fail on a broken copy (a minute changed, a lecture dropped, a discussion added,
a figure quoted, a level that does not match its marks), so none of them passes by construction.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from o2o.syllabus import load_syllabus
from o2o.teaching import TeachingError, find_discussions, load_memos, load_notes, load_sessions, match_notes
from o2o.teaching.discussions import parse_notes
from o2o.teaching.memos import parse_memos, quoted_figures, rubric_in_guide
from o2o.teaching.plans import parse_sessions
from o2o.teaching.render import rendered

ROOT = Path(__file__).resolve().parents[1]
SYLLABUS = load_syllabus(ROOT / "course" / "syllabus.yml")
SESSIONS_RAW = yaml.safe_load((ROOT / "course" / "sessions.yml").read_text(encoding="utf-8"))
MEMOS_RAW = yaml.safe_load((ROOT / "course" / "memos.yml").read_text(encoding="utf-8"))
NOTES_RAW = yaml.safe_load((ROOT / "course" / "discussions.yml").read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- session plans


def test_every_session_adds_up_and_every_lecture_is_planned_exactly_once():
    plan = load_sessions(ROOT / "course" / "sessions.yml", SYLLABUS)
    for s in plan.sessions:
        assert sum(seg.minutes for seg in s.segments) == s.minutes, s.id
        for seg in s.segments:
            if seg.lesson:
                assert seg.minutes == sum(m for _, m in seg.parts) and all(m > 0 for _, m in seg.parts)
                assert SYLLABUS.lesson(seg.lesson).module.id == s.module, (s.id, seg.lesson)
    planned = Counter(seg.lesson for s in plan.sessions for seg in s.segments if seg.lesson)
    assert sorted(planned) == [lsn.number for lsn in SYLLABUS.lessons]
    assert set(planned.values()) == {1}
    assert [m.id for m in SYLLABUS.modules] == list(dict.fromkeys(s.module for s in plan.sessions))
    assert sum(seg.kind == "primer" for s in plan.sessions for seg in s.segments) == 1
    introduced = [seg.assignment for s in plan.sessions for seg in s.segments if seg.assignment]
    assert sorted(introduced) == sorted(a.id for a in SYLLABUS.assignments)


def _segments(raw, session_id):
    for m in raw["modules"]:
        for s in m["sessions"]:
            if s["id"] == session_id:
                return s["segments"]
    raise KeyError(session_id)


def _broken_plans():
    def minutes(raw):
        _segments(raw, "m2-a")[1]["discussion"] += 5

    def dropped(raw):
        segs = _segments(raw, "m4-b")
        segs[:] = [s for s in segs if s.get("lesson") != 23] + [{"kind": "break", "minutes": 50}]

    def twice(raw):
        _segments(raw, "m1-b").append({"lesson": 4, "teach": 1, "exercise": 1, "discussion": 1})
        _segments(raw, "m1-b")[0]["minutes"] -= 3   # the session still adds up

    def other_module(raw):
        segs = _segments(raw, "m1-a")
        lesson3 = next(s for s in segs if s.get("lesson") == 3)
        lesson3["lesson"] = 7
        _segments(raw, "m2-a")[:] = [s for s in _segments(raw, "m2-a") if s.get("lesson") != 7] + \
            [{"kind": "wrap", "minutes": 50}]

    def no_intro(raw):
        segs = _segments(raw, "m5-b")
        for s in segs:
            if s.get("kind") == "assignment":
                s["kind"] = "wrap"
                del s["assignment"]

    return {"minutes": minutes, "dropped": dropped, "twice": twice, "other_module": other_module,
            "no_intro": no_intro}


@pytest.mark.parametrize("name", sorted(_broken_plans()))
def test_a_broken_plan_is_refused_with_a_sentence(name):
    raw = copy.deepcopy(SESSIONS_RAW)
    _broken_plans()[name](raw)
    with pytest.raises(TeachingError) as err:
        parse_sessions(raw, Path("sessions.yml"), SYLLABUS)
    assert err.value.zh and err.value.en and "sessions.yml" in str(err.value)


# --------------------------------------------------------------------------- discussion notes


def test_every_discussion_of_every_lesson_has_its_note():
    found = find_discussions(ROOT / "lessons")
    assert {d.lesson for d in found} >= {lsn.number for lsn in SYLLABUS.lessons}, "a lesson has no 课堂讨论"
    problems = match_notes(found, load_notes(ROOT / "course" / "discussions.yml"))
    assert not problems, "\n".join(problems)


def test_every_planned_discussion_has_a_discussion_in_its_lesson():
    plan = load_sessions(ROOT / "course" / "sessions.yml", SYLLABUS)
    with_discussion = {d.lesson for d in find_discussions(ROOT / "lessons")}
    for s in plan.sessions:
        for seg in s.segments:
            if seg.lesson and dict(seg.parts)["discussion"] > 0:
                assert seg.lesson in with_discussion, f"{s.id} plans a discussion for lesson {seg.lesson}, which has none"


def _lesson_copy(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / "lessons"
    folder.mkdir(exist_ok=True)
    (folder / name).write_bytes((ROOT / "lessons" / name).read_bytes())
    return folder / name


def _add_cell(path: Path, source: str) -> None:
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["cells"].append({"cell_type": "markdown", "id": "extra", "metadata": {}, "source": source})
    path.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")


def test_a_new_discussion_without_a_note_fails(tmp_path):
    path = _lesson_copy(tmp_path, "07-store-network.ipynb")
    notes = load_notes(ROOT / "course" / "discussions.yml")
    assert match_notes(find_discussions(path.parent), [n for n in notes if n.lesson == 7]) == []
    _add_cell(path, "## 课堂讨论 / Discussion\n\n如果对照门店也做了同样的活动,你还能说清试点的效果吗?")
    problems = match_notes(find_discussions(path.parent), [n for n in notes if n.lesson == 7])
    assert len(problems) == 1 and "第7讲的第2个课堂讨论没有教学要点" in problems[0]


def test_a_rewritten_discussion_and_a_note_without_discussion_are_flagged(tmp_path):
    path = _lesson_copy(tmp_path, "10-member-channels.ipynb")
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if "课堂讨论" in src:
            cell["source"] = "### 课堂讨论\n\n你会怎样给店长排班?"
    path.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    notes = [n for n in load_notes(ROOT / "course" / "discussions.yml") if n.lesson in (10, 11)]
    problems = match_notes(find_discussions(path.parent), notes)
    assert any("第10讲的第1个课堂讨论已改写" in p for p in problems)
    assert any("第11讲没有第1个课堂讨论" in p for p in problems)


def test_discussions_are_found_by_their_heading_not_by_a_mention(tmp_path):
    path = tmp_path / "lessons" / "99-probe.ipynb"
    path.parent.mkdir()
    cells = [{"cell_type": "markdown", "id": "a", "metadata": {}, "source": "留给课堂讨论的问题。"},
             {"cell_type": "markdown", "id": "b", "metadata": {}, "source": "## 课堂讨论 / Discussion\n\n问题一?"},
             {"cell_type": "markdown", "id": "c", "metadata": {}, "source": "### 课堂讨论"},
             {"cell_type": "markdown", "id": "d", "metadata": {}, "source": "问题二写在下一格?"}]
    path.write_text(json.dumps({"cells": cells}, ensure_ascii=False), encoding="utf-8")
    found = find_discussions(path.parent)
    assert [(d.lesson, d.position, d.cell_id) for d in found] == [(99, 1, "b"), (99, 2, "c")]
    assert found[0].text == "问题一?" and found[1].text == "问题二写在下一格?"


def test_a_note_needs_two_to_five_points_in_both_languages():
    raw = copy.deepcopy(NOTES_RAW)
    raw["notes"][0]["reaches_zh"] = raw["notes"][0]["reaches_zh"][:1]
    raw["notes"][0]["reaches_en"] = raw["notes"][0]["reaches_en"][:1]
    with pytest.raises(TeachingError):
        parse_notes(raw, Path("discussions.yml"))
    raw = copy.deepcopy(NOTES_RAW)
    raw["notes"][0]["reaches_en"] = raw["notes"][0]["reaches_en"][:-1]
    with pytest.raises(TeachingError):
        parse_notes(raw, Path("discussions.yml"))


def test_the_notes_quote_no_data_figures():
    for note in load_notes(ROOT / "course" / "discussions.yml"):
        for line in (*note.reaches_zh, *note.reaches_en, *note.misconceptions_zh, *note.misconceptions_en,
                     note.follow_up_zh, note.follow_up_en):
            assert not quoted_figures(line), (note.key, line)


# --------------------------------------------------------------------------- example memos


def _memo_questions() -> set[tuple[str, str]]:
    """Every hand-graded memo question of the module assignments (m1-m6), read from their sources."""
    out = set()
    for path in sorted((ROOT / "assignments" / "source").glob("m*/*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            nbg = (cell.get("metadata") or {}).get("nbgrader") or {}
            if cell["cell_type"] == "markdown" and nbg.get("solution") and nbg.get("points"):
                out.add((path.parent.name, nbg["grade_id"]))
    return out


def test_every_memo_question_of_m1_to_m6_has_three_marked_examples():
    memos = load_memos(ROOT / "course" / "memos.yml")
    covered = {(q.assignment, q.question) for q in memos}
    assert _memo_questions() <= covered, f"memo questions without examples: {sorted(_memo_questions() - covered)}"
    for q in memos:
        assert [e.level for e in q.examples] == ["strong", "adequate", "weak"]
        totals = [e.total for e in q.examples]
        assert totals == sorted(totals, reverse=True) and len(set(totals)) == 3, (q.assignment, totals)
        assert totals[0] >= 0.8 * q.points and totals[2] < 0.5 * q.points


def test_the_memo_rubrics_are_the_guides_rubrics():
    guide = (ROOT / "course" / "INSTRUCTOR.md").read_text(encoding="utf-8")
    for q in load_memos(ROOT / "course" / "memos.yml"):
        assert rubric_in_guide(guide, q.guide_heading) == [(r.zh, r.points) for r in q.rubric], q.guide_heading


def _memo(raw, assignment):
    return next(m for m in raw["memos"] if m["assignment"] == assignment)


def _broken_memos():
    def percent(raw):
        _memo(raw, "m1-o2o-basics")["examples"][0]["text_zh"] += "会员小票占24.6%。"

    def decimal(raw):
        _memo(raw, "m6-cross-industry")["examples"][1]["text_zh"] += "每元毛利只有0.48元。"

    def unknown_question(raw):
        _memo(raw, "m2-touchpoints")["examples"][0]["text_zh"] += "〔第9题:不存在的结果〕"

    def level(raw):
        _memo(raw, "m3-scenes")["examples"][1]["marks"][0]["mark"] = 0
        _memo(raw, "m3-scenes")["examples"][1]["marks"][1]["mark"] = 0

    def short_but_high(raw):
        ex = _memo(raw, "m5-rights")["examples"][2]
        for m, top in zip(ex["marks"], (1, 1, 1)):
            m["mark"] = top
        ex["level"] = "adequate"
        _memo(raw, "m5-rights")["examples"][1]["level"] = "weak"

    def points(raw):
        _memo(raw, "m4-fivew")["rubric"][0]["points"] = 3

    return {"percent": percent, "decimal": decimal, "unknown_question": unknown_question, "level": level,
            "short_but_high": short_but_high, "points": points}


@pytest.mark.parametrize("name", sorted(_broken_memos()))
def test_a_broken_example_memo_is_refused(name):
    raw = copy.deepcopy(MEMOS_RAW)
    _broken_memos()[name](raw)
    with pytest.raises(TeachingError) as err:
        parse_memos(raw, ROOT)
    assert err.value.zh and err.value.en


def test_the_figure_rule_tells_data_figures_from_plans_and_sources():
    assert quoted_figures("占24.6%") and quoted_figures("0.48元") and quoted_figures("只有两成")
    assert not quoted_figures("预算 2000 元,持续 10 天,30天内复盘") and not quoted_figures("做到八成纯熟")
    assert not quoted_figures("占〔第3题:会员小票占比〕")


# --------------------------------------------------------------------------- rendered guide and primer


def test_the_guide_and_docs_are_rendered_from_the_teaching_files():
    for path, want in rendered(ROOT).items():
        assert path.read_text(encoding="utf-8") == want, \
            f"{path.relative_to(ROOT)} is out of date: run .venv/bin/python -m o2o.teaching"


def test_a_guide_without_its_session_markers_is_refused(tmp_path):
    from o2o.teaching.render import GUIDE_BEGIN, _guide

    guide = (ROOT / "course" / "INSTRUCTOR.md").read_text(encoding="utf-8")
    assert _guide(guide, "x\n").count(GUIDE_BEGIN) == 1
    with pytest.raises(TeachingError):
        _guide(guide.replace(GUIDE_BEGIN, ""), "x\n")


def test_the_links_of_the_rendered_docs_resolve():
    for path in rendered(ROOT):
        for target in re.findall(r"\]\((?!https?:)([^)#\s]+)", path.read_text(encoding="utf-8")):
            assert (path.parent / target).exists(), f"{path.name}: link to {target} leads nowhere"


def test_the_rendered_session_tables_end_at_the_session_length():
    block = (ROOT / "docs" / "session-plans.md").read_text(encoding="utf-8")
    ends = re.findall(r"^\| \d+:\d\d–(\d+):(\d\d) \|.*\n\| \| \*\*合计 / total\*\* \| \| \*\*(\d+)\*\* \|$", block, re.M)
    plan = load_sessions(ROOT / "course" / "sessions.yml", SYLLABUS)
    assert len(ends) == len(plan.sessions)
    for (h, m, total), s in zip(ends, plan.sessions):
        assert int(h) * 60 + int(m) == int(total) == s.minutes
    guide = (ROOT / "course" / "INSTRUCTOR.md").read_text(encoding="utf-8")
    overview = guide.split("<!-- sessions:begin", 1)[1].split("<!-- sessions:end -->", 1)[0]
    rows = re.findall(r"^\| [^|]+ \| (M\d) \| [^|]+ \| (\d+) \|", overview, re.M)
    assert len(rows) == len(plan.sessions) and sum(int(m) for _, m in rows) == sum(s.minutes for s in plan.sessions)


def test_the_primers_judgment_accepts_the_right_answer_and_rejects_the_others_with_a_reason():
    nb = json.loads((ROOT / SYLLABUS.primer.file).read_text(encoding="utf-8"))
    src = next("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code" and "Judgment(" in "".join(c["source"]))
    scope: dict = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(src, "primer", "exec"), scope)  # noqa: S102 - the kit's own notebook
        assert scope["judgment"].check("B") is True
        assert scope["judgment"].check("a") is False and scope["judgment"].check("C") is False
    text = out.getvalue()
    assert text.count("✓") == 1 and text.count("✗") == 3 and "重启" in text
