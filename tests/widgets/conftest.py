"""Small, seeded tables for the widget tests (the scene widgets use the shared dataset)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

CITIES = ("东莞", "深圳", "广州", "惠州", "佛山")
FORMATS = ("社区", "写字楼", "学校", "工业区", "交通枢纽", "商业街")
TIERS = ("沉睡粉", "普通粉", "活跃粉", "铁杆粉")


@pytest.fixture(scope="module")
def stores() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    n = 600
    return pd.DataFrame({
        "store_id": np.arange(1, n + 1, dtype=np.int32),
        "store_name": [f"门店{i:04d}" for i in range(1, n + 1)],
        "city": rng.choice(CITIES, n, p=[0.4, 0.2, 0.2, 0.1, 0.1]),
        "lat": rng.uniform(22.5, 23.5, n), "lon": rng.uniform(113.0, 114.5, n),
        "format": rng.choice(FORMATS, n), "ownership": rng.choice(("直营", "加盟"), n),
        "pilot_group": rng.choice(("试点", "对照", "无"), n, p=[0.05, 0.05, 0.9]),
    })


@pytest.fixture(scope="module")
def member_tiers() -> pd.DataFrame:
    """Three members over three months with known moves, plus one who joins in March."""
    rows = [
        (1, "2015-01-01", "沉睡粉"), (1, "2015-02-01", "普通粉"), (1, "2015-03-01", "活跃粉"),
        (2, "2015-01-01", "铁杆粉"), (2, "2015-02-01", "铁杆粉"), (2, "2015-03-01", "活跃粉"),
        (3, "2015-01-01", "普通粉"), (3, "2015-02-01", "普通粉"), (3, "2015-03-01", "普通粉"),
        (4, "2015-03-01", "沉睡粉"),
    ]
    df = pd.DataFrame(rows, columns=["member_id", "month", "tier"])
    df["month"] = pd.to_datetime(df["month"])
    return df


@pytest.fixture(scope="session")
def world(dataset):
    from o2o.scenes import World

    return World.from_dataset(dataset)


@pytest.fixture(scope="session")
def squads(dataset) -> pd.DataFrame:
    return dataset.squads.merge(dataset.stores[["store_id", "city"]], on="store_id")
