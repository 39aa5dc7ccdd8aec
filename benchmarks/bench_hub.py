"""The cohort hub beside a plain JupyterHub: 30 students log in, start servers, run lesson 18.

Both hubs are JupyterHub 6.1.1 with the same proxy, on the same Unix accounts, in the same
run: first the kit's hub (`o2o hub`: first-use login, lesson copies made by the roster
import - timed apart, before class, as `kit_roster_import_s` - and kept current with
nbgitpuller, limits, per-role config), then a plain hub (dummy password login, LocalProcessSpawner's default
`jupyterhub-singleuser`, plain JupyterLab, the same lesson file). For each: the time from
the first login until all servers are ready, the time until every student has run lesson 18
(three lessons at a time: two cores), and each server's and kernel's resident memory (RSS)
measured while the kernel is alive after the lesson. Needs root (real accounts).

    python benchmarks/bench_hub.py                    # 30 students (or O2O_BENCH_HUB_STUDENTS)
    python benchmarks/bench_hub.py --no-lessons       # time to ready only (or O2O_BENCH_HUB_LESSONS=0)

A lesson that fails (a kernel lost on an overloaded machine) is counted in
``lesson_failures``, not fatal: the times to ready are kept. Each hub's results are written
to ``bench_hub.json`` as soon as they are measured.
"""

from __future__ import annotations

import argparse
import json
import os
import pwd
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "hub"))

from cohort import Cohort, account_processes  # noqa: E402
from hubclient import HubUser  # noqa: E402

N = int(os.environ.get("O2O_BENCH_HUB_STUDENTS", "30"))
LESSONS = os.environ.get("O2O_BENCH_HUB_LESSONS", "1") != "0"
LESSON_WORKERS = 3
LESSON = "o2o/lessons/18-activate-front-line.ipynb"


def rss_mb(uid: int) -> dict[str, float]:
    """Resident memory (MB) of the account's server and kernel processes."""
    out = {"server": 0.0, "kernel": 0.0}
    for kind, pids in account_processes(uid).items():
        for pid in pids:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:  # ended since it was listed
                continue
            out[kind] += next((int(line.split()[1]) / 1024 for line in status.splitlines()
                               if line.startswith("VmRSS:")), 0.0)
    return out


def run_class(users: list[HubUser]) -> dict:
    t0 = time.monotonic()

    def ready(u: HubUser) -> None:
        u.login()
        u.start_server(600)

    with ThreadPoolExecutor(max_workers=len(users)) as pool:
        list(pool.map(ready, users))
    t_ready = time.monotonic() - t0
    out = {"all_ready_s": round(t_ready, 1), "loadavg_at_ready": Path("/proc/loadavg").read_text().split()[:3]}
    if LESSONS:
        out.update(run_lessons(users, t0))
    for u in users:
        u.api("DELETE", f"/users/{u.name}/server")
    return out


def run_lessons(users: list[HubUser], t0: float) -> dict:
    memory: dict[str, dict[str, float]] = {}
    failures: list[str] = []

    def lesson(u: HubUser) -> float | None:
        start = time.monotonic()
        uid = pwd.getpwnam(u.name).pw_uid
        try:
            replies = u.run_notebook(LESSON, before_shutdown=lambda: memory.__setitem__(u.name, rss_mb(uid)))
        except Exception as exc:  # noqa: BLE001 - counted and reported, the other students go on
            failures.append(f"{u.name}: {type(exc).__name__}: {exc}")
            return None
        bad = [r for r in replies if r.get("status") != "ok"]
        if bad:
            failures.append(f"{u.name}: {bad[:1]}")
            return None
        return time.monotonic() - start

    with ThreadPoolExecutor(max_workers=LESSON_WORKERS) as pool:
        lesson_times = [t for t in pool.map(lesson, users) if t is not None]
    t_all = time.monotonic() - t0
    servers = [m["server"] for m in memory.values()] or [0.0]
    kernels = [m["kernel"] for m in memory.values()] or [0.0]
    return {"all_lessons_done_s": round(t_all, 1), "lesson_failures": failures,
            "lesson_median_s": round(statistics.median(lesson_times), 1) if lesson_times else None,
            "server_rss_mb_median": round(statistics.median(servers), 1), "server_rss_mb_max": round(max(servers), 1),
            "kernel_rss_mb_median": round(statistics.median(kernels), 1), "kernel_rss_mb_max": round(max(kernels), 1),
            "loadavg": Path("/proc/loadavg").read_text().split()[:3]}


