"""Fixtures of the class game's tests: the default dataset's world and a six-team market."""

from __future__ import annotations

import pytest

from o2o.game import market_from_world
from o2o.scenes import World


@pytest.fixture(scope="session")
def world(dataset):
    return World.from_dataset(dataset)


@pytest.fixture(scope="session")
def market(world, dataset):
    return market_from_world(world, dataset.stores, n_teams=6, n_rounds=4, seed=1)
