"""Memory of kernels: a lesson's Run-All, a scene-simulator visitor, twenty visitors at once.

Measured in one run, side by side, from ``/proc/PID/smaps_rollup``:

* **bare** — a kernel that imports pandas and plotly and shows one figure (the baseline);
* **lesson 18**, **lesson 35** — a kernel after running every code cell of the lesson
  (``O2O_DATA_DIR`` = the default dataset), as a student's Run-All;
* **simulator visitor** — the kernel ``o2o app scene-simulator`` starts for one visitor, after
  the page loaded in Chromium and the visitor pressed "模拟这个场景" once;
* **20 visitors** — twenty such visitors at once on one server: the sum of the kernels'
  proportional set size (``Pss``: shared pages, such as the mapped dataset, charged in
  shares) plus the server's own, and the sum of their private memory.

* **a student's server on the hub** — a real cohort hub (``o2o hub init``/``start`` on a throw-away
  state folder, one real Unix account, the test suite's cohort helpers in ``tests/hub/``): the
  student logs in, the hub spawns their server the way it spawns every server
  (``LocalProcessSpawner`` → ``o2o.hub.singleuser`` → ``jupyterhub-singleuser``, with the
  hub's environment and limits), and lesson 18 runs in a kernel of that server (from the
  student's own copy of the lessons); measured while that kernel is alive: the kernel and the
  server process. Needs root (it creates the account) and the hub's proxy (``make hub-proxy``);
  without them this part is skipped and says why (``--no-hub`` skips it on purpose).

*Private memory* is ``Private_Dirty``: pages only that process has written, the memory a
kernel really adds. Goal: every kernel within 1.6x the bare kernel; 20 visitors within 5 GB.

    python benchmarks/bench_memory.py              # writes benchmarks/results/bench_memory.json
    python benchmarks/bench_memory.py --visitors 5 # fewer simultaneous visitors
    python benchmarks/bench_memory.py --no-hub     # without the student's server on the hub
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))

from o2o.apps.launch import AppServer  # noqa: E402
from o2o.kernel_env import kernel_env  # noqa: E402

CHROMIUM = os.environ.get("O2O_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
SIMULATOR = "场景模拟器.ipynb"
LESSONS = ("18-activate-front-line.ipynb", "35-scene-portfolio.ipynb")
BARE = ("import pandas as pd\nimport plotly.graph_objects as go\n"
        "go.Figure(go.Bar(x=list('abc'), y=[1, 3, 2])).show()\n")
RADAR = "() => { const g = document.querySelector('.js-plotly-plot'); return g && g.data ? Array.from(g.data[0].r) : null; }"
HUB_LESSON = "o2o/lessons/18-activate-front-line.ipynb"   # the student's own copy, as they open it
GOAL_RATIO = 1.6
GOAL_VISITORS_GB = 5.0


def rollup(pid: int) -> dict[str, int]:
    """``/proc/PID/smaps_rollup`` in kB (Rss, Pss, Private_Dirty, ...)."""
    out = {}
    with open(f"/proc/{pid}/smaps_rollup", encoding="ascii", errors="replace") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) >= 2 and parts[0].endswith(":") and parts[1].isdigit():
                out[parts[0][:-1]] = int(parts[1])
    return out


def children(pid: int) -> list[int]:
    """Every descendant process of ``pid``."""
    kids: dict[int, list[int]] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            kids.setdefault(ppid, []).append(int(d.name))
    out, todo = [], [pid]
    while todo:
        for k in kids.get(todo.pop(), []):
            out.append(k)
            todo.append(k)
    return out


def kernel_pids(server_pid: int) -> list[int]:
    pids = []
    for pid in children(server_pid):
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"ipykernel" in cmd:
            pids.append(pid)
    return pids


# --------------------------------------------------------------------------- notebook kernels


def run_in_kernel(cells: list[str], cwd: Path) -> dict[str, int]:
    """Start a python3 kernel, run ``cells`` in order, return its smaps_rollup, stop it."""
    from jupyter_client.manager import start_new_kernel

    # the environment `o2o lab` gives its kernels (the bare kernel too, so the ratio is fair)
    env = kernel_env(dict(os.environ, O2O_DATA_DIR=str(ROOT / "datasets" / "default"), PYTHONUNBUFFERED="1"))
    km, kc = start_new_kernel(kernel_name="python3", cwd=str(cwd), env=env)
    try:
        for code in cells:
            reply = kc.execute_interactive(code, timeout=600, output_hook=lambda msg: None)
            if reply["content"]["status"] != "ok":
                raise RuntimeError(f"cell failed in {cwd}: {reply['content'].get('ename')}: {code[:80]!r}")
        time.sleep(1.0)
        return rollup(km.provisioner.process.pid)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def lesson_cells(name: str) -> list[str]:
    nb = json.loads((ROOT / "lessons" / name).read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


# --------------------------------------------------------------------------- a student's server on the hub


def hub_unavailable() -> str:
    """Why the hub part cannot run here ('' when it can)."""
    if os.geteuid() != 0:
        return "needs root (the hub's students are real Unix accounts)"
    if not (ROOT / "hub-proxy" / "node_modules" / ".bin" / "configurable-http-proxy").exists():
        return "the hub's proxy is not installed (make hub-proxy)"
    return ""


def student_server(results_dir: Path) -> dict:
    """A real hub, one student: log in, the hub spawns the server, lesson 18 runs in a kernel of it."""
    import pwd

    sys.path.insert(0, str(ROOT / "tests" / "hub"))
    from cohort import Cohort, account_processes  # lazy: the hub's test helpers (real accounts), only for this part
    from hubclient import HubUser  # lazy: as above

    cohort = Cohort(1, results_dir)
    got: dict[str, dict] = {}
    try:
        cohort.init()
        cohort.o2o("hub", "roster", "import", str(cohort.write_roster()), "--state", str(cohort.state))
        cohort.start()
        name = cohort.students[0]
        user = HubUser(cohort.url, name, cohort.password(name))
        user.login()
        user.start_server(600)
        uid = pwd.getpwnam(name).pw_uid

        def measure() -> None:
            time.sleep(1.0)
            procs = account_processes(uid)
            if len(procs["kernel"]) != 1 or len(procs["server"]) != 1:
                raise RuntimeError(f"expected one server and one kernel of {name}, found {procs}")
            got["kernel"] = rollup(procs["kernel"][0])
            got["server"] = rollup(procs["server"][0])
            got["kernel_environ_malloc"] = sorted(
                k for k in Path(f"/proc/{procs['kernel'][0]}/environ").read_bytes().decode(errors="replace")
                .split("\0") if k.startswith("MALLOC_"))

        replies = user.run_notebook(HUB_LESSON, cell_timeout=600, before_shutdown=measure)
        bad = [r for r in replies if r.get("status") != "ok"]
        if bad:
            raise RuntimeError(f"lesson 18 failed in the student's server: {str(bad[0])[:300]}")
        user.api("DELETE", f"/users/{name}/server")
    finally:
        cohort.close()
    return got


# --------------------------------------------------------------------------- simulator visitors


def visit(browser, url: str):
    """A visitor: the page loads, they press "模拟这个场景" once; the page stays open."""
    ctx = browser.new_context(viewport={"width": 1366, "height": 1000}, locale="zh-CN")
    page = ctx.new_page()
    page.set_default_timeout(300_000)
    page.goto(url)
    page.get_by_role("button", name="模拟这个场景").click()
    page.wait_for_function(f"(({RADAR})() || []).some(v => v > 0)")
    return ctx


def visitors(browser, n: int, results_dir: Path) -> dict:
    args = ["scene-simulator", "--no-preheat", "--max-kernels", str(n + 5), "--memory-reserve-mb", "0",
            "--cull-idle", "3600", "--log-level", "INFO"]
    log = results_dir / f"bench_memory-visitors-{n}.log"
    with AppServer(args, cwd=ROOT, log_path=log, timeout=240, env={"PYTHONUNBUFFERED": "1"}) as srv:
        url = srv.url + "voila/render/" + quote(SIMULATOR)
        contexts, started = [], time.perf_counter()
        try:
            for i in range(n):
                contexts.append(visit(browser, url))
                print(f"  visitor {i + 1}/{n} simulated ({time.perf_counter() - started:.0f} s)", flush=True)
            time.sleep(2.0)
            pids = kernel_pids(srv.proc.pid)
            kernels = [rollup(p) for p in pids]
            server = rollup(srv.proc.pid)
        finally:
            for c in contexts:
                c.close()
    return {"kernels": len(kernels), "per_kernel": kernels, "server": server,
            "sum_pss_kb": sum(k["Pss"] for k in kernels) + server["Pss"],
            "sum_private_dirty_kb": sum(k["Private_Dirty"] for k in kernels) + server["Private_Dirty"],
            "sum_rss_kb": sum(k["Rss"] for k in kernels) + server["Rss"]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--visitors", type=int, default=20, help="simultaneous simulator visitors (default 20)")
    ap.add_argument("--no-hub", action="store_true", help="skip the student's server on the hub")
    args = ap.parse_args(argv)
    if args.visitors < 1:
        ap.error("--visitors must be at least 1")
    from playwright.sync_api import sync_playwright

    results_dir = Path(os.environ.get("O2O_BENCH_RESULTS", HERE / "results"))
    results_dir.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()
    kernels: dict[str, dict] = {"bare": run_in_kernel([BARE], ROOT / "lessons")}
    for name in LESSONS:
        kernels[name[:2]] = run_in_kernel(lesson_cells(name), ROOT / "lessons")
        print(f"lesson {name[:2]}: {kernels[name[:2]]['Private_Dirty'] / 1024:.0f} MB private", flush=True)
    hub_skipped = "--no-hub" if args.no_hub else hub_unavailable()
    hub: dict = {}
    if hub_skipped:
        print(f"student's server on the hub: skipped ({hub_skipped})", flush=True)
    else:
        hub = student_server(results_dir)
        kernels["hub-18"] = hub["kernel"]
        print(f"hub student's kernel after lesson 18: {hub['kernel']['Private_Dirty'] / 1024:.0f} MB private, "
              f"its server {hub['server']['Private_Dirty'] / 1024:.0f} MB", flush=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        one = visitors(browser, 1, results_dir)
        kernels["simulator"] = one["per_kernel"][0]
        crowd = visitors(browser, args.visitors, results_dir)
        browser.close()
    bare = kernels["bare"]["Private_Dirty"]
    table = {k: {"private_dirty_mb": v["Private_Dirty"] / 1024, "pss_mb": v["Pss"] / 1024, "rss_mb": v["Rss"] / 1024,
                 "ratio_to_bare": v["Private_Dirty"] / bare} for k, v in kernels.items()}
    summary = {
        "kernels": table,
        "hub_student_server": ({"skipped": hub_skipped} if hub_skipped else {
            "kernel_private_dirty_mb": hub["kernel"]["Private_Dirty"] / 1024,
            "server_private_dirty_mb": hub["server"]["Private_Dirty"] / 1024,
            "server_and_kernel_private_dirty_mb": (hub["kernel"]["Private_Dirty"] + hub["server"]["Private_Dirty"]) / 1024,
            "kernel_ratio_to_bare": hub["kernel"]["Private_Dirty"] / bare,
            "kernel_malloc_settings": hub["kernel_environ_malloc"]}),
        "visitors": args.visitors,
        "visitors_total_pss_gb": crowd["sum_pss_kb"] / 1024 ** 2,
        "visitors_total_private_gb": crowd["sum_private_dirty_kb"] / 1024 ** 2,
        "visitors_total_rss_gb": crowd["sum_rss_kb"] / 1024 ** 2,
        "goal_ratio": GOAL_RATIO, "goal_visitors_gb": GOAL_VISITORS_GB,
        "meets_ratio_goal": all(v["ratio_to_bare"] <= GOAL_RATIO for v in table.values()),
        "meets_visitors_goal": crowd["sum_pss_kb"] / 1024 ** 2 <= GOAL_VISITORS_GB,
        "load_average_before": load_before, "load_average_after": os.getloadavg(),
    }
    for k, v in table.items():
        print(f"{k:10s} private {v['private_dirty_mb']:6.0f} MB  ({v['ratio_to_bare']:.2f}x bare)   "
              f"Pss {v['pss_mb']:6.0f} MB   Rss {v['rss_mb']:6.0f} MB")
    print(f"{args.visitors} visitors: Pss {summary['visitors_total_pss_gb']:.2f} GB, private "
          f"{summary['visitors_total_private_gb']:.2f} GB, Rss {summary['visitors_total_rss_gb']:.2f} GB")
    print(json.dumps({k: v for k, v in summary.items() if k != "kernels"}, indent=2))
    (results_dir / "bench_memory.json").write_text(json.dumps({"summary": summary, "one_visitor": one,
                                                               "crowd": crowd}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
