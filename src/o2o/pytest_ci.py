"""A pytest plugin for the test run of ``make test`` (loaded with ``-p o2o.pytest_ci``).

In continuous integration (environment variable ``CI`` set to ``true``/``1``/``yes``)
a test marked ``@pytest.mark.browser`` must not skip: a skip there means Chromium or
Playwright is missing, and the browser tests would silently prove nothing. This plugin
turns such a skip into a failure that names the reason. Outside CI, skips stay skips,
so a developer without Chromium can still run the rest of the suite.
"""

from __future__ import annotations

import os

import pytest


def in_ci() -> bool:
    """Whether the tests run in continuous integration (``CI=true``)."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    report = outcome.get_result()
    if not (in_ci() and report.skipped and item.get_closest_marker("browser")):
        return
    if hasattr(report, "wasxfail"):
        return
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    report.outcome = "failed"
    report.longrepr = (
        "浏览器测试在 CI 中不得跳过(CI=true)。 / Browser tests must not skip in CI (CI=true).\n"
        f"跳过原因 / skip reason: {reason}"
    )


def pytest_report_header(config: pytest.Config) -> str:
    if in_ci():
        return "CI=true: browser tests are mandatory (a skip fails) / 浏览器测试必须运行"
    return "CI not set: browser tests may skip when Chromium is missing / 未设置 CI,缺少 Chromium 时浏览器测试可跳过"


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector):
    """A whole browser-test module skipped at import (e.g. ``importorskip``) fails in CI."""
    outcome = yield
    report = outcome.get_result()
    if not (in_ci() and report.skipped and isinstance(collector, pytest.Module)):
        return
    try:
        source = collector.path.read_text(encoding="utf-8")
    except OSError:
        return
    if "mark.browser" not in source:
        return
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    report.outcome = "failed"
    report.longrepr = (
        "浏览器测试模块在 CI 中不得跳过(CI=true)。 / A browser-test module must not skip in CI (CI=true).\n"
        f"跳过原因 / skip reason: {reason}"
    )
