"""The class game's model: determinism, conservation, interaction between teams, events, organisation."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from o2o.game import GameError, TeamPlan, play, plan_problems, scene_from_fields, scripted_plans
from o2o.game.engine import MarketState, simulate_round
from o2o.game.market import Market
from o2o.game.params import (DEFAULT_GAME_PARAMS as P, EVENT_HQ, EVENT_RIVAL, EVENT_SUBSIDY, ORG_FIREPOWER,
                             ORG_SCHEME, ORG_TRAIN)
from o2o.game.strategies import STRATEGIES
from o2o.scenes.catalog import BATTLE_PROFILES


def scene(market: Market, team: int, rnd: int = 0, offset: int = 0, **kw) -> dict:
    first, _ = market.round_dates(rnd)
    f = {"name": "测试", "scene_type": "促销", "battle": "客户回馈", "channels": ["朋友圈", "店内"],
         "personalization": 0.8, "incentive_type": "满减", "incentive_yuan": 5, "budget_yuan": 4000,
         "target_tier": "活跃粉", "launch_date": (first + timedelta(days=offset)).isoformat(), "duration_days": 7,
         "lead_days": 1}
    f.update(kw)
    return f


def plan(market, team, *scenes, org="无") -> TeamPlan:
    return TeamPlan(scenes=tuple(scene_from_fields(s, market, team) for s in scenes), org=org)


def idle(market) -> list[TeamPlan]:
    return [TeamPlan() for _ in range(market.n_teams)]


def run(market, plans, events=(), rnd=0, state=None, seed=3):
    state = state or MarketState.initial(market)
    return simulate_round(market, state, plans, rnd, seed, tuple(events))


def team_total(outcome, team, metric):
    return sum(float(r.arrays[metric].sum()) for r in outcome.runs if r.team == team)


def test_market_is_one_neighbourhood_of_squad_stores(market, world):
    assert market.n_teams == 6 and market.n_rounds == 4
    assert len(set(market.store_ids)) == 6
    assert market.rounds[0][0] == P.first_day and market.rounds[-1][1] == P.last_day
    assert sum(b - a + 1 for a, b in market.rounds) == 92                 # the whole of Q4 2015
    assert all(f >= 0 for row in market.fans for f in row) and market.nonmembers > 0
    assert Market.from_dict(market.to_dict()) == market


def test_same_seed_same_results_different_seed_different(market):
    names = list(STRATEGIES)[:6]
    plans = scripted_plans(market, names)
    a, b = play(market, 5, plans), play(market, 5, plans)
    pd.testing.assert_frame_equal(a.results, b.results)
    for oa, ob in zip(a.outcomes, b.outcomes):
        for ra, rb in zip(oa.runs, ob.runs):
            for k in ra.arrays:
                assert ra.arrays[k].tobytes() == rb.arrays[k].tobytes()
    c = play(market, 6, plans)
    assert not np.allclose(a.results["visits"], c.results["visits"])


def test_conservation_fans_members_and_costs(market):
    names = list(STRATEGIES)[:6]
    rec = play(market, 2, scripted_plans(market, names), events=[(), (EVENT_RIVAL,), (EVENT_HQ,), (EVENT_SUBSIDY,)])
    for out in rec.outcomes:
        assert (out.fans_after >= 0).all() and out.nonmembers_after >= 0
        new = sum(float(r.arrays["new_members"].sum()) for r in out.runs)
        # fans only enter as new members and leave only to the rival chain; switches and tiers move, not create
        assert out.fans_after.sum() == pytest.approx(out.fans_before.sum() + new - out.fans_lost_to_rival_chain.sum())
        lost_non = out.nonmembers_before * (P.rival_nonmember_loss if EVENT_RIVAL in out.events else 0.0)
        assert out.nonmembers_after == pytest.approx(out.nonmembers_before - lost_non - new)
        for r in out.runs:
            a = r.arrays
            assert np.allclose(a["cost_yuan"], a["cost_ads"] + a["cost_incentive"] + a["cost_ops"])
            assert (a["redemptions"] <= a["conversions"] + 1e-9).all()
            assert (a["conversions"] <= a["visits"] + 1e-9).all()
    res = rec.results
    for out in rec.outcomes:
        for t in range(market.n_teams):
            row = res[(res["round"] == out.rnd) & (res["team"] == t)].iloc[0]
            spent = team_total(out, t, "cost_yuan") - sum(float(r.arrays["cost_yuan"].sum()) for r in out.runs
                                                            if r.team == t and r.scene is None)
            assert row["cost"] == pytest.approx(spent + out.org_costs[t] + out.scheme_payout[t])
            assert row["profit"] == pytest.approx(row["margin"] - row["cost"])


def test_response_is_split_not_duplicated(market):
    """Two teams aiming at the same tier and days share those fans' attention: together they get less than twice one."""
    plans = idle(market)
    plans[0] = plan(market, 0, scene(market, 0, channels=["广告"], target_tier="全部", budget_yuan=6000,
                                     incentive_yuan=3))
    alone, _ = run(market, plans)
    both_plans = list(plans)
    both_plans[1] = plan(market, 1, scene(market, 1, channels=["广告"], target_tier="全部", budget_yuan=6000,
                                          incentive_yuan=3))
    both, _ = run(market, both_plans)
    one = team_total(alone, 0, "reach_broadcast")
    shared = team_total(both, 0, "reach_broadcast") + team_total(both, 1, "reach_broadcast")
    assert team_total(both, 0, "reach_broadcast") < one
    assert shared < 2 * one
    # the people who notice on a day never exceed the people there
    day_reach = sum(r.arrays["reach_broadcast"] for r in both.runs)
    pop = both.fans_before.sum() + both.nonmembers_before
    assert (day_reach <= pop + 1e-6).all()


