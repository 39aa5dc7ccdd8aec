"""Voila apps: time to the first kernel round-trip, bytes per page load, response to a click.

Measured in one run, side by side:

* **baseline** — a plain one-slider Voila app (``benchmarks/apps/plain_slider.ipynb``: an
  ``IntSlider`` whose change the kernel answers in a ``Label``) served by ``voila`` with
  its defaults, cold and with Voila's own preheated kernels
  (``--preheat_kernel=True --pool_size=1``);
* **simulator** — the scene simulator served by ``o2o app`` (locked down, compressed,
  the apps' own page script instead of Voila's JupyterLab front end, plotly's bundle
  served once), cold
  (``--no-preheat``) and preheated (the default).

*Time to first round-trip*: from navigation to the moment the page shows the kernel's
answer to a widget change (the slider's label; the simulator's design summary after a
budget change) — not merely drawn. *Bytes per load*: every byte the server sends to
the browser for one page load (HTTP and websocket, as they leave the server), counted by
a TCP proxy between the two. *Click*: from pressing "模拟这个场景" to the 5W radar
showing its values on the screen — the first drawing, whichever draws it: the apps' page
script draws a figure at once as an SVG from its data, and plotly's front end, loaded after
that, takes over (the time until plotly's figure is there is recorded beside it,
``plotly_seconds``); *next click*: a changed design simulated again, until the day-by-day
view shows the new scene. A fresh browser context (empty cache) for every load;
in the cold setting the same browser then opens the app again (*return visit*: plotly's
bundle, served under its content hash, comes from the browser's cache) and its first click
is timed too.

    python benchmarks/bench_voila.py            # writes benchmarks/results/bench_voila.json
    python benchmarks/bench_voila.py --quick    # fewer repeats
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))

from o2o.apps.launch import AppServer, free_port  # noqa: E402

CHROMIUM = os.environ.get("O2O_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
PLAIN = HERE / "apps" / "plain_slider.ipynb"
SIMULATOR = "场景模拟器.ipynb"
PLOTLY_RADAR = "() => { const g = document.querySelector('.js-plotly-plot'); return g && g.data ? Array.from(g.data[0].r) : null; }"
# the radar's values as drawn on the screen: plotly's, or the page script's SVG drawing before it
# (an element with a size, inside the viewport's document: what the visitor sees)
RADAR = ("() => { const g = document.querySelector('.js-plotly-plot'); if (g && g.data) return Array.from(g.data[0].r);"
         " const p = document.querySelector('svg.o2o-figure-preview [data-o2o-r]');"
         " if (!p || !p.isConnected) return null; const b = p.getBoundingClientRect();"
         " return b.width > 0 && b.height > 0 ? JSON.parse(p.dataset.o2oR) : null; }")
GOAL_PREHEATED_S = 1.5
# what the server log shows when a preheated kernel has run the whole notebook
READY = {"sim": "[o2o] app ready", "plain": "plain app ready"}
GOAL_BYTES = 5_000_000
# the start-up phases the apps' page script marks (frontend/src/index.js), plus the first paint
PHASES = ("() => Object.fromEntries(performance.getEntriesByType('mark').concat(performance.getEntriesByType('paint'))"
          ".filter(e => e.name.startsWith('o2o:') || e.name === 'first-contentful-paint')"
          ".map(e => [e.name, Math.round(e.startTime)]))")


# --------------------------------------------------------------------------- byte-counting proxy


class CountingProxy:
    """A TCP proxy that counts the bytes the server sends to the browser."""

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.port = free_port()
        self.to_client = 0
        self._lock = threading.Lock()
        self._sock = socket.socket()
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", self.port))
        self._sock.listen(128)
        threading.Thread(target=self._accept, daemon=True).start()

    def reset(self) -> None:
        with self._lock:
            self.to_client = 0

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._sock.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            threading.Thread(target=self._pipe, args=(client, upstream, False), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, True), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket, count: bool) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if count:
                    with self._lock:
                        self.to_client += len(data)
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        self._sock.close()


# --------------------------------------------------------------------------- one page load


def load_plain(page, url: str) -> float:
    t0 = time.perf_counter()
    page.goto(url, wait_until="commit")
    handle = page.locator(".ui-slider-handle, .noUi-handle, [role=slider]").first
    handle.wait_for()
    page.get_by_text("x² = 100").wait_for()
    handle.focus()
    page.keyboard.press("ArrowRight")
    page.get_by_text("x² = 121").wait_for()
    return time.perf_counter() - t0


def load_simulator(page, url: str) -> tuple[float, float, float, float]:
    t0 = time.perf_counter()
    page.goto(url, wait_until="commit")
    budget = page.get_by_label("预算(元)")
    budget.fill("4800")
    budget.press("Enter")
    page.locator(".o2o-scene-summary", has_text="4,800").wait_for()
    first = time.perf_counter() - t0
    t1 = time.perf_counter()
    page.get_by_role("button", name="模拟这个场景").click()
    # polled on every animation frame: the values are on the screen when this returns
    page.wait_for_function(f"(({RADAR})() || []).some(v => v > 0)", polling="raf")
    click = time.perf_counter() - t1
    page.wait_for_function(f"(({PLOTLY_RADAR})() || []).some(v => v > 0)", polling="raf")
    plotly = time.perf_counter() - t1
    # a second design (one day longer), simulated with the figure already on the page
    page.locator(".widget-slider .ui-slider-handle, .widget-slider .noUi-handle").first.focus()
    page.keyboard.press("ArrowRight")
    page.locator(".o2o-scene-summary", has_text="2015-09-10").wait_for()
    t2 = time.perf_counter()
    page.get_by_role("button", name="模拟这个场景").click()
    page.get_by_text("共 8 天").first.wait_for()
    return first, click, time.perf_counter() - t2, plotly


def wait_pool_ready(log_path: Path, count: int, marker: str, timeout: float = 240.0) -> None:
    """Wait until the server log shows ``marker`` ``count`` times: a preheated kernel has
    finished running the notebook (a kernel pool is "filled" when its kernels start, long
    before the notebook has run; a real server is warm long before its visitors come)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if log_path.exists() and log_path.read_text(errors="replace").count(marker) >= count:
            return
        time.sleep(0.2)
    raise RuntimeError(f"kernel pool not ready ({log_path})")


