"""Analyses of finished games for the lesson: which of the 5W separated the winners from the rest.

``demo_game(ds)`` plays a finished six-team, four-round game with the scripted strategies (the
lesson's data); ``team_summary`` gives each team's mean 5W beside its final score;
``fivew_separation`` compares the winners' 5W with everyone else's, over one game or many.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..scenes.fivew import DIMENSIONS, DIMENSION_ZH
from ..scenes.world import World
from .game import GameRecord, play
from .market import market_from_world
from .params import DEFAULT_GAME_PARAMS, EVENT_HQ, EVENT_RIVAL, EVENT_SUBSIDY, GameParams
from .strategies import STRATEGIES, scripted_plans

#: The lesson's game: six strategies, four rounds, one event in each of rounds 2–4.
DEMO_STRATEGIES = ("all_broadcast", "all_p2p", "frequent_small", "few_large", "frugal", "leader_first")
DEMO_EVENTS = [(), (EVENT_SUBSIDY,), (EVENT_RIVAL,), (EVENT_HQ,)]


def demo_game(ds: Any, seed: int = 2015, strategies: tuple[str, ...] = DEMO_STRATEGIES,
              params: GameParams = DEFAULT_GAME_PARAMS) -> tuple[GameRecord, list[str]]:
    """A finished game played by scripted strategies; returns the record and the teams' names (strategy labels)."""
    world = World.from_dataset(ds)
    market = market_from_world(world, ds.stores, len(strategies), len(DEMO_EVENTS), seed=seed, params=params)
    rec = play(market, seed, scripted_plans(market, list(strategies)), DEMO_EVENTS, params)
    return rec, [STRATEGIES[s][0] for s in strategies]


def team_summary(record: GameRecord, names: list[str], params: GameParams = DEFAULT_GAME_PARAMS) -> pd.DataFrame:
    """One row per team: mean 5W over the rounds, total cost, final profit, equity gained, score and rank."""
    res = record.results
    g = res.groupby("team")
    out = g[list(DIMENSIONS)].mean()
    out["cost"] = g["cost"].sum()
    sc = record.score(params).set_index("team")
    out = out.join(sc[["profit", "equity_gain", "score", "rank"]])
    out.insert(0, "name", [names[t] for t in out.index])
    return out.sort_values("rank")


def fivew_separation(summaries: list[pd.DataFrame], top: int = 2) -> pd.DataFrame:
    """Per W: the mean of the top ``top`` teams of each game, of the others, the gap, and the rank correlation.

    The rank correlation is Spearman's between a team's W and its score, pooled over games after
    ranking within each game (1 = the W orders teams exactly as the score does).
    """
    rows = []
    for d in DIMENSIONS:
        win, rest, rho = [], [], []
        for s in summaries:
            win.extend(s.loc[s["rank"] <= top, d])
            rest.extend(s.loc[s["rank"] > top, d])
            if s[d].nunique() > 1:
                rho.append(np.corrcoef(s[d].rank(), -s["rank"])[0, 1])
        rows.append({"W": d, "name": DIMENSION_ZH[d], "winners": float(np.mean(win)), "others": float(np.mean(rest)),
                     "gap": float(np.mean(win) - np.mean(rest)),
                     "rank_correlation": float(np.mean(rho)) if rho else float("nan")})
    return pd.DataFrame(rows).set_index("W").sort_values("gap", ascending=False)


def many_games(ds: Any, seeds, params: GameParams = DEFAULT_GAME_PARAMS) -> list[pd.DataFrame]:
    """Team summaries of the demo line-up played in several markets (one per seed)."""
    out = []
    for seed in seeds:
        rec, names = demo_game(ds, int(seed), params=params)
        out.append(team_summary(rec, names, params))
    return out


__all__ = ["demo_game", "team_summary", "fivew_separation", "many_games", "DEMO_STRATEGIES", "DEMO_EVENTS"]
