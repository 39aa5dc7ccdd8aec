"""Scenes: design, simulate and evaluate marketing scenes with lecture 18's 5W theory.

>>> from o2o.scenes import Scene, World, simulate, evaluate        # doctest: +SKIP
>>> world = World.from_dataset(o2o.load())                          # doctest: +SKIP
>>> rep = evaluate(simulate(Scene(initiator="一线小分队", squad_id=12), world, seed=0))  # doctest: +SKIP
"""

from .catalog import (BATTLE_PROFILES, BATTLE_TYPE, CHANNELS, INCENTIVE_TYPES, INITIATORS, SCENE_CATALOG, TARGET_TIERS,
                      TIERS)
from .model import Scene
from .problems import PROBLEM_CODES, Problem
from .params import DEFAULT_PARAMS, ModelParams
from .simulate import METRIC_LABELS, METRICS, SimResult, simulate
from .world import World
from .fivew import FiveWReport, evaluate
from .did import ABResult, DIDResult, ab_test, did, pilot_panel
from .history import evaluate_history, historical_scene, history_result, simulate_history

__all__ = [
    "Scene", "Problem", "PROBLEM_CODES", "SCENE_CATALOG", "BATTLE_TYPE", "BATTLE_PROFILES", "CHANNELS",
    "INCENTIVE_TYPES", "INITIATORS", "TARGET_TIERS", "TIERS", "World", "simulate", "SimResult", "METRICS",
    "METRIC_LABELS", "ModelParams", "DEFAULT_PARAMS", "evaluate", "FiveWReport", "did", "ab_test", "DIDResult",
    "ABResult", "pilot_panel", "historical_scene", "evaluate_history", "history_result", "simulate_history",
]
