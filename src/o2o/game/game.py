"""A whole game: a market, a seed, the instructor's events and every team's plans, replayed round by round.

Results are never stored as truth: they are recomputed from the market snapshot, the seed and
the decisions (the same inputs give the same bytes), so undoing a round is dropping its
decisions, and a restarted server rebuilds every report from what it appended.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .decisions import TeamPlan, plan_problems
from .engine import MarketState, RoundOutcome, simulate_round
from .market import GameError, Market
from .params import DEFAULT_GAME_PARAMS, EVENTS, GameParams
from .scoring import RESULT_COLUMNS, cumulative_score, round_results


@dataclass
class GameRecord:
    """The outcome of every round played so far."""

    market: Market
    outcomes: list[RoundOutcome] = field(default_factory=list)
    results: pd.DataFrame = field(default_factory=pd.DataFrame)   # one row per team and round
    states: list[MarketState] = field(default_factory=list)       # state before each round, and after the last

    def score(self, params: GameParams = DEFAULT_GAME_PARAMS) -> pd.DataFrame:
        return cumulative_score(self.market, self.results, params)

    def leaderboard(self, params: GameParams = DEFAULT_GAME_PARAMS) -> list[int]:
        """Teams from first to last by cumulative score."""
        return [int(t) for t in self.score(params).sort_values("rank")["team"]]


def check_events(events: tuple[str, ...]) -> tuple[str, ...]:
    bad = [e for e in events if e not in EVENTS]
    if bad:
        raise GameError(f"事件「{'、'.join(bad)}」不存在:请选 {'、'.join(EVENTS)}。",
                        f"Unknown event(s) {', '.join(bad)}: choose from {', '.join(EVENTS)}.")
    return tuple(dict.fromkeys(events))


def play(market: Market, seed: int, plans: list[list[TeamPlan]], events: list[tuple[str, ...]] | None = None,
         params: GameParams = DEFAULT_GAME_PARAMS, validate: bool = True, fivew: bool = True) -> GameRecord:
    """Play ``len(plans)`` rounds: ``plans[r][t]`` is team ``t``'s plan in round ``r``."""
    if len(plans) > market.n_rounds:
        raise GameError(f"这个市场只有 {market.n_rounds} 轮。", f"This market has only {market.n_rounds} rounds.")
    events = list(events or [])
    state = MarketState.initial(market)
    rec = GameRecord(market=market, states=[state])
    frames = []
    for r, round_plans in enumerate(plans):
        if len(round_plans) != market.n_teams:
            raise GameError(f"第 {r + 1} 轮需要 {market.n_teams} 份计划(每队一份)。",
                            f"Round {r + 1} needs {market.n_teams} plans, one per team.")
        if validate:
            for t, p in enumerate(round_plans):
                probs = plan_problems(p, market, t, r, params)
                if probs:
                    raise GameError(f"第 {t + 1} 队第 {r + 1} 轮的计划需要修改:{probs[0][1].zh}",
                                    f"Team {t + 1}'s plan for round {r + 1} needs changes: {probs[0][1].en}")
        ev = check_events(tuple(events[r]) if r < len(events) else ())
        cap = state.capability.copy()
        outcome, state = simulate_round(market, state, list(round_plans), r, seed, ev, params)
        rec.outcomes.append(outcome)
        rec.states.append(state)
        frames.append(round_results(market, outcome, cap, params, fivew=fivew))
    rec.results = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(RESULT_COLUMNS))
    return rec


__all__ = ["GameRecord", "play", "check_events"]
