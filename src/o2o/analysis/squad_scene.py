"""Lesson 18's worked squad scene: a pilot squad's scene, simulated and judged with 5W.

The scene comes from the pilot (:func:`o2o.analysis.pilot.pilot_squads`); it runs on the dataset's
world through the domain core (``o2o.scenes.simulate`` and ``evaluate``).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..errors import DataError
from ..scenes import Scene, World, evaluate, simulate
from .pilot import pilot_squads

__all__ = ["example_squad_scene", "run_scene", "scene_daily_figure"]


def example_squad_scene(ds):
    """A fan-tiering promotion scene for the squad of the pilot store with the most pre-pilot sales:
    launched the day it is thought of, five days, WeChat moments and in store, aimed at casual fans."""
    squads = pilot_squads(ds)
    if squads.empty:
        raise DataError("试点门店没有小分队。", "The pilot stores have no squads.")
    sq = squads.sort_values("squad_id").iloc[0]
    return Scene(
        name=f"{sq['squad_name']}·普通粉升级周", scene_type="促销", battle="粉丝分层", initiator="一线小分队",
        squad_id=int(sq["squad_id"]), store_ids=[int(sq["store_id"])], target_city=None,
        idea_date=date(2015, 9, 7), launch_date=date(2015, 9, 7), duration_days=5, channels=["朋友圈", "店内"],
        personalization=0.8, incentive_type="积分", incentive_yuan=3.0, budget_yuan=1500.0, target_tier="普通粉",
    )


def run_scene(ds, scene, draws: int = 200, seed: int = 18):
    """Simulate a scene on the dataset's world and evaluate it with 5W; returns (SimResult, FiveWReport)."""
    world = World.from_dataset(ds)
    scene.validate(world)
    result = simulate(scene, world, draws=draws, seed=seed)
    return result, evaluate(result)


def scene_daily_figure(result, lang: str = "zh") -> go.Figure:
    """Day-by-day simulated results of a scene: median with the 5%–95% band, for a metric chosen from a drop-down."""
    daily = result.daily()
    zh = lang != "en"
    metrics = [m for m in ("conversions", "visits", "reach_p2p", "incremental_margin_yuan", "new_members",
                           "tier_upgrades") if any(str(c).startswith(m) for c in daily.columns)]
    names = {"conversions": "成交", "visits": "到店", "reach_p2p": "点对点触达", "incremental_margin_yuan": "增量毛利(元)",
             "new_members": "新增会员", "tier_upgrades": "粉丝升级"}
    x = daily["date"] if "date" in daily.columns else daily.index
    fig = go.Figure()
    per = 2
    for i, m in enumerate(metrics):
        mid = _col(daily, m, ("p50", "median", "mean"))
        lo, hi = _col(daily, m, ("p05",)), _col(daily, m, ("p95",))
        xs = list(x)
        fig.add_trace(go.Scatter(x=xs + xs[::-1], y=list(hi) + list(lo[::-1]), fill="toself", visible=(i == 0),
                                 fillcolor="rgba(192,57,43,0.15)", line={"width": 0}, hoverinfo="skip",
                                 name="5%–95%"))
        fig.add_trace(go.Scatter(x=xs, y=mid, mode="lines+markers", visible=(i == 0), line={"color": "#c0392b"},
                                 name=names.get(m, m) if zh else m))
    buttons = [{"label": names.get(m, m) if zh else m, "method": "update",
                "args": [{"visible": [j // per == i for j in range(len(metrics) * per)]}]} for i, m in enumerate(metrics)]
    fig.update_layout(title="模拟的逐日结果(中位数与 5%–95% 范围)" if zh else "Simulated daily results (median, 5-95%)",
                      updatemenus=[{"buttons": buttons, "direction": "down", "x": 1.0, "xanchor": "right", "y": 1.18,
                                    "yanchor": "top"}],
                      height=400, margin={"l": 60, "r": 20, "t": 80, "b": 40})
    return fig


def _col(daily: pd.DataFrame, metric: str, suffixes: tuple[str, ...]) -> np.ndarray:
    if isinstance(daily.columns, pd.MultiIndex):
        for s in suffixes:
            if (metric, s) in daily.columns:
                return daily[(metric, s)].to_numpy()
    for s in suffixes:
        for name in (f"{metric}_{s}", f"{s}_{metric}"):
            if name in daily.columns:
                return daily[name].to_numpy()
    if metric in daily.columns:
        return daily[metric].to_numpy()
    raise DataError(f"模拟结果中没有指标 {metric}。", f"The simulation result has no metric {metric}.")
