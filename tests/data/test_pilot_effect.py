"""A difference-in-differences on the default dataset recovers the planted pilot effects."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from o2o.scenes import did


def _panel(dataset) -> pd.DataFrame:
    s = dataset.stores[["store_id", "pilot_group"]]
    d = dataset.daily_sales.merge(s[s["pilot_group"] != "无"], on="store_id")
    start = pd.Timestamp(dataset.meta["pilot_truth"]["start"])
    return d.assign(treated=d["pilot_group"] == "试点", post=d["date"] >= start)


def test_did_recovers_the_sales_effect(dataset):
    truth = dataset.meta["pilot_truth"]
    res = did(_panel(dataset), outcome="sales_yuan", log=True)
    target = math.log1p(truth["sales_effect_total"])
    assert res.contains(target), (res, target)
    assert res.ci_high - res.ci_low < 0.05, "the interval should be informative"
    assert not res.contains(0.0), "the pilot effect is clearly there"


def test_did_recovers_the_new_member_effect(dataset):
    """On monthly new members (a count: log of the monthly sum) the +30% shows."""
    p = _panel(dataset)
    m = (p.assign(month=p["date"].dt.to_period("M").dt.start_time)
         .groupby(["store_id", "month", "treated"], as_index=False)["new_members"].sum())
    m["post"] = m["month"] >= pd.Timestamp(dataset.meta["pilot_truth"]["start"])
    res = did(m, outcome="new_members", time="month", log=True)
    assert res.contains(math.log1p(dataset.meta["pilot_truth"]["new_member_effect"])), res


def test_squad_scene_rate_rises_in_the_pilot(dataset):
    """Squad-initiated scenes per store-month: the ratio of the pilot's rise to the control's is ~2.5."""
    s = dataset.stores
    groups = s.loc[s["pilot_group"] != "无", ["store_id", "pilot_group"]]
    sc = dataset.scenes[dataset.scenes["initiator"] == "一线小分队"]
    sc = sc.assign(store_id=sc["store_id"].astype("int64"), post=sc["launch_date"] >= "2015-08-01")
    counts = sc.merge(groups, on="store_id").groupby(["pilot_group", "post"]).size()
    months_pre, months_post = 7, 5
    rate = {(g, p): counts.get((g, p), 0) / (len(groups[groups.pilot_group == g]) * (months_post if p else months_pre))
            for g in ("试点", "对照") for p in (False, True)}
    ratio = (rate[("试点", True)] / rate[("试点", False)]) / (rate[("对照", True)] / rate[("对照", False)])
    truth = dataset.meta["pilot_truth"]["squad_scene_rate_ratio"]
    # Poisson counts over ~150 stores per group: a 95% band of roughly +-30% around the truth
    assert 0.7 * truth < ratio < 1.3 * truth, ratio


def test_groups_are_comparable_before_the_pilot(dataset):
    """Parallel pre-trends: the monthly log-sales gap between groups is flat before August."""
    p = _panel(dataset)
    p = p[~p["post"]]
    m = p.assign(month=p["date"].dt.month, ls=np.log(p["sales_yuan"])).groupby(["treated", "month"])["ls"].mean()
    gap = (m[True] - m[False]).to_numpy()
    assert np.ptp(gap) < 0.04, gap
