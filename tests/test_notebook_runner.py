"""o2o.notebook_runner runs notebooks as Run All does and reports failures instead of raising;
the lesson benchmark rewrites only its own section of docs/benchmarks.md."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import nbformat
import pytest

from o2o.notebook_runner import run_many, run_notebook

ROOT = Path(__file__).resolve().parents[1]


def _notebook(path: Path, *sources: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


@pytest.mark.slow
def test_runs_in_the_notebooks_folder_and_reports_outputs(tmp_path):
    (tmp_path / "data.txt").write_text("42", encoding="utf-8")
    good = _notebook(tmp_path / "good.ipynb", "print(open('data.txt').read())",
                     "from IPython.display import display\ndisplay({'image/png': 'iVBORw0KGgo='}, raw=True)")
    bad = _notebook(tmp_path / "bad.ipynb", "x = 1", "1 / 0", "print('never')")
    results = run_many([good, bad, tmp_path / "missing.ipynb"], workers=2, timeout=60)
    ok, failed, missing = (results[str(p)] for p in (good, bad, tmp_path / "missing.ipynb"))
    assert ok.ok and "42" in ok.stdout and ok.has_figure_or_widget
    assert not failed.ok and "ZeroDivisionError" in failed.error and "never" not in failed.stdout
    assert not missing.ok and "missing" in missing.error


def test_unreadable_notebook(tmp_path):
    p = tmp_path / "broken.ipynb"
    p.write_text("{not json", encoding="utf-8")
    r = run_notebook(p)
    assert not r.ok and "unreadable" in r.error


def _bench():
    spec = importlib.util.spec_from_file_location("bench_lessons", ROOT / "benchmarks" / "bench_lessons.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_benchmark_section_replaces_only_itself(tmp_path, monkeypatch):
    bench = _bench()
    docs = tmp_path / "benchmarks.md"
    docs.write_text(f"# B\n\n## other\nkeep me\n\n{bench.START}\nold\n{bench.END}\n\n## after\nkeep too\n", encoding="utf-8")
    monkeypatch.setattr(bench, "DOCS", docs)
    rows = [{"name": "lessons/a.ipynb", "ok": True, "wall": 3.0, "baseline": 2.0, "cpu": 4.0, "baseline_cpu": 2.0},
            {"name": "lessons/b.ipynb", "ok": True, "wall": 9.0, "baseline": 2.0},
            {"name": "lessons/c.ipynb", "ok": False, "wall": None, "error": "missing"}]
    section = bench.render(rows, [2.0, 2.0], {"finished": "now", "python": "3", "cpu_count": 2, "load": "1.0"})
    assert "| median lesson ≤ 2× baseline | 3.00× | NO |" in section
    assert "max 4.50× (lessons/b.ipynb) | NO |" in section and "| lessons/c.ipynb | missing |" in section
    assert "| lessons/a.ipynb | 3.00 | 2.00 | 1.50 | 4.00 | 2.00 |" in section
    bench.update_docs(section)
    text = docs.read_text(encoding="utf-8")
    assert "keep me" in text and "keep too" in text and "old" not in text
    assert text.count(bench.START) == 1
