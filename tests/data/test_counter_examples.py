"""The planted counter-examples are recovered from the default dataset with the course's own groupings.

Each is the kit's construction, documented in datasets/README.md ("Planted counter-examples") and
docs/simulation-model.md; each test states its direction and its threshold.
"""

from __future__ import annotations

import pytest

from o2o.analysis import counter_examples as ce
from o2o.analysis.portfolio import fatigue_history
from o2o.analysis.scenes_history import scene_outcomes
from o2o.data import calibration as cal


@pytest.fixture(scope="module")
def ledger(dataset):
    return scene_outcomes(dataset)


@pytest.fixture(scope="module")
def ctx(dataset, ledger):
    return ce.squad_context(dataset, ledger)


def test_the_weak_leaders_are_exactly_the_planted_ones(dataset):
    planted = set(dataset.meta["planted_truth"]["weak_leader_squads"])
    assert len(planted) == cal.WEAK_LEADER_SQUADS
    cap = dataset.staff.set_index("staff_id")["capability"]
    leaders = dataset.squads.assign(cap=dataset.squads["leader_staff_id"].map(cap))
    assert set(leaders.loc[leaders["cap"] < ce.WEAK_BELOW, "squad_id"]) == planted


def test_weak_leaders_lose_money_where_their_peers_earn(ctx):
    """In stores that earn well, weak-led squads return below ¥0.8 per yuan; the others at least ¥1.0."""
    t = ce.weak_leader_comparison(ctx)
    assert t.loc["班长能力弱", "场景数"] >= 30
    assert t.loc["班长能力弱", "每元成本增量毛利"] < 0.8
    assert t.loc["班长能力正常", "每元成本增量毛利"] >= 1.0
    assert t.loc["班长能力弱", "亏钱场景占比"] > t.loc["班长能力正常", "亏钱场景占比"] + 0.1


def test_the_named_weak_squad_fails(ctx):
    """The weak-led squad with the most scenes returns below ¥1 and most of its scenes lose money."""
    rec = ce.squad_record(ctx, ce.weak_leader_squad(ctx))
    assert rec["班长能力"] < ce.WEAK_BELOW and rec["门店盈利"] == "盈利充足"
    assert rec["场景数"] >= 4 and rec["每元成本增量毛利"] < 1.0
    assert rec["亏钱场景数"] > rec["场景数"] / 2


def test_squad_scenes_of_loss_making_stores_lose_money(ctx):
    """Stores at the profit floor: below ¥0.7 per yuan, over 70 % of scenes losing; clean scenes at least ¥1.0."""
    t = ce.loss_conditions(ctx)
    assert t.loc["门店亏损", "每元成本增量毛利"] < 0.7 and t.loc["门店亏损", "亏钱场景占比"] > 0.7
    assert t.loc["三者皆无且门店盈利充足", "每元成本增量毛利"] >= 1.0
    for cond in ("班长能力弱", "门店亏损", "近14天同店已有2场以上"):
        assert t.loc[cond, "每元成本增量毛利"] < 1.0, cond


def test_hq_scenes_that_ride_a_giants_offer_at_the_till_pay(ledger):
    """Every such HQ scene returns above ¥1 (together at least ¥1.2); the other HQ scenes below ¥0.6."""
    t = ce.hq_exception(ledger)
    assert t.loc["借巨头优惠且店内告知", "场景数"] >= 3
    assert t.loc["借巨头优惠且店内告知", "亏钱场景占比"] == 0
    assert t.loc["借巨头优惠且店内告知", "每元成本增量毛利"] >= 1.2
    assert t.loc["其他总部场景", "每元成本增量毛利"] < 0.6


def test_fatigue_repeated_scenes_at_a_store_do_worse(dataset):
    """By scenes the same store launched in the 14 days before (0, 1, 2+): conversion, margin per yuan and
    margin per scene fall at each step, and the 2+ scenes convert at least 20 % less than the first ones."""
    t = fatigue_history(dataset.scenes, dataset.scene_daily, window_days=14)
    conv, mpy, per_scene = t["conversion_rate"], t["margin_per_yuan"], t["margin_per_scene"]
    assert conv["0"] > conv["1"] > conv["2+"] and mpy["0"] > mpy["1"] > mpy["2+"]
    assert per_scene["0"] > per_scene["1"] > per_scene["2+"]
    assert conv["2+"] <= 0.8 * conv["0"]
    assert t["scenes"]["2+"] >= 15


def test_losing_scenes_buy_fans_at_a_price(ledger):
    """Most squad scenes return below ¥1; they still gain members and upgrades, at a price per fan gained."""
    t = ce.beyond_margin(ledger)
    assert t.loc["不到1元", "场景数"] > t.loc["1元及以上", "场景数"]
    assert t.loc["不到1元", "每千元新增会员"] > 0 and t.loc["不到1元", "每位新增会员或升级的亏损(元)"] > 0


def test_the_data_dictionary_states_the_model_s_numbers():
    """The section's 80 % and 30 % are the scene model's (a change to the model must change the text)."""
    from o2o.data.docs import render_readme
    from o2o.scenes import BATTLE_PROFILES, ModelParams

    text = render_readme()
    giant = BATTLE_PROFILES["告知巨头优惠"]
    assert giant.ad_cost == pytest.approx(0.2) and giant.incentive_cost == pytest.approx(0.2)
    assert ModelParams().profit_floor == pytest.approx(0.3)
    assert "承担优惠的 80%" in text and "80% of the media" in text and "30% at zero" in text
    assert f"capability {cal.WEAK_LEADER_CAPABILITY[0]:g}–{cal.WEAK_LEADER_CAPABILITY[1]:g}" in text
