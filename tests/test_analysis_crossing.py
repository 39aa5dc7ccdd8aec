"""Module 6 case computations (o2o.analysis.crossing); the lesson-35 portfolio lab is tested in tests/widgets."""

from __future__ import annotations


import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from o2o.analysis import crossing as X
from o2o.errors import DataError

# --------------------------------------------------------------------------- small frames


def _stores():
    return pd.DataFrame({
        "store_id": [1, 2, 3, 4],
        "store_name": ["甲", "乙", "丙", "丁"],
        "city": ["东莞", "东莞", "深圳", "深圳"],
        "format": ["社区", "社区", "社区", "社区"],
        "ownership": ["直营", "直营", "加盟", "直营"],
        "pilot_group": ["试点", "对照", "无", "无"],
        "open_date": pd.to_datetime(["2010-01-01", "2012-05-01", "2013-01-01", "2015-02-01"]),
        "monthly_rent_yuan": [3000.0, 9000.0, 6000.0, 6000.0],
    })


def _daily(values=None):
    dates = pd.date_range("2015-01-01", "2015-03-31", freq="D")
    rows = []
    for sid in (1, 2, 3, 4):
        for d in dates:
            if sid == 4 and d < pd.Timestamp("2015-02-01"):
                continue
            sales = 1000.0 if values is None else values[sid]
            rows.append({"store_id": sid, "date": d, "sales_yuan": sales, "gross_margin_yuan": sales * 0.25,
                         "tickets": 100, "member_tickets": 10 * sid, "new_members": 1})
    return pd.DataFrame(rows)


def _fans():
    rows = []
    for sid, (start, grow) in {1: (100, 50), 2: (100, 10), 3: (100, 20), 4: (10, 40)}.items():
        for k, m in enumerate(pd.date_range("2015-01-01", periods=3, freq="MS")):
            if sid == 4 and k == 0:
                continue
            total = start + grow * k
            for tier, share in zip(X.TIERS, (0.4, 0.3, 0.2, 0.1)):
                rows.append({"store_id": sid, "month": m, "tier": tier, "fans": int(round(total * share))})
    return pd.DataFrame(rows)


def test_cohorts_split_on_the_opening_date():
    c = X.store_cohorts(_stores(), "2015-01-01")
    assert c.to_dict() == {1: X.EXISTING, 2: X.EXISTING, 3: X.EXISTING, 4: X.NEW}
    with pytest.raises(DataError, match="日期"):
        X.store_cohorts(_stores(), "not a date")


def test_bridge_closes_and_splits_within_from_outward():
    by = X.sales_by_cohort(_stores(), _daily(), since="2015-01-01")
    bridge = X.growth_bridge(by)
    start, within, outward, end = bridge["yuan"]
    assert start == pytest.approx(3 * 1000 * 31)          # January: three existing stores
    assert within == pytest.approx(3 * 1000 * 31 - start)  # the same stores, March has 31 days too
    assert outward == pytest.approx(1000 * 31)             # the new store in March
    assert start + within + outward == pytest.approx(end)
    with pytest.raises(DataError, match="没有"):
        X.growth_bridge(by, first="2014-01-01")


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(min_value=1.0, max_value=1e6), min_size=4, max_size=4))
def test_bridge_always_closes(values):
    by = X.sales_by_cohort(_stores(), _daily(dict(zip((1, 2, 3, 4), values))))
    b = X.growth_bridge(by)
    assert b["yuan"].iloc[0] + b["yuan"].iloc[1] + b["yuan"].iloc[2] == pytest.approx(b["yuan"].iloc[3], rel=1e-9)


def test_ramp_up_index_is_one_for_a_store_selling_like_mature_ones():
    r = X.ramp_up(_stores(), _daily(), since="2015-01-01")
    assert r["index"].to_numpy() == pytest.approx(1.0)
    half = X.ramp_up(_stores(), _daily({1: 1000.0, 2: 1000.0, 3: 1000.0, 4: 500.0}))
    assert half["index"].iloc[0] == pytest.approx(0.5)


def test_fan_growth_by_group_counts_existing_stores_only():
    g = X.fan_growth_by_group(_stores(), _fans())
    assert list(g.index) == ["直营·试点", "直营·对照", "加盟"]     # store 4 opened later: not counted
    assert g.loc["直营·试点", "growth"] == pytest.approx(1.0)       # 100 -> 200
    assert g.loc["直营·对照", "growth"] == pytest.approx(0.2)


def test_partner_member_share():
    m = pd.DataFrame({"member_id": [1, 2, 3, 4], "join_date": pd.to_datetime(["2015-01-03"] * 3 + ["2015-02-01"]),
                      "join_channel": ["异业合作", "门店二维码", "好友分享", "异业合作"]})
    out = X.partner_member_share(m).set_index("month")
    assert out.loc["2015-01-01", "share"] == pytest.approx(1 / 3)
    assert out.loc["2015-02-01", "partner_members"] == 1


