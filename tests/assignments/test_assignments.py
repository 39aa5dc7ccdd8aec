"""Every assignment generates with nbgrader, hides its answers, and grades as designed.

One temporary course (shared by the whole module) holds copies of the source notebooks.
For each assignment the real ``nbgrader`` command line, run from ``course/`` with the
course's own ``nbgrader_config.py``, generates the student version; two students submit:
``solution`` (the instructor's source notebook) and ``blank`` (the released notebook as a
student receives it). ``nbgrader autograde`` must give the solution every autograded
point and the blank notebook none.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from o2o.assignments import ASSIGNMENTS
from o2o.assignments.catalog import marks

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "assignments" / "source"
COURSE_DIR = ROOT / "course"

pytestmark = pytest.mark.slow


def _region_lines(source: str, begin: str, end: str) -> list[str]:
    """Stripped, non-trivial lines between ``### BEGIN X`` and ``### END X`` markers."""
    out, inside = [], False
    for line in source.splitlines():
        if begin in line:
            inside = True
            continue
        if end in line:
            inside = False
            continue
        text = line.strip()
        if inside and len(text) >= 12 and not text.startswith("#"):
            out.append(text)
    return out


def _outside_regions(source: str) -> str:
    """The source without its solution and hidden-test regions."""
    keep, inside = [], False
    for line in source.splitlines():
        if "BEGIN SOLUTION" in line or "BEGIN HIDDEN TESTS" in line:
            inside = True
        elif "END SOLUTION" in line or "END HIDDEN TESTS" in line:
            inside = False
        elif not inside:
            keep.append(line)
    return "\n".join(keep)


class Course:
    """A throw-away nbgrader course driven through the real command line."""

    def __init__(self, root: Path, data_dir: Path) -> None:
        self.root = root
        self.env = dict(os.environ)
        bindir = str(Path(sys.executable).parent)
        self.env["PATH"] = bindir + os.pathsep + self.env.get("PATH", "")
        self.env["O2O_COURSE_ROOT"] = str(root)
        self.env["O2O_EXCHANGE_ROOT"] = str(root / "exchange")
        self.env["O2O_DATA_DIR"] = str(data_dir)
        self.env.pop("JUPYTER_CONFIG_DIR", None)
        self.nbgrader = str(Path(bindir) / "nbgrader")
        self._graded: dict[str, dict[str, dict[str, float | None]]] = {}

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        proc = subprocess.run(
            [self.nbgrader, *args], cwd=COURSE_DIR, env=self.env, capture_output=True, text=True, timeout=1200
        )
        assert proc.returncode == 0 or not check, f"nbgrader {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr[-4000:]}"
        return proc

    def release(self, name: str) -> Path:
        return self.root / "release" / name / f"{name}.ipynb"

    def grade_all(self, names: list[str]) -> None:
        """Generate every assignment, submit solution and blank for each, autograde all at once."""
        for name in names:
            shutil.copytree(SOURCE / name, self.root / "source" / name)
        self.run("generate_assignment", "*")
        for name in names:
            for student, nb in (("solution", SOURCE / name / f"{name}.ipynb"), ("blank", self.release(name))):
                dest = self.root / "submitted" / student / name
                dest.mkdir(parents=True)
                shutil.copy(nb, dest / f"{name}.ipynb")
        self.log = self.run("autograde", "*", check=False)
        with Gradebook(f"sqlite:///{self.root / 'gradebook.db'}") as gb:
            for name in names:
                self._graded[name] = {}
                for student in ("solution", "blank"):
                    try:
                        nb = gb.find_submission_notebook(name, name, student)
                    except Exception:  # not graded at all: reported by the tests below
                        continue
                    self._graded[name][student] = {g.name: g.auto_score for g in nb.grades}

    def graded(self, name: str) -> dict[str, dict[str, float | None]]:
        """Scores by student (``solution``, ``blank``) and grade id."""
        scores = self._graded[name]
        assert set(scores) == {"solution", "blank"}, f"{name} was not autograded:\n{self.log.stderr[-4000:]}"
        return scores

    def autograded(self, student: str, name: str) -> dict:
        path = self.root / "autograded" / student / name / f"{name}.ipynb"
        return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def course(tmp_path_factory, dataset_dir) -> Course:
    c = Course(tmp_path_factory.mktemp("course"), dataset_dir)
    c.grade_all(_present())
    return c


