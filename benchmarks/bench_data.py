"""Dataset benchmarks: generation and load time, throughput and peak memory at 1x, 4x, 16x.

Every figure is a ratio against a baseline measured in the same run on the same machine:

* generation: ``o2o data build`` against *writing the same number of rows* of plain random
  columns with numpy + pyarrow (the cost of just producing and storing that much data);
* load: ``o2o.load()`` of every table with schema validation, against reading the same Parquet
  files with pyarrow into pandas without any checks;
* memory: peak resident memory of a build process, against the peak of a process that only
  imports the same libraries; at 1x, 4x and 16x it should stay flat (the panel is streamed in
  chunks of stores), which is what keeps the full chain under the 2 GB goal.

Each measurement runs in a fresh subprocess so that peak memory is that process's own.

``--data-big`` also measures ``make data-big`` as a user runs it: the command line
``o2o data build --scale 16`` (wall time and the peak resident memory of the process), then
``o2o data check`` on the result (every table loaded, schema, keys and references), against the
plain write of the same number of rows.

Usage: ``python benchmarks/bench_data.py [--scales 1 4 16] [--data-big]``; results are printed as
a Markdown section and written to ``$O2O_BENCH_RESULTS/data.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = textwrap.dedent(r"""
    import json, resource, sys, time
    job = json.loads(sys.argv[1])
    t0 = time.perf_counter()
    out = {}
    if job["kind"] == "imports":
        import numpy, pandas, pyarrow.parquet, pandera.pandas  # noqa: F401
        import o2o.data, o2o.scenes  # noqa: F401
    elif job["kind"] == "build":
        import o2o.casegen
        path = o2o.casegen.build(job["out"], scale=job["scale"], seed=job["seed"], progress=False)
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
        out["rows"] = sum(meta["row_counts"].values())
        out["bytes"] = sum(p.stat().st_size for p in path.rglob("*.parquet"))
    elif job["kind"] == "plain_write":
        import numpy as np, pandas as pd, pyarrow as pa, pyarrow.parquet as pq
        rng = np.random.default_rng(0)
        rows, chunk, i = job["rows"], 2_000_000, 0
        while rows > 0:
            n = min(rows, chunk)
            df = pd.DataFrame({"a": rng.integers(0, 7000, n).astype("int32"), "b": rng.random(n),
                               "c": rng.random(n), "d": rng.integers(0, 10**9, n)})
            pq.write_table(pa.Table.from_pandas(df, preserve_index=False), f"{job['out']}/part-{i}.parquet",
                           compression="zstd")
            rows -= n; i += 1
    elif job["kind"] == "load":
        import o2o, o2o.data, pandas, pyarrow.parquet  # noqa: F401  (imports are not part of the load)
        t0 = time.perf_counter()
        ds = o2o.load(job["path"]); ds.load_all()
    elif job["kind"] == "plain_read":
        import pyarrow.parquet as pq, pandas  # noqa: F401
        from pathlib import Path
        t0 = time.perf_counter()
        for p in sorted(Path(job["path"]).rglob("*.parquet")):
            pq.read_table(p).to_pandas()
    out["seconds"] = time.perf_counter() - t0
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))
""")


def run(job: dict) -> dict:
    env = dict(os.environ, PYTHONHASHSEED="0")
    res = subprocess.run([sys.executable, "-c", CHILD, json.dumps(job)], capture_output=True, text=True,
                         env=env, cwd=ROOT, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def run_cli(*args: str) -> dict:
    """``o2o ARGS`` in a fresh process: wall seconds and that process's own peak resident memory."""
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([sys.executable, "-m", "o2o", *args], stdout=subprocess.DEVNULL, stderr=err,
                                cwd=ROOT, env=dict(os.environ, PYTHONHASHSEED="0"))
        _, status, usage = os.wait4(proc.pid, 0)  # the rusage of this child alone
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - t0
        if proc.returncode != 0:
            err.seek(0)
            raise SystemExit(f"o2o {' '.join(args)} failed:\n{err.read().decode(errors='replace')}")
    return {"seconds": seconds, "peak_mb": usage.ru_maxrss / 1024}


