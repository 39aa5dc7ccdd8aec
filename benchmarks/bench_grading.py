"""Class grading: ``o2o grade`` (parallel, sandboxed) against sequential ``nbgrader autograde``.

Two classes, each graded twice in the same run, each time in its own copy of the course: once by one
``nbgrader autograde`` process (sequential, nbgrader as it ships) and once by ``o2o grade`` (watchdog
pool of long-lived workers, ipc kernels, bubblewrap sandbox, bounded JSON codec, sealed calls):

* ``demo``: 40 students of the demo assignment (tests/fixtures/grading/course: full, blank and partly
  right submissions, cycling);
* ``m3-scenes``: 20 students of the real assignment (full, one answer wrong, blank, cycling), every
  kernel loading the default dataset.

The grades of every student and every cell must be identical; the ratio of wall times is the result.
The machine's load average is recorded before and after each class: on a shared machine both wall
times wait for a core by unequal amounts, so a ratio measured under load is not a quiet-machine figure.
Results go to ``$O2O_BENCH_RESULTS/grading.json`` (default ``benchmarks/results/``).

    python benchmarks/bench_grading.py [--students 40] [--real-students 20] [--workers N] [--only demo|m3-scenes]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "grading" / "course"
sys.path.insert(0, str(ROOT / "tests" / "grading"))

from hostile import WRONG, answers_of, fill  # noqa: E402


def env() -> dict[str, str]:
    e = dict(os.environ)
    e["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{e.get('PATH', '')}"
    return e


def run(args: list[str], cwd: Path, extra: dict[str, str] | None = None) -> float:
    t = time.perf_counter()
    r = subprocess.run(args, cwd=cwd, env={**env(), **(extra or {})}, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"{args} failed:\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}")
    return time.perf_counter() - t


def scores(course: Path, assignment: str) -> dict[str, dict[str, float]]:
    from nbgrader.api import Gradebook

    out = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for sub in gb.assignment_submissions(assignment):
            out[sub.student_id] = {g.name: g.auto_score for nb in sub.notebooks for g in nb.grades}
    return out


def loadavg() -> str:
    return " / ".join(Path("/proc/loadavg").read_text().split()[:3])


def demo_class(tmp: Path, students: int) -> Path:
    """A copy of the demo course with ``students`` submissions."""
    base = tmp / "demo"
    shutil.copytree(FIXTURE, base)
    run([sys.executable, "-m", "nbgrader", "generate_assignment", "demo", "--force"], base)
    release = json.loads((base / "release" / "demo" / "demo.ipynb").read_text(encoding="utf-8"))
    full = answers_of(json.loads((base / "source" / "demo" / "demo.ipynb").read_text(encoding="utf-8")))
    variants = [{}, {"q_top": WRONG["q_top"]}, {"q_double": WRONG["q_double"], "q_cost": WRONG["q_cost"]}, None]
    for i in range(students):
        v = variants[i % len(variants)]
        nb = release if v is None else fill(release, {**full, **v})
        d = base / "submitted" / f"student{i:02d}" / "demo"
        d.mkdir(parents=True)
        (d / "demo.ipynb").write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    return base


def real_class(tmp: Path, assignment: str, students: int) -> Path:
    """A course root (the repository's course/ configuration points at it) with ``students`` submissions."""
    base = tmp / assignment
    shutil.copytree(ROOT / "assignments" / "source" / assignment, base / "source" / assignment)
    run([sys.executable, "-m", "nbgrader", "generate_assignment", assignment, "--force"], ROOT / "course",
        {"O2O_COURSE_ROOT": str(base)})
    for nb_path in sorted((base / "release" / assignment).glob("*.ipynb")):
        release = json.loads(nb_path.read_text(encoding="utf-8"))
        answers = answers_of(json.loads((base / "source" / assignment / nb_path.name).read_text(encoding="utf-8")))
        first = sorted(answers)[0]
        wrong = {first: f"{answers[first].split(chr(10))[0].split('=')[0].strip()} = -1"}
        variants = [answers, {**answers, **wrong}, None]
        for i in range(students):
            v = variants[i % len(variants)]
            d = base / "submitted" / f"student{i:02d}" / assignment
            d.mkdir(parents=True, exist_ok=True)
            nb = release if v is None else fill(release, v)
            (d / nb_path.name).write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    return base


def compare(name: str, assignment: str, base: Path, students: int, workers: int | None, real: bool) -> dict:
    seq, par = base.parent / f"{name}-sequential", base.parent / f"{name}-parallel"
    shutil.copytree(base, seq)
    shutil.copytree(base, par)
    load_before = loadavg()
    started = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    if real:
        course = ROOT / "course"
        t_seq = run([sys.executable, "-m", "nbgrader", "autograde", assignment], course, {"O2O_COURSE_ROOT": str(seq)})
        cmd = [sys.executable, "-m", "o2o", "grade", assignment, "--course-dir", str(course), "--no-progress"]
        penv = {"O2O_COURSE_ROOT": str(par)}
    else:
        t_seq = run([sys.executable, "-m", "nbgrader", "autograde", assignment], seq)
        cmd = [sys.executable, "-m", "o2o", "grade", assignment, "--course-dir", str(par), "--no-progress"]
        penv = {}
    if workers:
        cmd += ["--workers", str(workers)]
    t_par = run(cmd, ROOT if real else par, penv)
    a, b = scores(seq, assignment), scores(par, assignment)
    return {"class": name, "students": students, "cores": os.cpu_count(), "workers": workers or os.cpu_count(),
            "nbgrader_autograde_s": round(t_seq, 2), "o2o_grade_s": round(t_par, 2),
            "speedup": round(t_seq / t_par, 2), "identical_grades": a == b and len(a) == students,
            "load_average_before": load_before, "load_average_after": loadavg(), "started": started}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--students", type=int, default=40)
    ap.add_argument("--real-students", type=int, default=20)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--only", choices=("demo", "m3-scenes"), default=None, help="grade one class only")
    args = ap.parse_args()
    if args.students < 1 or args.real_students < 1 or (args.workers is not None and args.workers < 1):
        ap.error("--students, --real-students and --workers must be at least 1")
    tmp = Path(tempfile.mkdtemp(prefix="bench-grading-"))
    try:
        results = []
        if args.only in (None, "demo"):
            results.append(compare("demo", "demo", demo_class(tmp, args.students), args.students, args.workers, False))
        if args.only in (None, "m3-scenes"):
            results.append(compare("m3-scenes", "m3-scenes", real_class(tmp, "m3-scenes", args.real_students),
                                   args.real_students, args.workers, True))
        print(json.dumps(results, indent=1))
        out = Path(os.environ.get("O2O_BENCH_RESULTS", ROOT / "benchmarks" / "results"))
        out.mkdir(parents=True, exist_ok=True)
        (out / "grading.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
        if not all(r["identical_grades"] for r in results):
            raise SystemExit("grades differ between nbgrader autograde and o2o grade")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
