"""Lesson 33, 数据驱动的门店经营 (the data-driven store): a scorecard of every store, one store's card,
and the scenes a squad could run against its weakest metrics.

Every function takes the dataset's tables (or the loaded dataset ``ds`` where several are needed)
and returns a table or a plotly figure for the lesson to show.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..errors import DataError
from ._frames import (require, safe_ratio, as_dates as _dates, as_timestamp as _timestamp, DIRECT, SQUAD,
    fans_wide as _fans_wide)

__all__ = ["SCORE_METRICS", "store_scorecard", "store_card", "scene_suggestions", "scorecard_figure"]

#: metric -> (Chinese name, English name, higher is better)
SCORE_METRICS: dict[str, tuple[str, str, bool]] = {
    "sales_per_day": ("日均销售额", "sales per day", True),
    "margin_rate": ("毛利率", "gross margin rate", True),
    "rent_share": ("租金占毛利", "rent as share of margin", False),
    "member_ticket_share": ("会员小票占比", "member share of tickets", True),
    "engaged_share": ("活跃及铁杆粉占比", "engaged fans' share", True),
    "fan_growth": ("粉丝增长率", "fan growth", True),
    "squad_scenes": ("小分队场景数", "squad scenes", True),
}

#: what a front-line squad could do about a weak metric (the kit's suggestion)
SUGGESTIONS: dict[str, tuple[str, str, str]] = {
    "sales_per_day": ("促销", "引流入店", "把附近的人请进店:短促销 + 朋友圈"),
    "margin_rate": ("促销", "新品推广", "把高毛利的新品和鲜食推到熟客面前"),
    "rent_share": ("交易", "自团购", "租金压力大:用熟客拉新客,提高每平方米的销售"),
    "member_ticket_share": ("支付", "付满送", "付款时认出顾客、请他入会,下一次还来"),
    "engaged_share": ("促销", "粉丝分层", "唤醒沉睡粉、把普通粉升成活跃粉"),
    "fan_growth": ("支付", "附近异业", "和附近的伙伴互相导流,带来新粉丝"),
    "squad_scenes": ("交易", "营业员激励", "先让店员动起来:小分队自己发起第一个场景"),
}


def store_scorecard(stores: pd.DataFrame, daily_sales: pd.DataFrame, store_fans_monthly: pd.DataFrame,
                    scenes: pd.DataFrame, start: Any = None, end: Any = None) -> pd.DataFrame:
    """A scorecard for every store: seven metrics, their percentile within the store's format, a score and ranks.

    Metrics (see :data:`SCORE_METRICS`): ``sales_per_day``, ``margin_rate``, ``rent_share``
    (monthly rent ÷ monthly gross margin; lower is better), ``member_ticket_share``,
    ``engaged_share`` (活跃粉 + 铁杆粉 at the last month), ``fan_growth`` (first to last month of the
    period; empty for stores opened during it) and ``squad_scenes`` (scenes the store's squad
    launched; empty for franchised stores, which have no squad). ``pct_<metric>`` is the store's percentile among stores of the same format
    (1 = best, direction-corrected), ``score`` the mean of the percentiles × 100 and ``rank_in_format``
    / ``rank`` its ranks (1 = best). Comparing within a format keeps a school shop from being judged
    against a railway station.
    """
    require(stores, ["store_id", "format", "monthly_rent_yuan", "city", "ownership"], "stores")
    require(daily_sales, ["store_id", "date", "sales_yuan", "gross_margin_yuan", "tickets", "member_tickets"],
            "daily_sales")
    require(scenes, ["scene_id", "initiator", "store_id", "launch_date"], "scenes")
    d = daily_sales
    dates = _dates(d["date"])
    lo = dates.min() if start is None else _timestamp(start, "开始日期 start")
    hi = dates.max() if end is None else _timestamp(end, "结束日期 end")
    d = d[(dates >= lo) & (dates <= hi)]
    if d.empty:
        raise DataError("所选时间段内没有销售数据。", "No sales in the chosen period.")
    g = d.groupby("store_id").agg(days=("date", "size"), sales=("sales_yuan", "sum"),
                                  margin=("gross_margin_yuan", "sum"), tickets=("tickets", "sum"),
                                  member_tickets=("member_tickets", "sum"))
    out = stores[["store_id", "store_name", "city", "format", "ownership", "pilot_group", "monthly_rent_yuan"]] \
        .merge(g, left_on="store_id", right_index=True, how="inner")
    out["sales_per_day"] = out["sales"] / out["days"]
    out["margin_rate"] = safe_ratio(out["margin"], out["sales"]).to_numpy()
    monthly_margin = out["margin"] / out["days"] * 30.4
    out["rent_share"] = (out["monthly_rent_yuan"] / monthly_margin.where(monthly_margin > 0)).to_numpy()
    out["member_ticket_share"] = safe_ratio(out["member_tickets"], out["tickets"]).to_numpy()
    w = _fans_wide(store_fans_monthly)
    months = _dates(w["month"])
    w = w[(months >= lo.to_period("M").to_timestamp()) & (months <= hi)]
    first = w.sort_values("month").groupby("store_id").first()
    last = w.sort_values("month").groupby("store_id").last()
    out["fans"] = out["store_id"].map(last["fans"]).fillna(0).astype("int64")
    out["engaged_share"] = out["store_id"].map(safe_ratio(last["engaged"], last["fans"]))
    growth = safe_ratio(last["fans"], first["fans"]) - 1.0
    whole = first["month"] <= w["month"].min()          # stores with fans from the period's first month
    out["fan_growth"] = out["store_id"].map(growth.where(whole.reindex(growth.index, fill_value=False)))
    s = scenes[(scenes["initiator"] == SQUAD)]
    launch = _dates(s["launch_date"])
    s = s[(launch >= lo) & (launch <= hi)]
    counts = s.groupby("store_id").size()
    out["squad_scenes"] = out["store_id"].map(counts).fillna(0).astype("float64")
    out.loc[out["ownership"] != DIRECT, "squad_scenes"] = np.nan
    pcts = []
    for m, (_, _, higher) in SCORE_METRICS.items():
        p = out.groupby("format")[m].rank(pct=True, ascending=higher, method="average")
        out[f"pct_{m}"] = p
        pcts.append(f"pct_{m}")
    out["score"] = out[pcts].mean(axis=1, skipna=True) * 100
    out["rank_in_format"] = out.groupby("format")["score"].rank(ascending=False, method="min").astype("int64")
    out["rank"] = out["score"].rank(ascending=False, method="min").astype("int64")
    keep = ["store_id", "store_name", "city", "format", "ownership", "pilot_group", "fans", *SCORE_METRICS, *pcts,
            "score", "rank_in_format", "rank"]
    return out[keep].sort_values("rank", ignore_index=True)


def _row_of(card: pd.DataFrame, store_id: Any) -> pd.Series:
    require(card, ["store_id", "format", "score"], "scorecard")
    try:
        sid = int(store_id)
    except (TypeError, ValueError):
        sid = None
    row = card[card["store_id"] == sid] if sid is not None else card.iloc[0:0]
    if row.empty:
        raise DataError(f"仪表盘里没有门店 {store_id!r}。请用表中的 store_id,例如 {int(card['store_id'].iloc[0])}。",
                        f"No store {store_id!r} in the scorecard; use a store_id from the table.")
    return row.iloc[0]


def store_card(card: pd.DataFrame, store_id: Any) -> pd.DataFrame:
    """One store's dashboard: each metric's value, the median of its format, its percentile and a verdict.

    Verdict: ``强项`` (top 30 % of the format), ``短板`` (bottom 30 %), otherwise ``中游``; metrics
    without a value (squad scenes of a franchised store) are ``不适用``.
    """
    r = _row_of(card, store_id)
    peers = card[card["format"] == r["format"]]
    rows = []
    for m, (zh, en, higher) in SCORE_METRICS.items():
        p = r[f"pct_{m}"]
        if pd.isna(p):
            verdict = "不适用"
        elif p >= 0.7:
            verdict = "强项"
        elif p <= 0.3:
            verdict = "短板"
        else:
            verdict = "中游"
        rows.append({"metric": m, "指标": zh, "metric_en": en, "value": r[m], "format_median": peers[m].median(),
                     "percentile": p, "verdict": verdict, "higher_is_better": higher})
    return pd.DataFrame(rows).set_index("metric")


def scene_suggestions(card: pd.DataFrame, store_id: Any, n: int = 2) -> pd.DataFrame:
    """Turn the store's ``n`` weakest metrics into scene ideas (scene type, battle, why): the kit's suggestions."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= len(SCORE_METRICS):
        raise DataError(f"n 应是 1 到 {len(SCORE_METRICS)} 之间的整数。", f"n must be 1 to {len(SCORE_METRICS)}.")
    c = store_card(card, store_id).dropna(subset=["percentile"]).sort_values("percentile").head(int(n))
    rows = []
    for m, r in c.iterrows():
        st, battle, why = SUGGESTIONS[m]
        rows.append({"短板指标": r["指标"], "同业态百分位": r["percentile"], "场景类型": st, "战争": battle, "思路": why})
    return pd.DataFrame(rows)


