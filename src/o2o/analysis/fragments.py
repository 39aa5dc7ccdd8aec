"""Fragmented channels and personalised content: do personal content and point-to-point channels pay off?

Used by lesson 17. Works on the scene ledger of :mod:`o2o.analysis.scenes_history`: conversions per
1,000 reach and incremental margin per yuan, by band of personalisation and by channel mix, and a
small least-squares regression that separates the two levers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..errors import DataError
from .scenes_history import scene_outcomes

__all__ = ["scene_performance", "by_personalization", "personalization_ratio", "personalization_figure",
           "channel_mix_label", "by_channel_mix", "lever_regression", "explore_figure"]

MIX_ONLY_ADS, MIX_ONLY_P2P, MIX_BOTH = "仅广告(点对面)", "仅点对点(朋友圈/店内)", "广告 + 点对点"
MIX_COLORS = {MIX_ONLY_ADS: "#5d6d7e", MIX_ONLY_P2P: "#c0392b", MIX_BOTH: "#d68910"}
BANDS = ("最低档", "较低档", "中间档", "较高档", "最高档")


def channel_mix_label(channels: str) -> str:
    """Which of the three channel mixes a pipe-joined channel list belongs to."""
    parts = set(str(channels).split("|")) if isinstance(channels, str) else set()
    ads = "广告" in parts
    p2p = bool(parts & {"朋友圈", "店内"})
    if ads and p2p:
        return MIX_BOTH
    if ads:
        return MIX_ONLY_ADS
    return MIX_ONLY_P2P


def scene_performance(ds) -> pd.DataFrame:
    """The scene ledger with a channel-mix label and a personalisation band (five equal-count bands)."""
    perf = scene_outcomes(ds)
    perf = perf[perf["reach"] > 0].copy()
    perf["渠道组合"] = perf["channels"].map(channel_mix_label)
    ranks = perf["personalization"].rank(method="first")
    perf["个性化档"] = pd.qcut(ranks, q=len(BANDS), labels=list(BANDS))
    return perf


def _check_perf(perf: pd.DataFrame) -> None:
    if not isinstance(perf, pd.DataFrame) or "个性化档" not in perf.columns:
        raise DataError("这里需要 scene_performance(ds) 的结果。", "This needs the result of scene_performance(ds).")


def _rates(g) -> pd.DataFrame:
    return pd.DataFrame({
        "场景数": g.size(),
        "平均个性化程度": g["personalization"].mean().round(2),
        "每千次触达成交": (g["conversions"].sum() / g["reach"].sum() * 1000).round(1),
        "每元成本增量毛利": (g["incremental_margin_yuan"].sum() / g["cost_yuan"].sum().where(lambda s: s > 0)).round(3),
        "点对点触达占比": (g["reach_p2p"].sum() / g["reach"].sum()).round(3),
    })


def by_personalization(perf: pd.DataFrame) -> pd.DataFrame:
    """Conversions per 1,000 reach and return per yuan for five bands of personalisation (low to high)."""
    _check_perf(perf)
    out = _rates(perf.groupby("个性化档", observed=True))
    out.index.name = "个性化程度"
    return out


def personalization_ratio(perf: pd.DataFrame) -> float:
    """How many times higher conversions per 1,000 reach are in the top band than in the bottom band."""
    table = by_personalization(perf)
    g = perf.groupby("个性化档", observed=True)
    rate = g["conversions"].sum() / g["reach"].sum()
    return float(rate[BANDS[-1]] / rate[BANDS[0]]) if len(table) == len(BANDS) else float("nan")


def personalization_figure(perf: pd.DataFrame, lang: str = "zh") -> go.Figure:
    """Each scene's personalisation against its conversions per 1,000 reach, with the band averages."""
    _check_perf(perf)
    zh = lang != "en"
    fig = go.Figure()
    for mix, color in MIX_COLORS.items():
        d = perf[perf["渠道组合"] == mix]
        if d.empty:
            continue
        fig.add_trace(go.Scatter(x=d["personalization"], y=d["conv_per_1000"], mode="markers", name=mix,
                                 marker={"color": color, "size": 5, "opacity": 0.45}, text=d["scene_name"],
                                 hovertemplate="%{text}<br>个性化 %{x:.2f}<br>每千次触达成交 %{y:.0f}<extra></extra>"))
    bands = by_personalization(perf)
    fig.add_trace(go.Scatter(x=bands["平均个性化程度"], y=bands["每千次触达成交"], mode="lines+markers",
                             name="各档平均" if zh else "band average", line={"color": "black", "width": 3},
                             marker={"size": 10}))
    fig.update_layout(title="内容越个性化,成交越多吗?" if zh else "Does personal content convert better?",
                      xaxis={"title": "个性化程度(0–1)" if zh else "personalisation (0-1)"},
                      yaxis={"title": "每千次触达成交" if zh else "conversions per 1,000 reach", "type": "log"},
                      height=430, margin={"l": 60, "r": 20, "t": 50, "b": 50})
    return fig


