"""Final grades from a real nbgrader gradebook in the import layouts of Canvas, Moodle and Blackboard
(headers as their documentation gives them; see docs/grades-export.md)."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from o2o.errors import GradingError
from o2o.grading import lms

#: the documented first columns of each import layout (docs/grades-export.md cites the pages)
PUBLISHED = {
    "canvas": ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"],
    "moodle": ["First name", "Last name", "ID number", "Email address"],
    "blackboard": ["Last Name", "First Name", "Username", "Student ID"],
}
SCORES = {("s01", "m1"): (7.0, 3.0), ("s02", "m1"): (10.0, 4.5), ("s01", "m4"): (10.0, 5.0)}  # (auto, manual)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    from nbgrader.api import Gradebook

    root = tmp_path_factory.mktemp("lms")
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"  # nbgrader runs alembic
    with warnings.catch_warnings(), Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        warnings.simplefilter("ignore")
        for a in ("m1", "m4"):
            gb.add_assignment(a)
            gb.add_notebook(a, a)
            gb.add_grade_cell("auto", a, a, max_score=10, cell_type="code")
            gb.add_grade_cell("memo", a, a, max_score=5, cell_type="markdown")
            gb.add_solution_cell("memo", a, a)
        for s in ("s01", "s02", "s03"):
            gb.add_student(s)
        for (s, a), (auto, manual) in SCORES.items():
            gb.add_submission(a, s)
            g = gb.find_grade("auto", a, a, s)
            g.auto_score, g.needs_manual_grade = auto, False
            m = gb.find_grade("memo", a, a, s)
            m.manual_score, m.needs_manual_grade = manual, False
        gb.db.commit()
    mapping = root / "students.csv"
    mapping.write_text("student_id,name,first_name,last_name,email,canvas_id,sis_user_id,sis_login_id,section,"
                       "username,id_number\n"
                       "s01,\"王, 芳\",芳,王,wang@example.edu,101,S-1,wang,EMBA1,wangf,2024001\n"
                       "s02,李强,强,李,li@example.edu,102,S-2,li,EMBA1,liq,2024002\n"
                       "s03,=cmd,敏,=张,zhang@example.edu,103,S-3,zhang,EMBA2,zhangm,2024003\n", encoding="utf-8")
    return root, mapping


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


@pytest.mark.parametrize("which", sorted(PUBLISHED))
def test_export_opens_in_the_published_layout(course, tmp_path, which):
    root, mapping = course
    out = lms.export(root, which, mapping, tmp_path / f"{which}.csv")
    rows = _rows(out)
    assert rows[0][:len(PUBLISHED[which])] == PUBLISHED[which]
    titles = rows[0][len(PUBLISHED[which]):]
    if which == "blackboard":
        assert titles == ["m1 [Total Pts: 15 Score]", "m4 [Total Pts: 15 Score]"]
        assert out.read_text(encoding="utf-8").startswith('"Last Name","First Name"')   # every value quoted
    else:
        assert titles == ["m1", "m4"]
    body = {r[0] if which != "blackboard" else r[2]: r[len(PUBLISHED[which]):] for r in rows[1:]}
    key = {"canvas": ("王, 芳", "李强", "'=cmd"), "moodle": ("芳", "强", "敏"), "blackboard": ("wangf", "liq", "zhangm")}
    a, b, c = key[which]
    assert body[a] == ["10", "15"] and body[b] == ["14.5", "0"] and body[c] == ["0", "0"]


def test_blackboard_column_ids_match_existing_columns(course, tmp_path):
    root, mapping = course
    out = lms.export(root, "blackboard", mapping, tmp_path / "bb.csv", column_ids={"m1": "8842"})
    assert _rows(out)[0][4:] == ["m1 [Total Pts: 15 Score] |8842", "m4 [Total Pts: 15 Score]"]


def test_refusals_are_one_sentence_and_write_nothing(course, tmp_path):
    root, mapping = course
    partial = tmp_path / "partial.csv"
    partial.write_text("student_id,email\ns01,wang@example.edu\n", encoding="utf-8")
    with pytest.raises(GradingError, match="lacks these students: s02, s03"):
        lms.export(root, "moodle", partial, tmp_path / "a.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("student_id,password\ns01,x\n", encoding="utf-8")
    with pytest.raises(GradingError, match="unknown columns: password"):
        lms.export(root, "moodle", bad, tmp_path / "b.csv")
    with pytest.raises(GradingError, match="Unsupported LMS"):
        lms.export(root, "sakai", mapping, tmp_path / "c.csv")
    exists = tmp_path / "exists.csv"
    exists.write_text("keep me", encoding="utf-8")
    with pytest.raises(GradingError, match="never overwrites"):
        lms.export(root, "canvas", mapping, exists)
    assert exists.read_text(encoding="utf-8") == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv", "exists.csv", "partial.csv"]


def test_command_line_export(course, tmp_path):
    root, mapping = course
    out = tmp_path / "canvas.csv"
    r = subprocess.run([sys.executable, "-m", "o2o", "grades", "export", "--lms", "canvas", "--map", str(mapping),
                        "--out", str(out), "--course-root", str(root)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert _rows(out)[0] == PUBLISHED["canvas"] + ["m1", "m4"]


def test_an_unwritable_place_is_one_sentence(course, tmp_path):
    root, mapping = course
    with pytest.raises(GradingError, match="Cannot write"):
        lms.export(root, "canvas", mapping, tmp_path / "no-such-folder" / "grades.csv")
