"""The syllabus and the lesson files agree both ways, and the syllabus says what the course promises."""

from __future__ import annotations

import pytest
from lesson_helpers import LESSONS, REPO, SYLLABUS

from o2o.syllabus import TABLES


def test_thirty_six_lectures_in_six_modules():
    assert [lesson.number for lesson in LESSONS] == list(range(1, 37))
    assert [m.id for m in SYLLABUS.modules] == ["m1", "m2", "m3", "m4", "m5", "m6"]
    for module in SYLLABUS.modules:
        assert len(SYLLABUS.module_lessons(module.id)) == 6, module.id


def test_lectures_17_and_18_keep_their_real_titles():
    assert SYLLABUS.lesson(17).title_zh == "碎片化渠道和个性化内容"
    assert SYLLABUS.lesson(18).title_zh == "激活一线的战争"
    assert SYLLABUS.lesson(17).source == SYLLABUS.lesson(18).source == "000"


def test_first_twenty_lectures_are_the_kits_reconstruction_of_the_touchpoint_scene_system():
    """Lecture 18 only says students had heard a 20-lecture system; the kit presents lectures 1-20 as its own
    reconstruction of it, never as the original lectures."""
    assert SYLLABUS.system_name_zh == "触点场景践行体系"
    assert [lsn.number for lsn in LESSONS if lsn.in_touchpoint_scene_system] == list(range(1, 21))
    described = " ".join(m.description_zh for m in SYLLABUS.modules)
    assert "本套件对第18讲所说“触点场景践行体系”的重构" in described
    assert "完成触点场景践行体系" not in described and "触点场景践行体系(第1–20讲)" not in described


def test_the_rights_article_has_an_in_depth_lesson():
    assert any(lsn.source == "004" and "权益" in lsn.title_zh for lsn in LESSONS)


def test_every_assignment_is_practised_by_some_lesson():
    used = {lsn.assignment.id for lsn in LESSONS}
    assert used == {a.id for a in SYLLABUS.assignments}
    assert {a.id for a in SYLLABUS.assignments} == {
        "m1-o2o-basics", "m2-touchpoints", "m3-scenes", "m4-fivew", "m5-rights", "m6-cross-industry", "capstone"}


def test_tables_are_dataset_tables():
    for lsn in LESSONS:
        assert set(lsn.tables) <= TABLES


def test_every_syllabus_lesson_has_its_file(lesson):
    assert (REPO / lesson.file).is_file(), f"missing {lesson.file}"


def test_every_lesson_file_is_in_the_syllabus():
    listed = {lsn.file for lsn in LESSONS} | ({SYLLABUS.primer.file} if SYLLABUS.primer else set())
    on_disk = {p.relative_to(REPO).as_posix() for p in (REPO / "lessons").glob("*.ipynb")}
    extra = sorted(on_disk - listed)
    assert not extra, f"lesson notebooks not in course/syllabus.yml: {extra}"


@pytest.mark.parametrize("path", ["course/index.ipynb"])
def test_course_home_exists(path):
    assert (REPO / path).is_file()


def test_tables_read_by_a_lesson_are_listed(lesson):
    import re

    from lesson_helpers import read_notebook

    path = REPO / lesson.file
    assert path.is_file(), f"missing {lesson.file}"
    code = "\n".join(c.source for c in read_notebook(path).cells if c.cell_type == "code")
    used = set(re.findall(r"\bds\.(\w+)\b", code)) | set(re.findall(r"""\bds\.table\(\s*["'](\w+)["']""", code))
    used &= TABLES
    missing = sorted(used - set(lesson.tables))
    assert not missing, f"{lesson.file} reads {missing}, not listed under tables in course/syllabus.yml"


def test_the_primer_is_lesson_zero_and_linked_from_the_course_home_and_the_guide():
    """Lesson 0 (the notebook primer) is in the syllabus beside the 36 lectures, not among them."""
    from lesson_helpers import read_notebook

    primer = SYLLABUS.primer
    assert primer is not None and (REPO / primer.file).is_file()
    assert primer.file not in {lsn.file for lsn in LESSONS}
    name = primer.file.split("/")[-1]
    home = "\n".join(c.source for c in read_notebook(REPO / "course" / "index.ipynb").cells)
    assert f"../lessons/{name}" in home
    assert f"../lessons/{name}" in (REPO / "course" / "INSTRUCTOR.md").read_text(encoding="utf-8")

