"""The class game's benchmarks: one round for 12 teams, and the team page under 60 phones.

1. **One round, 12 teams** (every team with the plan of one of the scripted strategies, 3 rounds played
   before it so fatigue and fans carry over): ``simulate_round`` alone, and with the results table and every
   scene's 5W. Baseline in the same run: the kit's own simulation of one squad scene (200 draws) and its 5W
   (``o2o.scenes.simulate`` + ``evaluate``), the unit a student waits for in the scene builder.
2. **Load test on loopback**: the real ``o2o game`` server (a subprocess, temporary database), a 12-team game
   with one round already published (so every team page carries its private report) and the next round open;
   60 clients (12 teams x 5 phones, one thread each, a join code each) for 2 minutes (``--seconds``): each loops
   think time (0.5-1.5 s, seeded) then, in turn, the team page (``GET /team``), the stylesheet
   (``GET /static/game.css``, the static baseline from the same server in the same run) and every fifth time a
   plan submission (``POST /team/plan``). Reported: p50/p95 of each kind, the ratio of the team page's p95 to
   the static file's (goal <= 3x), errors (goal 0), and the load average before and after.

Usage: ``python benchmarks/bench_game.py [--seconds 120] [--clients 60]``; ``--quick`` is 20 seconds.
Prints a Markdown section, also written to ``$O2O_BENCH_RESULTS/game.md``.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import numpy as np
import requests

import o2o
from o2o.apps.launch import free_port
from o2o.game import MarketState, market_from_world, scripted_plans, simulate_round
from o2o.game.scoring import round_results
from o2o.game.strategies import STRATEGIES
from o2o.scenes import Scene, World, evaluate, simulate

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "bench-game-token-0001"


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def bench_round(ds) -> list[str]:
    world = World.from_dataset(ds)
    market = market_from_world(world, ds.stores, 12, 4, seed=3)
    names = [list(STRATEGIES)[t % len(STRATEGIES)] for t in range(12)]
    plans = scripted_plans(market, names)
    state = MarketState.initial(market)
    for r in range(3):
        _, state = simulate_round(market, state, plans[r], r, 3)
    n_scenes = sum(len(p.scenes) for p in plans[3])

    def sim():
        return simulate_round(market, state, plans[3], 3, 3)

    def full():
        out, _ = sim()
        round_results(market, out, state.capability)

    squad = int(world.squad_ids[0])
    scene = Scene(name="基线", squad_id=squad, launch_date="2015-10-05", idea_date="2015-10-04")

    def base():
        evaluate(simulate(scene, world, draws=200, seed=0))

    t_base, t_sim, t_full = median_time(base, 7), median_time(sim, 7), median_time(full, 7)
    return ["### One round, 12 teams", "",
            f"{n_scenes} scenes of 12 teams (round 4 of 4, after three rounds of state), median of 7 runs.", "",
            "| what | median | vs baseline |", "|---|---:|---:|",
            f"| baseline: one squad scene, 200 draws, simulate + 5W | {t_base * 1000:.1f} ms | 1.00x |",
            f"| `simulate_round`, 12 teams | {t_sim * 1000:.1f} ms | {t_sim / t_base:.2f}x |",
            f"| round + results table + every scene's 5W | {t_full * 1000:.1f} ms | {t_full / t_base:.2f}x |", ""]


class Server:
    def __init__(self, db: Path, env: dict):
        self.port = free_port()
        self.log = db.parent / "server.log"
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen([sys.executable, "-m", "o2o", "game", "--port", str(self.port), "--db", str(db),
                                          "--log-level", "INFO"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        self.base = f"http://127.0.0.1:{self.port}"
        for _ in range(300):
            try:
                urllib.request.urlopen(self.base + "/", timeout=2)
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the game server did not start")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)

    def server_times(self, since: float) -> dict[str, list[float]]:
        """Milliseconds the server itself spent per request (tornado's access log), by kind, after ``since``."""
        out: dict[str, list[float]] = {"team": [], "static": [], "plan": []}
        pat = re.compile(r"^(\S+ \S+),(\d+) tornado.access INFO (\d+) (GET|POST) (\S+) \(.*\) ([0-9.]+)ms")
        for line in self.log.read_text(encoding="utf-8", errors="replace").splitlines():
            m = pat.match(line)
            if not m or time.mktime(time.strptime(m.group(1), "%Y-%m-%d %H:%M:%S")) < since:
                continue
            path = m.group(5)
            kind = "static" if path.startswith("/static/") else "plan" if path == "/team/plan" else \
                "team" if path.startswith("/team") else None
            if kind:
                out[kind].append(float(m.group(6)))
        return out


def xsrf(s: requests.Session, url: str) -> str:
    return re.search(r'name="_xsrf" value="([^"]+)"', s.get(url).text).group(1)


def setup_game(base: str) -> tuple[str, list[str]]:
    ins = requests.Session()
    ins.get(f"{base}/instructor/login?token={TOKEN}")
    x = xsrf(ins, base + "/instructor")
    r = ins.post(base + "/instructor/create", data={"_xsrf": x, "n_teams": "12", "n_rounds": "4", "seed": "3"})
    gid = r.url.rsplit("/", 1)[1]
    codes = re.findall(r'class="code">([A-Z0-9]{6})<', r.text)
    for action, extra in (("open", {"minutes": "30"}), ("close", {}), ("run", {}), ("publish", {}),
                          ("open", {"minutes": "30"})):
        ins.post(f"{base}/instructor/game/{gid}/{action}", data={"_xsrf": x, **extra})
    return gid, codes


def plan_form(x: str, team: int, date: str) -> dict:
    return {"_xsrf": x, "s0_use": "1", "s0_name": f"第{team + 1}队场景", "s0_scene_type": "促销", "s0_battle": "客户回馈",
            "s0_channels": ["朋友圈", "店内"], "s0_target_tier": "活跃粉", "s0_incentive_type": "满减",
            "s0_incentive_yuan": "5", "s0_budget_yuan": "3000", "s0_personalization": "0.7",
            "s0_launch_date": date, "s0_duration_days": "7", "s0_lead_days": "1", "org": "无"}


def client(base, code, team, seconds, seed, out, errors, barrier, date):
    rng = random.Random(seed)
    s = requests.Session()
    try:
        x = xsrf(s, base + "/")
        s.post(base + "/join", data={"_xsrf": x, "code": code})
    except requests.RequestException as e:
        errors.append(f"join: {e}")
        return
    barrier.wait()
    end = time.time() + seconds
    i = 0
    while time.time() < end:
        time.sleep(rng.uniform(0.5, 1.5))
        kind = ("team", "static", "team", "static", "plan")[i % 5]
        i += 1
        t0 = time.perf_counter()
        try:
            if kind == "team":
                r = s.get(base + "/team", timeout=30)
                ok = r.status_code == 200 and 'id="plan"' in r.text
            elif kind == "static":
                r = s.get(base + "/static/game.css", timeout=30)
                ok = r.status_code == 200 and len(r.content) > 100
            else:
                r = s.post(base + "/team/plan", data=plan_form(x, team, date), timeout=30)
                ok = r.status_code == 200 and "saved=1" in r.url
        except requests.RequestException as e:
            ok, r = False, e
        dt = time.perf_counter() - t0
        out.append((kind, dt))
        if not ok:
            errors.append(f"{kind}: {getattr(r, 'status_code', r)}")


def bench_load(seconds: float, n_clients: int) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="o2o-game-bench-") as tmp:
        env = {**os.environ, "O2O_GAME_TOKEN": TOKEN}
        srv = Server(Path(tmp) / "game.sqlite3", env)
        try:
            gid, codes = setup_game(srv.base)
            date = "2015-10-24"      # inside round 2 of 4
            out: list[tuple[str, float]] = []
            errors: list[str] = []
            barrier = threading.Barrier(n_clients)
            before = loadavg()
            threads = [threading.Thread(target=client, args=(srv.base, codes[c % 12], c % 12, seconds, c, out,
                                                             errors, barrier, date)) for c in range(n_clients)]
            t0 = time.time()
            started = t0
            for th in threads:
                th.start()
            for th in threads:
                th.join()
            wall = time.time() - t0
            after = loadavg()
        finally:
            srv.stop()
        served = srv.server_times(started)
    lines = ["### Team page under load", "",
             f"{n_clients} clients (12 teams x {n_clients // 12} phones) on loopback for {seconds:.0f} s, think time "
             f"0.5-1.5 s; {len(out)} requests in {wall:.0f} s ({len(out) / wall:.1f}/s); errors: {len(errors)}.",
             f"Load average (1, 5, 15 min) before: {before}, after: {after} (a shared 2-core machine; the clients "
             "run on the same machine as the server).", "",
             "| request | n | p50 | p95 |", "|---|---:|---:|---:|"]
    p95 = {}
    for kind, label in (("team", "`GET /team` (team page)"), ("plan", "`POST /team/plan`"),
                        ("static", "`GET /static/game.css` (static baseline)")):
        v = np.array([d for k, d in out if k == kind]) * 1000
        p95[kind] = float(np.percentile(v, 95)) if len(v) else float("nan")
        lines.append(f"| {label} | {len(v)} | {np.percentile(v, 50):.1f} ms | {p95[kind]:.1f} ms |" if len(v) else
                     f"| {label} | 0 | — | — |")
    lines += ["", "Time the server itself spent (tornado's access log; excludes queueing in the kernel and the clients):",
              "", "| request | n | p50 | p95 |", "|---|---:|---:|---:|"]
    sp95 = {}
    for kind, label in (("team", "`GET /team`"), ("plan", "`POST /team/plan`"), ("static", "`GET /static/game.css`")):
        v = np.array(served[kind])
        sp95[kind] = float(np.percentile(v, 95)) if len(v) else float("nan")
        lines.append(f"| {label} | {len(v)} | {np.percentile(v, 50):.1f} ms | {sp95[kind]:.1f} ms |" if len(v) else
                     f"| {label} | 0 | — | — |")
    lines.append(f"\nServer-side p95, team page / static file = {sp95['team'] / sp95['static']:.2f}x.")
    ratio = p95["team"] / p95["static"]
    lines += ["", f"Team page p95 / static p95 = **{ratio:.2f}x** (goal <= 3x: {'met' if ratio <= 3 else 'not met'} "
              f"on this run); errors {len(errors)} (goal 0).", ""]
    if errors:
        lines.append(f"First errors: {errors[:5]}")
    return lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=120.0)
    ap.add_argument("--clients", type=int, default=60)
    ap.add_argument("--quick", action="store_true", help="20 seconds instead of 120")
    a = ap.parse_args()
    if a.clients < 12 or a.clients > 120 or not 5 <= a.seconds <= 600:
        ap.error("--clients must be 12-120 and --seconds 5-600")
    seconds = 20.0 if a.quick else a.seconds
    ds = o2o.load()
    lines = ["## Class game (`o2o game`)", "", f"Load average at start: {loadavg()}.", ""]
    lines += bench_round(ds)
    lines += bench_load(seconds, a.clients)
    text = "\n".join(lines)
    print(text)
    res = os.environ.get("O2O_BENCH_RESULTS")
    if res:
        Path(res).mkdir(parents=True, exist_ok=True)
        (Path(res) / "game.md").write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
