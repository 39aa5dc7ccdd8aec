"""o2o.analysis network, rhythms, factors and communities: stores, time, location and fans."""

from __future__ import annotations

import doctest

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from o2o.analysis import communities, factors, network, rhythms
from o2o.errors import DataError


def test_doctests():
    for mod in (network, rhythms, factors, communities):
        assert doctest.testmod(mod).failed == 0


def _stores():
    return pd.DataFrame({"store_id": [1, 2, 3, 4], "store_name": list("abcd"), "city": ["东莞", "东莞", "深圳", "深圳"],
                         "format": ["社区", "写字楼", "社区", "学校"], "ownership": ["直营", "加盟", "加盟", "直营"],
                         "pilot_group": ["试点", "无", "无", "对照"], "lat": [23.0] * 4, "lon": [113.7] * 4})


def _daily(seed=0, days=28):
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2015-01-05", periods=days)  # starts on a Monday
    d = pd.DataFrame({"store_id": np.repeat([1, 2, 3, 4], days), "date": np.tile(dates, 4)})
    d["sales_yuan"] = rng.uniform(1000, 6000, len(d))
    return d


def test_sales_by_format_ignores_closed_days():
    d = _daily()
    d.loc[d["store_id"] == 1, "sales_yuan"] = 0.0
    d.loc[(d["store_id"] == 1) & (d.index % 2 == 0), "sales_yuan"] = 3000.0
    out = network.sales_by_format(_stores(), d)
    row = out[(out["format"] == "社区") & (out["ownership"] == "直营")]
    assert row["sales_per_store_day"].item() == pytest.approx(3000.0)
    assert out["stores"].sum() == 4


def test_format_mix_and_unknown_city():
    mix = network.format_mix(_stores(), city="深圳")
    assert mix["share"].sum() == pytest.approx(1.0) and set(mix["format"]) == {"社区", "学校"}
    with pytest.raises(DataError, match="没有城市"):
        network.format_mix(_stores(), city="北京")


def test_map_points_has_sales():
    pts = network.map_points(_stores(), _daily())
    assert {"lat", "lon", "sales_per_day"} <= set(pts.columns) and len(pts) == 4


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 1000))
def test_weekday_index_averages_to_one(seed):
    idx = rhythms.weekday_index(_daily(seed), _stores(), by="format")
    for _, part in idx.groupby("format"):
        assert part["index"].mean() == pytest.approx(1.0)
        assert len(part) == 7


@settings(max_examples=20, deadline=None)
@given(st.lists(st.integers(0, 23), min_size=1, max_size=60), st.integers(0, 1000))
def test_hourly_shares_sum_to_one(hours, seed):
    rng = np.random.default_rng(seed)
    t = pd.DataFrame({"store_id": rng.integers(1, 5, len(hours)),
                      "ts": pd.Timestamp("2015-03-01") + pd.to_timedelta(hours, unit="h")})
    prof = rhythms.hourly_profile(t, _stores(), by="format")
    assert prof.groupby("format")["share"].sum().to_numpy() == pytest.approx(1.0)
    overall = rhythms.hourly_profile(t)
    assert rhythms.peak_hour(overall) == pd.Series(hours).value_counts().sort_index().idxmax()


def test_monthly_sales():
    m = rhythms.monthly_sales(_daily(days=40))
    assert len(m) == 2 and (m["sales_per_store_day"] > 0).all()


def test_location_heatmap_rows_sum_to_one():
    t = pd.DataFrame({"store_id": [1, 2, 2, 3], "ts": pd.to_datetime(
        ["2015-01-01 08:00", "2015-01-01 12:00", "2015-01-01 12:30", "2015-01-02 20:00"])})
    heat = factors.location_heatmap(t, _stores())
    assert heat.sum(axis=1).to_numpy() == pytest.approx(1.0)
    assert heat.loc["写字楼", 12] == pytest.approx(1.0)


def test_fans_vs_sales_and_quartiles():
    rng = np.random.default_rng(5)
    months = pd.to_datetime(["2015-11-01", "2015-12-01"])
    rows = [(s, m, tier, int(rng.integers(0, 50))) for s in range(1, 9) for m in months
            for tier in communities.TIERS]
    f = pd.DataFrame(rows, columns=["store_id", "month", "tier", "fans"])
    d = pd.DataFrame({"store_id": range(1, 9), "date": pd.Timestamp("2015-12-01"), "sales_yuan": rng.uniform(1e3, 5e3, 8)})
    per = communities.fans_vs_sales(f, d)
    dec = f[f["month"] == months[1]]
    assert per["fans"].sum() == dec["fans"].sum()
    assert per["engaged_fans"].sum() == dec[dec["tier"].isin(communities.ENGAGED)]["fans"].sum()
    nov = communities.fans_vs_sales(f, d, month="2015-11-01")
    assert nov["fans"].sum() == f[f["month"] == months[0]]["fans"].sum()
    q = communities.sales_by_fan_quartile(per)
    assert q["stores"].sum() == 8 and q["mean_fans"].is_monotonic_increasing
    chain = communities.chain_fans_by_month(f)
    assert chain["fans"].sum() == f["fans"].sum()


def test_on_the_default_dataset(dataset):
    by_fmt = network.sales_by_format(dataset.stores, dataset.daily_sales)
    assert set(by_fmt["format"]) <= {"社区", "写字楼", "学校", "工业区", "交通枢纽", "商业街"}
    wk = rhythms.weekday_index(dataset.daily_sales, dataset.stores, by="format")
    office = wk[wk["format"] == "写字楼"].set_index("weekday")["index"]
    assert office[[5, 6]].mean() < office[[0, 1, 2, 3, 4]].mean()  # offices are quiet at the weekend
    per = communities.fans_vs_sales(dataset.store_fans_monthly, dataset.daily_sales)
    assert len(per) == len(dataset.stores)
