"""Shared fixtures: the default dataset (built once if it is missing) and one headless Chromium.

Playwright's sync API runs its own event loop in the test thread, so a second ``sync_playwright()``
started while the first is alive fails ("using Playwright Sync API inside the asyncio loop"). Every
test folder that drives a browser in the test thread therefore takes this one session-wide ``browser``.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))  # o2o_browser: Chromium path and arguments

from o2o_browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402


@pytest.fixture(scope="session")
def dataset_dir() -> Path:
    """The default dataset's folder (``make test`` builds it first; built here if missing)."""
    from o2o.casegen import build
    from o2o.data import default_data_dir
    from o2o.data.load import Dataset
    from o2o.errors import DataError

    path = Path(os.environ.get("O2O_DATA_DIR", ROOT / "datasets" / "default"))
    try:
        Dataset(path)
    except DataError:
        build(path, progress=False)
    assert default_data_dir() == path or os.environ.get("O2O_DATA_DIR")
    return path


@pytest.fixture(scope="session")
def dataset(dataset_dir):
    """The default dataset, opened once for the whole test session (tables load lazily)."""
    import o2o

    return o2o.load(dataset_dir)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright; one for the whole session (see the module note)."""
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()
