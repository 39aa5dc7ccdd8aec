"""o2o.syllabus: the course syllabus loads, and every schema error gets a clear bilingual message."""

from __future__ import annotations

import copy
import doctest
from pathlib import Path

import pytest
import yaml

import o2o.syllabus as syllabus_module
from o2o.errors import O2OError
from o2o.syllabus import SyllabusError, load_syllabus, parse_syllabus

REPO = Path(__file__).resolve().parents[1]
RAW = yaml.safe_load((REPO / "course" / "syllabus.yml").read_text(encoding="utf-8"))


def test_loads_the_course_syllabus():
    syl = load_syllabus(REPO / "course" / "syllabus.yml")
    assert len(syl.lessons) == 36
    l18 = syl.lesson(18)
    assert l18.code == "18" and l18.module.id == "m3" and l18.assignment.id == "m3-scenes"
    assert l18.source_zh.startswith("张波")
    assert syl.lesson_path(1) == REPO / "lessons" / "01-what-is-o2o.ipynb"


def test_found_from_a_subfolder(monkeypatch):
    monkeypatch.chdir(REPO / "src")
    assert load_syllabus().path == (REPO / "course" / "syllabus.yml").resolve()


def test_doctests(monkeypatch):
    monkeypatch.chdir(REPO)
    assert doctest.testmod(syllabus_module).failed == 0


def _broken(mutate):
    raw = copy.deepcopy(RAW)
    mutate(raw)
    return raw


CASES = {
    "unquoted source": (lambda r: r["lessons"][1].update(source=0), "source"),
    "unknown module": (lambda r: r["lessons"][0].update(module="m9"), "m9"),
    "unknown assignment": (lambda r: r["lessons"][0].update(assignment="hw"), "hw"),
    "wrong file": (lambda r: r["lessons"][0].update(file="lessons/1-x.ipynb"), "lessons/01-what-is-o2o.ipynb"),
    "bad slug": (lambda r: r["lessons"][0].update(slug="What Is", file="lessons/01-What Is.ipynb"), "slug"),
    "unknown table": (lambda r: r["lessons"][0].update(tables=["sales"]), "sales"),
    "unknown widget": (lambda r: r["lessons"][0].update(widgets=["Map"]), "Map"),
    "empty objectives": (lambda r: r["lessons"][0].update(objectives=[]), "objectives"),
    "missing title": (lambda r: r["lessons"][0].pop("title_zh"), "title_zh"),
    "gap in numbers": (lambda r: r["lessons"].pop(4), "连续"),
    "duplicate slug": (lambda r: r["lessons"][1].update(slug="what-is-o2o", file="lessons/02-what-is-o2o.ipynb"), "重复"),
    "no modules": (lambda r: r.update(modules=[]), "modules"),
    "wrong version": (lambda r: r.update(version=2), "version"),
    "number not int": (lambda r: r["lessons"][0].update(number="1"), "number"),
}


@pytest.mark.parametrize("case", CASES)
def test_schema_errors_are_bilingual_and_specific(case, tmp_path):
    mutate, needle = CASES[case]
    with pytest.raises(SyllabusError) as info:
        parse_syllabus(_broken(mutate), tmp_path / "course" / "syllabus.yml")
    err = info.value
    assert isinstance(err, O2OError)
    assert err.zh and err.en and needle in str(err)


def test_invalid_yaml_and_missing_file(tmp_path):
    bad = tmp_path / "syllabus.yml"
    bad.write_text("lessons: [\n", encoding="utf-8")
    with pytest.raises(SyllabusError, match="YAML"):
        load_syllabus(bad)
    with pytest.raises(SyllabusError, match="找不到"):
        load_syllabus(tmp_path / "nope.yml")


def test_unknown_lesson_number():
    syl = load_syllabus(REPO / "course" / "syllabus.yml")
    with pytest.raises(SyllabusError, match="第 99 讲"):
        syl.lesson(99)


def test_lessons_table_in_both_languages():
    from o2o.syllabus import lessons_table

    syl = load_syllabus(REPO / "course" / "syllabus.yml")
    zh, en = lessons_table(syl), lessons_table(syl, "en")
    assert len(zh) == len(en) == 36
    assert zh.iloc[17]["标题"] == "激活一线的战争" and en.iloc[17]["source"].startswith("Zhang Bo")
