"""Every notebook the kit ships is clean: no outputs, cell ids, nbformat 4.5, kernel python3, links resolve.

Covers lessons/, course/, widgets/ and assignments/source/.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import nbformat
import pytest
from lesson_helpers import REPO, read_notebook, shipped_notebooks

NOTEBOOKS = shipped_notebooks()

# [text](target "title"), ![alt](target), <a href="target">, <img src="target">
_MD_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_HTML_LINK = re.compile(r"""(?:href|src)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


def relative_links(markdown: str) -> list[str]:
    """Relative link targets in a markdown text (web links, mail and in-page anchors excluded)."""
    targets = _MD_LINK.findall(markdown) + _HTML_LINK.findall(markdown)
    out = []
    for t in targets:
        parsed = urlparse(t)
        if parsed.scheme or t.startswith(("#", "//")):
            continue
        out.append(t)
    return out


def resolve(notebook: Path, target: str) -> Path:
    path = unquote(urlparse(target).path)
    return (notebook.parent / path) if not path.startswith("/") else Path(path)


def test_link_helpers_find_and_skip_the_right_links(tmp_path):
    md = ('见 [第1讲](../lessons/01-what-is-o2o.ipynb) 与 [模拟器](../widgets/%E5%9C%BA.ipynb#top) '
          '[网页](https://example.com) [锚](#学习目标) <a href="x.md">x</a>')
    assert relative_links(md) == ["../lessons/01-what-is-o2o.ipynb", "../widgets/%E5%9C%BA.ipynb#top", "x.md"]
    assert resolve(tmp_path / "course" / "index.ipynb", "../widgets/%E5%9C%BA.ipynb#top") == \
        tmp_path / "course" / "../widgets/场.ipynb"


def test_the_kit_ships_notebooks():
    assert any(p.parent.name == "lessons" for p in NOTEBOOKS), "no lesson notebooks found"


@pytest.fixture(params=NOTEBOOKS, ids=lambda p: p.relative_to(REPO).as_posix())
def notebook(request):
    return request.param


def test_is_valid_nbformat_4_5_with_cell_ids(notebook):
    nb = read_notebook(notebook)
    assert (nb.nbformat, nb.nbformat_minor) >= (4, 5), f"nbformat {nb.nbformat}.{nb.nbformat_minor}"
    nbformat.validate(nb)
    ids = [c.get("id") for c in nb.cells]
    assert all(ids), "a cell has no id"
    assert len(set(ids)) == len(ids), "cell ids are not unique"


def test_has_no_outputs_or_execution_counts(notebook):
    nb = read_notebook(notebook)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.get("outputs") == [], f"cell {i} has outputs"
            assert cell.get("execution_count") is None, f"cell {i} has an execution count"


def test_kernel_is_python3(notebook):
    spec = read_notebook(notebook).metadata.get("kernelspec", {})
    assert spec.get("name") == "python3"
    assert spec.get("display_name") == "Python 3"


def test_every_relative_link_resolves(notebook):
    nb = read_notebook(notebook)
    broken = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for target in relative_links(cell.source):
            if not resolve(notebook, target).exists():
                broken.append(target)
    assert not broken, f"links that lead nowhere: {broken}"


def test_no_machine_paths_or_installs(notebook):
    text = notebook.read_text(encoding="utf-8")
    for bad in ("/work/", "/tmp/", "/home/", "/root/", "C:\\\\Users"):
        assert bad not in text, f"machine path {bad!r} in notebook"
    assert "!pip" not in text and "%pip" not in text, "installs belong in the environment files"
