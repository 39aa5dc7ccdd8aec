"""Fixtures of the scene tests: small synthetic chains (no dataset needed)."""

from __future__ import annotations

import pytest
from scene_factory import make_world


@pytest.fixture(scope="session")
def small_world():
    """12 stores in three cities, every store with a squad of four."""
    return make_world(n_stores=12, seed=1)
