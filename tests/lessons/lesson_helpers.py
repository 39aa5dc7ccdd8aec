"""Helpers for the lesson tests: where the notebooks are and what the syllabus says."""

from __future__ import annotations

from pathlib import Path

import nbformat

from o2o.syllabus import load_syllabus

REPO = Path(__file__).resolve().parents[2]
SYLLABUS = load_syllabus(REPO / "course" / "syllabus.yml")
LESSONS = SYLLABUS.lessons
#: Lesson 0, the notebook primer (not one of the lectures), when the syllabus has one.
PRIMER_FILES = [SYLLABUS.primer.file] if SYLLABUS.primer else []

#: Folders whose notebooks the kit ships; every one must be clean and executable.
NOTEBOOK_DIRS = ("lessons", "course", "widgets", "assignments/source")


def shipped_notebooks() -> list[Path]:
    found: list[Path] = []
    for folder in NOTEBOOK_DIRS:
        base = REPO / folder
        if base.is_dir():
            found += [p for p in sorted(base.rglob("*.ipynb")) if ".ipynb_checkpoints" not in p.parts]
    return found


def read_notebook(path: Path):
    return nbformat.read(path, as_version=nbformat.NO_CONVERT)


def lesson_id(lesson) -> str:
    return f"{lesson.code}-{lesson.slug}"
