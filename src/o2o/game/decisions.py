"""What a team decides in a round: up to three of the kit's scenes and one organisational choice.

A scene is the kit's own :class:`o2o.scenes.Scene` (run by the team's squad in its store), so
the plan form shows the same Chinese inline validation as the scene builder
(:meth:`Scene.problems`), plus the game's own rules: the scene runs inside the round, the plan
fits the round's budget, at most three scenes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ..scenes.catalog import SQUAD
from ..scenes.model import Problem, Scene
from .market import Market, day_to_date
from .params import DEFAULT_GAME_PARAMS, ORG_CHOICES, ORG_FIREPOWER, ORG_NONE, ORG_SCHEME, ORG_TRAIN, GameParams

#: Fields of a scene a team fills in (everything else is fixed by the game).
SCENE_FIELDS = ("name", "scene_type", "battle", "channels", "personalization", "incentive_type", "incentive_yuan",
                "budget_yuan", "target_tier", "launch_date", "duration_days", "lead_days")
MAX_NAME = 40


@dataclass(frozen=True)
class TeamPlan:
    """One team's decisions for one round."""

    scenes: tuple[Scene, ...] = ()
    org: str = ORG_NONE

    def to_dict(self) -> dict[str, Any]:
        return {"org": self.org, "scenes": [scene_to_dict(s) for s in self.scenes]}

    @classmethod
    def from_dict(cls, d: dict[str, Any], market: Market, team: int) -> "TeamPlan":
        return cls(scenes=tuple(scene_from_fields(s, market, team) for s in d.get("scenes", [])),
                   org=str(d.get("org", ORG_NONE)))

    def cash(self, params: GameParams = DEFAULT_GAME_PARAMS) -> float:
        """Cash the plan commits: the scenes' budgets plus the organisational choice's cost."""
        total = sum(float(s.budget_yuan) for s in self.scenes if _finite(s.budget_yuan))
        return total + org_cost(self.org, params)


def org_cost(org: str, params: GameParams = DEFAULT_GAME_PARAMS) -> float:
    return {ORG_TRAIN: params.train_cost, ORG_SCHEME: params.scheme_cost,
            ORG_FIREPOWER: params.firepower_cost}.get(org, 0.0)


def _finite(v: Any) -> bool:
    try:
        return math.isfinite(float(v))
    except (TypeError, ValueError):
        return False


def scene_to_dict(s: Scene) -> dict[str, Any]:
    return {"name": s.name, "scene_type": s.scene_type, "battle": s.battle, "channels": list(s.channels),
            "personalization": s.personalization, "incentive_type": s.incentive_type,
            "incentive_yuan": s.incentive_yuan, "budget_yuan": s.budget_yuan, "target_tier": s.target_tier,
            "launch_date": s.launch_date.isoformat() if isinstance(s.launch_date, date) else str(s.launch_date),
            "duration_days": s.duration_days, "lead_days": s.lead_days}


def _num(v: Any, default: Any) -> Any:
    if v is None or v == "":
        return default
    try:
        f = float(v)
    except (TypeError, ValueError):
        return v
    return int(f) if f.is_integer() and not isinstance(v, float) else f


def scene_from_fields(f: dict[str, Any], market: Market, team: int) -> Scene:
    """A squad scene of ``team`` from form or JSON fields (bad values kept, so validation can name them)."""
    launch = f.get("launch_date") or day_to_date(market.rounds[0][0]).isoformat()
    lead = _num(f.get("lead_days"), 1)
    try:
        launch_d = date.fromisoformat(str(launch))
        idea = launch_d - timedelta(days=int(lead)) if isinstance(lead, int) else launch_d
    except ValueError:
        launch_d, idea = str(launch), str(launch)
    ch = f.get("channels", ())
    if isinstance(ch, str):
        ch = tuple(c for c in ch.split("|") if c)
    dur = _num(f.get("duration_days"), 7)
    return Scene(name=str(f.get("name", ""))[:MAX_NAME], scene_type=str(f.get("scene_type", "")),
                 battle=str(f.get("battle", "")), initiator=SQUAD, squad_id=market.squad_ids[team],
                 store_ids=(market.store_ids[team],), idea_date=idea, launch_date=launch_d,
                 duration_days=int(dur) if isinstance(dur, float) and dur.is_integer() else dur,
                 channels=tuple(str(c) for c in ch)[:5], personalization=_num(f.get("personalization"), 0.5),
                 incentive_type=str(f.get("incentive_type", "无")), incentive_yuan=_num(f.get("incentive_yuan"), 0),
                 budget_yuan=_num(f.get("budget_yuan"), 0), target_tier=str(f.get("target_tier", "活跃粉")))


def plan_problems(plan: TeamPlan, market: Market, team: int, rnd: int,
                  params: GameParams = DEFAULT_GAME_PARAMS) -> list[tuple[int | None, Problem]]:
    """Every problem of the plan: (scene index or None for the whole plan, problem)."""
    out: list[tuple[int | None, Problem]] = []
    first, last = market.round_dates(rnd)
    if len(plan.scenes) > params.max_scenes:
        out.append((None, Problem("too_many_scenes", f"每轮最多 {params.max_scenes} 个场景:请删掉多余的场景。",
                                  f"At most {params.max_scenes} scenes per round: remove the extra ones.")))
    if plan.org not in ORG_CHOICES:
        out.append((None, Problem("org_unknown", f"组织决策「{plan.org}」不存在:请选 {'、'.join(ORG_CHOICES)} 之一。",
                                  f"Unknown organisational choice '{plan.org}': choose one of {', '.join(ORG_CHOICES)}.")))
    for i, s in enumerate(plan.scenes):
        for p in s.problems(None, params.scene):
            out.append((i, p))
        if isinstance(s.launch_date, date) and not first <= s.launch_date <= last:
            out.append((i, Problem("launch_outside_round", f"上线日期 {s.launch_date} 不在本轮({first} 至 {last})内:"
                                   "请选本轮中的一天。", f"The launch date {s.launch_date} is outside this round "
                                   f"({first} to {last}): pick a day of this round.")))
        elif s.end_date is not None and isinstance(s.duration_days, int) and s.duration_days > 0 \
                and s.end_date > last:
            days = (last - s.launch_date).days + 1
            out.append((i, Problem("end_outside_round", f"场景会持续到 {s.end_date},超出本轮(到 {last} 为止):"
                                   f"请把持续天数改为不超过 {days} 天,或提前上线。",
                                   f"The scene would run until {s.end_date}, past the end of this round ({last}): "
                                   f"make it at most {days} days long or launch earlier.")))
    cash = plan.cash(params)
    if cash > params.budget_per_round + 1e-9:
        out.append((None, Problem("over_budget", f"本轮计划共需 {cash:,.0f} 元,超过每轮预算 "
                                  f"{params.budget_per_round:,.0f} 元:请减少场景预算或换一个更便宜的组织决策。",
                                  f"The plan needs {cash:,.0f} yuan, more than the round's budget of "
                                  f"{params.budget_per_round:,.0f}: cut scene budgets or pick a cheaper choice.")))
    return out


__all__ = ["TeamPlan", "SCENE_FIELDS", "scene_from_fields", "scene_to_dict", "plan_problems", "org_cost"]
