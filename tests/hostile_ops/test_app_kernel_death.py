"""An app whose kernel dies shows the bilingual notice with a reload button within seconds."""

from __future__ import annotations

import os
import signal

import psutil
import pytest
from hostile_ops_helpers import ROOT  # also puts tests/browser (o2o_browser) on the import path
from o2o_browser import ARTIFACTS, SIMULATOR

from o2o.apps.launch import AppServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _kernel_process(kernel_id: str) -> psutil.Process:
    for proc in psutil.process_iter(["cmdline"]):
        if any(f"kernel-{kernel_id}.json" in part for part in proc.info["cmdline"] or []):
            return proc
    raise AssertionError(f"no process for kernel {kernel_id}")


@pytest.fixture(scope="module")
def server(dataset_dir):
    env = {"O2O_DATA_DIR": str(dataset_dir), "PYTHONUNBUFFERED": "1"}
    with AppServer(["scene-simulator", "--pool-size", "1"], env=env, cwd=ROOT,
                   log_path=ARTIFACTS / "hostile-kernel-death-server.log", timeout=180) as srv:
        yield srv


def test_a_killed_kernel_shows_the_notice_and_reload_brings_the_app_back(browser, server):
    """On a phone (alumni open the apps there); the frozen-kernel test below runs on a desktop viewport."""
    viewport = {"width": 390, "height": 844}
    ctx = browser.new_context(viewport=viewport, locale="zh-CN", is_mobile=True, has_touch=True)
    page = ctx.new_page()
    page.set_default_timeout(90_000)
    try:
        page.goto(server.app_url(SIMULATOR))
        button = page.get_by_role("button", name="模拟这个场景")
        button.wait_for()
        assert page.locator("#o2o-notice").count() == 0
        kernel_id = page.evaluate("() => window.o2oWidgetManager.kernel.id")
        _kernel_process(kernel_id).send_signal(signal.SIGKILL)
        button.tap()  # what a visitor does next; before, nothing happened, silently
        notice = page.locator("#o2o-notice")
        notice.wait_for(timeout=10_000)  # "within a few seconds"
        text = notice.inner_text()
        assert "内核" in text and "kernel" in text and "刷新页面" in text, text
        reload = notice.get_by_role("button", name="刷新页面 / Reload")
        assert reload.is_visible()
        box = notice.bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"]
        reload.click()
        page.get_by_role("button", name="模拟这个场景").wait_for()
        assert page.locator("#o2o-notice").count() == 0
        assert page.evaluate("() => window.o2oWidgetManager.kernel.id") != kernel_id
    finally:
        ctx.close()


def test_a_stopped_kernel_that_does_not_answer_shows_the_notice(browser, server):
    """A kernel that is alive but frozen (SIGSTOP): the click gets no answer; the notice says so."""
    ctx = browser.new_context(viewport={"width": 1366, "height": 1000}, locale="zh-CN")
    page = ctx.new_page()
    page.set_default_timeout(90_000)
    proc = None
    try:
        page.goto(server.app_url(SIMULATOR))
        button = page.get_by_role("button", name="模拟这个场景")
        button.wait_for()
        proc = _kernel_process(page.evaluate("() => window.o2oWidgetManager.kernel.id"))
        os.kill(proc.pid, signal.SIGSTOP)
        button.click()
        notice = page.locator("#o2o-notice")
        notice.wait_for(timeout=12_000)
        assert "没有回应" in notice.inner_text() and "not answering" in notice.inner_text()
        assert notice.get_by_role("button", name="刷新页面 / Reload").is_visible()
    finally:
        if proc is not None:
            os.kill(proc.pid, signal.SIGCONT)
        ctx.close()
