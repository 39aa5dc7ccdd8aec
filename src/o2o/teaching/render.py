"""The teaching files rendered for people: the session plans into ``docs/session-plans.md`` and, as an
overview, into ``course/INSTRUCTOR.md`` (between markers); the discussion notes into ``docs/discussion-notes.md`` and the example memos into
``docs/example-memos.md``. :func:`rendered` gives every file's expected text; the tests compare it
with the files, and ``python -m o2o.teaching`` writes them."""

from __future__ import annotations

from pathlib import Path

from o2o.syllabus import Syllabus, load_syllabus
from o2o.teaching.common import TeachingError
from o2o.teaching.discussions import DiscussionNote, load_notes
from o2o.teaching.memos import LEVELS, MemoQuestion, load_memos
from o2o.teaching.plans import KINDS, LESSON_PARTS, SessionPlan, load_sessions

__all__ = ["GUIDE_BEGIN", "GUIDE_END", "rendered", "render_memos", "render_notes", "render_overview",
           "render_sessions", "write"]

GUIDE_BEGIN = "<!-- sessions:begin (rendered from course/sessions.yml by python -m o2o.teaching) -->"
GUIDE_END = "<!-- sessions:end -->"
_GENERATED = "<!-- 本文件由 python -m o2o.teaching 从 course/{src} 生成,请改那个文件 / generated from course/{src} -->"


