"""Final grades out of nbgrader's gradebook, in the grade-import CSV layouts of Canvas, Moodle and Blackboard.

``o2o grades export --lms canvas|moodle|blackboard --map students.csv --out grades.csv``

The scores are each assignment's total in nbgrader's gradebook (autograded plus manually graded
points, as formgrader shows them; a missing submission counts 0, as in ``nbgrader export``). The
mapping file ties nbgrader's student ids to the LMS's own identifiers: a UTF-8 CSV whose first column
is ``student_id`` and whose other columns are any of :data:`MAP_COLUMNS`. The layouts, and the pages
that document them, are in ``docs/grades-export.md``:

* **Canvas** (Gradebook → Import): ``Student, ID, SIS User ID, SIS Login ID, Section``, then one column
  per assignment;
* **Moodle** (Grade import → CSV file; the import format is the export's): ``First name, Last name,
  ID number, Email address``, then one column per grade item; map ``Email address`` → ``useremail`` or
  ``ID number`` → ``useridnumber`` when importing;
* **Blackboard** (Grade Center → Work Offline → Upload): ``Last Name, First Name, Username, Student ID``,
  then one column per assignment titled ``<name> [Total Pts: <points> Score]``, with ``|<column id>``
  appended when the mapping's ``columns`` give one (a column without an id creates a new column);
  every value quoted.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import GradingError

MAP_COLUMNS = ("name", "first_name", "last_name", "email", "canvas_id", "sis_user_id", "sis_login_id", "section",
               "username", "id_number")
HEADERS = {
    "canvas": ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"],
    "moodle": ["First name", "Last name", "ID number", "Email address"],
    "blackboard": ["Last Name", "First Name", "Username", "Student ID"],
}
MAX_MAP_BYTES = 5_000_000


@dataclass(frozen=True)
class Grade:
    student: str
    assignment: str
    score: float
    max_score: float
    ungraded: bool   # some written answer still waits for the instructor


def read_map(path: str | Path) -> dict[str, dict[str, str]]:
    """The mapping file: nbgrader student id -> LMS identifiers. One clear sentence for each kind of fault."""
    p = Path(path)
    if p.is_symlink() or not p.is_file() or p.stat().st_size > MAX_MAP_BYTES:
        raise GradingError(f"读不到学生编号对照表 {p}(须为不超过 5 MB 的普通文件)。",
                           f"Cannot read the student id mapping {p} (a regular file of at most 5 MB).")
    try:
        rows = list(csv.DictReader(io.StringIO(p.read_text(encoding="utf-8-sig"))))
    except (UnicodeDecodeError, csv.Error) as e:
        raise GradingError(f"学生编号对照表 {p} 不是 UTF-8 的 CSV 文件:{e}", f"The mapping {p} is not a UTF-8 CSV file: {e}")
    fields = list(rows[0].keys()) if rows else []
    if not fields or fields[0] != "student_id":
        raise GradingError(f"对照表 {p} 的第一列必须是 student_id。", f"The first column of {p} must be student_id.")
    unknown = [f for f in fields[1:] if f not in MAP_COLUMNS]
    if unknown:
        raise GradingError(f"对照表 {p} 有不认识的列:{', '.join(map(str, unknown))}。可用的列:{', '.join(MAP_COLUMNS)}",
                           f"The mapping {p} has unknown columns: {', '.join(map(str, unknown))}. "
                           f"Known: {', '.join(MAP_COLUMNS)}")
    out: dict[str, dict[str, str]] = {}
    for r in rows:
        sid = (r.get("student_id") or "").strip()
        if not sid or sid in out:
            raise GradingError(f"对照表 {p} 中有空的或重复的 student_id:{sid!r}。",
                               f"The mapping {p} has an empty or repeated student_id: {sid!r}.")
        out[sid] = {k: (v or "").strip() for k, v in r.items() if k != "student_id"}
    return out


def gradebook_grades(db_url: str, assignments: list[str] | None = None) -> tuple[list[Grade], list[str], list[str]]:
    """Every student's total per assignment from nbgrader's gradebook: (grades, assignment names, student ids)."""
    from nbgrader.api import Gradebook, MissingEntry  # lazy: only `o2o grades export` needs nbgrader's models

    grades = []
    with Gradebook(db_url) as gb:
        names = [a.name for a in gb.assignments]
        chosen = names if not assignments else list(assignments)
        missing = [a for a in chosen if a not in names]
        if missing:
            raise GradingError(f"成绩库里没有这些作业:{', '.join(missing)}",
                               f"The gradebook has no assignment: {', '.join(missing)}")
        students = sorted(s.id for s in gb.students)
        for a in chosen:
            max_score = float(gb.find_assignment(a).max_score)
            for s in students:
                try:
                    sub = gb.find_submission(a, s)
                    grades.append(Grade(s, a, float(sub.score), max_score, bool(sub.needs_manual_grade)))
                except MissingEntry:
                    grades.append(Grade(s, a, 0.0, max_score, False))
    return grades, chosen, students


def _points(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


def render(lms: str, grades: list[Grade], assignments: list[str], students: list[str],
           mapping: dict[str, dict[str, str]], column_ids: dict[str, str] | None = None) -> str:
    """The CSV text in ``lms``'s import layout."""
    _check_lms(lms)
    unmapped = [s for s in students if s not in mapping]
    if unmapped:
        raise GradingError(f"对照表里缺少这些学生:{', '.join(unmapped)}。请补上后再导出。",
                           f"The mapping lacks these students: {', '.join(unmapped)}. Add them and export again.")
    by = {(g.student, g.assignment): g for g in grades}
    max_of = {g.assignment: g.max_score for g in grades}
    if lms == "blackboard":
        ids = column_ids or {}
        titles = [f"{a} [Total Pts: {_points(max_of.get(a, 0))} Score]" + (f" |{ids[a]}" if ids.get(a) else "")
                  for a in assignments]
    else:
        titles = list(assignments)
    buf = io.StringIO()
    w = csv.writer(buf, quoting=csv.QUOTE_ALL if lms == "blackboard" else csv.QUOTE_MINIMAL, lineterminator="\r\n")
    w.writerow(HEADERS[lms] + titles)
    for s in students:
        m = mapping[s]
        if lms == "canvas":
            who = [m.get("name") or f"{m.get('last_name', '')}, {m.get('first_name', '')}".strip(", "),
                   m.get("canvas_id", ""), m.get("sis_user_id", ""), m.get("sis_login_id", ""), m.get("section", "")]
        elif lms == "moodle":
            who = [m.get("first_name", ""), m.get("last_name", ""), m.get("id_number", ""), m.get("email", "")]
        else:
            who = [m.get("last_name", ""), m.get("first_name", ""), m.get("username", "") or s, m.get("id_number", "")]
        w.writerow([_safe(v) for v in who] + [_points(by[s, a].score) for a in assignments])
    return buf.getvalue()


