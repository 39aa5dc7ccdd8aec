"""The apps on a 390x844 phone, plotly's cached bundle, and the server's memory reserve."""

from __future__ import annotations

import http.client
from pathlib import Path
from urllib.parse import quote

import pytest
from o2o_browser import MATURITY, NETWORK, ROOT, SIMULATOR, screenshot

from o2o.apps.kernels import LOW_MEMORY
from o2o.apps.launch import AppServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}
RADAR_R = "() => { const g = document.querySelector('.js-plotly-plot'); return g && g.data ? Array.from(g.data[0].r) : null; }"
# the first drawing of a figure (frontend/src/preview.js), before plotly's
PREVIEW = "svg.o2o-figure-preview"
PREVIEW_R = ("() => { const p = document.querySelector('svg.o2o-figure-preview [data-o2o-r]');"
             " return p ? JSON.parse(p.dataset.o2oR) : null; }")

# every element wider than the screen, and every control a thumb cannot hit
# (under 40 px, or covered or cut off where the page shows it)
LAYOUT = """() => {
  const W = document.documentElement.clientWidth;
  const over = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    // plotly's off-screen measuring box; shapes inside an <svg> are cut to the svg's own box
    if (r.width === 0 || r.height === 0 || r.left <= -5000 || el.ownerSVGElement) continue;
    if (r.right > W + 1 || r.left < -1) over.push(el.tagName + '.' + el.className.toString().slice(0, 50));
  }
  const small = [], clipped = [];
  const targets = document.querySelectorAll(
    'button, select, input:not([type=checkbox]), .widget-checkbox label, [role=slider], .noUi-handle');
  for (const el of targets) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || el.closest('.js-plotly-plot, .modebar')) continue;
    const name = el.tagName + ' ' + (el.textContent || el.value || '').trim().slice(0, 20);
    if (r.height < 40 || r.width < 40) small.push(name + ' ' + Math.round(r.width) + 'x' + Math.round(r.height));
    el.scrollIntoView({block: 'center'});
    const q = el.getBoundingClientRect();
    const hit = document.elementFromPoint(q.left + q.width / 2, q.top + q.height / 2);
    if (!hit || !(el === hit || el.contains(hit) || hit.contains(el))) clipped.push(name);
  }
  window.scrollTo(0, 0);
  return {scrollWidth: document.documentElement.scrollWidth, W, over, small, clipped};
}"""


@pytest.fixture()
def phone(browser):
    ctx = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    pg = ctx.new_page()
    pg.set_default_timeout(90_000)
    yield pg
    ctx.close()


def _assert_fits(page) -> None:
    got = page.evaluate(LAYOUT)
    assert got["scrollWidth"] <= got["W"], got
    assert got["over"] == [], got["over"][:10]
    assert got["small"] == [], got["small"][:10]
    assert got["clipped"] == [], got["clipped"][:10]


def test_maturity_self_test_on_a_phone(phone, app_server):
    phone.goto(app_server.app_url(MATURITY))
    phone.get_by_role("button", name="查看评估结果").wait_for()
    _assert_fits(phone)
    rows = phone.locator(".widget-toggle-buttons")
    for i in range(rows.count()):
        four = rows.nth(i).get_by_role("button", name="4", exact=True)
        if four.count():
            four.tap()
    phone.get_by_text("已回答 25 / 25 题").wait_for()
    phone.get_by_role("button", name="查看评估结果").tap()
    phone.get_by_text("已到达").wait_for()
    _assert_fits(phone)
    screenshot(phone, "phone-maturity")
    phone.get_by_role("button", name="English").tap()      # the language switch is reachable
    phone.get_by_text("Reached").wait_for()
    # the notice a lost connection brings: its reload button is a thumb's target too
    phone.evaluate("() => window.o2oWidgetManager.kernel._ws.close(1000)")
    phone.locator("#o2o-notice button").wait_for()
    box = phone.locator("#o2o-notice button").bounding_box()
    assert box["height"] >= 40 and box["width"] >= 40, box
    _assert_fits(phone)
    screenshot(phone, "phone-maturity-notice")


def test_scene_simulator_on_a_phone(phone, app_server):
    phone.goto(app_server.app_url(SIMULATOR))
    button = phone.get_by_role("button", name="模拟这个场景")
    button.wait_for()
    _assert_fits(phone)
    button.tap()
    phone.wait_for_function(f"(({RADAR_R})() || []).some(v => v > 0)")
    phone.get_by_text("第 7 天").first.wait_for()
    _assert_fits(phone)
    handle = phone.locator(".noUi-handle").first.bounding_box()   # the slider's handle, counted above too
    assert handle["height"] >= 40 and handle["width"] >= 40, handle
    phone.wait_for_function(f"!document.querySelector('{PREVIEW}')")   # plotly's figure took the first drawing's place
    width = phone.evaluate("() => document.querySelector('.js-plotly-plot')._fullLayout.width")
    assert width <= PHONE["width"], width                   # the 5W figure is drawn at the phone's width
    screenshot(phone, "phone-scene-simulator")


