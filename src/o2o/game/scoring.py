"""Results per team and round, the 5W of each team's scenes, and the cumulative score.

The 5W reuse the kit's own evaluation (:func:`o2o.scenes.evaluate`) on each scene's
day-by-day arrays; a team's round score per W is the cost-weighted mean over its own scenes
(HQ's fire support is HQ's scene and is not scored). The cumulative score balances profit
and fan equity (``docs/game-model.md``, section "Score").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..scenes.catalog import TIERS
from ..scenes.fivew import DIMENSIONS, evaluate
from ..scenes.model import Scene
from .engine import RoundOutcome, SceneRun
from .market import Market
from .params import DEFAULT_GAME_PARAMS, GameParams

#: Columns of a round's results table (one row per team).
RESULT_COLUMNS = ("team", "round", "reach", "visits", "sales", "margin", "new_members", "tier_upgrades",
                  "fans_won", "cost", "profit", "fans", "equity", *DIMENSIONS)


@dataclass
class _SceneResultView:
    """What :func:`o2o.scenes.evaluate` reads from a simulation result, built from one game scene."""

    scene: Scene
    arrays: dict[str, np.ndarray]
    context: dict[str, Any] = field(default_factory=dict)
    historical: bool = False


def scene_fivew(run: SceneRun, market: Market, outcome: RoundOutcome, capability: float):
    """The kit's 5W report of one team scene in the round."""
    t = run.team
    tier = run.scene.target_tier
    fans = outcome.fans_before[t]
    target = float(fans[TIERS.index(tier)]) if tier in TIERS else float(fans.sum())
    ctx = {"leader_capability": capability, "target_fans": target, "all_fans": float(fans.sum()),
           "sales_sigma": float(market.sales_sigma[t]), "n_stores": 1}
    return evaluate(_SceneResultView(scene=run.scene, arrays=run.arrays, context=ctx))


def round_results(market: Market, outcome: RoundOutcome, capability: np.ndarray,
                  params: GameParams = DEFAULT_GAME_PARAMS, fivew: bool = True) -> pd.DataFrame:
    """One row per team: the round's totals, fans and equity at its end, and the 5W of its scenes."""
    n = market.n_teams
    value = np.array(params.fan_value)
    rows = []
    for t in range(n):
        mine = [r for r in outcome.runs if r.team == t]
        tot = {k: float(sum(r.arrays[k].sum() for r in mine)) for k in
               ("reach_broadcast", "reach_p2p", "visits", "incremental_sales_yuan", "incremental_margin_yuan",
                "new_members", "tier_upgrades", "cost_yuan")}
        cost = tot["cost_yuan"] + float(outcome.org_costs[t]) + float(outcome.scheme_payout[t])
        scores = {d: 0.0 for d in DIMENSIONS}
        own = [r for r in mine if r.scene is not None]
        if own and fivew:
            weights = np.array([max(float(r.arrays["cost_yuan"].sum()), 1.0) for r in own])
            reps = [scene_fivew(r, market, outcome, float(capability[t])) for r in own]
            for d in DIMENSIONS:
                scores[d] = float(np.average([rep.scores[d] for rep in reps], weights=weights))
        rows.append({"team": t, "round": outcome.rnd, "reach": tot["reach_broadcast"] + tot["reach_p2p"],
                     "visits": tot["visits"], "sales": tot["incremental_sales_yuan"],
                     "margin": tot["incremental_margin_yuan"], "new_members": tot["new_members"],
                     "tier_upgrades": tot["tier_upgrades"], "fans_won": float(sum(r.fans_won for r in mine)),
                     "cost": cost, "profit": tot["incremental_margin_yuan"] - cost,
                     "fans": float(outcome.fans_after[t].sum()), "equity": float(outcome.fans_after[t] @ value),
                     **scores})
    return pd.DataFrame(rows, columns=list(RESULT_COLUMNS))


def cumulative_score(market: Market, results: pd.DataFrame, params: GameParams = DEFAULT_GAME_PARAMS) -> pd.DataFrame:
    """Per team after the rounds in ``results``: profit, equity gained, and the score index.

    score = score_base x (1 + (cumulative profit + equity gained) / (budget per round x rounds played))
    """
    value = np.array(params.fan_value)
    start = np.array(market.fans) @ value
    played = int(results["round"].nunique()) if len(results) else 0
    last = results[results["round"] == results["round"].max()].set_index("team") if played else None
    rows = []
    for t in range(market.n_teams):
        profit = float(results.loc[results["team"] == t, "profit"].sum()) if played else 0.0
        equity = float(last.loc[t, "equity"]) if played else float(start[t])
        gain = equity - float(start[t])
        denom = params.budget_per_round * max(played, 1)
        rows.append({"team": t, "profit": profit, "equity_gain": gain,
                     "score": params.score_base * (1.0 + (profit + gain) / denom)})
    df = pd.DataFrame(rows)
    df["rank"] = df["score"].rank(ascending=False, method="first").astype(int)
    return df


__all__ = ["round_results", "cumulative_score", "scene_fivew", "RESULT_COLUMNS"]
