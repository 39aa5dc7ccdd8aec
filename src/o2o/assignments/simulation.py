"""What a graded scene answer is made of, and how every graded simulation runs.

Shared by the public checks (:mod:`o2o.assignments.checks`), the capstone's plan rules
(:mod:`o2o.assignments.plans`) and the hidden tests, so that all of them simulate alike.
"""

from __future__ import annotations

from typing import Any

from o2o.scenes import evaluate, simulate

#: Keys a scene answer must give (a plain dict, so that it can be graded as data).
SCENE_KEYS: tuple[str, ...] = (
    "scene_type", "battle", "initiator", "squad_id", "store_ids", "idea_date", "launch_date",
    "duration_days", "channels", "personalization", "incentive_type", "incentive_yuan",
    "budget_yuan", "target_tier",
)
#: Keys a scene answer may also give.
SCENE_OPTIONAL: tuple[str, ...] = ("name", "target_city")

#: Monte Carlo settings every graded simulation uses (public checks and hidden tests alike).
GRADING_DRAWS = 200
GRADING_SEED = 2015


def simulate_answer(scene: Any, world: Any) -> tuple[Any, Any]:
    """Simulate a scene with the grading settings; returns ``(SimResult, FiveWReport)``."""
    result = simulate(scene, world, draws=GRADING_DRAWS, seed=GRADING_SEED)
    return result, evaluate(result)