def test_first_simulation_is_drawn_before_plotly_loads(phone, app_server):
    """The first figure is the page script's SVG drawing: the kernel's values, Chinese labels, an
    accessible name, the phone's width; it follows the kernel's changes until plotly arrives
    (here never: plotly's bundle is refused, so the drawing stays)."""
    phone.route("**/o2o-plotly/**", lambda route: route.abort())
    phone.goto(app_server.app_url(SIMULATOR))
    button = phone.get_by_role("button", name="模拟这个场景")
    button.tap()
    phone.wait_for_function(f"(({PREVIEW_R})() || []).some(v => v > 0)")
    phone.get_by_text("第 7 天").first.wait_for()
    drawn = phone.evaluate(PREVIEW_R)
    shown = [float(phone.locator(f"td.o2o-score[data-w='{w}']").inner_text()) for w in ("Who", "What", "Way", "Why", "Worth")]
    assert drawn[:5] == pytest.approx(shown, abs=0.51) and drawn[5] == drawn[0]
    svg = phone.locator(PREVIEW)
    assert svg.get_attribute("role") == "img" and "5W 评估" in svg.get_attribute("aria-label")
    text = phone.evaluate(f"() => document.querySelector('{PREVIEW}').textContent")
    for label in ("谁主导 Who", "效果评估 Worth", "第几天", "累计增量毛利", "本场景"):
        assert label in text, label
    assert svg.bounding_box()["width"] <= PHONE["width"]
    _assert_fits(phone)
    screenshot(phone, "phone-scene-simulator-first-drawing")
    assert phone.evaluate(RADAR_R) is None                # no plotly: this is the page script's drawing
    # a historical scene for comparison: a second radar arrives as a kernel change and is drawn
    before = phone.locator(f"{PREVIEW} [data-o2o-r]").count()
    phone.get_by_label("对比历史场景").select_option(index=1)
    phone.wait_for_function(f"document.querySelectorAll('{PREVIEW} [data-o2o-r]').length > {before}")
    # another design: the drawing follows the kernel's new values
    phone.get_by_label("广告").check()                     # a channel more: other scores
    phone.locator(".o2o-scene-summary", has_text="渠道 广告").wait_for()
    button.tap()
    phone.wait_for_function(
        "(old) => { const p = document.querySelector('svg.o2o-figure-preview [data-o2o-r]'); if (!p) return false;"
        " const r = JSON.parse(p.dataset.o2oR);"
        " const shown = ['Who', 'What', 'Way', 'Why', 'Worth'].map("
        "   (w) => parseFloat(document.querySelector(`td.o2o-score[data-w='${w}']`).textContent));"
        " return shown.every((v, i) => Math.abs(v - r[i]) <= 0.51) && r.some((v, i) => Math.abs(v - old[i]) > 1e-9); }",
        arg=drawn)


def test_store_network_on_a_phone(phone, app_server):
    phone.goto(app_server.app_url(NETWORK))
    points = ("() => { const g = document.querySelector('.js-plotly-plot'); if (!g || !g.data) return -1;"
              " return Array.from(g.data).slice(2).reduce((n, t) => n + (t.visible === false || !t.x ? 0 : t.x.length), 0); }")
    phone.wait_for_function(f"({points})() > 5000")
    _assert_fits(phone)
    total = phone.evaluate(points)
    phone.get_by_label("城市").select_option(label="深圳")
    phone.wait_for_function(f"({points})() < {total}")
    _assert_fits(phone)
    screenshot(phone, "phone-store-network")


def test_desktop_figures_keep_their_width(page, app_server):
    page.goto(app_server.app_url(NETWORK))
    page.wait_for_function("() => { const g = document.querySelector('.js-plotly-plot'); return g && g._fullLayout; }")
    assert page.evaluate("() => document.querySelector('.js-plotly-plot')._fullLayout.width") == 940


def test_plotly_bundle_is_served_under_its_hash_and_cached(page, app_server):
    urls: list[str] = []
    page.on("request", lambda r: urls.append(r.url) if "o2o-plotly/" in r.url else None)
    page.goto(app_server.app_url(MATURITY))
    page.wait_for_function("() => document.querySelector('.js-plotly-plot')")
    assert len(urls) == 1 and "widgetbundle." in urls[0], urls
    path = urls[0].split(str(app_server.port), 1)[1]
    conn = http.client.HTTPConnection("127.0.0.1", app_server.port, timeout=60)
    conn.request("GET", path)
    resp = conn.getresponse()
    resp.read()
    assert resp.status == 200 and "immutable" in resp.getheader("Cache-Control", "")
    conn.close()


# --------------------------------------------------------------------------- the memory reserve


def _meminfo(path: Path, available_mb: int) -> None:
    path.write_text(f"MemTotal:       {64 << 20} kB\nMemFree:        {available_mb << 10} kB\n"
                    f"MemAvailable:   {available_mb << 10} kB\n", encoding="ascii")


def _get(port: int, path: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", path)
    resp = conn.getresponse()
    body = resp.read().decode("utf-8", "replace")
    conn.close()
    return resp.status, body


def test_below_the_memory_reserve_new_visitors_get_a_clear_page_and_old_ones_keep_working(
        page, dataset_dir, tmp_path):
    meminfo = tmp_path / "meminfo"
    _meminfo(meminfo, 64_000)               # plenty: the first visitor gets a kernel
    args = ["maturity", "--no-preheat", "--memory-reserve-mb", "2000", "--kernel-memory-mb", "250",
            "--meminfo", str(meminfo)]
    with AppServer(args, env={"O2O_DATA_DIR": str(dataset_dir)}, cwd=ROOT, timeout=120) as srv:
        page.goto(srv.app_url(MATURITY))
        page.get_by_role("button", name="查看评估结果").wait_for()
        _meminfo(meminfo, 2100)             # now a new kernel would leave 1850 MB < the 2000 MB reserve
        status, body = _get(srv.port, "/voila/render/" + quote(MATURITY))
        assert status == 503
        zh, en = LOW_MEMORY.split(" / ", 1)
        assert zh in body and en in body and "Traceback" not in body
        # the visitor who has a kernel keeps being answered
        page.locator(".widget-toggle-buttons").nth(1).get_by_role("button", name="3", exact=True).click()
        page.get_by_text("已回答 1 / 25 题").wait_for()
        _meminfo(meminfo, 64_000)           # memory back: new visitors welcome again
        assert _get(srv.port, "/voila/render/" + quote(MATURITY))[0] == 200