def _clock(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


def _esc(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ")


def render_sessions(plan: SessionPlan, syllabus: Syllabus) -> str:
    """Markdown tables of every module's sessions with clock times from the session's start."""
    out = [_GENERATED.format(src="sessions.yml"), "",
           "# 课时安排 / Session plans", "",
           "每个模块的每一次课,逐段写明时间。时间从每次课开始时算起;每一讲分为讲授与案例、你来试试、课堂讨论三段。"
           "怎样组织 20–60 人的讨论,见教师手册开头的“课时安排与课堂讨论”。", "",
           "*Every session of every module, segment by segment, timed from the session's start; each lesson has three "
           "parts: the idea and the case, the exercise, the discussion. How to run discussions with 20-60 people: the "
           "section on session plans at the start of the instructor's guide.*", ""]
    for module in syllabus.modules:
        sessions = plan.module_sessions(module.id)
        core = plan.module_minutes(module.id)
        out.append(f"#### {module.id.upper()} {module.title_zh} / {module.title_en}"
                   f"(必修 {core} 分钟 / {core} minutes required)\n")
        for s in sessions:
            tag = "(选用 / optional)" if s.optional else ""
            out.append(f"**{s.title_zh} / {s.title_en}**{tag} — {s.minutes} 分钟 / minutes\n")
            out.append("| 时间 / Time | 环节 / Segment | 内容 / What | 分钟 / Min |\n|---|---|---|---|")
            t = 0
            for seg in s.segments:
                if seg.lesson:
                    lesson = syllabus.lesson(seg.lesson)
                    for part, minutes in seg.parts:
                        zh, en = LESSON_PARTS[part]
                        what = f"第{lesson.code}讲 {lesson.title_zh} / {lesson.title_en}"
                        if part == "teach" and seg.note_zh:
                            what += f":{seg.note_zh} / {seg.note_en}"
                        out.append(f"| {_clock(t)}–{_clock(t + minutes)} | {zh} / {en} | {_esc(what)} | {minutes} |")
                        t += minutes
                    continue
                zh, en = KINDS[seg.kind]
                what = seg.note_zh + (f" / {seg.note_en}" if seg.note_en else "")
                if seg.assignment:
                    a = next(a for a in syllabus.assignments if a.id == seg.assignment)
                    what = f"`{a.id}` {a.title_zh}" + (f";{what}" if what else "")
                out.append(f"| {_clock(t)}–{_clock(t + seg.minutes)} | {zh} / {en} | {_esc(what)} | {seg.minutes} |")
                t += seg.minutes
            out.append(f"| | **合计 / total** | | **{t}** |\n")
    return "\n".join(out).rstrip() + "\n"


def render_overview(plan: SessionPlan, syllabus: Syllabus) -> str:
    """One row per session, for the instructor's guide: module, lectures, minutes and the assignment introduced."""
    out = ["| 课次 / Session | 模块 / Module | 讲次 / Lectures | 分钟 / Min | 导入的作业 / Assignment introduced |",
           "|---|---|---|---|---|"]
    for s in plan.sessions:
        lectures = "、".join(f"{n:02d}" for n in (seg.lesson for seg in s.segments) if n) or "—"
        if any(seg.kind == "primer" for seg in s.segments):
            lectures = "00(第0课 / lesson 0)、" + lectures
        if any(seg.kind == "game" for seg in s.segments):
            lectures = "班长战争 / the class game"
        intro = ", ".join(f"`{seg.assignment}`" for seg in s.segments if seg.assignment) or "—"
        tag = "(选用 / optional)" if s.optional else ""
        out.append(f"| {_esc(s.title_zh)}{tag} | {s.module.upper()} | {lectures} | {s.minutes} | {intro} |")
    total = sum(s.minutes for s in plan.sessions if not s.optional)
    out.append(f"| **合计(不含选用)/ total (required)** | | | **{total}** | |")
    return "\n".join(out) + "\n"


def _note(note: DiscussionNote, syllabus: Syllabus) -> str:
    lesson = syllabus.lesson(note.lesson)
    nth = f"(第{note.position}个)" if note.position > 1 else ""
    lines = [f"### 第{lesson.code}讲 {lesson.title_zh}{nth} / Lesson {note.lesson}: {lesson.title_en}", "",
             f"[打开本讲 / open the lesson](../{lesson.file}) · 讨论里的关键词 / key phrase: “{note.anchor}”", "",
             "**好的讨论会走到 / A good discussion reaches**", ""]
    lines += [f"{i}. {zh}  \n   *{en}*" for i, (zh, en) in enumerate(zip(note.reaches_zh, note.reaches_en), 1)]
    lines += ["", "**常见误解 / Likely misconceptions**", ""]
    lines += [f"- {zh}  \n  *{en}*" for zh, en in zip(note.misconceptions_zh, note.misconceptions_en)]
    lines += ["", f"**追问 / Follow-up:** {note.follow_up_zh}  \n*{note.follow_up_en}*", ""]
    return "\n".join(lines)


def render_notes(notes: list[DiscussionNote], syllabus: Syllabus) -> str:
    head = [_GENERATED.format(src="discussions.yml"), "",
            "# 课堂讨论教学要点 / Discussion notes", "",
            "每一讲的“课堂讨论”各有一条:好的讨论应当走到哪里(2–5 点)、学员常见的误解、一个追问。"
            "这些是引导的方向,不是标准答案:学员从自己企业出发得出不同结论,只要推理站得住就好。"
            "本文不引用数据中的具体数字;需要数字时,请让学员读自己笔记本里算出的结果。",
            "",
            "*For every lesson's discussion: where a good discussion gets to (2–5 points), the likely misconceptions "
            "and one follow-up question. They are directions, not model answers; the notes quote no figures from the data — "
            "let students read the numbers their own notebooks compute.*", ""]
    by_module: dict[str, list[DiscussionNote]] = {}
    for n in sorted(notes, key=lambda n: n.key):
        by_module.setdefault(syllabus.lesson(n.lesson).module.id, []).append(n)
    body = []
    for module in syllabus.modules:
        if module.id in by_module:
            body.append(f"## {module.id.upper()} {module.title_zh} / {module.title_en}\n")
            body += [_note(n, syllabus) for n in by_module[module.id]]
    return "\n".join(head + body).rstrip() + "\n"


def _memo(q: MemoQuestion, syllabus: Syllabus) -> str:
    a = next(a for a in syllabus.assignments if a.id == q.assignment)
    lines = [f"## {a.title_zh}({q.guide_heading},{q.points} 分)/ {a.title_en}, `{q.question}` ({q.points} points)", "",
             f"字数要求 / length: {q.words[0]}–{q.words[1]} 字。", "",
             "| 评分项 / Item | 分值 / Points |", "|---|---|"]
    lines += [f"| {r.zh} / {r.en} | {r.points} |" for r in q.rubric]
    for ex in q.examples:
        zh, en, _, _ = LEVELS[ex.level]
        lines += ["", f"### {zh} / {en}:{ex.total}/{q.points} 分 / points", ""]
        lines += [f"> {line}" if line else ">" for line in ex.text_zh.splitlines()]
        lines += ["", f"*{ex.gist_en}*", "", "| 评分项 / Item | 得分 / Mark | 为什么 / Why |", "|---|---|---|"]
        top = {r.item: r for r in q.rubric}
        lines += [f"| {top[m.item].zh} / {top[m.item].en} | {m.mark}/{top[m.item].points} | {_esc(m.zh)}<br>*{_esc(m.en)}* |"
                  for m in ex.marks]
    return "\n".join(lines) + "\n"


def render_memos(memos: list[MemoQuestion], syllabus: Syllabus) -> str:
    head = [_GENERATED.format(src="memos.yml"), "",
            "# 备忘录示例:三个等级 / Example memos at three grade levels", "",
            "每道备忘录题各有优秀、合格、待改进三份示例,逐项对照 `course/INSTRUCTOR.md` 第 8 节的评分标准,写明得分和理由。"
            "学员的数据可能各不相同(每人一份数据版本),所以示例不写具体数字:〔第N题:…〕处是学员应当填入的、"
            "自己笔记本里算出的结果。判断一份备忘录,看的是它怎样使用这个数字,而不是数字本身。"
            "**这些示例只给老师,不要发给学员。**", "",
            "*Three examples per memo question (strong, adequate, weak), each marked item by item on the rubric of "
            "section 8 of the instructor's guide. Students' numbers differ (per-student variants), so the examples quote "
            "none: 〔第N题:…〕 stands for the student's own result of question N. Grade how a memo uses its number, not the "
            "number itself. **For instructors only: do not hand these to students.***", ""]
    return "\n".join(head + [_memo(q, syllabus) for q in memos]).rstrip() + "\n"


def _guide(current: str, sessions_md: str) -> str:
    if current.count(GUIDE_BEGIN) != 1 or current.count(GUIDE_END) != 1:
        raise TeachingError("教师手册 INSTRUCTOR.md 里找不到课时安排的起止标记(sessions:begin / sessions:end),请把它们放回“课时安排与课堂讨论”一节。",
                            "The instructor's guide has lost the session-plan markers (sessions:begin / sessions:end): "
                            "put them back into the section on session plans.")
    before, rest = current.split(GUIDE_BEGIN, 1)
    _, after = rest.split(GUIDE_END, 1)
    return f"{before}{GUIDE_BEGIN}\n{sessions_md}{GUIDE_END}{after}"


def rendered(root: Path | None = None) -> dict[Path, str]:
    """Every rendered file's path and expected text."""
    syllabus = load_syllabus(root / "course" / "syllabus.yml" if root else None)
    root = syllabus.root
    guide = root / "course" / "INSTRUCTOR.md"
    plan = load_sessions(root / "course" / "sessions.yml", syllabus)
    return {
        guide: _guide(guide.read_text(encoding="utf-8"), render_overview(plan, syllabus)),
        root / "docs" / "session-plans.md": render_sessions(plan, syllabus),
        root / "docs" / "discussion-notes.md": render_notes(load_notes(root / "course" / "discussions.yml"), syllabus),
        root / "docs" / "example-memos.md": render_memos(load_memos(root / "course" / "memos.yml"), syllabus),
    }


def write(root: Path | None = None) -> list[Path]:
    """Write every rendered file whose text changed (atomically); returns the files written."""
    written = []
    for path, want in rendered(root).items():
        if path.exists() and path.read_text(encoding="utf-8") == want:
            continue
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(want, encoding="utf-8")
        tmp.replace(path)
        written.append(path)
    return written
