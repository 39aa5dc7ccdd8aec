"""The kit is faithful to its two sources: lecture 18 and the article on the struggle over rights.

* The article names no author (it speaks as 笔者): nothing the kit ships attributes it to a named person.
* Lecture 18 only says some students had heard a "20讲触点场景践行体系"; the kit never presents
  its lectures 1–20 as that system's original contents (see also test_syllabus.py).
* Paraphrase, not copying: no markdown passage shares a run of WINDOW Chinese characters with
  either source (short attributed quotes and lists of the sources' terms stay well below it).
"""

from __future__ import annotations

import re

import pytest
from lesson_helpers import REPO, read_notebook, shipped_notebooks
from source_text import WINDOW, load_fingerprints, windows

NOTEBOOKS = shipped_notebooks()
TEXT_FILES = sorted(p for pattern in ("src/o2o/**/*.py", "docs/*.md", "course/*.yml", "course/*.md", "README.md",
                                      "datasets/README.md")
                    for p in REPO.glob(pattern))

_NAMED = re.compile(r"张波|Zhang Bo", re.IGNORECASE)
_ARTICLE = re.compile(r"权益之争|struggle over rights|rights struggle|rights-struggle|该文|这篇文章|the article")


def _paragraphs(text: str) -> list[str]:
    return [p for p in re.split(r"\n\s*\n", text) if p.strip()]


def _misattributions(text: str) -> list[str]:
    return [p.strip()[:120] for p in _paragraphs(text) if _NAMED.search(p) and _ARTICLE.search(p)
            and not re.search(r"第18讲|lecture 18|讲座|lecture series|series", p)]


def test_the_misattribution_check_catches_a_named_author():
    assert _misattributions("本课依据:张波《O2O最大的难题是权益之争》(2014)。")
    assert not _misattributions("本课依据:文章《O2O最大的难题是权益之争》(2014),原文未署名。")


@pytest.mark.parametrize("path", NOTEBOOKS + TEXT_FILES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_the_rights_article_is_never_attributed_to_a_named_author(path):
    if path.suffix == ".ipynb":
        text = "\n\n".join(c.source for c in read_notebook(path).cells)
    else:
        text = path.read_text(encoding="utf-8")
    found = _misattributions(text)
    assert not found, f"{path.name}: the article names no author (say 文章作者 / the article's author):\n" + \
        "\n".join(found)


def test_lessons_on_the_article_say_it_names_no_author():
    for name in ("28-rights-struggle.ipynb", "29-convection-posts.ipynb"):
        first = read_notebook(REPO / "lessons" / name).cells[0].source
        assert "原文未署名" in first or "原文没有署名" in first, name


@pytest.fixture(scope="module")
def fingerprints():
    return load_fingerprints()


def test_the_copy_check_sees_a_copied_passage(fingerprints):
    """A passage lifted from lecture 18 is caught (the fingerprints are of the real sources)."""
    lesson = read_notebook(REPO / "lessons" / "18-activate-front-line.ipynb").cells[2].source
    assert len(fingerprints) > 3000
    # a run that paraphrases is not caught …
    assert not set(windows(lesson)) & fingerprints
    # … while a sentence of lecture 18 copied whole is
    copied = "我们要从有效益,能养高级别专家、干部的代表处开始改革"
    assert set(windows(copied)) & fingerprints


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.relative_to(REPO).as_posix())
def test_no_passage_follows_a_source_word_for_word(path, fingerprints):
    for i, cell in enumerate(read_notebook(path).cells):
        if cell.cell_type != "markdown":
            continue
        shared = {run for h, run in windows(cell.source).items() if h in fingerprints}
        assert not shared, (f"{path.name} cell {i} follows a source word for word for {WINDOW}+ characters "
                            f"(paraphrase, or quote briefly with attribution): {sorted(shared)[:3]}")
