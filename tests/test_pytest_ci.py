"""The ``make test`` plugin o2o.pytest_ci: in CI a skipped browser test is a failure."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BROWSER_TESTS = '''
import pytest

@pytest.mark.browser
def test_browser_skips():
    pytest.skip("chromium not found")

@pytest.fixture
def page():
    pytest.skip("playwright not installed")

@pytest.mark.browser
def test_browser_fixture_skips(page):
    pass

@pytest.mark.browser
def test_browser_runs():
    pass

def test_plain_skip_stays_a_skip():
    pytest.skip("not a browser test")
'''

BROWSER_MODULE = '''
import pytest
pytestmark = pytest.mark.browser
pytest.importorskip("a_module_that_does_not_exist")

def test_never_collected():
    pass
'''


def run_pytest(folder: Path, ci: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "o2o.pytest_ci", "--continue-on-collection-errors",
         "-p", "no:cacheprovider", "-W", "ignore::pytest.PytestUnknownMarkWarning", "-rA", str(folder)],
        capture_output=True, text=True, timeout=120, cwd=folder, env=env,
    )


@pytest.fixture
def suite(tmp_path: Path) -> Path:
    (tmp_path / "test_browser.py").write_text(BROWSER_TESTS, encoding="utf-8")
    (tmp_path / "test_browser_module.py").write_text(BROWSER_MODULE, encoding="utf-8")
    return tmp_path


def test_outside_ci_browser_skips_stay_skips(suite: Path) -> None:
    result = run_pytest(suite, ci=None)
    assert result.returncode == 0, result.stdout
    assert "1 passed, 4 skipped" in result.stdout


@pytest.mark.parametrize("value", ["true", "1"])
def test_in_ci_browser_skips_fail(suite: Path, value: str) -> None:
    result = run_pytest(suite, ci=value)
    assert result.returncode == 1, result.stdout
    assert "1 failed, 1 passed, 1 skipped, 2 errors" in result.stdout
    assert "Browser tests must not skip in CI" in result.stdout
    assert "chromium not found" in result.stdout
    assert "A browser-test module must not skip in CI" in result.stdout
