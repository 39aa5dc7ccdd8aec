"""Fixtures: a running app server and a headless Chromium for the browser and security tests.

The server is the real ``o2o app`` server (all three apps, preheated kernels) on a free
port, started once per session. Chromium is Debian's (``/usr/bin/chromium``): Playwright
cannot download its own browser here. Without Chromium the browser tests skip — except in
CI (``CI=true``), where the ``o2o.pytest_ci`` plugin turns that skip into a failure.
"""

from __future__ import annotations

import pytest
from o2o_browser import ARTIFACTS, ROOT, Console

from o2o.apps.launch import AppServer


@pytest.fixture(scope="session")
def app_server(dataset_dir):
    """All three apps on a free port (preheated, as in production)."""
    env = {"O2O_DATA_DIR": str(dataset_dir), "PYTHONUNBUFFERED": "1"}
    with AppServer(["--pool-size", "1", "--max-kernels", "30", "--log-level", "INFO"], env=env, cwd=ROOT,
                   log_path=ARTIFACTS / "voila-test-server.log", timeout=180) as srv:
        yield srv


@pytest.fixture()
def page(browser):
    ctx = browser.new_context(viewport={"width": 1366, "height": 1000}, locale="zh-CN")
    pg = ctx.new_page()
    pg.set_default_timeout(90_000)
    pg.console = Console(pg)
    yield pg
    ctx.close()
