"""Run every benchmark script ``benchmarks/bench_*.py`` (``make bench``).

Each script runs on its own, as ``python benchmarks/bench_<area>.py``, from the course
folder, with the environment variable ``O2O_BENCH_RESULTS`` naming the results folder
(``benchmarks/results/``, git-ignored) where it may write its own files. Its output
is shown live and also kept in ``benchmarks/results/<name>.log``; a summary of all runs
(time, exit status) goes to ``benchmarks/results/summary.json``.

    python benchmarks/run_all.py              # all benchmarks
    python benchmarks/run_all.py data scenes  # only those whose name contains "data" or "scenes"
    python benchmarks/run_all.py --list       # list them
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"


def discover(patterns: list[str]) -> list[Path]:
    scripts = sorted(HERE.glob("bench_*.py"))
    if patterns:
        scripts = [s for s in scripts if any(p in s.stem for p in patterns)]
    return scripts


def run_one(script: Path, results: Path) -> dict:
    log_path = results / f"{script.stem}.log"
    env = dict(os.environ, O2O_BENCH_RESULTS=str(results), PYTHONUNBUFFERED="1")
    print(f"\n=== {script.name} ===", flush=True)
    started = time.perf_counter()
    with open(log_path, "w", encoding="utf-8") as log:
        proc = subprocess.Popen(
            [sys.executable, str(script)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
        assert proc.stdout is not None
        for line in proc.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
            log.write(line)
        returncode = proc.wait()
    seconds = time.perf_counter() - started
    return {
        "name": script.stem,
        "script": str(script.relative_to(ROOT)),
        "seconds": round(seconds, 2),
        "returncode": returncode,
        "log": str(log_path.relative_to(ROOT)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="运行 benchmarks/bench_*.py / run benchmarks/bench_*.py",
    )
    parser.add_argument("patterns", nargs="*", help="只运行名称含这些词的 / only names containing these")
    parser.add_argument("--list", action="store_true", help="只列出 / only list them")
    args = parser.parse_args(argv)

    scripts = discover(args.patterns)
    if not scripts:
        print("没有找到基准脚本 / no benchmark scripts found (benchmarks/bench_*.py)", file=sys.stderr)
        return 1
    if args.list:
        for script in scripts:
            print(script.relative_to(ROOT))
        return 0

    RESULTS.mkdir(parents=True, exist_ok=True)
    runs = [run_one(script, RESULTS) for script in scripts]
    summary = {
        "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "runs": runs,
    }
    (RESULTS / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", "utf-8")

    print("\n基准汇总 / benchmark summary:")
    for run in runs:
        status = "通过 / ok" if run["returncode"] == 0 else f"失败 / FAILED ({run['returncode']})"
        print(f"  {run['name']:<32} {run['seconds']:>8.1f} s  {status}")
    print(f"结果 / results: {RESULTS.relative_to(ROOT)}/")
    return 0 if all(run["returncode"] == 0 for run in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
