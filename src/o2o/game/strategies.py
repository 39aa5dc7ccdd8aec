"""Scripted strategies for the tournament, the lesson's finished game and the benchmarks.

Each strategy is a function ``(market, team, rnd) -> TeamPlan`` that always returns a valid plan
(the tests check it). They are the archetypes of the issue's tournament: all broadcast, all
point to point, frequent small scenes, few large ones, frugal, leader first, and HQ fire support.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import numpy as np
import pandas as pd

from .decisions import TeamPlan, scene_from_fields
from .game import play
from .market import Market, market_from_world
from .params import (DEFAULT_GAME_PARAMS, EVENTS, ORG_FIREPOWER, ORG_NONE, ORG_SCHEME, ORG_TRAIN, GameParams)

Strategy = Callable[[Market, int, int], TeamPlan]


def _scene(market: Market, team: int, rnd: int, offset: int, days: int, **f) -> dict:
    first, last = market.round_dates(rnd)
    length = (last - first).days + 1
    offset = min(offset, length - 1)
    days = max(1, min(days, length - offset))
    return {"launch_date": (first + timedelta(days=offset)).isoformat(), "duration_days": days, **f}


def _plan(market: Market, team: int, scenes: list[dict], org: str = ORG_NONE) -> TeamPlan:
    return TeamPlan(scenes=tuple(scene_from_fields(s, market, team) for s in scenes), org=org)


def _p2p(market, team, rnd, offset, budget, battle="客户回馈", tier="活跃粉", days=7, inc=5.0, kind="促销"):
    return _scene(market, team, rnd, offset, days, name="粉丝回馈", scene_type=kind, battle=battle,
                  channels=["朋友圈", "店内"], personalization=0.8, incentive_type="满减", incentive_yuan=inc,
                  budget_yuan=budget, target_tier=tier, lead_days=1)


def all_broadcast(market: Market, team: int, rnd: int) -> TeamPlan:
    s = [_scene(market, team, rnd, o, 10, name="广告引流", scene_type="促销", battle="引流入店", channels=["广告"],
                personalization=0.2, incentive_type="满减", incentive_yuan=3.0, budget_yuan=3000.0,
                target_tier="全部", lead_days=3) for o in (0, 11)]
    return _plan(market, team, s)


def all_p2p(market: Market, team: int, rnd: int) -> TeamPlan:
    s = [_p2p(market, team, rnd, 0, 4500.0), _p2p(market, team, rnd, 10, 4500.0, battle="二次购买", kind="交易")]
    return _plan(market, team, s)


def frequent_small(market: Market, team: int, rnd: int) -> TeamPlan:
    tiers = ("活跃粉", "普通粉", "铁杆粉")
    s = [_scene(market, team, rnd, 7 * i, 5, name=f"快闪{i + 1}", scene_type="支付", battle="付满送",
                channels=["朋友圈", "店内"], personalization=0.7, incentive_type="积分", incentive_yuan=3.0,
                budget_yuan=2500.0, target_tier=tiers[i], lead_days=0) for i in range(3)]
    return _plan(market, team, s)


def few_large(market: Market, team: int, rnd: int) -> TeamPlan:
    s = [_scene(market, team, rnd, 0, 40, name="季度大促", scene_type="交易", battle="自团购",
                channels=["广告", "朋友圈", "店内"], personalization=0.5, incentive_type="满减", incentive_yuan=6.0,
                budget_yuan=11000.0, target_tier="全部", lead_days=5)]
    return _plan(market, team, s)


def frugal(market: Market, team: int, rnd: int) -> TeamPlan:
    s = [_scene(market, team, rnd, 2, 7, name="粉丝分层问候", scene_type="促销", battle="粉丝分层",
                channels=["朋友圈"], personalization=0.9, incentive_type="无", incentive_yuan=0.0,
                budget_yuan=300.0, target_tier="普通粉", lead_days=1)]
    return _plan(market, team, s)


def leader_first(market: Market, team: int, rnd: int) -> TeamPlan:
    if rnd == 0:
        return _plan(market, team, [_p2p(market, team, rnd, 0, 4000.0)], ORG_TRAIN)
    if rnd == 1:
        return _plan(market, team, [_p2p(market, team, rnd, 0, 4000.0),
                                    _p2p(market, team, rnd, 10, 4000.0, tier="普通粉")], ORG_SCHEME)
    return all_p2p(market, team, rnd)


def hq_firepower(market: Market, team: int, rnd: int) -> TeamPlan:
    org = ORG_FIREPOWER if rnd % 2 == 0 else ORG_NONE
    s = [_p2p(market, team, rnd, 3, 5000.0, battle="告知巨头优惠", kind="支付", tier="普通粉", inc=8.0)]
    return _plan(market, team, s, org)


#: name -> (Chinese label, strategy)
STRATEGIES: dict[str, tuple[str, Strategy]] = {
    "all_broadcast": ("全广告", all_broadcast),
    "all_p2p": ("全点对点", all_p2p),
    "frequent_small": ("小步快跑", frequent_small),
    "few_large": ("重拳出击", few_large),
    "frugal": ("节俭", frugal),
    "leader_first": ("先练班长", leader_first),
    "hq_firepower": ("要总部炮火", hq_firepower),
}


def scripted_plans(market: Market, names: list[str], n_rounds: int | None = None) -> list[list[TeamPlan]]:
    """Plans of every round for teams playing the named strategies (one name per team)."""
    n_rounds = market.n_rounds if n_rounds is None else n_rounds
    return [[STRATEGIES[nm][1](market, t, r) for t, nm in enumerate(names)] for r in range(n_rounds)]


def random_events(n_rounds: int, rng: np.random.Generator, p: float = 0.4) -> list[tuple[str, ...]]:
    """At most one instructor event per round, each round with probability ``p``."""
    out = []
    for _ in range(n_rounds):
        hit, which = rng.random(), int(rng.integers(len(EVENTS)))
        out.append((EVENTS[which],) if hit < p else ())
    return out


def tournament(world, stores: pd.DataFrame, seeds, n_teams: int = 6, n_rounds: int = 4,
               params: GameParams = DEFAULT_GAME_PARAMS) -> pd.DataFrame:
    """Play one market per seed with ``n_teams`` strategies drawn from :data:`STRATEGIES` (repeats allowed).

    Drawing with repeats varies how crowded each approach is, which is what decides who wins.

    Returns one row per market and team: seed, strategy, score and rank (1 = winner).
    """
    names = list(STRATEGIES)
    rows = []
    for seed in seeds:
        rng = np.random.default_rng([int(seed), 7])
        chosen = [names[i] for i in rng.integers(len(names), size=n_teams)]
        market = market_from_world(world, stores, n_teams, n_rounds, seed=int(seed), params=params)
        rec = play(market, int(seed), scripted_plans(market, chosen), random_events(n_rounds, rng), params,
                   validate=False, fivew=False)
        sc = rec.score(params)
        for t, nm in enumerate(chosen):
            rows.append({"seed": int(seed), "district": market.district, "strategy": nm,
                         "score": float(sc.loc[t, "score"]), "rank": int(sc.loc[t, "rank"])})
    return pd.DataFrame(rows)


__all__ = ["STRATEGIES", "scripted_plans", "tournament", "random_events", *[k for k in STRATEGIES]]
