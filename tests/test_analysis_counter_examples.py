"""The counter-example tables of o2o.analysis.counter_examples on small hand-made ledgers, and the two
mechanisms the kit planted for them (weak leaders in the generator, a payment platform's co-funded media)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from o2o.analysis import counter_examples as ce
from o2o.casegen.chain import plant_weak_leaders
from o2o.data import calibration as cal
from o2o.errors import DataError
from o2o.scenes import BATTLE_PROFILES, Scene, simulate

sys.path.insert(0, str(Path(__file__).resolve().parent / "scenes"))
from scene_factory import make_world  # noqa: E402


def _ledger(rows):
    cols = ["initiator", "battle", "channels", "incremental_margin_yuan", "cost_yuan", "new_members", "tier_upgrades"]
    led = pd.DataFrame(rows, columns=cols)
    led["worth"] = led["incremental_margin_yuan"] / led["cost_yuan"]
    led["launch_date"] = pd.Timestamp("2015-05-01")
    return led


def test_recent_counts_counts_earlier_scenes_of_the_same_store_in_the_window():
    store = np.array([1, 1, 1, 2, 1, 2])
    launch = np.array(["2015-01-01", "2015-01-05", "2015-01-10", "2015-01-10", "2015-02-01", "2015-01-11"],
                      dtype="datetime64[D]")
    # store 1: Jan 1 -> 0, Jan 5 -> 1, Jan 10 -> 2 (Jan 1 is 9 days before), Feb 1 -> 0 (22 days after Jan 10)
    assert ce.recent_counts(store, launch, days=14).tolist() == [0, 1, 2, 0, 0, 1]
    assert ce.recent_counts(store, launch, days=5).tolist() == [0, 1, 1, 0, 0, 1]


def test_hq_exception_separates_giant_offers_announced_at_the_till():
    led = _ledger([
        ("总部市场部", "告知巨头优惠", "广告|店内", 300.0, 100.0, 0, 0),
        ("总部市场部", "告知巨头优惠", "广告", 20.0, 100.0, 0, 0),
        ("总部市场部", "品牌推广", "广告|店内", 30.0, 100.0, 0, 0),
        ("一线小分队", "告知巨头优惠", "店内", 500.0, 100.0, 0, 0),
    ])
    out = ce.hq_exception(led)
    assert out.loc["借巨头优惠且店内告知", "场景数"] == 1
    assert out.loc["借巨头优惠且店内告知", "每元成本增量毛利"] == pytest.approx(3.0)
    assert out.loc["其他总部场景", "每元成本增量毛利"] == pytest.approx(0.25)
    assert out.loc["其他总部场景", "亏钱场景占比"] == pytest.approx(1.0)


def test_beyond_margin_prices_each_member_gained_by_a_losing_scene():
    led = _ledger([
        ("一线小分队", "引流入店", "店内", 60.0, 100.0, 3, 1),     # short 40 yuan, 4 gained
        ("一线小分队", "引流入店", "店内", 20.0, 100.0, 1, 0),     # short 80 yuan, 1 gained
        ("一线小分队", "自团购", "店内", 150.0, 100.0, 2, 2),
        ("总部市场部", "品牌推广", "广告", 10.0, 100.0, 50, 0),
    ])
    out = ce.beyond_margin(led)
    assert out.loc["不到1元", "场景数"] == 2
    assert out.loc["不到1元", "每千元新增会员"] == pytest.approx(20.0)
    assert out.loc["不到1元", "每位新增会员或升级的亏损(元)"] == pytest.approx(120 / 5)
    assert out.loc["1元及以上", "每位新增会员或升级的亏损(元)"] == 0


def test_tables_refuse_what_is_not_a_ledger():
    with pytest.raises(DataError):
        ce.hq_exception(pd.DataFrame({"x": [1]}))
    with pytest.raises(DataError):
        ce.beyond_margin("not a table")


def _context(rows):
    ctx = pd.DataFrame(rows, columns=["squad_id", "leader_cap", "profit_band", "recent",
                                      "incremental_margin_yuan", "cost_yuan"])
    ctx["weak_leader"] = ctx["leader_cap"] < ce.WEAK_BELOW
    ctx["worth"] = ctx["incremental_margin_yuan"] / ctx["cost_yuan"]
    return ctx


def test_loss_conditions_and_the_weak_leader_case_on_a_small_context():
    ctx = _context([
        (1, 0.1, "盈利充足", 0, 50.0, 100.0), (1, 0.1, "盈利充足", 1, 70.0, 100.0),
        (2, 0.8, "盈利充足", 0, 150.0, 100.0), (3, 0.8, "亏损", 0, 40.0, 100.0),
        (4, 0.9, "盈利充足", 2, 80.0, 100.0), (5, 0.2, "盈利偏薄", 0, 90.0, 100.0),
    ])
    cond = ce.loss_conditions(ctx)
    assert cond.loc["班长能力弱", "场景数"] == 3
    assert cond.loc["门店亏损", "每元成本增量毛利"] == pytest.approx(0.4)
    assert cond.loc["近14天同店已有2场以上", "场景数"] == 1
    assert cond.loc["三者皆无且门店盈利充足", "每元成本增量毛利"] == pytest.approx(1.5)
    weak = ce.weak_leader_comparison(ctx)
    assert weak.loc["班长能力弱", "场景数"] == 2 and weak.loc["班长能力弱", "每元成本增量毛利"] == pytest.approx(0.6)
    assert ce.weak_leader_squad(ctx) == 1            # two scenes, more than squad 5
    rec = ce.squad_record(ctx, 1)
    assert rec["亏钱场景数"] == 2 and rec["场景数"] == 2
    with pytest.raises(DataError):
        ce.squad_record(ctx, 99)
    with pytest.raises(DataError):
        ce.weak_leader_squad(ctx[~ctx["weak_leader"]])


def test_plant_weak_leaders_only_touches_chosen_leaders_of_eligible_squads():
    n = 60
    stores = pd.DataFrame({"store_id": np.arange(1, n + 1), "pilot_group": ["无"] * 40 + ["试点"] * 20,
                           "in_panel": [False] * 38 + [True] * 2 + [False] * 20})
    squads = pd.DataFrame({"squad_id": np.arange(101, 101 + n), "store_id": np.arange(1, n + 1),
                           "leader_staff_id": np.arange(1, n + 1)})
    staff = pd.DataFrame({"staff_id": np.arange(1, n + 1), "capability": np.full(n, 0.8)})
    support = np.where(np.arange(n) % 2 == 0, 1.0, 0.6)
    out, chosen = plant_weak_leaders(stores, squads, staff, support, np.random.default_rng(5))
    again, chosen2 = plant_weak_leaders(stores, squads, staff, support, np.random.default_rng(5))
    assert chosen.tolist() == chosen2.tolist() and out.equals(again)
    eligible = {101 + i for i in range(38) if i % 2 == 0}     # no pilot, no panel, full support
    assert len(chosen) == min(cal.WEAK_LEADER_SQUADS, len(eligible)) and set(chosen) <= eligible
    lo, hi = cal.WEAK_LEADER_CAPABILITY
    changed = out["capability"] != staff["capability"]
    assert set(out.loc[changed, "staff_id"] + 100) == set(chosen)
    assert out.loc[changed, "capability"].between(lo, hi).all() and hi < cal.WEAK_LEADER_BELOW
    assert staff["capability"].eq(0.8).all()                  # the input is not modified


def test_a_payment_giant_co_funds_the_media_that_announce_its_offer():
    world = make_world(n_stores=12, seed=1)
    base = dict(name="巨头优惠", scene_type="支付", battle="告知巨头优惠", initiator="总部市场部", target_city="东莞",
                idea_date=date(2015, 9, 1), launch_date=date(2015, 9, 3), duration_days=5,
                channels=("广告", "店内"), personalization=0.2, incentive_type="满减", incentive_yuan=5.0,
                budget_yuan=40000.0, target_tier="全部")
    res = simulate(Scene(**base), world, draws=20, seed=3)
    ads = float(np.nansum(res.arrays["cost_ads"]) / res.draws)
    share = BATTLE_PROFILES["告知巨头优惠"].ad_cost
    assert share < 1 and ads == pytest.approx(share * 40000 * 0.5, rel=1e-6)
    other = simulate(Scene(**dict(base, battle="付满送")), world, draws=20, seed=3)
    assert float(np.nansum(other.arrays["cost_ads"]) / other.draws) == pytest.approx(40000 * 0.5, rel=1e-6)


def test_find_the_exception_judgments_accept_the_right_option_and_give_reasons(capsys):
    ctx = _context([
        (1, 0.1, "盈利充足", 0, 50.0, 100.0), (1, 0.1, "盈利充足", 1, 70.0, 100.0),
        (2, 0.8, "盈利充足", 0, 150.0, 100.0), (3, 0.8, "亏损", 0, 40.0, 100.0),
        (4, 0.9, "盈利充足", 2, 80.0, 100.0),
    ])
    j = ce.paying_squad_group(ce.loss_conditions(ctx))
    assert j.correct == "D" and j.check("D") and not j.check("B")
    assert "0.40" in capsys.readouterr().out                 # the wrong answer is told the numbers
    rec = ce.squad_record(ctx, ce.weak_leader_squad(ctx))
    j = ce.weak_squad_cause(rec, ce.weak_leader_comparison(ctx))
    assert j.correct == "B" and not j.check("A") and not j.check("C") and j.check("b")
    assert "盈利充足" in capsys.readouterr().out
    led = _ledger([
        ("总部市场部", "告知巨头优惠", "广告|店内", 300.0, 100.0, 0, 0),
        ("总部市场部", "告知巨头优惠", "广告", 20.0, 100.0, 0, 0),
        ("总部市场部", "品牌推广", "广告", 30.0, 100.0, 0, 0),
        ("总部市场部", "客户回馈", "广告", 40.0, 100.0, 0, 0),
        ("一线小分队", "引流入店", "店内", 60.0, 100.0, 3, 1),
    ])
    j = ce.paying_hq_scene(led)
    assert j.correct == "C" and j.check("C") and not j.check("B")
    j = ce.worth_anyway(ce.beyond_margin(led))
    assert j.correct == "B" and "10" in j.options["B"] and not j.check("A") and not j.check("C")
    history = pd.DataFrame({"margin_per_yuan": [0.9, 0.8, 0.6]}, index=["0", "1", "2+"])
    j = ce.tired_scene(history)
    assert j.correct == "C" and not j.check("A") and not j.check("")