def test_a_rivals_scene_on_the_same_tier_and_days_lowers_your_response(market):
    plans = idle(market)
    plans[0] = plan(market, 0, scene(market, 0))
    alone, _ = run(market, plans)
    contested = list(plans)
    contested[1] = plan(market, 1, scene(market, 1))
    other_tier = list(plans)
    other_tier[1] = plan(market, 1, scene(market, 1, target_tier="沉睡粉"))
    v_alone = team_total(alone, 0, "visits")
    v_contested = team_total(run(market, contested)[0], 0, "visits")
    v_other = team_total(run(market, other_tier)[0], 0, "visits")
    assert v_contested < v_alone
    assert v_contested < v_other           # the same tier hurts more than a different one


def test_fatigue_counts_every_teams_scenes_across_rounds(market):
    quiet = [idle(market), idle(market)]
    busy = [idle(market), idle(market)]
    busy[0][1] = plan(market, 1, scene(market, 1, offset=10, duration_days=5),
                      scene(market, 1, offset=14, duration_days=5, battle="二次购买", scene_type="交易"),
                      scene(market, 1, offset=18, duration_days=5, battle="粉丝分层"))
    for p in (quiet, busy):
        p[1][0] = plan(market, 0, scene(market, 0, rnd=1))
    q = play(market, 4, quiet)
    b = play(market, 4, busy)
    assert b.states[1].fatigue[2] > q.states[1].fatigue[2]
    v_q = team_total(q.outcomes[1], 0, "visits")
    v_b = team_total(b.outcomes[1], 0, "visits")
    assert v_b < v_q * 0.95


def test_share_cascades_reach_rivals_fans(market):
    plans = idle(market)
    plans[0] = plan(market, 0, scene(market, 0, battle="自团购", scene_type="交易", channels=["朋友圈"]))
    out, _ = run(market, plans)
    assert team_total(out, 0, "shares") > 0
    assert sum(r.fans_won for r in out.runs if r.team == 0) > 0      # some of the rivals' fans switched
    assert (out.fans_after[1:].sum(1) < out.fans_before[1:].sum(1) + 1e-9).all()


def test_subsidy_week_lifts_payment_scenes_and_pays_part_of_their_incentive(market):
    plans = idle(market)
    plans[0] = plan(market, 0, scene(market, 0, scene_type="支付", battle="付满送", duration_days=5))
    plans[1] = plan(market, 1, scene(market, 1, target_tier="普通粉", duration_days=5))
    base, _ = run(market, plans)
    sub, _ = run(market, plans, events=[EVENT_SUBSIDY])
    assert team_total(sub, 0, "visits") > 1.5 * team_total(base, 0, "visits")
    per_red = lambda o: team_total(o, 0, "cost_incentive") / team_total(o, 0, "redemptions")  # noqa: E731
    assert per_red(sub) == pytest.approx(per_red(base) * (1 - P.subsidy_cost_share))
    assert team_total(sub, 1, "visits") == pytest.approx(team_total(base, 1, "visits"), rel=0.05)