def _scene_frames():
    scenes = pd.DataFrame({
        "scene_id": [1, 2, 3], "scene_name": ["a", "b", "c"], "scene_type": ["支付", "支付", "交易"],
        "battle": ["附近异业", "付满送", "异业联盟采购"], "initiator": ["一线小分队", "一线小分队", "总部市场部"],
        "channels": ["朋友圈|店内", "店内", "广告"], "personalization": [0.8, 0.5, 0.1],
        "incentive_type": ["满减"] * 3, "idea_date": pd.to_datetime(["2015-03-01"] * 3),
        "launch_date": pd.to_datetime(["2015-03-02"] * 3), "end_date": pd.to_datetime(["2015-03-05"] * 3),
        "budget_yuan": [100.0, 100.0, 1000.0], "store_id": pd.array([1, 1, pd.NA], dtype="Int32")})
    daily = pd.DataFrame({"scene_id": [1, 2, 3], "date": pd.to_datetime(["2015-03-02"] * 3),
                          "reach_broadcast": [0, 0, 1000], "reach_p2p": [100, 100, 0], "shares": [5, 1, 0],
                          "visits": [20, 10, 50], "conversions": [10, 5, 10], "redemptions": [8, 4, 9],
                          "incremental_sales_yuan": [400.0, 100.0, 2000.0],
                          "incremental_margin_yuan": [80.0, 20.0, 500.0], "new_members": [2, 0, 10],
                          "tier_upgrades": [1, 0, 0], "cost_yuan": [100.0, 50.0, 1000.0]})
    return scenes, daily


def test_cost_sharing_divides_by_the_chains_part_of_the_cost():
    scenes, daily = _scene_frames()
    t = X.cost_sharing(scenes, daily, partner_shares=[0.0, 0.5]).set_index(["battle", "partner_share"])
    assert t.loc[("附近异业", 0.0), "margin_per_yuan"] == pytest.approx(0.8)
    assert t.loc[("附近异业", 0.5), "margin_per_yuan"] == pytest.approx(1.6)
    assert t.loc[("其他战争", 0.0), "margin_per_yuan"] == pytest.approx(0.4)
    assert X.break_even_share(0.8) == pytest.approx(0.2) and X.break_even_share(1.3) == 0.0
    for bad in ([1.0], [-0.1], ["x"], []):
        with pytest.raises(DataError, match="比例"):
            X.cost_sharing(scenes, daily, partner_shares=bad)
    with pytest.raises(DataError):
        X.break_even_share(None)


def test_partner_scene_table_flags_the_two_partner_battles():
    scenes, daily = _scene_frames()
    t = X.partner_scene_table(scenes, daily).set_index("battle")
    assert t.loc["附近异业", "partner"] and t.loc["异业联盟采购", "partner"] and not t.loc["付满送", "partner"]
    assert t.loc["附近异业", "squad_share"] == 1.0 and t.loc["异业联盟采购", "squad_share"] == 0.0
    assert t.loc["附近异业", "new_members_per_1000_yuan"] == pytest.approx(20.0)


def test_scorecard_ranks_within_format_and_reads_lower_rent_as_better():
    scenes, _ = _scene_frames()
    card = X.store_scorecard(_stores(), _daily(), _fans(), scenes)
    by = card.set_index("store_id")
    assert by.loc[1, "pct_rent_share"] > by.loc[2, "pct_rent_share"]       # 3,000 rent beats 9,000
    assert by.loc[1, "squad_scenes"] == 2 and np.isnan(by.loc[3, "squad_scenes"])  # franchised: no squad
    assert np.isnan(by.loc[4, "fan_growth"])                                 # opened during the period
    assert card["rank"].iloc[0] == 1 and card["score"].is_monotonic_decreasing
    assert card.filter(like="pct_").stack().dropna().between(0, 1).all()
    c = X.store_card(card, 2)
    assert c.loc["rent_share", "verdict"] == "短板"
    sug = X.scene_suggestions(card, 2, n=1)
    assert len(sug) == 1 and sug["战争"].iloc[0] in {b for _, b, _ in X.SUGGESTIONS.values()}
    with pytest.raises(DataError, match="没有门店"):
        X.store_card(card, 999)
    with pytest.raises(DataError):
        X.scene_suggestions(card, 1, n=0)
    fig = X.scorecard_figure(card, [1, 2])
    assert len(fig.data) == 3 and len(fig.layout.updatemenus[0].buttons) == 2


def test_roadmap_orders_steps_by_the_maturity_gate():
    from o2o.maturity import QUESTIONNAIRE, assess

    low = X.roadmap(None)
    assert set(low.loc[low["状态"] == "当前重点", "步骤"]) == {"统一态度", "下沉一线"}
    high = assess({i.id: (1 if i.reverse else 5) for i in QUESTIONNAIRE})
    road = X.roadmap(high)
    assert (road["状态"] == "基础已具备").all() and (road["开始"] == pd.Timestamp("2016-01-01")).all()
    assert len(X.roadmap_figure(low).data) == 2


# --------------------------------------------------------------------------- on the default dataset


