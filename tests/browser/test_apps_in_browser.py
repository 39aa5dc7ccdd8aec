"""Each app loads in Chromium, its main interaction works, Chinese renders, no JS errors."""

from __future__ import annotations

import subprocess

import pytest

from o2o_browser import MATURITY, NETWORK, SIMULATOR, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

RADAR_R = "() => { const g = document.querySelector('.js-plotly-plot'); return g && g.data ? Array.from(g.data[0].r) : null; }"


def _cjk_font_installed() -> bool:
    out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout
    return "Noto Sans CJK" in out or "Noto Serif CJK" in out


def _text_width(page, selector: str) -> float:
    return page.eval_on_selector(selector, "el => el.getBoundingClientRect().width")


def test_scene_simulator_simulates_and_the_radar_shows_new_values(page, app_server):
    page.goto(app_server.app_url(SIMULATOR))
    button = page.get_by_role("button", name="模拟这个场景")
    button.wait_for()
    page.get_by_text("设计一个场景并按").wait_for()
    assert page.evaluate(RADAR_R) is None  # no radar before the first simulation
    # change the design: a longer, bigger scene (answered by the kernel's summary line)
    budget = page.get_by_label("预算(元)")
    budget.fill("4800")
    budget.press("Enter")
    page.locator(".o2o-scene-summary", has_text="4,800").wait_for()
    button.click()
    page.wait_for_function(f"(({RADAR_R})() || []).some(v => v > 0)")
    after = page.evaluate(RADAR_R)
    assert len(after) == 6 and all(0 <= v <= 100 for v in after)
    who = page.locator("td.o2o-score[data-w='Who']").inner_text()
    assert float(who) == pytest.approx(after[0], abs=0.51)
    page.get_by_text("第 7 天").first.wait_for()
    assert _cjk_font_installed()
    assert _text_width(page, "h2") > 50  # the Chinese title is laid out with real glyphs
    screenshot(page, "app-scene-simulator")
    assert page.console.errors == []


def test_store_network_filters_the_map(page, app_server):
    page.goto(app_server.app_url(NETWORK))
    page.get_by_text("门店网络", exact=True).first.wait_for()
    points = ("() => { const g = document.querySelector('.js-plotly-plot'); if (!g || !g.data) return -1;"
              " return Array.from(g.data).slice(2).reduce((n, t) => n + (t.visible === false || !t.x ? 0 : t.x.length), 0); }")
    page.wait_for_function(f"({points})() > 5000")
    total = page.evaluate(points)
    page.get_by_label("城市").select_option(label="深圳")
    page.wait_for_function(f"({points})() < {total}")
    shown = page.evaluate(points)
    assert 0 < shown < total
    page.get_by_text(f"显示 {shown:,} 家门店", exact=False).wait_for()
    screenshot(page, "app-store-network")
    assert page.console.errors == []


def test_maturity_self_test_reaches_a_stage_and_switches_to_english(page, app_server):
    page.goto(app_server.app_url(MATURITY))
    page.get_by_role("button", name="查看评估结果").wait_for()
    rows = page.locator(".widget-toggle-buttons")
    # answer every statement "4" (the language switch is toggle buttons too: skip it)
    count = rows.count()
    for i in range(count):
        buttons = rows.nth(i).get_by_role("button", name="4", exact=True)
        if buttons.count():
            buttons.click()
    page.get_by_text("已回答 25 / 25 题").wait_for()
    page.get_by_role("button", name="查看评估结果").click()
    page.get_by_text("已到达").wait_for()
    screenshot(page, "app-maturity")
    page.get_by_role("button", name="English").click()
    page.get_by_role("button", name="Assess").wait_for()
    page.get_by_text("Reached").wait_for()
    assert page.console.errors == []


def test_pages_load_one_page_script_not_voilas_front_end(page, app_server):
    """The apps' page script replaces Voila's JupyterLab front end (about 90 chunks)."""
    scripts: list[str] = []
    page.on("request", lambda r: scripts.append(r.url) if r.resource_type == "script" else None)
    page.goto(app_server.app_url(MATURITY))
    page.get_by_role("button", name="查看评估结果").wait_for()
    ours = [u for u in scripts if "/static/o2o-app.js" in u]
    assert len(ours) == 1
    assert not [u for u in scripts if "/voila/static/" in u or "remoteEntry" in u], scripts
    # besides: voila-style.js (styles and icons), and plotly's bundle for this app's chart
    # (through anywidget's blob: module)
    others = [u for u in scripts if not any(k in u for k in ("/static/o2o-app.js", "/static/voila-style.js",
                                                            "o2o-plotly/widgetbundle.", "blob:"))]
    assert others == [], others
    # the widgets came from the kernel through the page's widget manager
    assert page.evaluate("() => Object.keys(window.o2oWidgetManager._models).length") > 50
    assert page.console.errors == []


def test_a_lost_connection_shows_a_bilingual_notice(page, app_server):
    page.goto(app_server.app_url(MATURITY))
    page.get_by_role("button", name="查看评估结果").wait_for()
    assert page.locator("#o2o-notice").count() == 0
    # the server going away closes the kernel's websocket the same way
    page.evaluate("() => window.o2oWidgetManager.kernel._ws.close(1000)")
    notice = page.locator("#o2o-notice")
    notice.wait_for()
    text = notice.inner_text()
    assert "请刷新页面" in text and "Reload the page" in text


def test_voila_frontend_switch_serves_voilas_own_front_end(page, dataset_dir):
    """`o2o app --voila-frontend` (the fallback) still shows a working app, through Voila's scripts."""
    from o2o.apps.launch import AppServer
    from o2o_browser import ARTIFACTS, ROOT

    env = {"O2O_DATA_DIR": str(dataset_dir), "PYTHONUNBUFFERED": "1"}
    with AppServer(["maturity", "--voila-frontend", "--no-preheat"], env=env, cwd=ROOT,
                   log_path=ARTIFACTS / "voila-frontend-server.log", timeout=180) as srv:
        scripts: list[str] = []
        page.on("request", lambda r: scripts.append(r.url) if r.resource_type == "script" else None)
        page.goto(srv.app_url(MATURITY))
        page.get_by_role("button", name="查看评估结果").wait_for()
        assert any(u.endswith("/voila/static/voila.js") for u in scripts)
        assert not any("/static/o2o-app.js" in u for u in scripts)
