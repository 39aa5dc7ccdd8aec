"""The cohort hub's end-to-end fixtures (root only: real Unix accounts)."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cohort import ROOT, Cohort  # noqa: E402

ARTIFACTS = ROOT / "artifacts"
CHP = ROOT / "hub-proxy" / "node_modules" / ".bin" / "configurable-http-proxy"


def hub_prerequisites() -> str | None:
    if os.geteuid() != 0:
        return "the hub test creates Unix accounts: run as root"
    if not CHP.exists():
        return "configurable-http-proxy missing: run `make hub-proxy`"
    for tool in ("git", "runuser", "useradd", "bwrap"):
        if shutil.which(tool) is None:
            return f"{tool} missing"
    return None


@pytest.fixture(scope="module")
def cohort(dataset_dir):
    reason = hub_prerequisites()
    if reason:
        pytest.skip(reason)
    c = Cohort(n_students=12, artifacts=ARTIFACTS)
    try:
        yield c
    finally:
        c.close()
