"""The historical scenes through lecture 18's 5W (lessons 21 and 22).

5W scores of the scenes of the ledger (:func:`o2o.analysis.scenes_history.scene_outcomes`), from the
domain core (``o2o.scenes.evaluate_history``); Way, Why and Worth read from the ledger itself.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..errors import DataError
from ..i18n import label
from ..scenes.history import evaluate_history
from .scenes_history import INITIATORS, _ledger_ok

__all__ = ["way_why_worth", "mean_worth_p2p", "evaluate_scene", "compare_reports", "history_scores",
           "score_return_figure", "best_and_worst", "radar_figure", "way_worth_figure", "FIVE_W"]


def way_why_worth(ds, ledger: pd.DataFrame) -> pd.DataFrame:
    """Per scene: point-to-point share of reach (Way), shares per conversion and deepest share generation (Why),
    and incremental margin per yuan (Worth). The generation depth is known only for scenes of the panel stores."""
    _ledger_ok(ledger)
    out = ledger[["scene_name", "scene_type", "battle", "initiator", "channels", "incentive_yuan"]].copy()
    out["点对点触达占比"] = ledger["p2p_share"]
    out["每次成交分享数"] = ledger["shares"] / ledger["conversions"].where(ledger["conversions"] > 0)
    depth = ds.shares.groupby("scene_id")["generation"].max()
    out["最大传播代数"] = depth.reindex(out.index).astype(float)
    out["每元成本增量毛利"] = ledger["worth"]
    return out


def mean_worth_p2p(www: pd.DataFrame, threshold: float = 0.5) -> float:
    """Mean return per yuan of the scenes whose point-to-point share of reach is above ``threshold``."""
    if not 0 <= threshold <= 1:
        raise DataError("阈值应在 0 到 1 之间,例如 0.5 表示 50%。", "The threshold must be between 0 and 1 (0.5 = 50%).")
    sel = www.loc[www["点对点触达占比"] > threshold, "每元成本增量毛利"]
    return float(sel.mean())


# ------------------------------------------------------------------ 5W scores of historical scenes

FIVE_W = ("Who", "What", "Way", "Why", "Worth")


def _scores_of(report) -> pd.Series:
    """The five scores of a 5W report as a Series indexed Who..Worth."""
    raw = report.scores
    s = pd.Series(dict(raw)) if not isinstance(raw, pd.Series) else raw
    return s.reindex(list(FIVE_W)).astype(float)


def evaluate_scene(ds, scene_id: int):
    """The 5W report of a historical scene (``o2o.scenes.evaluate_history``)."""
    return evaluate_history(ds, int(scene_id))


def compare_reports(reports: dict) -> pd.DataFrame:
    """A table of the five scores (and their mean) for several named 5W reports."""
    if not reports:
        raise DataError("至少需要一个 5W 评估结果。", "At least one 5W report is needed.")
    table = pd.DataFrame({name: _scores_of(rep) for name, rep in reports.items()}).T
    table["平均"] = table.mean(axis=1)
    table.index.name = "场景"
    return table.round(1)


def history_scores(ds, ledger: pd.DataFrame, n_squad: int = 60, seed: int = 2015) -> pd.DataFrame:
    """5W scores of every HQ scene and a seeded random sample of ``n_squad`` squad scenes, with their returns.

    A sample keeps the lesson fast; the same seed gives the same sample.
    """
    _ledger_ok(ledger)
    rng = np.random.default_rng(seed)
    hq = ledger.index[ledger["initiator"] == "总部市场部"].tolist()
    squad = ledger.index[ledger["initiator"] == "一线小分队"].to_numpy()
    pick = sorted(rng.choice(squad, size=min(int(n_squad), len(squad)), replace=False).tolist()) if len(squad) else []
    rows = []
    for sid in hq + pick:
        s = _scores_of(evaluate_scene(ds, sid))
        rows.append({"scene_id": int(sid), **s.to_dict()})
    scores = pd.DataFrame(rows).set_index("scene_id")
    scores["5W平均"] = scores[list(FIVE_W)].mean(axis=1)
    cols = ["scene_name", "scene_type", "battle", "initiator", "worth", "conv_per_1000"]
    return scores.join(ledger[cols]).rename(columns={"worth": "每元成本增量毛利", "conv_per_1000": "每千次触达成交"})


def score_return_figure(scores: pd.DataFrame, ws: Sequence[str] = FIVE_W, lang: str = "zh") -> go.Figure:
    """Scatter of a W score (switchable by a drop-down) against the return per yuan, one point per scene."""
    bad = [w for w in ws if w not in FIVE_W]
    if bad:
        raise DataError(f"5W 只有 {', '.join(FIVE_W)}(你给的是 {bad})。", f"The five Ws are {FIVE_W}; you gave {bad}.")
    colors = {"一线小分队": "#c0392b", "总部市场部": "#5d6d7e"}
    fig = go.Figure()
    n = len(INITIATORS)
    for i, w in enumerate(ws):
        for who in INITIATORS:
            d = scores[scores["initiator"] == who]
            fig.add_trace(go.Scatter(x=d[w], y=d["每元成本增量毛利"], mode="markers", name=label(who, lang),
                                     legendgroup=who, showlegend=(i == 0), visible=(i == 0),
                                     marker={"color": colors[who], "size": 8, "opacity": 0.7},
                                     text=d["scene_name"], hovertemplate="%{text}<br>" + w + " %{x:.0f}<br>每元成本增量毛利 %{y:.3f}<extra></extra>"))
    buttons = [{"label": f"{w} 得分", "method": "update",
                "args": [{"visible": [j // n == i for j in range(len(ws) * n)]}, {"xaxis.title.text": f"{w} 得分"}]}
               for i, w in enumerate(ws)]
    fig.update_layout(title="5W 得分与每元成本增量毛利(用下拉菜单切换)" if lang != "en" else "5W scores vs return per yuan",
                      xaxis={"title": f"{ws[0]} 得分", "range": [-5, 105]}, yaxis={"title": "每元成本增量毛利"},
                      updatemenus=[{"buttons": buttons, "direction": "down", "x": 1.0, "xanchor": "right", "y": 1.18,
                                    "yanchor": "top"}],
                      height=430, margin={"l": 60, "r": 20, "t": 80, "b": 50})
    return fig


def best_and_worst(scores: pd.DataFrame) -> tuple[int, int]:
    """Scene ids with the highest and the lowest mean 5W score."""
    if scores.empty:
        raise DataError("没有 5W 得分。", "There are no 5W scores.")
    return int(scores["5W平均"].idxmax()), int(scores["5W平均"].idxmin())


def radar_figure(scores: pd.DataFrame, scene_ids: Sequence[int], lang: str = "zh") -> go.Figure:
    """Radar ("pentagon") of the five scores of the given scenes."""
    missing = [s for s in scene_ids if s not in scores.index]
    if missing:
        raise DataError(f"这些场景没有 5W 得分:{missing}。", f"No 5W scores for scenes {missing}.")
    theta = list(FIVE_W) + [FIVE_W[0]]
    fig = go.Figure()
    for sid in scene_ids:
        r = scores.loc[sid, list(FIVE_W)].tolist()
        fig.add_trace(go.Scatterpolar(r=r + r[:1], theta=theta, fill="toself", opacity=0.6,
                                      name=f"{scores.loc[sid, 'scene_name']}(平均 {scores.loc[sid, '5W平均']:.0f})"))
    fig.update_layout(polar={"radialaxis": {"range": [0, 100]}},
                      title="5W 五边形" if lang != "en" else "5W pentagons", height=440,
                      margin={"l": 40, "r": 40, "t": 60, "b": 40})
    return fig


def way_worth_figure(www: pd.DataFrame, lang: str = "zh") -> go.Figure:
    """Way against Worth: point-to-point share of reach vs return per yuan; marker size = shares per conversion."""
    if "点对点触达占比" not in getattr(www, "columns", []):
        raise DataError("这里需要 way_why_worth(ds, ledger) 的结果。", "This needs the result of way_why_worth(ds, ledger).")
    colors = {"一线小分队": "#c0392b", "总部市场部": "#5d6d7e"}
    fig = go.Figure()
    for who in INITIATORS:
        d = www[(www["initiator"] == who) & www["每元成本增量毛利"].notna()]
        if d.empty:
            continue
        size = 4 + 10 * d["每次成交分享数"].fillna(0).clip(upper=3) / 3
        fig.add_trace(go.Scatter(x=d["点对点触达占比"], y=d["每元成本增量毛利"], mode="markers", name=label(who, lang),
                                 marker={"color": colors[who], "size": size, "opacity": 0.55},
                                 text=d["scene_name"], customdata=d["每次成交分享数"],
                                 hovertemplate="%{text}<br>点对点占比 %{x:.0%}<br>每元增量毛利 %{y:.3f}"
                                               "<br>每次成交分享 %{customdata:.2f}<extra></extra>"))
    fig.update_layout(title="Way 与 Worth:点对点触达占比和每元成本增量毛利(点越大,自发分享越多)" if lang != "en"
                      else "Way vs Worth (marker size: shares per conversion)",
                      xaxis={"title": "点对点触达占比" if lang != "en" else "point-to-point share of reach", "tickformat": ".0%"},
                      yaxis={"title": "每元成本增量毛利" if lang != "en" else "margin per yuan"},
                      height=430, margin={"l": 60, "r": 20, "t": 60, "b": 50})
    return fig
