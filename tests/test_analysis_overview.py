"""o2o.analysis.overview and online_offline: the dataset at a glance, online meets offline."""

from __future__ import annotations

import doctest

import numpy as np
import pandas as pd
import pytest

from o2o.analysis import online_offline, overview
from o2o.errors import DataError


def test_doctests():
    for mod in (overview, online_offline):
        assert doctest.testmod(mod).failed == 0


def _daily(rng, n_stores=3, days=40):
    dates = pd.date_range("2015-01-01", periods=days)
    d = pd.DataFrame({"store_id": np.repeat(np.arange(1, n_stores + 1), days), "date": np.tile(dates, n_stores)})
    d["tickets"] = rng.integers(50, 300, len(d))
    d["member_tickets"] = (d["tickets"] * rng.uniform(0, 0.5, len(d))).astype(int)
    d["sales_yuan"] = d["tickets"] * rng.uniform(10, 25, len(d))
    d["gross_margin_yuan"] = d["sales_yuan"] * 0.25
    return d


def test_at_a_glance_adds_up():
    rng = np.random.default_rng(1)
    d = _daily(rng)
    s = pd.DataFrame({"store_id": [1, 2, 3], "city": ["东莞", "东莞", "深圳"], "ownership": ["直营", "加盟", "加盟"]})
    g = overview.at_a_glance(s, d).set_index("indicator")["数值"]
    assert g["stores"] == 3 and g["cities"] == 2
    assert g["direct-operated share"] == pytest.approx(33.33, abs=0.01)
    assert g["sales in 2015"] == pytest.approx(d["sales_yuan"].sum() / 1e8, abs=0.01)
    assert g["average ticket"] == pytest.approx(d["sales_yuan"].sum() / d["tickets"].sum(), abs=0.01)
    assert g["gross margin rate"] == pytest.approx(25.0)


def test_stores_by_city_sorted_and_shares_sum_to_one():
    s = pd.DataFrame({"store_id": range(6), "city": ["深圳", "东莞", "东莞", "广州", "东莞", "深圳"],
                      "ownership": ["直营"] * 6})
    out = overview.stores_by_city(s)
    assert out["city"].tolist() == ["东莞", "深圳", "广州"]
    assert out["city_en"].tolist()[0] == "Dongguan"
    assert out["share"].sum() == pytest.approx(1.0)


def test_member_share_by_month():
    d = _daily(np.random.default_rng(2))
    m = online_offline.monthly_member_share(d)
    assert len(m) == 2  # January and February
    jan = d[d["date"] < "2015-02-01"]
    assert m["member_ticket_share"].iloc[0] == pytest.approx(jan["member_tickets"].sum() / jan["tickets"].sum())
    assert m["member_ticket_share"].between(0, 1).all()


def test_missing_columns_give_a_bilingual_message():
    with pytest.raises(DataError, match="缺少列") as info:
        overview.at_a_glance(pd.DataFrame({"store_id": [1]}), pd.DataFrame())
    assert "lacks the columns" in str(info.value)
    with pytest.raises(DataError, match="DataFrame"):
        online_offline.monthly_mobile_share("not a table")


def test_on_the_default_dataset(dataset):
    g = overview.at_a_glance(dataset.stores, dataset.daily_sales, dataset.members).set_index("indicator")["数值"]
    assert 6000 <= g["stores"] <= 8000
    top = overview.stores_by_city(dataset.stores)
    assert top["city"].iloc[0] == "东莞"
    mob = online_offline.monthly_mobile_share(dataset.transactions)
    assert len(mob) == 12 and mob["mobile_share"].between(0, 1).all()
