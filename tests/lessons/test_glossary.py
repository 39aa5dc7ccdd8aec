"""One term for each concept: lessons, the course home and the lesson guide use only canonical terms."""

from __future__ import annotations

import re

import pytest
from lesson_helpers import LESSONS, PRIMER_FILES, REPO, read_notebook

from o2o.glossary import TERMS, markdown, variants_in

TEXTS = ["course/index.ipynb", "docs/lesson-guide.md"] + PRIMER_FILES + [lsn.file for lsn in LESSONS]


def prose(path: str) -> str:
    if path.endswith(".md"):
        return (REPO / path).read_text(encoding="utf-8")
    return "\n".join(c.source for c in read_notebook(REPO / path).cells if c.cell_type == "markdown")


@pytest.mark.parametrize("path", TEXTS)
def test_only_canonical_terms(path):
    found = variants_in(prose(path))
    assert not found, f"{path} uses variants (see course/glossary.md):\n" + "\n".join(
        f"“{v}” → “{c}”: …{ctx}…" for v, c, ctx in found)


def test_the_glossary_is_small_consistent_and_readable():
    assert 20 <= len(TERMS) <= 40
    canon = [t.zh for t in TERMS]
    assert len(set(canon)) == len(canon)
    for t in TERMS:
        assert t.avoid and t.en and t.meaning
        for v in t.avoid:
            assert not any(v in c for c in canon), f"variant {v!r} is part of a canonical term"
    assert (REPO / "course" / "glossary.md").read_text(encoding="utf-8") == markdown(), \
        "course/glossary.md differs from o2o.glossary: regenerate it with o2o.glossary.markdown()"


def test_variants_are_found_outside_markers_only():
    text = "两种异业战役<!-- fig: table.loc['战役'] -->,每元毛利 0.81;铁杆粉"
    assert [v for v, _, _ in variants_in(text)] == ["战役", "每元毛利"]
    assert variants_in("<!-- given: 每元毛利 -->铁杆粉与直营店") == []


def test_core_terms_are_never_spelled_with_spaces():
    """The core terms keep one spelling: no space inside 双重差分, 小分队 and the like."""
    for path in TEXTS:
        text = re.sub(r"<!--.*?-->", "", prose(path), flags=re.S)
        for term in ("双重差分", "小分队", "粉丝分层", "增量毛利"):
            spaced = " ".join(term)
            assert spaced not in text, f"{path}: “{spaced}”"
