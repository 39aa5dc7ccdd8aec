"""Watching scenes while they run, and learning from them afterwards.

Used by lesson 24. From the day-by-day scene log (``scene_daily``): a replay of one scene, how well
the first k days predict a scene's final return, and best/weakest squad pairs for peer learning.
The lesson's observer panel, built on these, is :class:`o2o.widgets.observer_panel.ObserverPanel`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..errors import DataError
from .scenes_history import scene_outcomes

__all__ = ["cumulative", "example_scene_id", "replay_figure", "early_signal", "early_signal_figure",
           "agreement_at", "forecast_model", "peer_pairs"]

_CUM = ["reach_broadcast", "reach_p2p", "shares", "visits", "conversions", "incremental_margin_yuan", "cost_yuan",
        "new_members", "tier_upgrades"]


def cumulative(ds, scene_id: int) -> pd.DataFrame:
    """Running totals of one scene, day by day (day 1 = launch day), with the return per yuan so far."""
    daily = ds.scene_daily
    d = daily[daily["scene_id"] == scene_id].sort_values("date")
    if d.empty:
        raise DataError(f"没有编号为 {scene_id} 的场景的逐日记录。", f"There is no daily log for scene {scene_id}.")
    cum = d[_CUM].cumsum()
    cum.insert(0, "date", pd.to_datetime(d["date"]).to_numpy())
    cum.insert(0, "day", np.arange(1, len(d) + 1))
    cum["reach"] = cum["reach_broadcast"] + cum["reach_p2p"]
    cum["worth"] = cum["incremental_margin_yuan"] / cum["cost_yuan"].where(cum["cost_yuan"] > 0)
    return cum.set_index("day")


def example_scene_id(ds) -> int:
    """The squad scene with the longest daily log (ties: the lowest id)."""
    sc = ds.scenes
    squad_ids = set(sc.loc[sc["initiator"] == "一线小分队", "scene_id"].astype(int))
    n = ds.scene_daily.groupby("scene_id").size()
    n = n[n.index.isin(squad_ids)] if squad_ids else n
    if n.empty:
        raise DataError("没有可回放的场景。", "There is no scene to replay.")
    top = n[n == n.max()]
    return int(top.index.min())


def replay_figure(ds, scene_id: int, lang: str = "zh") -> go.Figure:
    """Four panels of running totals with a slider: each step shows the scene as HQ saw it on that day."""
    from plotly.subplots import make_subplots

    zh = lang != "en"
    cum = cumulative(ds, scene_id)
    panels = [("reach", "累计触达" if zh else "reach"), ("conversions", "累计成交" if zh else "conversions"),
              ("cost_yuan", "累计成本(元)" if zh else "cost"), ("incremental_margin_yuan", "累计增量毛利(元)" if zh else "margin")]
    fig = make_subplots(rows=2, cols=2, subplot_titles=[p[1] for p in panels])
    days = list(cum.index)
    for i, (col, name) in enumerate(panels):
        fig.add_trace(go.Scatter(x=days, y=cum[col], mode="lines+markers", name=name, line={"color": "#c0392b"},
                                 showlegend=False), row=i // 2 + 1, col=i % 2 + 1)
    for i, (col, _) in enumerate(panels):
        fig.update_yaxes(range=[0, float(cum[col].max()) * 1.1 + 1], row=i // 2 + 1, col=i % 2 + 1)
        fig.update_xaxes(range=[0.5, len(days) + 0.5], row=i // 2 + 1, col=i % 2 + 1)
    steps = []
    for k in days:
        upto = cum.loc[:k]
        w = upto["worth"].iloc[-1]
        title = (f"场景 {scene_id}:截至第 {k} 天,每元成本增量毛利 {w:.3f}" if zh
                 else f"Scene {scene_id}: day {k}, margin per yuan {w:.3f}")
        steps.append({"label": str(k), "method": "update",
                      "args": [{"x": [list(upto.index)] * 4, "y": [list(upto[c]) for c, _ in panels]}, {"title": title}]})
    fig.update_layout(title=steps[-1]["args"][1]["title"], height=520, margin={"l": 60, "r": 20, "t": 80, "b": 40},
                      sliders=[{"active": len(steps) - 1, "steps": steps, "pad": {"t": 30},
                                "currentvalue": {"prefix": "观察到第 " if zh else "day ", "suffix": " 天" if zh else ""}}])
    return fig


def _early_frame(ds, max_day: int) -> pd.DataFrame:
    if not isinstance(max_day, (int, np.integer)) or isinstance(max_day, bool) or max_day < 1:
        raise DataError("max_day 应是不小于 1 的整数。", "max_day must be a whole number of at least 1.")
    daily = ds.scene_daily.sort_values(["scene_id", "date"])
    n = daily.groupby("scene_id").size()
    keep = n[n > max_day].index
    d = daily[daily["scene_id"].isin(keep)].copy()
    if d["scene_id"].nunique() < 10:
        raise DataError(f"持续超过 {max_day} 天的场景太少(少于 10 个)。", f"Too few scenes run longer than {max_day} days.")
    d["day"] = d.groupby("scene_id").cumcount() + 1
    g = d.groupby("scene_id")
    d["cm"] = g["incremental_margin_yuan"].cumsum()
    d["cc"] = g["cost_yuan"].cumsum()
    final = g[["incremental_margin_yuan", "cost_yuan"]].sum()
    out = pd.DataFrame({"final": final["incremental_margin_yuan"] / final["cost_yuan"].where(final["cost_yuan"] > 0)})
    for k in range(1, max_day + 1):
        dk = d[d["day"] == k].set_index("scene_id")
        out[k] = dk["cm"] / dk["cc"].where(dk["cc"] > 0)
    return out.dropna()


def early_signal(ds, max_day: int = 4) -> pd.DataFrame:
    """How well the first k days (k = 1..max_day) predict a scene's final return per yuan.

    Uses every scene that runs longer than ``max_day`` days. Columns: number of scenes, the rank
    correlation with the final return, and the % of scenes put on the same side of the median.
    """
    e = _early_frame(ds, max_day)
    final_hi = e["final"] > e["final"].median()
    rows = []
    for k in range(1, max_day + 1):
        early_hi = e[k] > e[k].median()
        rows.append({"观察天数": k, "场景数": len(e),
                     "与最终结果的等级相关": e[k].rank().corr(e["final"].rank()),
                     "排名一致率(%)": (early_hi == final_hi).mean() * 100})
    return pd.DataFrame(rows).set_index("观察天数").round(3)


def agreement_at(early: pd.DataFrame, day: int) -> float:
    """The agreement rate (%) of :func:`early_signal` after ``day`` days."""
    if day not in early.index:
        raise DataError(f"表中没有第 {day} 天;可选:{list(early.index)}。", f"No day {day} in the table; days: {list(early.index)}.")
    return float(early.loc[day, "排名一致率(%)"])


def early_signal_figure(early: pd.DataFrame, lang: str = "zh") -> go.Figure:
    zh = lang != "en"
    fig = go.Figure()
    fig.add_trace(go.Bar(x=early.index, y=early["排名一致率(%)"], name="排名一致率(%)" if zh else "agreement (%)",
                         marker_color="#2e86c1", text=early["排名一致率(%)"].round(1), textposition="outside"))
    fig.add_trace(go.Scatter(x=early.index, y=early["与最终结果的等级相关"] * 100, mode="lines+markers",
                             name="等级相关 × 100" if zh else "rank correlation × 100", line={"color": "#c0392b", "width": 3}))
    fig.add_hline(y=50, line_dash="dash", line_color="grey", annotation_text="瞎猜 = 50%" if zh else "coin flip = 50%")
    fig.update_layout(title="前 k 天的数据能多早看出场景的最终好坏?" if zh else "How early can the final result be seen?",
                      xaxis={"title": "观察天数 k" if zh else "days observed", "dtick": 1},
                      yaxis={"title": "%", "range": [0, 105]}, height=400, margin={"l": 60, "r": 20, "t": 50, "b": 50})
    return fig


def forecast_model(ds, max_day: int = 4) -> dict[int, tuple[float, float]]:
    """For each k, a least-squares line final ≈ a + b · (return after k days) over the historical scenes."""
    e = _early_frame(ds, max_day)
    model = {}
    for k in range(1, max_day + 1):
        b, a = np.polyfit(e[k].to_numpy(), e["final"].to_numpy(), 1)
        model[k] = (float(a), float(b))
    return model


def peer_pairs(ds, min_scenes: int = 2, n_pairs: int = 5) -> pd.DataFrame:
    """For each scene type, pair the best squads with the weakest (median return per yuan of their scenes)."""
    if min_scenes < 1 or n_pairs < 1:
        raise DataError("min_scenes 和 n_pairs 都应是正整数。", "min_scenes and n_pairs must be positive whole numbers.")
    led = scene_outcomes(ds)
    led = led[(led["initiator"] == "一线小分队") & led["squad_id"].notna() & led["worth"].notna()]
    names = ds.squads.set_index("squad_id")["squad_name"]
    rows = []
    for t, d in led.groupby("scene_type", observed=True):
        g = d.groupby(d["squad_id"].astype(int))["worth"].agg(["median", "size"])
        g = g[g["size"] >= min_scenes].sort_values("median", ascending=False, kind="stable")
        k = min(n_pairs, len(g) // 2)
        for i in range(k):
            best, weak = g.index[i], g.index[len(g) - 1 - i]
            rows.append({"场景类型": t, "领学小分队": names.get(best, str(best)), "领学成绩": g.loc[best, "median"],
                         "学习小分队": names.get(weak, str(weak)), "学习者成绩": g.loc[weak, "median"]})
    if not rows:
        raise DataError(f"做过至少 {min_scenes} 个场景的小分队太少,无法配对。",
                        f"Too few squads with at least {min_scenes} scenes to pair.")
    return pd.DataFrame(rows).round(3)
