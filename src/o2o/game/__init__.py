"""班长战争, the class game: squads compete round by round in one simulated market.

Model modules (no UI): :mod:`.params`, :mod:`.market`, :mod:`.decisions`, :mod:`.engine`,
:mod:`.scoring`, :mod:`.game`, :mod:`.report`, :mod:`.strategies`. The classroom web app lives in
:mod:`.server` and :mod:`.storage` (``o2o game``). Formulas: ``docs/game-model.md``.
"""

from .decisions import TeamPlan, plan_problems, scene_from_fields
from .engine import MarketState, simulate_round
from .game import GameRecord, play
from .market import GameError, Market, market_from_dataset, market_from_world
from .params import DEFAULT_GAME_PARAMS, EVENTS, ORG_CHOICES, GameParams
from .scoring import cumulative_score, round_results
from .strategies import STRATEGIES, scripted_plans, tournament

__all__ = ["TeamPlan", "plan_problems", "scene_from_fields", "MarketState", "simulate_round", "GameRecord", "play",
           "GameError", "Market", "market_from_dataset", "market_from_world", "DEFAULT_GAME_PARAMS", "EVENTS",
           "ORG_CHOICES", "GameParams", "cumulative_score", "round_results", "STRATEGIES", "scripted_plans",
           "tournament"]
