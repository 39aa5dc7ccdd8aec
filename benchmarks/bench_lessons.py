"""Run-All time of every lesson, against a baseline notebook measured in the same run.

Each notebook is run as a whole process — a fresh Python that starts a kernel with nbclient
and executes every cell, as "Run All" does — and timed from outside. The baseline is a
notebook that only imports pandas and plotly; it runs before the first lesson, again after
every ``--baseline-every`` lessons and after the last one. Each lesson is compared with the
mean of the two baseline runs around it, so that a machine whose load changes during the run
(a shared machine) still gives fair ratios.

Goals: the median lesson takes at most 2x the baseline, and every lesson at most 4x.

    python benchmarks/bench_lessons.py                 # all lessons, updates docs/benchmarks.md
    python benchmarks/bench_lessons.py 01 07 --no-docs  # some lessons, print only
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from o2o.syllabus import load_syllabus  # noqa: E402

DOCS = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- bench:lessons:start -->", "<!-- bench:lessons:end -->"
MEDIAN_GOAL, MAX_GOAL = 2.0, 4.0

_CHILD = """
import json, sys
from o2o.notebook_runner import run_notebook
r = run_notebook(sys.argv[1], timeout=600)
print(json.dumps({"ok": r.ok, "inner": r.seconds, "error": r.error[-500:]}))
"""


def baseline_notebook(folder: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import pandas as pd"), nbformat.v4.new_code_cell("import plotly.express as px")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "baseline.ipynb"
    nbformat.write(nb, path)
    return path


def run_whole(path: Path) -> dict:
    """Run one notebook in a fresh process; wall time from outside."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True, cwd=path.parent)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU seconds of the whole process tree (runner and kernel), less sensitive to a busy machine than wall time
    cpu = (after.ru_utime - usage.ru_utime) + (after.ru_stime - usage.ru_stime)
    try:
        info = json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        info = {"ok": False, "inner": None, "error": (proc.stderr or proc.stdout)[-500:]}
    info["wall"] = wall
    info["cpu"] = cpu
    return info


