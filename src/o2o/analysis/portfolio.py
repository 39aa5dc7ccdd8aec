"""Lesson 35, 设计你的场景组合 (a scene portfolio): fatigue in the history, an example three-scene plan
for one store, its simulation, the plan's rule check, and the cost of spacing scenes close together.

Every function takes the dataset's tables (or the loaded dataset ``ds`` where several are needed)
and returns a table or a plotly figure for the lesson to show.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..assignments.plans import PlanRules, rule_failures
from ..errors import DataError
from ..scenes import Scene, evaluate, simulate
from ..scenes.world import N_DAYS, day_index
from ._frames import require, safe_ratio, as_dates as _dates, as_timestamp as _timestamp, PILOT, SQUAD
from .scene_outcomes import scene_totals

__all__ = ["portfolio_store", "example_portfolio", "simulate_portfolio", "portfolio_table", "portfolio_problems",
    "spacing_comparison", "fatigue_history"]

def portfolio_store(ds: Any) -> int:
    """The lesson's example store: the pilot store (outside the transaction panel) with the median number of fans."""
    st = ds.stores
    cand = st[(st["pilot_group"] == PILOT) & ~st["in_panel"]]
    if cand.empty:
        raise DataError("数据集中没有试点门店。", "The dataset has no pilot stores.")
    f = ds.store_fans_monthly
    last = f[f["month"] == f["month"].max()].groupby("store_id")["fans"].sum()
    c = cand.assign(fans=cand["store_id"].map(last).fillna(0)).sort_values(["fans", "store_id"])
    return int(c["store_id"].iloc[len(c) // 2])


def example_portfolio(world: Any, store: int, start: Any = "2015-09-01", gap_days: int = 30) -> list:
    """Three scenes for ``store``'s squad, one of each type, ``gap_days`` apart from ``start`` (5,000 yuan in all)."""
    squad = world.squad_of_store(int(store))
    if squad is None:
        raise DataError(f"门店 {store} 没有一线小分队(加盟店?),请选一家直营店。",
                        f"Store {store} has no squad (franchised?); choose a direct store.")
    t0 = _timestamp(start, "开始日期 start").date()
    day = _dt.timedelta(days=int(gap_days))
    common = dict(initiator=SQUAD, squad_id=squad, store_ids=(int(store),), channels=("朋友圈", "店内"),
                  personalization=0.8)
    return [
        Scene(name="开学季二次购买", scene_type="交易", battle="二次购买", idea_date=t0, launch_date=t0 + _dt.timedelta(days=2),
              duration_days=7, incentive_type="满减", incentive_yuan=5.0, budget_yuan=1500.0, target_tier="活跃粉",
              **common),
        Scene(name="付款后附近异业", scene_type="支付", battle="附近异业", idea_date=t0 + day,
              launch_date=t0 + day + _dt.timedelta(days=2), duration_days=7, incentive_type="满减", incentive_yuan=5.0,
              budget_yuan=1500.0, target_tier="全部", **common),
        Scene(name="唤醒沉睡粉", scene_type="促销", battle="粉丝分层", idea_date=t0 + 2 * day,
              launch_date=t0 + 2 * day + _dt.timedelta(days=2), duration_days=5, incentive_type="赠品",
              incentive_yuan=4.0, budget_yuan=2000.0, target_tier="沉睡粉", **common),
    ]


def _with_plan_history(world: Any, earlier: Sequence[Any]) -> Any:
    """A copy of ``world`` whose scene calendar also holds the launches of ``earlier`` plan scenes."""
    if not earlier:
        return world

    cal = world.calendar.copy()
    for s in earlier:
        pos = world.target_positions(s)
        day = int(day_index(s.launch_date)[0])
        if 0 <= day < N_DAYS:
            cal[pos, day] += 1
    return dataclasses.replace(world, calendar=cal)


def simulate_portfolio(scenes: Sequence[Any], world: Any, draws: int = 200, seed: int = 35,
                       plan_fatigue: bool = True) -> list[tuple[Any, Any]]:
    """Simulate and 5W-evaluate each scene of a plan, in launch order.

    With ``plan_fatigue`` the plan's earlier scenes count as recent scenes for the later ones (fans
    tire of scenes that come too close together); without it each scene is simulated alone.
    Returns ``[(scene, result, report), ...]`` in launch order.
    """
    if not scenes:
        raise DataError("方案里还没有场景。", "The plan has no scenes yet.")
    ordered = sorted(scenes, key=lambda s: (s.launch_date, s.name))
    out = []
    for k, s in enumerate(ordered):
        w = _with_plan_history(world, ordered[:k]) if plan_fatigue else world
        result = simulate(s, w, draws=draws, seed=seed)
        out.append((s, result, evaluate(result)))
    return out


def portfolio_table(runs: Sequence[tuple[Any, Any, Any]]) -> pd.DataFrame:
    """One row per scene of :func:`simulate_portfolio` plus a 合计 row: dates, budget, 5W, margin, cost, fans."""
    rows = []
    for s, r, rep in runs:
        tot = r.totals().mean()
        rows.append({"场景": s.name, "类型": s.scene_type, "战争": s.battle, "上线": s.launch_date, "结束": s.end_date,
                     "预算(元)": float(s.budget_yuan), **{w: round(float(v), 1) for w, v in rep.scores.items()},
                     "5W平均": round(rep.overall, 1), "近期场景(疲劳)": round(float(r.context.get("recent_scenes", 0.0)), 2),
                     "增量毛利(元)": float(tot["incremental_margin_yuan"]), "花费(元)": float(tot["cost_yuan"]),
                     "新会员": float(tot["new_members"]), "粉丝升级": float(tot["tier_upgrades"])})
    df = pd.DataFrame(rows)
    total = {"场景": "合计", "预算(元)": df["预算(元)"].sum(), "增量毛利(元)": df["增量毛利(元)"].sum(),
             "花费(元)": df["花费(元)"].sum(), "新会员": df["新会员"].sum(), "粉丝升级": df["粉丝升级"].sum(),
             "5W平均": round(float(df["5W平均"].mean()), 1)}
    df = pd.concat([df, pd.DataFrame([total])], ignore_index=True)
    df["每元毛利"] = safe_ratio(df["增量毛利(元)"], df["花费(元)"]).to_numpy()
    return df


def portfolio_problems(scenes: Sequence[Any], store: int, world: Any, max_total_budget: float = 5000.0,
                       launch_from: str = "2015-09-01", launch_to: str = "2015-11-30") -> list[str]:
    """The plan's broken rules in Chinese (empty when the plan is fine): each scene's own problems, then the
    plan's (one store, the budget, the launch window, at least two scene types, no overlap)."""
    out: list[str] = []
    for i, s in enumerate(scenes, 1):
        out += [f"第{i}个场景:{p}" for p in s.check(world, lang="zh")]
    if out:
        return out
    rules = PlanRules(store=int(store), max_total_budget=float(max_total_budget), launch_from=launch_from,
                      launch_to=launch_to)
    return [zh for zh, _ in rule_failures(list(scenes), rules, world)]


def spacing_comparison(scenes: Sequence[Any], world: Any, gaps: Iterable[int] = (0, 3, 7, 14, 21, 28),
                       draws: int = 200, seed: int = 35) -> pd.DataFrame:
    """What fans' fatigue costs a plan whose scenes come ``gap`` days apart.

    For each gap the plan is re-dated (the first launch and every design kept; each scene starts
    ``gap`` days after the previous one ends) and simulated twice with the same seed: each scene
    alone, and with the plan's earlier scenes counted as recent scenes. The difference is what
    the crowding costs. One row per gap: ``margin_alone``, ``margin_in_plan``, ``fatigue_loss``
    (share of the margin lost) and ``mean_5w`` (in the plan).
    """
    ordered = sorted(scenes, key=lambda s: (s.launch_date, s.name))
    rows = []
    for gap in gaps:
        if isinstance(gap, bool) or not isinstance(gap, (int, np.integer)) or not 0 <= gap <= 120:
            raise DataError("间隔天数应是 0 到 120 之间的整数。", "Gaps must be whole numbers of days from 0 to 120.")
        moved, launch = [], ordered[0].launch_date
        for s in ordered:
            lead = s.lead_days or 0
            moved.append(s.with_changes(launch_date=launch, idea_date=launch - _dt.timedelta(days=lead)))
            launch = moved[-1].end_date + _dt.timedelta(days=int(gap) + 1)
        alone = portfolio_table(simulate_portfolio(moved, world, draws=draws, seed=seed, plan_fatigue=False)).iloc[-1]
        plan = portfolio_table(simulate_portfolio(moved, world, draws=draws, seed=seed)).iloc[-1]
        a, b = float(alone["增量毛利(元)"]), float(plan["增量毛利(元)"])
        rows.append({"gap_days": int(gap), "last_end": moved[-1].end_date, "margin_alone": a, "margin_in_plan": b,
                     "fatigue_loss": (a - b) / a if a > 0 else np.nan, "mean_5w": float(plan["5W平均"])})
    return pd.DataFrame(rows)


def fatigue_history(scenes: pd.DataFrame, scene_daily: pd.DataFrame, window_days: int = 14) -> pd.DataFrame:
    """Historical squad scenes by how many scenes the same store launched in the ``window_days`` before.

    Buckets ``0``, ``1``, ``2+``: scenes, conversion rate (conversions per person reached), margin per
    yuan and incremental margin per scene.
    """
    t = scene_totals(scenes, scene_daily)
    require(scenes, ["scene_id", "store_id"], "scenes")
    t = t.merge(scenes[["scene_id", "store_id"]], on="scene_id")
    t = t[t["initiator"] == SQUAD].copy()
    t["launch"] = _dates(t["launch_date"])
    t = t.sort_values(["store_id", "launch"])
    w = np.timedelta64(int(window_days), "D")
    prior = np.zeros(len(t), dtype=int)
    for _, idx in t.groupby("store_id").indices.items():
        days = t["launch"].to_numpy()[idx]
        left = np.searchsorted(days, days - w, side="left")
        right = np.searchsorted(days, days, side="left")
        prior[idx] = right - left
    t["bucket"] = np.where(prior >= 2, "2+", prior.astype(str))
    out = t.groupby("bucket").agg(scenes=("scene_id", "size"), reach=("reach", "sum"),
                                  conversions=("conversions", "sum"),
                                  margin=("incremental_margin_yuan", "sum"), cost=("cost_yuan", "sum"))
    out["conversion_rate"] = safe_ratio(out["conversions"], out["reach"])
    out["margin_per_yuan"] = safe_ratio(out["margin"], out["cost"])
    out["margin_per_scene"] = safe_ratio(out["margin"], out["scenes"])
    out.index.name = f"前{int(window_days)}天内同店场景数"
    return out[["scenes", "conversion_rate", "margin_per_yuan", "margin_per_scene"]].reindex(["0", "1", "2+"])