def data_big(tmp: str, scale: int = 16) -> list[str]:
    """``make data-big``: the build through the command line, then ``o2o data check``."""
    out = f"{tmp}/scale-{scale}"
    b = run_cli("data", "build", "--scale", str(scale), "--out", out, "--quiet")
    c = run_cli("data", "check", out)
    meta = json.loads((Path(out) / "meta.json").read_text(encoding="utf-8"))
    rows = sum(meta["row_counts"].values())
    Path(f"{tmp}/wbig").mkdir()
    w = run({"kind": "plain_write", "out": f"{tmp}/wbig", "rows": rows})
    load = os.getloadavg()
    return ["", f"### `make data-big` (scale {scale}, through the command line)", "",
            "| step | seconds | peak MB | baseline: plain write of the same rows s | ratio |", "|---|---|---|---|---|",
            f"| `o2o data build --scale {scale}` ({rows:,} rows) | {b['seconds']:.1f} | {b['peak_mb']:.0f} | "
            f"{w['seconds']:.1f} | {b['seconds'] / w['seconds']:.1f}× |",
            f"| `o2o data check` (passed) | {c['seconds']:.1f} | {c['peak_mb']:.0f} | | |", "",
            f"Load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}."]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scales", type=int, nargs="+", default=[1, 4, 16])
    ap.add_argument("--repeat", type=int, default=3, help="load timings: best of N")
    ap.add_argument("--data-big", action="store_true", help="also measure `make data-big` (scale 16) end to end")
    args = ap.parse_args()
    lines = ["## Dataset: generation, load, memory", "",
             "Measured by `benchmarks/bench_data.py` (each figure beside its same-run baseline).", ""]
    base = run({"kind": "imports"})
    with tempfile.TemporaryDirectory() as tmp:
        rows_by_scale = {}
        lines += ["| scale | rows | size on disk | build s | plain write of same rows s | ratio | rows/s | "
                  "peak MB | imports-only peak MB | memory ratio |", "|---|---|---|---|---|---|---|---|---|---|"]
        for scale in args.scales:
            out = f"{tmp}/s{scale}"
            b = run({"kind": "build", "out": out, "scale": scale, "seed": 2015})
            Path(f"{tmp}/w{scale}").mkdir()
            w = run({"kind": "plain_write", "out": f"{tmp}/w{scale}", "rows": b["rows"]})
            rows_by_scale[scale] = (b["rows"], b["seconds"])
            lines.append(f"| {scale}× | {b['rows']:,} | {b['bytes'] / 2**20:.1f} MB | {b['seconds']:.1f} | "
                         f"{w['seconds']:.1f} | {b['seconds'] / w['seconds']:.1f}× | {b['rows'] / b['seconds']:,.0f} | "
                         f"{b['peak_mb']:.0f} | {base['peak_mb']:.0f} | {b['peak_mb'] / base['peak_mb']:.1f}× |")
            if scale == args.scales[0]:
                loads = [run({"kind": "load", "path": out}) for _ in range(args.repeat)]
                reads = [run({"kind": "plain_read", "path": out}) for _ in range(args.repeat)]
                load_s = min(x["seconds"] for x in loads)
                read_s = min(x["seconds"] for x in reads)
        lines += ["", f"Load of the {args.scales[0]}× dataset, every table, validated: **{load_s:.2f} s**, against "
                  f"{read_s:.2f} s to read the same files with pyarrow and no checks (ratio {load_s / read_s:.1f}×; "
                  f"best of {args.repeat}, in a fresh process, imports excluded)."]
        if len(rows_by_scale) > 1:
            s0, s1 = min(rows_by_scale), max(rows_by_scale)
            (r0, t0), (r1, t1) = rows_by_scale[s0], rows_by_scale[s1]
            lines += ["", f"Growth from {s0}× to {s1}×: rows ×{r1 / r0:.1f}, build time ×{t1 / t0:.1f}. "
                      "A build has a fixed part (the whole chain's daily sales, scenes and their simulation) and a "
                      "part proportional to the panel stores, so time grows linearly in the panel with an offset."]
        if args.data_big:
            lines += data_big(tmp)
    text = "\n".join(lines) + "\n"
    print(text)
    results = Path(os.environ.get("O2O_BENCH_RESULTS", ROOT / "benchmarks" / "results"))
    results.mkdir(parents=True, exist_ok=True)
    (results / "data.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