def render(rows: list[dict], baselines: list[float], meta: dict) -> str:
    base = statistics.median(baselines)
    ran = [r for r in rows if r["ok"]]
    for r in ran:
        r["ratio"] = r["wall"] / r.get("baseline", base)
        if r.get("cpu") and r.get("baseline_cpu"):
            r["cpu_ratio"] = r["cpu"] / r["baseline_cpu"]
    ratios = [r["ratio"] for r in ran]
    cpu_ratios = [r["cpu_ratio"] for r in ran if "cpu_ratio" in r]
    cpu_med = statistics.median(cpu_ratios) if cpu_ratios else float("nan")
    cpu_max = max(cpu_ratios) if cpu_ratios else float("nan")
    med = statistics.median(ratios) if ratios else float("nan")
    worst = max(ran, key=lambda r: r["ratio"]) if ran else None
    ok_median = bool(ratios) and med <= MEDIAN_GOAL
    ok_max = worst is not None and worst["ratio"] <= MAX_GOAL
    lines = [
        START,
        "## 课程笔记本运行时间 / Lesson Run-All time",
        "",
        "Each lesson (and the course home) runs top to bottom as a whole process (fresh Python, nbclient, new kernel)",
        "on the default dataset, timed from outside. Baseline: a notebook that only imports pandas and plotly, run",
        f"before the first lesson and again after every few lessons; each lesson is divided by the mean of the two",
        f"baseline runs around it. Baseline runs: median {base:.2f} s, range {min(baselines):.2f}–{max(baselines):.2f} s.",
        "",
        f"Measured {meta['finished']} · Python {meta['python']} · {meta['cpu_count']} CPUs · "
        f"load average at start {meta['load']} (machine shared with other work).",
        "Command: `python benchmarks/bench_lessons.py` (also part of `make bench`).",
        "",
        "| goal | result | met |",
        "|---|---|---|",
        f"| median lesson ≤ {MEDIAN_GOAL:.0f}× baseline | {med:.2f}× | {'yes' if ok_median else 'NO'} |",
        f"| every lesson ≤ {MAX_GOAL:.0f}× baseline | max {worst['ratio'] if worst else float('nan'):.2f}× "
        f"({worst['name'] if worst else '—'}) | {'yes' if ok_max else 'NO'} |",
        f"| notebooks that ran | {len(ran)} of {len(rows)} | {'yes' if len(ran) == len(rows) else 'NO'} |",
        "",
        f"CPU time of the whole process tree (runner + kernel), a measure less sensitive to other work on the machine:",
        f"median {cpu_med:.2f}× the baseline's CPU time, max {cpu_max:.2f}×.",
        "",
        "| notebook | wall s | local baseline wall s | × baseline | CPU s | × baseline CPU |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        if r["ok"]:
            cpu_txt = f"{r['cpu']:.2f} | {r['cpu_ratio']:.2f}" if "cpu_ratio" in r else "— | —"
            lines.append(f"| {r['name']} | {r['wall']:.2f} | {r.get('baseline', base):.2f} | {r['ratio']:.2f} | {cpu_txt} |")
        else:
            lines.append(f"| {r['name']} | {'missing' if r.get('error') == 'missing' else 'failed'} | — | — | — | — |")
    lines += ["", END]
    return "\n".join(lines)


def update_docs(section: str) -> None:
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# 基准测试 / Benchmarks\n"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        _, tail = rest.split(END, 1)
        text = head + section + tail
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    DOCS.parent.mkdir(parents=True, exist_ok=True)
    DOCS.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="课程笔记本运行时间 / Run-All time of the lessons")
    parser.add_argument("lessons", nargs="*", help="只测这些讲次编号,如 01 07 / only these lecture numbers")
    parser.add_argument("--no-docs", action="store_true", help="不更新 docs/benchmarks.md / do not update the docs")
    parser.add_argument("--baseline-every", type=int, default=3, metavar="N",
                        help="每 N 讲重测一次基线 / re-measure the baseline after every N lessons (default 3)")
    args = parser.parse_args(argv)

    syllabus = load_syllabus(ROOT / "course" / "syllabus.yml")
    lessons = [lsn for lsn in syllabus.lessons if not args.lessons or lsn.code in args.lessons]
    paths = [("course/index.ipynb", ROOT / "course" / "index.ipynb")] if not args.lessons else []
    paths += [(lsn.file, ROOT / lsn.file) for lsn in lessons]

    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    baselines: list[float] = []
    base_cpu: list[float] = []
    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        base_nb = baseline_notebook(Path(tmp))
        run_whole(base_nb)  # warm the file cache once, not counted

        def baseline() -> tuple[float, float]:
            info = run_whole(base_nb)
            baselines.append(info["wall"])
            base_cpu.append(info["cpu"])
            print(f"{'baseline':<40} {info['wall']:6.2f} s  cpu {info['cpu']:6.2f} s", flush=True)
            return info["wall"], info["cpu"]

        before = baseline()
        pending: list[dict] = []
        for i, (name, path) in enumerate(paths):
            if not path.is_file():
                rows.append({"name": name, "ok": False, "wall": None, "error": "missing"})
                print(f"{name:<40} missing", flush=True)
                continue
            info = run_whole(path)
            info["name"] = name
            rows.append(info)
            pending.append(info)
            last_line = (info["error"].strip().splitlines() or ["?"])[-1]
            status = f"{info['wall']:6.2f} s  cpu {info['cpu']:6.2f} s" if info["ok"] else f"FAILED: {last_line}"
            print(f"{name:<40} {status}", flush=True)
            if len(pending) == args.baseline_every or i == len(paths) - 1:
                after = baseline()
                for row in pending:
                    row["baseline"] = (before[0] + after[0]) / 2
                    row["baseline_cpu"] = (before[1] + after[1]) / 2
                before, pending = after, []

    meta = {"finished": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "python": platform.python_version(), "cpu_count": os.cpu_count(), "load": load}
    section = render(rows, baselines, meta)
    print()
    print(section)
    results = Path(os.environ.get("O2O_BENCH_RESULTS", ROOT / "benchmarks" / "results"))
    results.mkdir(parents=True, exist_ok=True)
    (results / "lessons.json").write_text(
        json.dumps({"meta": meta, "baselines": baselines, "baseline_cpu": base_cpu, "rows": rows}, indent=2, ensure_ascii=False), "utf-8")
    if not args.no_docs:
        update_docs(section)
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