def test_rival_opening_takes_fans_and_responses(market):
    plans = idle(market)
    plans[0] = plan(market, 0, scene(market, 0))
    base, _ = run(market, plans)
    riv, _ = run(market, plans, events=[EVENT_RIVAL])
    expect = np.array(market.fans) @ np.array(P.rival_fan_loss)
    assert riv.fans_lost_to_rival_chain == pytest.approx(expect)
    assert riv.nonmembers_before == pytest.approx(market.nonmembers)
    assert team_total(riv, 0, "visits") < P.rival_response * team_total(base, 0, "visits") * 1.01


def test_hq_campaign_competes_for_attention_and_adds_fatigue(market):
    plans = [plan(market, t, scene(market, t, target_tier=("活跃粉", "普通粉")[t % 2])) for t in range(6)]
    base, s0 = run(market, plans)
    hq, s1 = run(market, plans, events=[EVENT_HQ])
    for t in range(6):
        assert team_total(hq, t, "visits") < team_total(base, t, "visits")
    assert (s1.fatigue > s0.fatigue).all()


def test_organisational_choices_cost_now_and_act_later(market):
    plans = idle(market)
    plans[0] = plan(market, 0, org=ORG_TRAIN)
    plans[1] = plan(market, 1, org=ORG_FIREPOWER)
    plans[2] = plan(market, 2, scene(market, 2), org=ORG_SCHEME)
    out, after = run(market, plans)
    assert list(out.org_costs[:3]) == [P.train_cost, P.firepower_cost, P.scheme_cost]
    assert after.capability[0] == pytest.approx(min(market.capability[0] + P.train_gain, 1.0))
    assert not [r for r in out.runs if r.scene is None]               # fire support arrives next round
    assert out.scheme_payout[2] == 0.0
    nxt = [TeamPlan(), TeamPlan(), plan(market, 2, scene(market, 2, rnd=1))] + [TeamPlan()] * 3
    out2, _ = simulate_round(market, after, nxt, 1, 3, ())
    hq_runs = [r for r in out2.runs if r.scene is None]
    assert [r.team for r in hq_runs] == [1] and hq_runs[0].arrays["reach_broadcast"].sum() > 0
    assert hq_runs[0].arrays["cost_yuan"].sum() == 0.0                 # HQ pays for its ads
    margin = team_total(out2, 2, "incremental_margin_yuan")
    assert out2.scheme_payout[2] == pytest.approx(P.scheme_payout * margin)


def test_plan_validation_speaks_chinese_and_names_the_fix(market):
    ok = plan(market, 0, scene(market, 0))
    assert plan_problems(ok, market, 0, 0) == []
    bad = plan(market, 0, scene(market, 0, battle="付满送"), scene(market, 0, offset=40),
               scene(market, 0, offset=20, duration_days=10), scene(market, 0, budget_yuan=9000))
    codes = {p.code for _, p in plan_problems(bad, market, 0, 0)}
    assert {"battle_wrong_type", "launch_outside_round", "end_outside_round", "too_many_scenes",
            "over_budget"} <= codes
    msgs = [p.zh for _, p in plan_problems(bad, market, 0, 0)]
    assert any("请" in m and "本轮" in m for m in msgs)


@pytest.mark.parametrize("n_rounds", [3, 4, 6])
def test_every_scripted_strategy_makes_valid_plans(world, dataset, n_rounds):
    from o2o.game import market_from_world

    m = market_from_world(world, dataset.stores, n_teams=7, n_rounds=n_rounds, seed=n_rounds)
    for r, plans in enumerate(scripted_plans(m, list(STRATEGIES))):
        for t, p in enumerate(plans):
            assert plan_problems(p, m, t, r) == [], (list(STRATEGIES)[t], r)


