"""A course folder with per-student variants on, for the end-to-end grading tests: the released notebook,
the source's answers, submissions written as nbgrader's ``submitted/`` tree, and the real ``o2o grade``."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from hostile import answers_of, fill

from o2o.data import variants as V

ROOT = Path(__file__).resolve().parents[2]
COURSE = ROOT / "course"


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    full = dict(os.environ, **env)
    full["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{full.get('PATH', '')}"
    r = subprocess.run(args, cwd=COURSE, env=full, capture_output=True, text=True, timeout=1500)
    assert r.returncode == 0, f"{args}:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    return r


class VariantCourse:
    """``assignment`` generated into a fresh course under ``tmp`` with the course secret ``secret``."""

    def __init__(self, tmp: Path, assignment: str, secret: bytes, dataset_dir: Path) -> None:
        self.assignment = assignment
        self.root = tmp / "course"
        shutil.copytree(ROOT / "assignments" / "source" / assignment, self.root / "source" / assignment)
        self.secret = tmp / "variant-secret"
        self.secret.write_bytes(secret)
        self.secret.chmod(0o600)
        self.env = {"O2O_COURSE_ROOT": str(self.root), "O2O_EXCHANGE_ROOT": str(tmp / "exchange"),
                    V.ENV_SECRET_FILE: str(self.secret), "O2O_DATA_DIR": str(dataset_dir)}
        run([sys.executable, "-m", "nbgrader", "generate_assignment", assignment, "--force"], self.env)
        self.release = self._notebook("release")
        self.solution = answers_of(self._notebook("source"))

    def _notebook(self, folder: str) -> dict:
        a = self.assignment
        return json.loads((self.root / folder / a / f"{a}.ipynb").read_text(encoding="utf-8"))

    def submit(self, student: str, answers: dict[str, str]) -> None:
        """The released notebook with ``answers`` filled in, as ``student``'s submission."""
        d = self.root / "submitted" / student / self.assignment
        d.mkdir(parents=True)
        (d / f"{self.assignment}.ipynb").write_text(json.dumps(fill(self.release, answers), ensure_ascii=False),
                                                    encoding="utf-8")

    def grade(self) -> subprocess.CompletedProcess:
        return run([sys.executable, "-m", "o2o", "grade", self.assignment, "--course-dir", str(COURSE),
                    "--workers", "2", "--no-progress"], self.env)


def scores(root: Path, assignment: str) -> dict[str, dict[str, float]]:
    """Every student's autograded score per code cell of ``assignment``, from the course's gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        return {sub.student_id: {g.name: float(g.auto_score or 0) for nb in sub.notebooks for g in nb.grades
                                 if g.cell.cell_type == "code"}
                for sub in gb.assignment_submissions(assignment)}