def measure(browser, server: AppServer, url_path: str, kind: str, repeats: int, preheated: bool,
            log_path: Path) -> dict:
    proxy = CountingProxy(server.port)
    times, clicks, again, sizes, phases, returns = [], [], [], [], [], []
    plotly, plotly_returns = [], []
    try:
        for i in range(repeats):
            if preheated:
                wait_pool_ready(log_path, i + 1, READY[kind])
            ctx = browser.new_context(viewport={"width": 1366, "height": 1000})
            page = ctx.new_page()
            page.set_default_timeout(180_000)
            proxy.reset()
            url = f"http://127.0.0.1:{proxy.port}{url_path}"
            if kind == "plain":
                times.append(load_plain(page, url))
            else:
                t, c, c2, pl = load_simulator(page, url)
                plotly.append(pl)
                phases.append(page.evaluate(PHASES))
                times.append(t)
                clicks.append(c)
                again.append(c2)
            page.wait_for_timeout(300)  # let trailing frames arrive before counting
            sizes.append(proxy.to_client)
            if kind == "sim" and not preheated:
                # a return visit: the same browser (its cache) opens the app again
                page.close()
                page = ctx.new_page()
                page.set_default_timeout(180_000)
                _, c, _, pl = load_simulator(page, url)
                returns.append(c)
                plotly_returns.append(pl)
            ctx.close()
    finally:
        proxy.close()
    out = {"seconds": times, "median_s": statistics.median(times), "bytes": sizes,
           "median_bytes": statistics.median(sizes)}
    if clicks:
        out["click_seconds"] = clicks
        out["click_median_s"] = statistics.median(clicks)
        out["second_click_seconds"] = again
        out["second_click_median_s"] = statistics.median(again)
        # from the first click until plotly's own figure replaced the first drawing
        out["plotly_seconds"] = plotly
        out["plotly_median_s"] = statistics.median(plotly)
    if returns:
        out["return_click_seconds"] = returns
        out["return_click_median_s"] = statistics.median(returns)
        out["return_plotly_seconds"] = plotly_returns
        out["return_plotly_median_s"] = statistics.median(plotly_returns)
    if any(phases):
        # milliseconds from navigation to each start-up phase of the apps' page script
        out["phases_median_ms"] = {k: statistics.median(p[k] for p in phases if k in p)
                                   for k in phases[0]}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="2 loads per setting instead of 3/5")
    args = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright

    results_dir = Path(os.environ.get("O2O_BENCH_RESULTS", HERE / "results"))
    results_dir.mkdir(parents=True, exist_ok=True)
    cold_n, hot_n = (2, 2) if args.quick else (3, 5)
    plain_url = "/"  # voila serving one notebook answers at its root
    sim_url = "/voila/render/" + quote(SIMULATOR)
    voila = [sys.executable, "-m", "voila", str(PLAIN), "--port={port}", "--no-browser"]
    settings = [
        ("baseline", "cold", voila, "plain", plain_url, cold_n, False),
        ("baseline", "preheated", voila + ["--preheat_kernel=True", "--pool_size=1"], "plain", plain_url, hot_n, True),
        ("simulator", "cold", None, "sim", sim_url, cold_n, False),
        ("simulator", "preheated", None, "sim", sim_url, hot_n, True),
    ]
    results: dict[str, dict] = {}
    load_before = os.getloadavg()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        for app, mode, command, kind, url_path, n, preheated in settings:
            log_path = results_dir / f"bench_voila-{app}-{mode}.log"
            server_args = ["scene-simulator", "--log-level", "INFO"] + ([] if preheated else ["--no-preheat"])
            with AppServer(server_args, command=command, cwd=ROOT, log_path=log_path, timeout=240,
                           env={"PYTHONUNBUFFERED": "1"}) as srv:
                results[f"{app}/{mode}"] = r = measure(browser, srv, url_path, kind, n, preheated, log_path)
            line = f"{app:9s} {mode:9s} first round-trip {r['median_s']:6.2f} s   {r['median_bytes'] / 1e6:6.2f} MB/load"
            if "click_median_s" in r:
                line += (f"   first click {r['click_median_s']:.2f} s (plotly's figure at {r['plotly_median_s']:.2f} s),"
                         f" next click {r['second_click_median_s']:.2f} s")
            if "return_click_median_s" in r:
                line += (f", first click on a return visit {r['return_click_median_s']:.2f} s"
                         f" (plotly's figure at {r['return_plotly_median_s']:.2f} s)")
            if "phases_median_ms" in r:
                line += "\n" + " " * 20 + "phases (ms): " + ", ".join(f"{k} {v:.0f}" for k, v in r["phases_median_ms"].items())
            print(line, flush=True)
        browser.close()
    b, s = results["baseline/preheated"], results["simulator/preheated"]
    cold = results["simulator/cold"]
    later = statistics.median(cold["second_click_seconds"] + s["second_click_seconds"])
    summary = {
        "time_ratio_preheated": s["median_s"] / b["median_s"],
        "time_ratio_cold": cold["median_s"] / results["baseline/cold"]["median_s"],
        # first "模拟这个场景" click against a later click: first visit (empty cache), return visit
        "click_ratio_first_visit": statistics.median(cold["click_seconds"] + s["click_seconds"]) / later,
        "click_ratio_return_visit": cold["return_click_median_s"] / later,
        # when plotly's own figure had replaced the first drawing (not part of the goals)
        "plotly_after_first_click_first_visit_s": statistics.median(cold["plotly_seconds"] + s["plotly_seconds"]),
        "plotly_after_first_click_return_visit_s": cold["return_plotly_median_s"],
        "goals": {"time_ratio_cold": 1.0, "click_ratio_first_visit": 4.0, "click_ratio_return_visit": 2.0,
                  "time_ratio_preheated": 0.5},
        "bytes_ratio": s["median_bytes"] / b["median_bytes"],
        "goal_preheated_s": GOAL_PREHEATED_S, "goal_bytes": GOAL_BYTES,
        "meets_time_goal": s["median_s"] <= GOAL_PREHEATED_S, "meets_bytes_goal": s["median_bytes"] <= GOAL_BYTES,
    }
    summary["load_average"] = os.getloadavg()
    summary["load_average_before"] = load_before
    print(json.dumps(summary, indent=2))
    (results_dir / "bench_voila.json").write_text(json.dumps({"results": results, "summary": summary}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