def _safe(value: str) -> str:
    """A spreadsheet never runs a cell as a formula (CSV injection): a leading = + - @ is quoted with '."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def _check_lms(lms: str) -> None:
    if lms not in HEADERS:
        raise GradingError(f"不支持的学习平台 {lms!r}。可选:{', '.join(HEADERS)}",
                           f"Unsupported LMS {lms!r}. Choose one of: {', '.join(HEADERS)}")


def export(course_root: str | Path, lms: str, map_file: str | Path, out: str | Path,
           assignments: list[str] | None = None, allow_ungraded: bool = False,
           column_ids: dict[str, str] | None = None) -> Path:
    """Write the grades file (a new file, renamed into place); refuse an existing one or unfinished grading.
    ``column_ids``: Blackboard's Grade Center column id of each assignment (else new columns are created)."""
    out = Path(out)
    _check_lms(lms)
    if out.exists() or out.is_symlink():
        raise GradingError(f"{out} 已存在:导出不会覆盖已有文件,请换一个文件名。",
                           f"{out} exists: the export never overwrites a file; choose another name.")
    db = Path(course_root) / "gradebook.db"
    if not db.is_file():
        raise GradingError(f"{course_root} 里没有 gradebook.db:请指向 nbgrader 的课程根目录。",
                           f"No gradebook.db in {course_root}: point to nbgrader's course root.")
    mapping = read_map(map_file)
    grades, names, students = gradebook_grades(f"sqlite:///{db.resolve()}", assignments)
    waiting = sorted({f"{g.student}/{g.assignment}" for g in grades if g.ungraded})
    if waiting and not allow_ungraded:
        raise GradingError(f"还有作业的文字题没有评完:{', '.join(waiting[:10])}……请在 formgrader 中评完再导出"
                           "(或加 --allow-ungraded)。",
                           f"Some written answers are not graded yet: {', '.join(waiting[:10])}. Finish them in "
                           "formgrader first (or pass --allow-ungraded).")
    text = render(lms, grades, names, students, mapping, column_ids)
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    try:
        tmp.write_text(text, encoding="utf-8-sig" if lms == "moodle" else "utf-8")
        os.link(tmp, out)  # never replaces a file that appeared meanwhile
    except OSError as e:
        raise GradingError(f"无法写入 {out}:{e.strerror}。请换一个有写权限、空间足够的位置。",
                           f"Cannot write {out}: {e.strerror}. Choose a place you can write to, with free space.") from None
    finally:
        tmp.unlink(missing_ok=True)
    return out


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("grades", help="把最终成绩导出到学习平台 / export final grades to an LMS")
    sub = p.add_subparsers(dest="grades_command", required=True, metavar="<export>")
    e = sub.add_parser("export", help="导出为 Canvas / Moodle / Blackboard 的导入格式 / export in an LMS import layout")
    e.add_argument("--lms", required=True, choices=sorted(HEADERS), help="学习平台 / the LMS")
    e.add_argument("--map", required=True, help="学生编号对照表 CSV(student_id, ...)/ student id mapping")
    e.add_argument("--out", required=True, help="输出文件(不得已存在)/ output file (must not exist)")
    e.add_argument("--course-root", default=".", help="nbgrader 课程根目录(含 gradebook.db)/ course root")
    e.add_argument("--assignment", action="append", default=None, help="只导出这些作业 / only these assignments")
    e.add_argument("--allow-ungraded", action="store_true", help="允许有未评完的文字题 / allow unfinished manual grading")
    e.add_argument("--column-id", action="append", default=[], metavar="ASSIGNMENT=ID",
                   help="Blackboard 成绩中心的列编号 / Blackboard Grade Center column id")
    e.set_defaults(func=_export)


def _export(args: argparse.Namespace) -> int:
    ids = {}
    for item in args.column_id:
        name, sep, cid = item.partition("=")
        if not sep or not name or not cid.strip().isdigit():
            raise GradingError(f"--column-id 应写成 作业名=数字编号,收到 {item!r}。",
                               f"--column-id takes ASSIGNMENT=NUMBER; got {item!r}.")
        ids[name] = cid.strip()
    out = export(args.course_root, args.lms, args.map, args.out, args.assignment, args.allow_ungraded, ids)
    print(f"成绩已导出 / grades exported: {out}")
    return 0