def scorecard_figure(card: pd.DataFrame, store_ids: Sequence[Any], lang: str = "zh") -> go.Figure:
    """A radar of each store's percentiles within its format; a drop-down picks the store (0.5 = format median)."""
    ids = [int(_row_of(card, s)["store_id"]) for s in store_ids]
    if not ids:
        raise DataError("请至少给出一家门店。", "Give at least one store.")
    names = [SCORE_METRICS[m][1 if lang == "en" else 0] for m in SCORE_METRICS]
    theta = names + names[:1]
    fig = go.Figure()
    fig.add_trace(go.Scatterpolar(r=[0.5] * len(theta), theta=theta, name="format median" if lang == "en" else "业态中位",
                                  line={"color": "#98a2b3", "dash": "dot"}))
    for k, sid in enumerate(ids):
        r = _row_of(card, sid)
        vals = [float(r[f"pct_{m}"]) if pd.notna(r[f"pct_{m}"]) else 0.0 for m in SCORE_METRICS]
        fig.add_trace(go.Scatterpolar(r=vals + vals[:1], theta=theta, fill="toself", visible=(k == 0),
                                      name=f"{r['store_name']}({r['format']},{r['score']:.0f}分)"))
    buttons = []
    for k, sid in enumerate(ids):
        r = _row_of(card, sid)
        vis = [True] + [j == k for j in range(len(ids))]
        buttons.append({"label": f"{r['store_name']}", "method": "update", "args": [{"visible": vis}]})
    fig.update_layout(
        polar={"radialaxis": {"range": [0, 1], "tickvals": [0.25, 0.5, 0.75, 1.0]}},
        updatemenus=[{"buttons": buttons, "direction": "down", "x": 0.0, "y": 1.18, "xanchor": "left"}],
        title={"text": ("Store scorecard: percentile within its format (synthetic data)" if lang == "en"
                        else "门店仪表盘:在同业态门店中的百分位(合成数据)"), "x": 0.5},
        height=480, margin={"t": 110})
    return fig