def _present() -> list[str]:
    return [a for a in ASSIGNMENTS if (SOURCE / a / f"{a}.ipynb").exists()]


def test_every_assignment_has_a_source_notebook():
    assert _present() == list(ASSIGNMENTS)


@pytest.mark.parametrize("name", _present())
def test_source_notebook_is_clean(name):
    nb = json.loads((SOURCE / name / f"{name}.ipynb").read_text(encoding="utf-8"))
    assert (nb["nbformat"], nb["nbformat_minor"]) == (4, 5)
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    ids = [c["id"] for c in nb["cells"]]
    assert len(ids) == len(set(ids))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None
    m = marks(name)
    assert m.auto > 0 and m.manual > 0, "each assignment mixes autograded and written answers"
    gids = [c.grade_id for c in m.cells]
    assert len(gids) == len(set(gids))


@pytest.mark.parametrize("name", _present())
def test_release_hides_solutions_and_hidden_tests(course, name):
    course.graded(name)
    src = (SOURCE / name / f"{name}.ipynb").read_text(encoding="utf-8")
    released = course.release(name).read_text(encoding="utf-8")
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
        assert marker not in released
    src_nb = json.loads(src)
    rel_text = "\n".join("".join(c["source"]) for c in json.loads(released)["cells"])
    # what the source shows students anyway (question text, templates): secret lines may repeat it
    public = "\n".join(_outside_regions("".join(c["source"])) for c in src_nb["cells"])
    checked = 0
    for cell in src_nb["cells"]:
        text = "".join(cell["source"])
        secret = _region_lines(text, "BEGIN SOLUTION", "END SOLUTION")
        secret += _region_lines(text, "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
        for line in secret:
            if line in public:
                continue
            checked += 1
            assert line not in rel_text, f"{name}: released notebook still contains {line!r}"
    assert checked >= 5


@pytest.mark.parametrize("name", _present())
def test_solution_gets_every_autograded_point(course, name):
    scores = course.graded(name)["solution"]
    m = marks(name)
    for cell in m.cells:
        if cell.manual:
            assert scores[cell.grade_id] is None, f"{cell.grade_id} should wait for the instructor"
        else:
            assert scores[cell.grade_id] == cell.points, _failure(course, "solution", name, cell.grade_id)


@pytest.mark.parametrize("name", _present())
def test_blank_notebook_gets_nothing(course, name):
    scores = course.graded(name)["blank"]
    for cell in marks(name).cells:
        assert scores[cell.grade_id] == 0, f"{name}/{cell.grade_id}: blank submission scored {scores[cell.grade_id]}"
    # and every autograded question told the student, in Chinese, what is missing
    nb = course.autograded("blank", name)
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell["cell_type"] == "code" and meta.get("grade") and not meta.get("solution"):
            errors = [o for o in cell["outputs"] if o["output_type"] == "error"]
            assert errors and errors[0]["ename"] == "AnswerError", (name, meta["grade_id"], errors)
            assert re.search("[\u4e00-\u9fff]", errors[0]["evalue"])


def _failure(course: Course, student: str, name: str, grade_id: str) -> str:
    nb = course.autograded(student, name)
    for cell in nb["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id:
            return f"{name}/{grade_id} outputs: {json.dumps(cell['outputs'], ensure_ascii=False)[:3000]}"
    return f"{name}/{grade_id}: cell not found"


def test_debrief_reads_the_real_gradebook(course, dataset):
    """The class debrief works on what real nbgrader wrote: scores, failures and the solution's analysis."""
    from o2o import debrief

    cls = debrief.open_class(course.root)
    scores = debrief.score_table(cls, "capstone")
    assert set(scores["student"]) == {"solution", "blank"}
    dist = debrief.score_distribution(scores).set_index("题目")
    assert dist.loc["q1-test", "满分率"] == 0.5 and dist.loc["q6-memo", "类型"] == "人工"
    fails = debrief.failure_messages(cls, "capstone")
    assert set(fails["student"]) == {"blank"}
    assert fails["message"].str.contains("还没有作答").all()
    table = debrief.class_rollouts(cls, ds=dataset).set_index("student")
    assert table.loc["solution", "自动题答对"] == 5 and not table.loc["solution", "看未来"]
    assert table.loc["blank", "状态"] == "没有可读取的答案"
