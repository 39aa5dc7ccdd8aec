"""The 5W scores move the way docs/simulation-model.md says, and every point is traceable to evidence."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from o2o.scenes import Scene, evaluate, simulate
from o2o.scenes.fivew import DIMENSIONS, detection_day
from o2o.scenes.simulate import SimResult

BASE = dict(name="t", scene_type="促销", battle="引流入店", initiator="一线小分队", squad_id=103,
            idea_date=date(2015, 9, 1), launch_date=date(2015, 9, 3), duration_days=7, channels=("朋友圈", "店内"),
            personalization=0.7, incentive_type="满减", incentive_yuan=5.0, budget_yuan=3000.0, target_tier="活跃粉")


def constructed(scene: Scene, totals: dict[str, float], ctx: dict | None = None, days: int | None = None) -> SimResult:
    """A one-draw result with given totals spread evenly over the scene's days."""
    n = days or scene.duration_days
    arrays = {m: np.full((1, n), v / n) for m, v in totals.items()}
    for m in ("reach_broadcast", "reach_p2p", "shares", "visits", "conversions", "redemptions",
              "incremental_sales_yuan", "incremental_margin_yuan", "new_members", "tier_upgrades", "cost_yuan",
              "shares_cascade", "cost_ads", "cost_incentive", "cost_ops"):
        arrays.setdefault(m, np.zeros((1, n)))
    context = {"leader_capability": 0.8, "target_fans": 1000.0, "all_fans": 2000.0, "sales_sigma": 300.0}
    context.update(ctx or {})
    return SimResult(scene=scene, dates=pd.date_range(scene.launch_date, periods=n), arrays=arrays, draws=1,
                     seed=None, context=context)


TOT = dict(reach_p2p=1000, reach_broadcast=0, shares=30, shares_cascade=10, incremental_margin_yuan=500,
           incremental_sales_yuan=2000, cost_yuan=500, new_members=10, tier_upgrades=10)


def score(scene, **kw):
    tot = dict(TOT, **{k: v for k, v in kw.items() if k in TOT})
    ctx = {k: v for k, v in kw.items() if k not in TOT}
    return evaluate(constructed(scene, tot, ctx)).scores


def test_who_squad_and_capable_leader_score_higher():
    squad = Scene(**BASE)
    hq = Scene(**dict(BASE, initiator="总部市场部", squad_id=None))
    hq_city = hq.with_changes(target_city="东莞")
    assert score(squad, leader_capability=0.9)["Who"] > score(squad, leader_capability=0.3)["Who"]
    assert score(squad, leader_capability=0.3)["Who"] > score(hq_city)["Who"] > score(hq)["Who"] == 0


def test_what_faster_idea_to_launch_and_shorter_scenes_score_higher():
    fast = Scene(**BASE)
    slow = fast.with_changes(idea_date=date(2015, 8, 1))
    long = fast.with_changes(duration_days=30)
    assert score(fast)["What"] > score(slow)["What"]
    assert score(fast)["What"] > score(long)["What"]
    assert score(fast.with_changes(idea_date=date(2015, 9, 3)))["What"] == pytest.approx(100.0)


def test_way_is_the_share_of_point_to_point_reach():
    s = Scene(**BASE)
    assert score(s, reach_p2p=800, reach_broadcast=200)["Way"] == pytest.approx(80.0)
    assert score(s, reach_p2p=100, reach_broadcast=900)["Way"] < score(s, reach_p2p=900, reach_broadcast=100)["Way"]


def test_why_rises_with_share_rate_and_viral_coefficient():
    s = Scene(**BASE)
    assert score(s, shares=50)["Why"] > score(s, shares=10)["Why"]
    assert score(s, shares=30, shares_cascade=20)["Why"] > score(s, shares=30, shares_cascade=2)["Why"]


def test_worth_rises_with_margin_per_yuan_fans_and_early_signal():
    s = Scene(**BASE)
    assert score(s, incremental_margin_yuan=900)["Worth"] > score(s, incremental_margin_yuan=200)["Worth"]
    assert score(s, new_members=40)["Worth"] > score(s, new_members=0, tier_upgrades=0)["Worth"]
    assert score(s, sales_sigma=10.0)["Worth"] > score(s, sales_sigma=5000.0)["Worth"]


def test_points_add_up_to_scores_and_feedback_in_both_languages(small_world):
    res = simulate(Scene(**BASE), small_world, draws=50, seed=0)
    rep = evaluate(res)
    ev = rep.evidence
    for d in DIMENSIONS:
        assert ev.loc[ev["dimension"] == d, "points"].sum() == pytest.approx(rep.scores[d], abs=0.05)
        assert 0 <= rep.scores[d] <= 100
    assert rep.overall == pytest.approx(np.mean(list(rep.scores.values())))
    zh, en = rep.feedback("zh"), rep.feedback("en")
    assert len(zh) == len(en) == 5
    assert zh[0].startswith("谁主导") and en[0].startswith("Who")
    assert list(rep.to_frame()["W"]) == list(DIMENSIONS)


def test_simulated_squad_beats_hq_on_who_what_way_why(small_world):
    squad = evaluate(simulate(Scene(**BASE), small_world, draws=100, seed=0))
    hq = Scene(**dict(BASE, initiator="总部市场部", squad_id=None, channels=("广告", "店内"), budget_yuan=60000.0,
                      personalization=0.2, idea_date=date(2015, 8, 1), duration_days=21, target_tier="全部"))
    hqr = evaluate(simulate(hq, small_world, draws=100, seed=0))
    for d in ("Who", "What", "Way", "Why"):
        assert squad.scores[d] > hqr.scores[d], d


def test_detection_day():
    assert detection_day(np.array([100.0, 100, 100]), sigma=10.0) == 1
    # cumulative 10 t against 2 x 10 x sqrt(t): first exceeded on day 5 (50 > 44.7)
    assert detection_day(np.full(4, 10.0), sigma=10.0) is None
    assert detection_day(np.full(6, 10.0), sigma=10.0) == 5