def test_bad_setup_is_refused_with_a_sentence(world, dataset):
    from o2o.game import market_from_world

    with pytest.raises(GameError, match="队伍数"):
        market_from_world(world, dataset.stores, n_teams=1, n_rounds=4)
    with pytest.raises(GameError, match="轮数"):
        market_from_world(world, dataset.stores, n_teams=6, n_rounds=0)
    with pytest.raises(GameError, match="district"):
        market_from_world(world, dataset.stores, n_teams=6, n_rounds=4, district="不存在区")


TIER_CHOICES = ("沉睡粉", "普通粉", "活跃粉", "铁杆粉", "全部")
CHANNEL_SETS = (["朋友圈"], ["店内"], ["广告"], ["朋友圈", "店内"], ["广告", "朋友圈", "店内"])
scene_draw = st.fixed_dictionaries({
    "tier": st.sampled_from(TIER_CHOICES), "channels": st.sampled_from(CHANNEL_SETS),
    "budget": st.integers(1500, 4000), "offset": st.integers(0, 15), "days": st.integers(1, 8),
    "battle": st.sampled_from([("促销", "客户回馈"), ("交易", "自团购"), ("支付", "付满送"), ("促销", "引流入店")])})


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(draws=st.lists(st.lists(scene_draw, max_size=3), min_size=6, max_size=6),
       event=st.sampled_from([(), (EVENT_SUBSIDY,), (EVENT_RIVAL,), (EVENT_HQ,)]), seed=st.integers(0, 10**6))
def test_any_plans_conserve_fans_and_never_overreach(market, draws, event, seed):
    plans = [plan(market, t, *[scene(market, t, offset=d["offset"], duration_days=d["days"], target_tier=d["tier"],
                                     channels=d["channels"], budget_yuan=d["budget"], scene_type=d["battle"][0],
                                     battle=d["battle"][1]) for d in ds]) for t, ds in enumerate(draws)]
    out, after = run(market, plans, events=event, seed=seed)
    assert (out.fans_after >= -1e-9).all() and out.nonmembers_after >= -1e-9
    new = sum(float(r.arrays["new_members"].sum()) for r in out.runs)
    assert out.fans_after.sum() == pytest.approx(out.fans_before.sum() + new - out.fans_lost_to_rival_chain.sum())
    pop = out.fans_before.sum() + out.nonmembers_before
    reach = sum(r.arrays["reach_broadcast"] + r.arrays["reach_p2p"] for r in out.runs) if out.runs else np.zeros(1)
    assert (reach <= pop + 1e-6).all()                              # attention split, never duplicated
    for r in out.runs:
        assert all((v >= -1e-9).all() for v in r.arrays.values())
        spent = r.arrays["cost_incentive"].sum()
        assert spent <= r.scene.incentive_pool(P.scene) + 1e-6       # the incentive pool is never overdrawn
    assert (after.fatigue >= 0).all()


def test_the_model_imports_no_ui():
    """The model modules import neither the web server nor widgets (the app only wires them)."""
    code = ("import sys, o2o.game, o2o.game.analysis, o2o.game.report, o2o.game.storage; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('tornado', 'ipywidgets', 'plotly') "
            "or m.startswith(('o2o.widgets', 'o2o.apps', 'o2o.game.server', 'o2o.game.console', 'o2o.game.web'))]; print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]", out


def test_payment_giant_ads_cost_the_team_the_simulators_share(market):
    """Ads announcing a payment giant's offer (告知巨头优惠) cost the team the battle's ``ad_cost`` share, as in the simulator."""
    fields = dict(scene_type="支付", battle="告知巨头优惠", channels=["广告", "店内"], incentive_type="无",
                  incentive_yuan=0, budget_yuan=3000, target_tier="全部")
    giant = idle(market)
    giant[0] = plan(market, 0, scene(market, 0, **fields))
    paid = team_total(run(market, giant)[0], 0, "cost_ads")
    other = idle(market)
    other[0] = plan(market, 0, scene(market, 0, **{**fields, "battle": "付满送"}))
    full = team_total(run(market, other)[0], 0, "cost_ads")
    assert full > 0
    assert paid == pytest.approx(full * BATTLE_PROFILES["告知巨头优惠"].ad_cost)
