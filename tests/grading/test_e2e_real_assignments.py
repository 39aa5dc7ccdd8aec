"""Every real assignment goes through nbgrader and ``o2o grade`` with per-student variants on: each student is
graded against their own variant, and the full solution = full autograded marks, a solution rounded as each
question asks = full marks too, blank = 0 (the base case, variants off, is graded in
tests/assignments/test_assignments.py)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from hostile import answers_of, fill  # noqa: E402

from o2o.assignments.catalog import asked_precision  # noqa: E402

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted(p.name for p in (ROOT / "assignments" / "source").iterdir() if list(p.glob("*.ipynb")))


def _run(args: list[str], cwd: Path, extra_env: dict[str, str]) -> subprocess.CompletedProcess:
    env = dict(os.environ, **extra_env)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    r = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=1200)
    assert r.returncode == 0, f"{args}:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    return r


#: answer cell to get wrong -> points its test cell carries (assignments/README.md)
PARTIAL = {"m1-o2o-basics": ("q3-answer", 2), "m2-touchpoints": ("q1-answer", 2)}


def _rounded(assignment: str, answers: dict[str, str]) -> dict[str, str]:
    """The solution with every numeric answer rounded to the decimals its question asks for
    (a dict's values each rounded), as a careful student would hand it in."""
    out = dict(answers)
    for p in asked_precision(assignment):
        v, d = p.variable, p.decimals
        out[p.grade_id] = (answers[p.grade_id] + f"\n{v} = ({{_k: round(float(_x), {d}) for _k, _x in {v}.items()}}"
                           f" if isinstance({v}, dict) else round(float({v}), {d}))\n{v}")
    return out


@pytest.mark.parametrize("assignment", SOURCES)
def test_real_assignment_full_and_blank(assignment: str, tmp_path: Path, dataset) -> None:
    root = tmp_path / "course"
    shutil.copytree(ROOT / "assignments" / "source" / assignment, root / "source" / assignment)
    secret = tmp_path / "variant-secret"   # every student (full, blank, partial, rounded) gets their own variant
    secret.write_bytes(b"real-assignments-course-secret-0123456789")
    secret.chmod(0o600)
    env = {"O2O_COURSE_ROOT": str(root), "O2O_EXCHANGE_ROOT": str(tmp_path / "exchange"),
           "O2O_COURSE_SECRET_FILE": str(secret)}
    course = ROOT / "course"
    _run([sys.executable, "-m", "nbgrader", "generate_assignment", assignment, "--force"], course, env)
    for nb_path in sorted((root / "release" / assignment).glob("*.ipynb")):
        release = json.loads(nb_path.read_text(encoding="utf-8"))
        source = json.loads((root / "source" / assignment / nb_path.name).read_text(encoding="utf-8"))
        answers = answers_of(source)
        students = [("full", fill(release, answers)), ("blank", release)]
        # partly right: every answer of the solution but one, which is wrong; only that question's points go
        wrong = {gid: f"{text.split(chr(10))[0].split('=')[0].strip()} = -1" for gid, text in answers.items()
                 if gid == PARTIAL.get(assignment, ("",))[0]}
        if wrong:
            students.append(("partial", fill(release, {**answers, **wrong})))
        rounded = _rounded(assignment, answers)
        if rounded != answers:
            students.append(("rounded", fill(release, rounded)))
        for student, nb in students:
            d = root / "submitted" / student / assignment
            d.mkdir(parents=True, exist_ok=True)
            (d / nb_path.name).write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    r = _run([sys.executable, "-m", "o2o", "grade", assignment, "--course-dir", str(course), "--workers", "2",
              "--no-progress"], course, env)

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        auto_max = sum(c.max_score for nb in gb.find_assignment(assignment).notebooks for c in nb.grade_cells
                       if c.cell_type == "code")
        got = {}
        for sub in gb.assignment_submissions(assignment):
            got[sub.student_id] = sum(g.auto_score or 0 for nb in sub.notebooks for g in nb.grades
                                      if g.cell.cell_type == "code")
    assert auto_max > 0
    expected = {"full": auto_max, "blank": 0}
    if asked_precision(assignment):
        expected["rounded"] = auto_max
    if assignment in PARTIAL:
        expected["partial"] = auto_max - PARTIAL[assignment][1]
    assert got == expected, r.stdout
