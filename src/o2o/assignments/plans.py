"""A three-scene plan for one store (lesson 35's scene portfolio): rules, simulation, and a table to compare plans.

A plan is a list of three scene answers (plain ``dict``s of :class:`o2o.scenes.Scene` fields).
:func:`plan_table` simulates every scene with the grading settings and gives one row per scene
with its 5W scores, margin and cost — what the capstone's checks, the student and the
instructor's class debrief all look at. :func:`plan_json` is the one-line form the capstone's
public check prints (after :data:`PLAN_MARKER`), so the debrief can read every student's plan
back out of the graded notebooks without running their code.
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass
from typing import Any

import pandas as pd

from o2o.assignments.simulation import SCENE_KEYS, simulate_answer

PLAN_SIZE = 3
PLAN_MARKER = "O2O-PLAN-JSON:"


def capstone_store(ds: Any) -> int:
    """The capstone's store: the panel store with the highest id among the shareholder pilot's stores."""
    return int(ds.stores.query("in_panel and pilot_group == '试点'")["store_id"].max())


@dataclass(frozen=True)
class PlanRules:
    """The capstone's constraints and targets (stated in the notebook)."""

    store: int
    max_total_budget: float = 6000.0
    min_scene_types: int = 2
    launch_from: str = "2015-10-01"
    launch_to: str = "2015-12-20"
    min_overall: float = 65.0
    min_margin_ratio: float = 1.2


def rule_failures(scenes: list[Any], rules: PlanRules, world: Any = None) -> list[tuple[str, str]]:
    """Which plan-level constraints ``scenes`` (valid :class:`Scene` objects) break, as ``(zh, en)``."""
    out: list[tuple[str, str]] = []
    lo, hi = _dt.date.fromisoformat(rules.launch_from), _dt.date.fromisoformat(rules.launch_to)
    own = world.squad_of_store(rules.store) if world is not None else None
    for i, s in enumerate(scenes, 1):
        tag = f"第{i}个场景"
        if tuple(s.store_ids) != (rules.store,):
            out.append((f"{tag}:store_ids 应恰好是 [{rules.store}]", f"scene {i}: store_ids must be [{rules.store}]"))
        if s.initiator == "一线小分队" and own is not None and s.squad_id != own:
            out.append((f"{tag}:squad_id 应是门店 {rules.store} 自己的小分队", f"scene {i}: use store {rules.store}'s own squad"))
        if not lo <= s.launch_date <= hi:
            out.append((f"{tag}:上线日期应在 {rules.launch_from} 至 {rules.launch_to} 之间",
                        f"scene {i}: launch between {rules.launch_from} and {rules.launch_to}"))
    total = sum(float(s.budget_yuan) for s in scenes)
    if total > rules.max_total_budget:
        out.append((f"三个场景的预算合计 {total:g} 元,超过上限 {rules.max_total_budget:g} 元",
                    f"total budget {total:g} exceeds {rules.max_total_budget:g}"))
    types = {s.scene_type for s in scenes}
    if len(types) < rules.min_scene_types:
        out.append((f"至少要用 {rules.min_scene_types} 种不同的场景类型(促销、交易、支付),现在只有 {'、'.join(sorted(types))}",
                    f"use at least {rules.min_scene_types} different scene types"))
    ordered = sorted(enumerate(scenes, 1), key=lambda t: t[1].launch_date)
    for (i, a), (j, b) in zip(ordered, ordered[1:]):
        if b.launch_date <= a.end_date:
            out.append((f"第{i}个和第{j}个场景的时间重叠({a.launch_date}–{a.end_date} 与 {b.launch_date}–{b.end_date}):"
                        "同一家店同时跑两个场景会让粉丝疲劳,请错开",
                        f"scenes {i} and {j} overlap in time; stagger them"))
    return out


def plan_table(scenes: list[Any], world: Any) -> pd.DataFrame:
    """One row per scene: what it is, its 5W scores, and its simulated margin and cost (grading settings)."""
    rows = []
    for i, s in enumerate(scenes, 1):
        result, report = simulate_answer(s, world)
        tot = result.totals()
        rows.append({
            "场景": i, "名称": s.name, "类型": s.scene_type, "战争": s.battle, "发起方": s.initiator,
            "上线": s.launch_date, "结束": s.end_date, "预算(元)": float(s.budget_yuan),
            **{w: round(float(v), 1) for w, v in report.scores.items()},
            "5W平均": round(report.overall, 1),
            "增量毛利(元)": float(tot["incremental_margin_yuan"].mean()),
            "花费(元)": float(tot["cost_yuan"].mean()),
        })
    return pd.DataFrame(rows).set_index("场景")


def margin_ratio(table: pd.DataFrame) -> float:
    """The plan's total simulated incremental margin per yuan of cost."""
    cost = float(table["花费(元)"].sum())
    return float(table["增量毛利(元)"].sum()) / cost if cost > 0 else float("nan")


def performance_failures(table: pd.DataFrame, rules: PlanRules) -> list[tuple[str, str]]:
    """Which targets a plan's :func:`plan_table` misses, as ``(zh, en)``."""
    out = []
    for i, row in table.iterrows():
        if not row["5W平均"] >= rules.min_overall:
            out.append((f"第{i}个场景的 5W 平均分 {row['5W平均']:.1f},要求至少 {rules.min_overall:g}",
                        f"scene {i}: 5W mean {row['5W平均']:.1f} < {rules.min_overall:g}"))
    ratio = margin_ratio(table)
    if not ratio >= rules.min_margin_ratio:
        out.append((f"整个方案每元花费带来的增量毛利 {ratio:.2f},要求至少 {rules.min_margin_ratio:g}",
                    f"plan margin per yuan {ratio:.2f} < {rules.min_margin_ratio:g}"))
    return out


def _plain(v: Any) -> Any:
    if isinstance(v, (_dt.date, _dt.datetime)):
        return v.isoformat()[:10]
    if isinstance(v, tuple):
        return [_plain(x) for x in v]
    return v


def plan_json(scenes: list[Any]) -> str:
    """The plan as one line of JSON (scene fields; dates as ISO strings)."""
    return json.dumps(
        [{"name": s.name, **{k: _plain(getattr(s, k)) for k in SCENE_KEYS}} for s in scenes],
        ensure_ascii=False, sort_keys=True,
    )


def plan_from_text(text: str) -> list[dict] | None:
    """The plan printed after :data:`PLAN_MARKER` in a cell's output text, or ``None``."""
    for line in str(text).splitlines():
        if PLAN_MARKER in line:
            payload = line.split(PLAN_MARKER, 1)[1].strip()
            try:
                plan = json.loads(payload)
            except ValueError:
                return None
            if isinstance(plan, list) and all(isinstance(p, dict) for p in plan):
                return plan
    return None