def by_channel_mix(perf: pd.DataFrame) -> pd.DataFrame:
    """The same rates for the three channel mixes (ads only, point-to-point only, both)."""
    _check_perf(perf)
    out = _rates(perf.groupby("渠道组合", observed=True))
    return out.reindex([m for m in MIX_COLORS if m in out.index])


def lever_regression(perf: pd.DataFrame) -> pd.DataFrame:
    """Least squares of log(conversions per 1,000 reach) on personalisation, channel use and scene type.

    Returns each coefficient with a 95% interval (heteroskedasticity-robust, HC1) and its reading as a
    percentage change (exp(b) - 1; for personalisation, per +0.1).
    """
    _check_perf(perf)
    d = perf[perf["conv_per_1000"] > 0]
    if len(d) < 20:
        raise DataError("场景太少(少于 20 个),无法做回归。", "Too few scenes (under 20) for a regression.")
    cols = {"个性化程度(每 +0.1)": d["personalization"].to_numpy() * 10,
            "使用朋友圈": d["uses_朋友圈"].astype(float).to_numpy(),
            "使用广告": d["uses_广告"].astype(float).to_numpy(),
            "使用店内": d["uses_店内"].astype(float).to_numpy()}
    for t in ("交易", "支付"):
        cols[f"类型:{t}(对比促销)"] = (d["scene_type"] == t).astype(float).to_numpy()
    names = [k for k, v in cols.items() if np.ptp(v) > 0]  # drop columns without variation
    X = np.column_stack([np.ones(len(d))] + [cols[k] for k in names])
    y = np.log(d["conv_per_1000"].to_numpy())
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    resid = y - X @ beta
    n, k = X.shape
    xtx_inv = np.linalg.pinv(X.T @ X)
    meat = (X * resid[:, None] ** 2).T @ X
    cov = xtx_inv @ meat @ xtx_inv * n / max(n - k, 1)
    se = np.sqrt(np.clip(np.diag(cov), 0, None))
    out = pd.DataFrame({"系数": beta, "95%下限": beta - 1.96 * se, "95%上限": beta + 1.96 * se},
                       index=["常数项"] + names)
    out["约合变化(%)"] = (np.exp(out["系数"]) - 1) * 100
    out = out.drop(index="常数项")
    out.index.name = f"因素(场景数 {n})"
    return out.round(3)


def explore_figure(perf: pd.DataFrame, lang: str = "zh") -> go.Figure:
    """Personalisation against a metric chosen from a drop-down, one colour per channel mix."""
    _check_perf(perf)
    metrics = {"每千次触达成交": "conv_per_1000", "每元成本增量毛利": "worth", "点对点触达占比": "p2p_share"}
    mixes = [m for m in MIX_COLORS if (perf["渠道组合"] == m).any()]
    fig = go.Figure()
    for i, (name, col) in enumerate(metrics.items()):
        for mix in mixes:
            d = perf[perf["渠道组合"] == mix]
            fig.add_trace(go.Scatter(x=d["personalization"], y=d[col], mode="markers", name=mix, legendgroup=mix,
                                     showlegend=(i == 0), visible=(i == 0),
                                     marker={"color": MIX_COLORS[mix], "size": 5, "opacity": 0.5},
                                     text=d["scene_name"] + " · " + d["battle"],
                                     hovertemplate="%{text}<br>个性化 %{x:.2f}<br>" + name + " %{y:.3f}<extra></extra>"))
    n = len(mixes)
    buttons = [{"label": name, "method": "update",
                "args": [{"visible": [j // n == i for j in range(len(metrics) * n)]}, {"yaxis.title.text": name}]}
               for i, name in enumerate(metrics)]
    fig.update_layout(title="个性化程度与场景效果(用下拉菜单切换指标)" if lang != "en" else "Personalisation and results",
                      xaxis={"title": "个性化程度(0–1)"}, yaxis={"title": "每千次触达成交"},
                      updatemenus=[{"buttons": buttons, "direction": "down", "x": 1.0, "xanchor": "right", "y": 1.18,
                                    "yanchor": "top"}],
                      height=440, margin={"l": 60, "r": 20, "t": 80, "b": 50})
    return fig
