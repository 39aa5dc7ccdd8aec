"""o2o.analysis.scene_outcomes: scene totals, pooled comparisons, the touchpoint funnel."""

from __future__ import annotations

import doctest

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from o2o.analysis import scene_outcomes as so
from o2o.errors import DataError

COUNTS = ["reach_broadcast", "reach_p2p", "shares", "visits", "conversions", "redemptions",
          "incremental_sales_yuan", "incremental_margin_yuan", "new_members", "tier_upgrades", "cost_yuan"]


def test_doctests():
    assert doctest.testmod(so).failed == 0


@pytest.mark.parametrize("channels, mode", [("广告", "点对面"), ("朋友圈", "点对点"), ("店内", "点对点"),
                                            ("朋友圈|店内", "点对点"), ("广告|朋友圈", "混合"), ("", "未知")])
def test_channel_mode(channels, mode):
    assert so.channel_mode(channels) == mode


def _scenes(n, rng):
    idea = pd.Timestamp("2015-03-01") + pd.to_timedelta(rng.integers(0, 200, n), unit="D")
    lead = rng.integers(0, 30, n)
    dur = rng.integers(1, 15, n)
    scenes = pd.DataFrame({
        "scene_id": np.arange(1, n + 1), "scene_name": [f"s{i}" for i in range(n)],
        "scene_type": rng.choice(["促销", "交易", "支付"], n), "battle": "引流入店",
        "initiator": rng.choice(["总部市场部", "一线小分队"], n), "channels": rng.choice(["广告", "朋友圈|店内"], n),
        "personalization": rng.uniform(0, 1, n), "incentive_type": "满减",
        "idea_date": idea, "launch_date": idea + pd.to_timedelta(lead, unit="D"),
        "budget_yuan": 1000.0})
    scenes["end_date"] = scenes["launch_date"] + pd.to_timedelta(dur - 1, unit="D")
    rows = []
    for sid, start, d in zip(scenes["scene_id"], scenes["launch_date"], dur):
        for k in range(d):
            rows.append([sid, start + pd.Timedelta(days=k), *rng.integers(0, 100, len(COUNTS))])
    daily = pd.DataFrame(rows, columns=["scene_id", "date", *COUNTS])
    return scenes, daily, lead, dur


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 12), st.integers(0, 10_000))
def test_totals_add_up_and_rates_are_ratios_of_sums(n, seed):
    rng = np.random.default_rng(seed)
    scenes, daily, lead, dur = _scenes(n, rng)
    tot = so.scene_totals(scenes, daily)
    assert len(tot) == n
    assert tot["conversions"].sum() == daily["conversions"].sum()
    assert (tot["lead_days"].to_numpy() == lead).all() and (tot["duration_days"].to_numpy() == dur).all()
    assert tot["p2p_share"].between(0, 1).all()
    cmp = so.compare_by(tot, "initiator")
    assert cmp["scenes"].sum() == n
    for _, row in cmp.iterrows():
        part = tot[tot["initiator"] == row["initiator"]]
        want = part["conversions"].sum() / part["reach"].sum() if part["reach"].sum() else 0.0
        assert row["conversion_rate"] == pytest.approx(want)


def test_funnel_stages_in_order_and_reach_is_one():
    rng = np.random.default_rng(3)
    scenes, daily, _, _ = _scenes(6, rng)
    f = so.funnel(so.scene_totals(scenes, daily), "initiator")
    for _, part in f.groupby("initiator"):
        assert part["stage"].tolist() == ["触达", "到店", "购买", "核销优惠"]
        assert part["rate_of_reach"].iloc[0] in (0.0, 1.0)


def test_scene_without_log_counts_zero():
    rng = np.random.default_rng(4)
    scenes, daily, _, _ = _scenes(3, rng)
    tot = so.scene_totals(scenes, daily[daily["scene_id"] != 2])
    assert tot.loc[tot["scene_id"] == 2, "reach"].item() == 0
    assert tot.loc[tot["scene_id"] == 2, "conversion_rate"].item() == 0


def test_missing_columns_message():
    with pytest.raises(DataError, match="scene_daily"):
        so.scene_totals(_scenes(2, np.random.default_rng(0))[0], pd.DataFrame({"scene_id": [1]}))


def test_on_the_default_dataset(dataset):
    tot = so.scene_totals(dataset.scenes, dataset.scene_daily)
    assert len(tot) == len(dataset.scenes)
    cmp = so.compare_by(tot, "initiator").set_index("initiator")
    # squads launch faster than HQ: the contrast lecture 18 draws
    assert cmp.loc["一线小分队", "median_lead_days"] < cmp.loc["总部市场部", "median_lead_days"]


def test_touchpoint_inventory_counts():
    from o2o.analysis import touchpoints

    rng = np.random.default_rng(7)
    scenes, daily, _, _ = _scenes(5, rng)
    tot = so.scene_totals(scenes, daily)
    d = pd.DataFrame({"tickets": [10, 20], "member_tickets": [1, 2], "new_members": [0, 1]})
    t = pd.DataFrame({"payment_method": ["现金", "微信支付", "支付宝"]})
    inv = touchpoints.inventory(d, tot, t).set_index("touchpoint")["contacts"]
    assert inv["store tickets"] == 30 and inv["mobile-payment tickets"] == 2
    assert inv["ad reach (point to surface)"] == daily["reach_broadcast"].sum()
    assert doctest.testmod(touchpoints).failed == 0
