"""Judgment exercises: the data decides the right option, every wrong option is rejected with its reason."""

from __future__ import annotations

import pandas as pd
import pytest

from o2o.analysis import fans, judgments, member_channels, organisation, pilot, scene_outcomes, spread
from o2o.judgment import Judgment


def _verdicts(j: Judgment, capsys) -> dict[str, tuple[bool, str]]:
    out = {}
    for key in j.options:
        ok = j.check(key)
        out[key] = (ok, capsys.readouterr().out)
    return out


def _assert_fair(j: Judgment, capsys, expected: str) -> None:
    assert j.correct == expected
    for key, (ok, said) in _verdicts(j, capsys).items():
        assert ok == (key == expected), (key, said)
        assert said.startswith("✓" if ok else "✗")
        assert j.reasons[key][0] in said, "the printed line carries that option's reason"


def test_a_judgment_never_raises_and_reads_letters_kindly(capsys):
    j = judgments.fan_tier_yardstick()
    for bad in (None, "", "  ", 3, ["B"], "Z", "BB"):
        assert j.check(bad) is False
        assert capsys.readouterr().out.startswith("✗")
    assert j.check(" ｂ ") and j.check("(B)")
    with pytest.raises(ValueError):
        Judgment("x", {"A": "a"}, "B", {"A": ("", "")})


@pytest.fixture(scope="module")
def quality(dataset):
    return member_channels.channel_quality(dataset.members, dataset.member_tiers)


def test_lesson_judgments_on_the_data(dataset, quality, capsys):
    scenes = scene_outcomes.scene_totals(dataset.scenes, dataset.scene_daily)
    _assert_fair(judgments.budget_by_mode(scene_outcomes.compare_by(scenes, "mode")), capsys, "B")
    _assert_fair(judgments.channel_focus(quality), capsys, "A")
    mix, moves = fans.tier_mix(dataset), fans.transition_matrix(dataset)
    growth = mix.sum(axis=1).iloc[-1] / mix.sum(axis=1).iloc[0]
    _assert_fair(judgments.flat_tier_mix(fans.tier_share_table(mix), moves, growth), capsys, "B")
    _assert_fair(judgments.seed_question(spread.cascades(dataset)), capsys, "C")
    _assert_fair(judgments.core_spreaders(spread.sender_concentration(dataset)), capsys, "B")
    _assert_fair(judgments.before_after_claim(pilot.naive_vs_did(dataset)), capsys, "B")
    _assert_fair(judgments.why_run_scenes(organisation.firepower_menu(dataset.scenes, dataset.scene_daily)), capsys, "B")
    _assert_fair(judgments.partner_members(quality), capsys, "B")
    _assert_fair(judgments.fan_tier_yardstick(), capsys, "B")


def test_the_right_option_follows_the_data(quality, capsys):
    """Change the data and the right answer changes with it: the checks are not hard-coded."""
    same = quality.copy()
    same.loc[same["join_channel"] == "异业合作", "engaged_share"] = float(
        same.loc[same["join_channel"] == "门店二维码", "engaged_share"].iloc[0])
    assert judgments.partner_members(same).correct == "A"
    concentrated = pd.DataFrame({"转发者累计占比(%)": [10.0, 50.0, 100.0], "转发累计占比(%)": [80.0, 95.0, 100.0]})
    assert judgments.core_spreaders(concentrated).correct == "A"
    two_seeds = pd.DataFrame({"seed_type": ["店员", "会员", "会员"], "size": [3, 8, 10]})
    assert judgments.seed_question(two_seeds).correct == "B"
    paying = pd.DataFrame({"margin_per_yuan": [1.2, 1.4, 0.9]})
    assert judgments.why_run_scenes(paying).correct == "A"


def test_more_lesson_judgments_on_the_data(dataset, capsys):
    from o2o.analysis import categories, factors, growth, online_offline, payments, portfolio, realtime, rhythms, rollout
    from o2o.analysis import scenes_history as sh
    from o2o.scenes import World

    d = dataset
    _assert_fair(judgments.identity_trend(online_offline.monthly_member_share(d.daily_sales),
                                          online_offline.monthly_mobile_share(d.transactions)), capsys, "A")
    _assert_fair(judgments.identity_difference(factors.member_vs_guest(d.transactions)), capsys, "B")
    from o2o.analysis import communities
    per_store = communities.fans_vs_sales(d.store_fans_monthly, d.daily_sales)
    _assert_fair(judgments.fans_and_sales(communities.sales_by_fan_quartile(per_store)), capsys, "B")
    _assert_fair(judgments.payment_and_spend(payments.method_profile(d.transactions)), capsys, "B")
    matrix = categories.category_roles(categories.category_matrix(d.transaction_items, d.products))
    _assert_fair(judgments.traffic_category(matrix), capsys, "B")
    week = rhythms.weekday_index(d.daily_sales, d.stores, by="format")
    _assert_fair(judgments.weekend_scene(week.pivot(index="format", columns="weekday_zh", values="index")), capsys, "B")
    _assert_fair(judgments.fast_but_profitable(sh.who_what_table(sh.scene_outcomes(d))), capsys, "B")
    _assert_fair(judgments.early_call(realtime.early_signal(d, max_day=4)), capsys, "B")
    by_cohort = growth.sales_by_cohort(d.stores, d.daily_sales, since="2015-01-01")
    _assert_fair(judgments.growth_source(growth.growth_bridge(by_cohort)), capsys, "B")
    _assert_fair(judgments.leader_effect(rollout.effect_by(d, "leader_capability")), capsys, "B")
    world = World.from_dataset(d)
    store = portfolio.portfolio_store(d)
    plan = portfolio.example_portfolio(world, store, start="2015-09-01", gap_days=30)
    spacing = portfolio.spacing_comparison(plan, world, gaps=(0, 28), draws=30, seed=35)
    _assert_fair(judgments.spacing_choice(spacing), capsys, "B")