def test_pilot_effect_recovers_the_planted_effect(dataset):
    eff = X.pilot_effect(dataset)
    truth = dataset.meta["pilot_truth"]
    planted = truth.get("sales_effect", 0.08)
    assert eff.pct_low <= planted <= eff.pct_high
    by = X.effect_by(dataset, "leader_capability")
    assert set(by["leader_capability"]) == {"能力较高", "能力较低"}
    assert (by["ci_low"] < by["effect"]).all() and (by["effect"] < by["ci_high"]).all()
    with pytest.raises(DataError, match="不能按"):
        X.effect_by(dataset, "no_such_column")


def test_rollout_projection_is_seeded_and_scales_with_transfer(dataset):
    eff = X.pilot_effect(dataset)
    targets = X.rollout_targets(dataset)
    assert (targets["pilot_group"] != "试点").all() and len(targets) > 0
    a = X.rollout_projection(targets, eff, transfer=1.0, draws=500, seed=1)
    b = X.rollout_projection(targets, eff, transfer=1.0, draws=500, seed=1)
    pd.testing.assert_frame_equal(a, b)
    none = X.rollout_projection(targets, eff, transfer=0.0, draws=500, seed=1)
    inside = targets.loc[targets["in_pilot_city"], "sales_per_year"].sum()
    assert none["extra_sales_yuan"].to_numpy() == pytest.approx(none["effect"].to_numpy() * inside)
    assert (a["extra_sales_yuan"] > none["extra_sales_yuan"]).all()
    s = X.projection_summary(a)
    assert s.loc["extra_margin_yuan", "p05"] < s.loc["extra_margin_yuan", "mean"] < s.loc["extra_margin_yuan", "p95"]
    with pytest.raises(DataError, match="transfer"):
        X.rollout_projection(targets, eff, transfer=3)
    waves = X.rollout_waves(targets, n_waves=3)
    sizes = waves["wave"].value_counts()
    assert sizes.max() - sizes.min() <= 1
    assert waves.loc[waves["wave"] == 1, "in_pilot_city"].all()
    risks = X.scale_risks(dataset, targets)
    assert risks.loc["outside_pilot_city", "试点门店"] == 0.0 and risks.loc["outside_pilot_city", "推广门店"] > 0


@pytest.fixture(scope="module")
def world(dataset):
    from o2o.scenes import World

    return World.from_dataset(dataset)


@pytest.mark.slow
def test_portfolio_fatigue_and_rules(dataset, world):
    from o2o.scenes import simulate

    store = X.portfolio_store(dataset)
    assert dataset.stores.set_index("store_id").loc[store, "pilot_group"] == "试点"
    plan = X.example_portfolio(world, store)
    assert X.portfolio_problems(plan, store, world) == []
    alone = X.simulate_portfolio(plan, world, draws=50, seed=3, plan_fatigue=False)
    first = simulate(plan[0], world, draws=50, seed=3)
    assert np.array_equal(alone[0][1]["incremental_margin_yuan"], first["incremental_margin_yuan"])
    table = X.portfolio_table(X.simulate_portfolio(plan, world, draws=50, seed=3))
    assert table["场景"].iloc[-1] == "合计" and table["预算(元)"].iloc[-1] == pytest.approx(5000.0)
    spacing = X.spacing_comparison(plan, world, gaps=(0, 28), draws=50, seed=3).set_index("gap_days")
    assert spacing.loc[0, "fatigue_loss"] > spacing.loc[28, "fatigue_loss"] >= 0
    crowded = [plan[0], plan[1].with_changes(launch_date=plan[0].launch_date, idea_date=plan[0].idea_date,
                                             budget_yuan=4000.0), plan[2]]
    problems = " ".join(X.portfolio_problems(crowded, store, world))
    assert "重叠" in problems and "超过" in problems
    hist = X.fatigue_history(dataset.scenes, dataset.scene_daily)
    assert list(hist.index) == ["0", "1", "2+"] and hist["scenes"].sum() > 0


def test_three_points_show_pilot_squads_starting_more_scenes(dataset):
    three = X.three_points(dataset)
    assert three.loc[("激活一线", "小分队每店每月发起的场景"), "直营·试点"] > \
        three.loc[("激活一线", "小分队每店每月发起的场景"), "直营·其他"]


def test_roadmap_for_incomplete_answers_says_so_and_starts_at_stage_one():
    from o2o.maturity import QUESTIONNAIRE

    road, note = X.roadmap_for({})
    assert "还没有完成" in note and (road["状态"] != "基础已具备").all()
    road, note = X.roadmap_for({i.id: (1 if i.reverse else 5) for i in QUESTIONNAIRE})
    assert "第5阶段" in note and (road["状态"] == "基础已具备").all()


def test_crossing_is_split_by_lesson_theme_and_still_reexports_every_name():
    from o2o.analysis import crossing, growth, partners, portfolio, roadmap, rollout, scorecard

    themed = (growth, partners, scorecard, rollout, portfolio, roadmap)
    assert sorted(crossing.__all__) == sorted(n for m in themed for n in m.__all__)
    for m in themed:
        for name in m.__all__:
            assert getattr(crossing, name) is getattr(m, name)
