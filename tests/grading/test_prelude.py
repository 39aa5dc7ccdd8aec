"""The trusted set-up shared by a class (``o2o.grading.prelude``): prepared once, never shared between students.

Unit tests hold :class:`PreludeEvaluator` to the verdicts of a fresh :class:`TrustedEvaluator`; the end-to-end
test grades a class whose hidden tests write student data into the set-up's objects (a list, a pandas Series,
a dict of expected answers) with the real nbgrader command line and ``o2o grade --workers 1``: the set-up ran
once on the trusted side for the whole class, and every grade is the one ``nbgrader autograde`` gives (a fresh
kernel per student), so no student changed another's expected answers.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from o2o.grading import codec
from o2o.grading.prelude import PreludeEvaluator, prepare, setup_cells
from o2o.grading.spec import CellSpec, NotebookSpec
from o2o.grading.trusted import TrustedEvaluator

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "grading" / "course"

SETUP = ("import os\nimport pandas as pd\n"
         "try:\n    with open(os.environ.get('O2O_PRELUDE_LOG', '/nonexistent/prelude.log'), 'a') as _f:\n"
         "        _f.write('set-up\\n')\nexcept OSError:\n    pass\n"
         "EXPECTED = {'total': 60.0}\nprices = pd.Series([10.0, 20.0, 30.0])\nseen = []\n")
TEST = ("assert isinstance(total, float), 'total 应该是小数'\n"
        "### BEGIN HIDDEN TESTS\n"
        "seen.append(total)\n"
        "if total > 1000:\n    prices.iloc[0] = total\n"
        "if total < 0:\n    EXPECTED['total'] = -total\n"
        "assert len(seen) == 1\n"
        "assert float(prices.sum()) == 60.0\n"
        "assert total == EXPECTED['total']\n"
        "### END HIDDEN TESTS")


def _cell(gid: str, kind: str, source: str) -> CellSpec:
    return CellSpec(gid, "code", kind, source, None, gid, {"grade_id": gid}, 3.0 if kind == "test" else None)


def _spec() -> NotebookSpec:
    return NotebookSpec("shared", [_cell("setup", "locked", SETUP), _cell("q", "answer", "total = None"),
                                   _cell("t", "test", TEST)], {})


def _fetch(student: dict):
    asked: list[list[str]] = []

    def fetch(names):
        asked.append(list(names))
        return {n: student.get(n, codec.Missing()) for n in names}

    return fetch, asked


def _verdicts(ev, sources: list[str]) -> list[tuple[bool, str]]:
    return [(v.passed, v.ename) for v in (ev.run(s) for s in sources)]


def test_setup_cells_stop_at_the_first_test() -> None:
    spec = NotebookSpec("n", [_cell("a", "locked", "A = 1"), _cell("q", "answer", "x = 1"), _cell("b", "locked", "B = 2"),
                              _cell("t", "test", "assert x"), _cell("c", "locked", "C = 3")], {})
    assert setup_cells(spec) == ["A = 1", "B = 2"]


@pytest.mark.parametrize("student", [{"total": 60.0}, {"total": 5000.0}, {"total": -1.0}, {"total": "60"}, {}])
def test_prelude_gives_the_fresh_evaluators_verdicts(student: dict, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("O2O_PRELUDE_LOG", str(tmp_path / "log"))
    prelude = prepare(_spec(), timeout_s=30, ignore_pattern=None)
    assert prelude is not None and len(prelude.cells) == 1
    fetch, _ = _fetch(student)
    shared = PreludeEvaluator(prelude, fetch, None, 30, None)
    fresh = TrustedEvaluator(_fetch(student)[0], None, timeout_s=30)
    assert _verdicts(shared, [SETUP, TEST]) == _verdicts(fresh, [SETUP, TEST])
    assert shared.reused == 1
    # prepared once (prepare), run once more by the fresh evaluator; the prelude's copy did not run it again
    assert (tmp_path / "log").read_text().count("set-up") == 2


def test_a_name_the_student_defined_first_means_an_ordinary_run(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("O2O_PRELUDE_LOG", str(tmp_path / "log"))
    prelude = prepare(_spec(), timeout_s=30, ignore_pattern=None)
    log_after_prepare = (tmp_path / "log").read_text()
    # `os` defined by the student before the set-up: the trusted run would have seen it, so no prelude
    student = {"os": codec.Opaque("module"), "total": 60.0}
    shared = PreludeEvaluator(prelude, _fetch(student)[0], None, 30, None)
    fresh = TrustedEvaluator(_fetch(student)[0], None, timeout_s=30)
    assert _verdicts(shared, [SETUP, TEST]) == _verdicts(fresh, [SETUP, TEST])
    assert shared.reused == 0
    assert (tmp_path / "log").read_text().count("set-up") == log_after_prepare.count("set-up") + 2


def test_cells_in_another_order_are_evaluated_the_ordinary_way() -> None:
    spec = NotebookSpec("n", [_cell("a", "locked", "A = [1]"), _cell("b", "locked", "B = A + [2]"),
                              _cell("t", "test", "assert B == [1, 2] and x == 1")], {})
    prelude = prepare(spec, timeout_s=30, ignore_pattern=None)
    assert prelude is not None and len(prelude.cells) == 2
    fetch, _ = _fetch({"x": 1})
    # only the first prepared cell is reached before a test: the evaluator is rebuilt with exactly that cell
    ev = PreludeEvaluator(prelude, fetch, None, 30, None)
    v = _verdicts(ev, ["A = [1]", "assert A == [1] and 'B' not in dir()"])
    assert v == [(True, ""), (True, "")] and ev.reused == 1
    # a second student of the same process never gets the evaluator the first one adopted
    a = PreludeEvaluator(prelude, fetch, None, 30, None)
    assert _verdicts(a, ["A = [1]", "B = A + [2]", "A.append(9)\nassert B == [1, 2]"]) == [(True, "")] * 3
    b = PreludeEvaluator(prelude, fetch, None, 30, None)
    assert _verdicts(b, ["A = [1]", "B = A + [2]", "assert A == [1]"]) == [(True, "")] * 3


def test_a_failing_setup_is_not_prepared() -> None:
    spec = NotebookSpec("n", [_cell("a", "locked", "raise ValueError('no data')"), _cell("t", "test", "assert 1")], {})
    assert prepare(spec, timeout_s=30, ignore_pattern=None) is None


# ---------------------------------------------------------------- end to end, real nbgrader


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONWARNINGS"] = "ignore"
    env.pop("O2O_PRELUDE_LOG", None)
    return {**env, **(extra or {})}


def _run(args: list[str], cwd: Path, extra: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    r = subprocess.run(args, cwd=cwd, env=_env(extra), capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, f"{args} failed:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    return r


def _source_notebook() -> dict:
    def code(gid: str, source: str, **md) -> nbformat.NotebookNode:
        c = nbformat.v4.new_code_cell(source)
        c.metadata["nbgrader"] = {"grade_id": gid, "schema_version": 3, "grade": False, "locked": False,
                                  "solution": False, **md}
        return c

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell("# 共享的准备单元格 / shared set-up"),
                code("setup", SETUP, locked=True),
                code("q_total", "### BEGIN SOLUTION\ntotal = 60.0\n### END SOLUTION", solution=True),
                code("t_total", TEST, grade=True, locked=True, points=3)]
    return nb


def _scores(course: Path) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return {s.student_id: s.score for s in gb.assignment_submissions("shared")}


STUDENTS = {"s1_big": "total = 5000.0", "s2_honest": "total = 60.0", "s3_negative": "total = -1.0",
            "s4_honest": "total = 60.0", "s5_wrong_type": "total = 60", "s6_honest": "total = 60.0"}


@pytest.mark.slow
def test_hidden_tests_writing_student_data_into_the_setup_change_no_other_grade(tmp_path: Path) -> None:
    course = tmp_path / "nbgrader"
    shutil.copytree(FIXTURE, course)
    shutil.rmtree(course / "source")
    (course / "source" / "shared").mkdir(parents=True)
    nbformat.write(nbformat.from_dict(_source_notebook()), str(course / "source" / "shared" / "shared.ipynb"))
    _run([sys.executable, "-m", "nbgrader", "generate_assignment", "shared", "--force"], course)
    release = json.loads((course / "release" / "shared" / "shared.ipynb").read_text(encoding="utf-8"))
    for student, answer in STUDENTS.items():
        nb = json.loads(json.dumps(release))
        for c in nb["cells"]:
            if c["metadata"].get("nbgrader", {}).get("grade_id") == "q_total":
                c["source"] = answer
        d = course / "submitted" / student / "shared"
        d.mkdir(parents=True)
        (d / "shared.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    ours = tmp_path / "o2o"
    shutil.copytree(course, ours)

    _run([sys.executable, "-m", "nbgrader", "autograde", "shared"], course)
    log = tmp_path / "trusted-setup.log"
    r = _run([sys.executable, "-m", "o2o", "grade", "shared", "--course-dir", str(ours), "--workers", "1",
              "--no-progress"], ours, {"O2O_PRELUDE_LOG": str(log)})

    expected = {"s1_big": 0.0, "s2_honest": 3.0, "s3_negative": 0.0, "s4_honest": 3.0, "s5_wrong_type": 0.0,
                "s6_honest": 3.0}
    assert _scores(course) == expected  # nbgrader: a fresh kernel, so fresh set-up objects, per student
    assert _scores(ours) == expected, r.stdout
    # the trusted side ran the set-up once for the class (the sandboxed kernels cannot reach the log)
    assert log.read_text().count("set-up") == 1
