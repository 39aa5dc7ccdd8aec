"""Per-student variant benchmark: what a student's variant adds to a kernel that loads ``daily_sales``.

Two fresh processes each open the default dataset and read ``stores`` and ``daily_sales``: one the base
case, one a student's variant (the overlay rescales the pilot stores' rows in place). Reported: the
overlay's own time, the whole read's time in both, and the private memory (``/proc/self/smaps_rollup``,
Private_Clean + Private_Dirty, after ``gc`` and ``malloc_trim``) each process holds after the read, so the
difference is the variant's added memory. Goals: overlay < 1 s, added private memory < 10 MB.
The machine's load average is printed with the numbers (a shared machine flatters or distorts times).

Usage: ``python benchmarks/bench_variants.py [--repeat 3]``; prints a Markdown section and writes it to
``$O2O_BENCH_RESULTS/variants.md`` when that is set.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import textwrap
from pathlib import Path

CHILD = textwrap.dedent(r"""
    import ctypes, gc, json, sys, time
    import o2o
    from o2o.data import variants as V

    def private_mb():
        gc.collect(); ctypes.CDLL("libc.so.6").malloc_trim(0)
        with open("/proc/self/smaps_rollup") as fh:
            return sum(int(l.split()[1]) for l in fh if l.startswith(("Private_Dirty", "Private_Clean"))) / 1024

    kind = sys.argv[1]
    variant = V.BASE if kind == "base" else V.from_key(V.variant_key(b"benchmark-course-secret-0123456789", "s01"))
    ds = V.VariantDataset(None, validate=False, variant=variant)
    ds.table("stores")
    t_overlay = [0.0]
    real = V.overlay_daily_sales
    def timed(*a, **k):
        t = time.perf_counter(); out = real(*a, **k); t_overlay[0] = time.perf_counter() - t; return out
    V.overlay_daily_sales = timed
    t0 = time.perf_counter()
    ds.daily_sales
    read = time.perf_counter() - t0
    print(json.dumps({"read_s": read, "overlay_s": t_overlay[0], "private_mb": private_mb()}))
""")


def _run(kind: str) -> dict:
    r = subprocess.run([sys.executable, "-c", CHILD, kind], capture_output=True, text=True, check=True)
    return json.loads(r.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    runs = {k: [_run(k) for _ in range(args.repeat)] for k in ("base", "variant")}
    med = {k: {m: statistics.median(r[m] for r in v) for m in ("read_s", "overlay_s", "private_mb")}
           for k, v in runs.items()}
    added = med["variant"]["private_mb"] - med["base"]["private_mb"]
    load = Path("/proc/loadavg").read_text().split()[:3]
    ok_t = "ok" if med["variant"]["overlay_s"] < 1.0 else "over"
    ok_m = "ok" if added < 10.0 else "over"
    text = "\n".join([
        "## 每人一份数据 / Per-student variants", "",
        f"Medians of {args.repeat} fresh processes each; machine load average {' '.join(load)} "
        "(shared 2-core machine: times include waiting for a core).", "",
        "| | base case | variant | goal |", "|---|---:|---:|---|",
        f"| read `daily_sales` (s) | {med['base']['read_s']:.3f} | {med['variant']['read_s']:.3f} | — |",
        f"| overlay alone (s) | — | {med['variant']['overlay_s']:.3f} | < 1 s ({ok_t}) |",
        f"| private memory after the read (MB) | {med['base']['private_mb']:.1f} | "
        f"{med['variant']['private_mb']:.1f} | added {added:+.1f} MB, < 10 MB ({ok_m}) |", ""])
    print(text)
    out = os.environ.get("O2O_BENCH_RESULTS")
    if out:
        Path(out).mkdir(parents=True, exist_ok=True)
        (Path(out) / "variants.md").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