def test_judgments_of_lessons_5_to_28(dataset, capsys):
    from o2o.analysis import fragments, network, pilot as pl
    from o2o.analysis import scenes_history as sh

    d = dataset
    _assert_fair(judgments.interaction_yardstick(), capsys, "B")
    _assert_fair(judgments.pilot_region(network.sales_by_format(d.stores, d.daily_sales)), capsys, "B")
    ledger = sh.scene_outcomes(d)
    summary = sh.summary_by(ledger, ["scene_type", "initiator"]).rename(columns={"每元成本增量毛利": "margin_per_yuan"})
    _assert_fair(judgments.why_run_scenes(summary), capsys, "B")
    _assert_fair(judgments.personalisation_returns(fragments.by_personalization(fragments.scene_performance(d))),
                 capsys, "B")
    _assert_fair(judgments.interval_reading(pl.pilot_effects(d)), capsys, "B")
    from o2o.analysis import fivew_history

    _assert_fair(judgments.p2p_worth(fivew_history.way_why_worth(d, ledger)), capsys, "A")
    _assert_fair(judgments.what_stays_central(), capsys, "B")
    _assert_fair(judgments.reached_stage({1: 85, 2: 70, 3: 90, 4: 40, 5: 20}), capsys, "B")
    assert judgments.reached_stage({1: 85, 2: 81, 3: 79, 4: 90, 5: 90}).correct == "C"


def test_judgments_of_the_remaining_lessons(dataset, capsys):
    import pandas as pd

    from o2o.analysis import organisation as org, scorecard
    from o2o.analysis import scenes_history as sh
    from o2o.maturity import QUESTIONNAIRE, assess

    d = dataset
    _assert_fair(judgments.panel_members(d.stores, d.members), capsys, "B")
    _assert_fair(judgments.funnel_yardstick(), capsys, "B")
    report = sh.battle_report(sh.scene_outcomes(d), ["交易", "支付"])
    pay = report.xs("支付", level=0)["每元成本增量毛利"]
    _assert_fair(judgments.payment_battle(report), capsys, "ABC"[list(pay.index).index(pay.idxmax())])
    ready = org.captain_readiness(d.stores, d.staff, d.squads, d.daily_sales, d.scenes, d.scene_daily,
                                  profit_end="2015-07-31", scenes_from="2015-08-01",
                                  staff_cost_per_month=3000, capability_cut=0.8)
    summary = org.readiness_summary(ready)
    _assert_fair(judgments.readiness_first(summary), capsys, "A")
    monthly = org.pilot_monthly(d.stores, d.daily_sales, d.scenes)
    t = org.before_after(monthly, "sales_per_store_day")
    did_table = pd.DataFrame([{"试点前(试点)": t.loc["试点", "before"], "试点后(试点)": t.loc["试点", "after"],
                               "试点前(对照)": t.loc["对照", "before"], "试点后(对照)": t.loc["对照", "after"],
                               "双重差分估计的增幅": t.attrs["did_pct"]}])
    _assert_fair(judgments.shareholder_credit(did_table), capsys, "B")
    _assert_fair(judgments.convection_target(), capsys, "B")
    card = scorecard.store_scorecard(d.stores, d.daily_sales, d.store_fans_monthly, d.scenes)
    dongguan = card[(card["city"] == "东莞") & (card["ownership"] == "直营")].sort_values("score", ignore_index=True)
    one = scorecard.store_card(card, int(dongguan["store_id"].iloc[len(dongguan) // 2]))
    _assert_fair(judgments.weakest_metric(one), capsys, "C")
    example = {item.id: (2 if item.reverse else 4) for item in QUESTIONNAIRE}
    _assert_fair(judgments.first_step(assess(example)), capsys, "A")