def plain_hub_config(cohort: Cohort, password: str) -> Path:
    prefix = Path(sys.prefix)
    cfg = cohort.base_dir / "plain_jupyterhub_config.py"
    work = cohort.base_dir / "plain"
    work.mkdir(exist_ok=True)
    cfg.write_text("\n".join([
        "c = get_config()  # noqa: F821",
        f"c.JupyterHub.bind_url = 'http://127.0.0.1:{cohort.port}'",
        f"c.JupyterHub.hub_bind_url = 'http://127.0.0.1:{cohort.port + 1}'",
        f"c.ConfigurableHTTPProxy.api_url = 'http://127.0.0.1:{cohort.port + 2}'",
        f"c.ConfigurableHTTPProxy.command = [{str(ROOT / 'hub-proxy/node_modules/.bin/configurable-http-proxy')!r}]",
        f"c.JupyterHub.db_url = 'sqlite:///{work}/jupyterhub.sqlite'",
        f"c.JupyterHub.cookie_secret_file = '{work}/cookie_secret'",
        "c.JupyterHub.authenticator_class = 'dummy'",
        f"c.DummyAuthenticator.password = {password!r}",
        "c.Authenticator.allow_all = True",
        f"c.Spawner.cmd = [{cohort.python!r}, '-m', 'jupyterhub.singleuser']",
        "c.Spawner.default_url = '/lab'",
        "c.Spawner.start_timeout = 600",
        "c.Spawner.http_timeout = 600",
        f"c.Spawner.environment = {{'JUPYTER_PATH': '{prefix}/share/jupyter', 'JUPYTER_CONFIG_PATH': "
        f"'{prefix}/etc/jupyter', 'JUPYTERLAB_DIR': '{prefix}/share/jupyter/lab', "
        f"'O2O_DATA_DIR': '{ROOT / 'datasets' / 'default'}'}}",
    ]) + "\n", encoding="utf-8")
    return cfg


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Options are checked before any account is made."""
    p = argparse.ArgumentParser(description="The cohort hub beside a plain JupyterHub (needs root).")
    p.add_argument("--students", type=int, default=N, help="students in the class (default 30)")
    p.add_argument("--no-lessons", action="store_true", default=not LESSONS,
                   help="time to ready only: no lesson runs, no memory")
    args = p.parse_args(argv)
    if not 1 <= args.students <= 200:
        p.error("--students must be between 1 and 200")
    return args


def main() -> None:
    global N, LESSONS
    args = parse_args()
    N, LESSONS = args.students, not args.no_lessons
    if os.geteuid() != 0:
        sys.exit("bench_hub needs root (it creates Unix accounts)")
    results = Path(os.environ.get("O2O_BENCH_RESULTS", ROOT / "benchmarks" / "results"))
    results.mkdir(parents=True, exist_ok=True)
    cohort = Cohort(N, results)
    report: dict = {"students": N, "lesson_workers": LESSON_WORKERS if LESSONS else 0, "cpus": os.cpu_count(),
                    "loadavg_before": Path("/proc/loadavg").read_text().split()[:3]}
    out = results / "bench_hub.json"

    def save() -> None:
        out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    try:
        cohort.init(active_server_limit=N + 5)
        t_import = time.monotonic()
        cohort.o2o("hub", "roster", "import", str(cohort.write_roster()), "--state", str(cohort.state))
        report["kit_roster_import_s"] = round(time.monotonic() - t_import, 1)
        cohort.start()
        report["kit_hub"] = run_class([HubUser(cohort.url, n, cohort.password(n)) for n in cohort.students])
        save()
        cohort.stop()
        time.sleep(5)
        cfg = plain_hub_config(cohort, "plain-bench-password")
        log = open(results / "bench_hub_plain.log", "w", encoding="utf-8")
        cohort.proc = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(cfg)], cwd=cohort.base_dir / "plain",
                                       stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{cohort.url}/hub/api", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.5)
        report["plain_hub"] = run_class([HubUser(cohort.url, n, "plain-bench-password") for n in cohort.students])
        report["ratio_all_ready"] = round(report["kit_hub"]["all_ready_s"] / report["plain_hub"]["all_ready_s"], 2)
        if LESSONS:
            report["ratio_all_lessons_done"] = round(report["kit_hub"]["all_lessons_done_s"]
                                                     / report["plain_hub"]["all_lessons_done_s"], 2)
    finally:
        cohort.close()
        save()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
