"""Class grading: ``o2o grade`` (parallel, sandboxed) against sequential ``nbgrader autograde``.

The same 40-student class of the demo assignment (tests/fixtures/grading/course: full, blank and
partly right submissions, cycling) is graded twice in the same run, each in its own copy of the
course: once by one ``nbgrader autograde demo`` process (sequential, nbgrader as it ships) and once
by ``o2o grade demo`` (long-lived workers, ipc kernels, bubblewrap sandbox included). The grades of
every student and every cell must be identical; the ratio of wall times is the result.

    python benchmarks/bench_grading.py [--students 40] [--workers N]
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "grading" / "course"
sys.path.insert(0, str(ROOT / "tests" / "grading"))

from hostile import WRONG, answers_of, fill  # noqa: E402


def env() -> dict[str, str]:
    e = dict(os.environ)
    e["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{e.get('PATH', '')}"
    return e


def run(args: list[str], cwd: Path) -> float:
    t = time.perf_counter()
    r = subprocess.run(args, cwd=cwd, env=env(), capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"{args} failed:\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}")
    return time.perf_counter() - t


def scores(course: Path) -> dict[str, dict[str, float]]:
    from nbgrader.api import Gradebook

    out = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for sub in gb.assignment_submissions("demo"):
            out[sub.student_id] = {g.name: g.auto_score for nb in sub.notebooks for g in nb.grades}
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--students", type=int, default=40)
    ap.add_argument("--workers", type=int, default=None)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-grading-"))
    try:
        base = tmp / "base"
        shutil.copytree(FIXTURE, base)
        run([sys.executable, "-m", "nbgrader", "generate_assignment", "demo", "--force"], base)
        release = json.loads((base / "release" / "demo" / "demo.ipynb").read_text(encoding="utf-8"))
        full = answers_of(json.loads((base / "source" / "demo" / "demo.ipynb").read_text(encoding="utf-8")))
        variants = [{}, {"q_top": WRONG["q_top"]}, {"q_double": WRONG["q_double"], "q_cost": WRONG["q_cost"]}, None]
        for i in range(args.students):
            v = variants[i % len(variants)]
            nb = release if v is None else fill(release, {**full, **v})
            d = base / "submitted" / f"student{i:02d}" / "demo"
            d.mkdir(parents=True)
            (d / "demo.ipynb").write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
        seq, par = tmp / "sequential", tmp / "parallel"
        shutil.copytree(base, seq)
        shutil.copytree(base, par)
        t_seq = run([sys.executable, "-m", "nbgrader", "autograde", "demo"], seq)
        cmd = [sys.executable, "-m", "o2o", "grade", "demo", "--course-dir", str(par), "--no-progress"]
        if args.workers:
            cmd += ["--workers", str(args.workers)]
        t_par = run(cmd, par)
        a, b = scores(seq), scores(par)
        identical = a == b and len(a) == args.students
        result = {"students": args.students, "cores": os.cpu_count(), "workers": args.workers or os.cpu_count(),
                  "nbgrader_autograde_s": round(t_seq, 2), "o2o_grade_s": round(t_par, 2),
                  "speedup": round(t_seq / t_par, 2), "identical_grades": identical}
        print(json.dumps(result, indent=1))
        out = Path(os.environ.get("O2O_BENCH_RESULTS", ROOT / "benchmarks" / "results"))
        out.mkdir(parents=True, exist_ok=True)
        (out / "grading.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
        if not identical:
            raise SystemExit("grades differ between nbgrader autograde and o2o grade")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
