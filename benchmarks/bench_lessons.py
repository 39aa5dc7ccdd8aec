"""Run-All time of every lesson, against a baseline notebook measured in the same run.

Each notebook is run as a whole process — a fresh Python that starts a kernel with nbclient
and executes every cell, as "Run All" does — and timed from outside. The baseline is a
notebook that only imports pandas and plotly; it runs at the start, the middle and the end
of the run, and its median is the yardstick.

Goals: the median lesson takes at most 2x the baseline, and every lesson at most 4x.

    python benchmarks/bench_lessons.py                 # all lessons, updates docs/benchmarks.md
    python benchmarks/bench_lessons.py 01 07 --no-docs  # some lessons, print only
"""

from __future__ import annotations

import argparse
import json
import os
import platform
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
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True, cwd=path.parent)
    wall = time.perf_counter() - started
    try:
        info = json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        info = {"ok": False, "inner": None, "error": (proc.stderr or proc.stdout)[-500:]}
    info["wall"] = wall
    return info


def render(rows: list[dict], baselines: list[float], meta: dict) -> str:
    base = statistics.median(baselines)
    ran = [r for r in rows if r["ok"]]
    ratios = [r["wall"] / base for r in ran]
    med = statistics.median(ratios) if ratios else float("nan")
    worst = max(ratios) if ratios else float("nan")
    ok_median = ratios and med <= MEDIAN_GOAL
    ok_max = ratios and worst <= MAX_GOAL
    lines = [
        START,
        "## 课程笔记本运行时间 / Lesson Run-All time",
        "",
        "Each lesson runs top to bottom as a whole process (fresh Python, nbclient, new kernel) on the default",
        "dataset, timed from outside. Baseline: a notebook that only imports pandas and plotly, run three times in",
        f"the same run (start, middle, end); its median is {base:.2f} s (runs: {', '.join(f'{b:.2f}' for b in baselines)}).",
        "",
        f"Measured {meta['finished']} · Python {meta['python']} · {meta['cpu_count']} CPUs (shared machine).",
        "Command: `python benchmarks/bench_lessons.py` (also part of `make bench`).",
        "",
        "| goal | result | met |",
        "|---|---|---|",
        f"| median lesson ≤ {MEDIAN_GOAL:.0f}× baseline | {med:.2f}× | {'yes' if ok_median else 'NO'} |",
        f"| every lesson ≤ {MAX_GOAL:.0f}× baseline | max {worst:.2f}× | {'yes' if ok_max else 'NO'} |",
        f"| lessons that ran | {len(ran)} of {len(rows)} | {'yes' if len(ran) == len(rows) else 'NO'} |",
        "",
        "| lesson | seconds | × baseline |",
        "|---|---:|---:|",
    ]
    for r in rows:
        if r["ok"]:
            lines.append(f"| {r['name']} | {r['wall']:.2f} | {r['wall'] / base:.2f} |")
        else:
            lines.append(f"| {r['name']} | failed | — |")
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
    args = parser.parse_args(argv)

    syllabus = load_syllabus(ROOT / "course" / "syllabus.yml")
    lessons = [lsn for lsn in syllabus.lessons if not args.lessons or lsn.code in args.lessons]
    paths = [("course/index.ipynb", ROOT / "course" / "index.ipynb")] if not args.lessons else []
    paths += [(lsn.file, ROOT / lsn.file) for lsn in lessons]

    baselines: list[float] = []
    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        base_nb = baseline_notebook(Path(tmp))
        run_whole(base_nb)  # warm the file cache once, not counted
        checkpoints = {0, len(paths) // 2}
        for i, (name, path) in enumerate(paths):
            if i in checkpoints:
                b = run_whole(base_nb)
                baselines.append(b["wall"])
                print(f"baseline                         {b['wall']:6.2f} s", flush=True)
            if not path.is_file():
                rows.append({"name": name, "ok": False, "wall": None, "error": "missing"})
                print(f"{name:<40} missing", flush=True)
                continue
            info = run_whole(path)
            info["name"] = name
            rows.append(info)
            last_line = (info["error"].strip().splitlines() or ["?"])[-1]
            status = f"{info['wall']:6.2f} s" if info["ok"] else f"FAILED: {last_line}"
            print(f"{name:<40} {status}", flush=True)
        b = run_whole(base_nb)
        baselines.append(b["wall"])
        print(f"baseline                         {b['wall']:6.2f} s", flush=True)

    meta = {"finished": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "python": platform.python_version(), "cpu_count": os.cpu_count()}
    section = render(rows, baselines, meta)
    print()
    print(section)
    results = Path(os.environ.get("O2O_BENCH_RESULTS", ROOT / "benchmarks" / "results"))
    results.mkdir(parents=True, exist_ok=True)
    (results / "lessons.json").write_text(
        json.dumps({"meta": meta, "baselines": baselines, "rows": rows}, indent=2, ensure_ascii=False), "utf-8")
    if not args.no_docs:
        update_docs(section)
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
