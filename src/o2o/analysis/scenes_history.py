"""The 2015 scene ledger: every historical scene with its design and its whole-run results.

Used by lessons 14 and 19-22. :func:`scene_outcomes` sums each scene's day-by-day log
(``scene_daily``) and joins it to the scene's design (``scenes``); the other functions group,
compare and draw that ledger. The 5W view of the same scenes (lessons 21 and 22) is
:mod:`o2o.analysis.fivew_history`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..errors import DataError
from ..i18n import label
from ..scenes import BATTLE_TYPE, Scene

__all__ = ["scene_outcomes", "example_scene_id", "scene_card", "summary_by", "cost_margin_figure",
           "count_by_initiator", "battle_report", "best_battle", "battle_metric_figure", "incentive_curve",
           "payment_mix", "payment_mix_figure", "mobile_share", "type_returns_figure", "who_what_table",
           "mean_lead_days", "lead_time_figure", "example_pair", "starter_scene"]

SCENE_TYPES = ("促销", "交易", "支付")
INITIATORS = ("一线小分队", "总部市场部")
TYPE_COLORS = {"促销": "#2e86c1", "交易": "#28b463", "支付": "#d68910"}
P2P_CHANNELS = ("朋友圈", "店内")
_SUMS = ["reach_broadcast", "reach_p2p", "shares", "visits", "conversions", "redemptions", "incremental_sales_yuan",
         "incremental_margin_yuan", "new_members", "tier_upgrades", "cost_yuan"]

#: Chinese column names for the ledger's derived metrics, as shown in the lessons.
METRIC_NAMES = {
    "reach": "触达", "visits": "到店", "conversions": "成交", "redemptions": "核销", "new_members": "新增会员",
    "tier_upgrades": "粉丝升级", "cost_yuan": "成本(元)", "incremental_margin_yuan": "增量毛利(元)",
    "lead_days": "想法到上线(天)", "duration_days": "持续天数", "conv_per_1000": "每千次触达成交",
    "worth": "每元成本增量毛利", "p2p_share": "点对点触达占比",
}


def scene_outcomes(ds) -> pd.DataFrame:
    """One row per historical scene: its design plus whole-run totals and derived metrics.

    Derived columns: ``reach`` (broadcast + point-to-point), ``lead_days`` (idea to launch),
    ``duration_days`` (launch to end, inclusive), ``conv_per_1000`` (conversions per 1,000 reach),
    ``worth`` (incremental margin per yuan of cost), ``p2p_share`` (point-to-point share of reach).
    """
    scenes = ds.scenes
    daily = ds.scene_daily
    if scenes.empty:
        raise DataError("数据集中没有历史场景(scenes 表为空)。", "The dataset has no historical scenes.")
    totals = daily.groupby("scene_id")[_SUMS].sum()
    days_logged = daily.groupby("scene_id").size().rename("days_logged")
    led = scenes.set_index("scene_id").join(totals, how="left").join(days_logged, how="left")
    led[_SUMS] = led[_SUMS].fillna(0)
    led["days_logged"] = led["days_logged"].fillna(0).astype(int)
    led["reach"] = led["reach_broadcast"] + led["reach_p2p"]
    led["lead_days"] = (pd.to_datetime(led["launch_date"]) - pd.to_datetime(led["idea_date"])).dt.days
    led["duration_days"] = (pd.to_datetime(led["end_date"]) - pd.to_datetime(led["launch_date"])).dt.days + 1
    reach = led["reach"].where(led["reach"] > 0)
    led["conv_per_1000"] = led["conversions"] / reach * 1000
    led["worth"] = led["incremental_margin_yuan"] / led["cost_yuan"].where(led["cost_yuan"] > 0)
    led["p2p_share"] = led["reach_p2p"] / reach
    chans = led["channels"].fillna("").astype(str)
    for ch in ("广告", "朋友圈", "店内"):
        led[f"uses_{ch}"] = chans.str.split("|").apply(lambda parts, c=ch: c in parts)
    return led


def _ledger_ok(ledger: pd.DataFrame) -> None:
    if not isinstance(ledger, pd.DataFrame) or "worth" not in ledger.columns:
        raise DataError("这里需要 scene_outcomes(ds) 得到的场景账本。",
                        "This needs the scene ledger from scene_outcomes(ds).")


def example_scene_id(ds, ledger: pd.DataFrame | None = None) -> int:
    """A typical squad scene to dissect: the squad scene of at least 4 days whose return is closest to the median."""
    led = scene_outcomes(ds) if ledger is None else ledger
    cand = led[(led["initiator"] == "一线小分队") & (led["duration_days"] >= 4) & led["worth"].notna()]
    if cand.empty:
        cand = led[led["worth"].notna()]
    gap = (cand["worth"] - cand["worth"].median()).abs()
    return int(gap.sort_values(kind="stable").index[0])


def scene_card(ds, scene_id: int, ledger: pd.DataFrame | None = None) -> pd.DataFrame:
    """The anatomy of one scene: each design element and each result, as a two-column table."""
    led = scene_outcomes(ds) if ledger is None else ledger
    if scene_id not in led.index:
        raise DataError(f"没有编号为 {scene_id} 的历史场景。", f"There is no historical scene {scene_id}.")
    r = led.loc[scene_id]
    squads = ds.squads.set_index("squad_id")["squad_name"]
    who = r["initiator"]
    if pd.notna(r["squad_id"]) and int(r["squad_id"]) in squads.index:
        who = f"{who}({squads.loc[int(r['squad_id'])]})"

    def day(v):
        return pd.Timestamp(v).strftime("%Y-%m-%d") if pd.notna(v) else "—"

    rows = [
        ("要素", "场景名称", r["scene_name"]), ("要素", "谁发起", who),
        ("要素", "类型 / 战争", f"{r['scene_type']} / {r['battle']}"),
        ("要素", "目标粉丝", r["target_tier"]), ("要素", "目标城市", r["target_city"] if pd.notna(r["target_city"]) else "全网/本店"),
        ("要素", "渠道", str(r["channels"]).replace("|", "、")), ("要素", "个性化程度(0–1)", f"{r['personalization']:.2f}"),
        ("要素", "激励", f"{r['incentive_type']},每次 {r['incentive_yuan']:.0f} 元"), ("要素", "预算(元)", f"{r['budget_yuan']:,.0f}"),
        ("要素", "想法 → 上线 → 结束", f"{day(r['idea_date'])} → {day(r['launch_date'])} → {day(r['end_date'])}"),
        ("结果", "触达(广告 / 点对点)", f"{int(r['reach_broadcast']):,} / {int(r['reach_p2p']):,}"),
        ("结果", "转发", f"{int(r['shares']):,}"), ("结果", "到店 / 成交 / 核销",
                                                    f"{int(r['visits']):,} / {int(r['conversions']):,} / {int(r['redemptions']):,}"),
        ("结果", "新增会员 / 粉丝升级", f"{int(r['new_members']):,} / {int(r['tier_upgrades']):,}"),
        ("结果", "成本(元)", f"{r['cost_yuan']:,.0f}"), ("结果", "增量毛利(元)", f"{r['incremental_margin_yuan']:,.0f}"),
        ("结果", "每元成本增量毛利", f"{r['worth']:.2f}" if pd.notna(r["worth"]) else "—"),
    ]
    card = pd.DataFrame(rows, columns=["", "项目", f"场景 {scene_id}"]).set_index(["", "项目"])
    return card


def summary_by(ledger: pd.DataFrame, keys: Sequence[str], metrics: Sequence[str] | None = None) -> pd.DataFrame:
    """Scenes grouped by ``keys``: count, mean lead time and duration, total cost and margin, and return.

    With ``metrics`` (column names of the ledger or of :func:`o2o.analysis.fivew_history.way_why_worth`), their group means instead.
    """
    if not isinstance(ledger, pd.DataFrame):
        raise DataError("这里需要一张场景表。", "A table of scenes is needed here.")
    missing = [k for k in list(keys) + list(metrics or []) if k not in ledger.columns]
    if missing:
        raise DataError(f"场景表中没有这些列:{', '.join(missing)}。", f"The scene table has no columns {missing}.")
    g = ledger.groupby(list(keys), observed=True)
    if metrics:
        out = g[list(metrics)].mean()
        out.insert(0, "场景数", g.size())
        return out.round(3)
    out = pd.DataFrame({
        "场景数": g.size(),
        "想法到上线(天)": g["lead_days"].mean().round(1),
        "持续天数": g["duration_days"].mean().round(1),
        "总成本(元)": g["cost_yuan"].sum().round(0),
        "总增量毛利(元)": g["incremental_margin_yuan"].sum().round(0),
    })
    out["每元成本增量毛利"] = (out["总增量毛利(元)"] / out["总成本(元)"].where(out["总成本(元)"] > 0)).round(2)
    return out


def cost_margin_figure(ledger: pd.DataFrame, lang: str = "zh") -> go.Figure:
    """Every scene as a point: cost against incremental margin (log scales), coloured by type, with the break-even line."""
    _ledger_ok(ledger)
    zh = lang != "en"
    led = ledger[(ledger["cost_yuan"] > 0) & (ledger["incremental_margin_yuan"] > 0)]
    fig = go.Figure()
    for t in SCENE_TYPES:
        d = led[led["scene_type"] == t]
        fig.add_trace(go.Scatter(
            x=d["cost_yuan"], y=d["incremental_margin_yuan"], mode="markers", name=label(t, lang),
            marker={"color": TYPE_COLORS[t], "size": 6, "opacity": 0.6,
                    "symbol": np.where(d["initiator"] == "总部市场部", "diamond", "circle")},
            text=d["scene_name"], hovertemplate="%{text}<br>成本 %{x:,.0f} 元<br>增量毛利 %{y:,.0f} 元<extra></extra>",
        ))
    lo = float(min(led["cost_yuan"].min(), led["incremental_margin_yuan"].min())) if len(led) else 1.0
    hi = float(max(led["cost_yuan"].max(), led["incremental_margin_yuan"].max())) if len(led) else 10.0
    fig.add_trace(go.Scatter(x=[lo, hi], y=[lo, hi], mode="lines", name="保本线" if zh else "break-even",
                             line={"dash": "dash", "color": "grey"}, hoverinfo="skip"))
    fig.update_layout(
        title="2015 年历史场景:成本与增量毛利(菱形 = 总部发起)" if zh else "Scenes of 2015: cost vs incremental margin",
        xaxis={"title": "成本(元,对数)" if zh else "cost (yuan, log)", "type": "log"},
        yaxis={"title": "增量毛利(元,对数)" if zh else "incremental margin (yuan, log)", "type": "log"},
        height=450, margin={"l": 60, "r": 20, "t": 50, "b": 50},
    )
    return fig


def count_by_initiator(ledger: pd.DataFrame, initiator: str) -> int:
    """How many scenes the given initiator started."""
    _ledger_ok(ledger)
    if initiator not in INITIATORS:
        raise DataError(f"发起人只能是:{'、'.join(INITIATORS)}。", f"The initiator must be one of {INITIATORS}.")
    return int((ledger["initiator"] == initiator).sum())


def _types(scene_types: str | Iterable[str]) -> list[str]:
    types = [scene_types] if isinstance(scene_types, str) else list(scene_types)
    bad = [t for t in types if t not in SCENE_TYPES]
    if bad:
        raise DataError(f"场景类型只能是:{'、'.join(SCENE_TYPES)}(你给的是 {bad})。",
                        f"Scene types are {SCENE_TYPES}; you gave {bad}.")
    return types


def battle_report(ledger: pd.DataFrame, scene_types: str | Iterable[str]) -> pd.DataFrame:
    """Per battle of the given scene type(s): number of scenes, mean results per scene, and return per yuan."""
    _ledger_ok(ledger)
    types = _types(scene_types)
    led = ledger[ledger["scene_type"].isin(types)]
    g = led.groupby(["scene_type", "battle"], observed=True)
    out = pd.DataFrame({
        "场景数": g.size(),
        "平均持续天数": g["duration_days"].mean().round(1),
        "平均触达": g["reach"].mean().round(0),
        "平均到店": g["visits"].mean().round(0),
        "平均成交": g["conversions"].mean().round(0),
        "平均核销": g["redemptions"].mean().round(0),
        "平均新增会员": g["new_members"].mean().round(1),
        "平均粉丝升级": g["tier_upgrades"].mean().round(1),
        "每元成本增量毛利": (g["incremental_margin_yuan"].sum() / g["cost_yuan"].sum().where(lambda s: s > 0)).round(3),
    })
    out.index.names = ["类型", "战争"]
    if len(types) == 1:
        out = out.droplevel(0)
    return out


def best_battle(ledger: pd.DataFrame, scene_type: str) -> str:
    """The battle of ``scene_type`` with the highest incremental margin per yuan."""
    report = battle_report(ledger, scene_type)
    return str(report["每元成本增量毛利"].idxmax())


def battle_metric_figure(ledger: pd.DataFrame, scene_type: str, lang: str = "zh") -> go.Figure:
    """Bar chart of the battles of one scene type; a drop-down switches the metric."""
    report = battle_report(ledger, scene_type)
    metrics = ["每元成本增量毛利", "平均触达", "平均到店", "平均新增会员", "平均粉丝升级", "平均核销"]
    names = [label(b, lang) for b in report.index]
    fig = go.Figure()
    for i, m in enumerate(metrics):
        fig.add_trace(go.Bar(x=names, y=report[m], name=m, visible=(i == 0), marker_color=TYPE_COLORS[scene_type],
                             text=report[m].round(2), textposition="outside",
                             hovertemplate="%{x}: %{y}<extra>" + m + "</extra>"))
    buttons = [{"label": m, "method": "update",
                "args": [{"visible": [j == i for j in range(len(metrics))]}, {"yaxis.title.text": m}]}
               for i, m in enumerate(metrics)]
    fig.update_layout(
        title=f"{scene_type}场景:各类战争的成绩(用下拉菜单切换指标)" if lang != "en" else f"{label(scene_type, 'en')} battles",
        yaxis={"title": metrics[0]}, showlegend=False, height=420, margin={"l": 60, "r": 20, "t": 80, "b": 60},
        updatemenus=[{"buttons": buttons, "direction": "down", "x": 1.0, "xanchor": "right", "y": 1.2, "yanchor": "top"}],
    )
    return fig


def incentive_curve(ledger: pd.DataFrame, scene_type: str, bins: Sequence[float] = (-0.01, 0.5, 3, 6, 10, 1e9)) -> pd.DataFrame:
    """Return per yuan by band of incentive per redemption (yuan) for one scene type."""
    _ledger_ok(ledger)
    _types(scene_type)
    led = ledger[ledger["scene_type"] == scene_type].copy()
    labels = []
    for lo, hi in zip(bins[:-1], bins[1:]):
        lo_txt = "0" if lo < 0 else f"{lo:g}"
        labels.append(f"{lo_txt}–{hi:g} 元" if hi < 1e8 else f"{lo_txt} 元以上")
    led["激励档"] = pd.cut(led["incentive_yuan"], bins=list(bins), labels=labels)
    g = led.groupby("激励档", observed=True)
    out = pd.DataFrame({
        "场景数": g.size(),
        "平均激励(元/次)": g["incentive_yuan"].mean().round(1),
        "平均核销": g["redemptions"].mean().round(0),
        "每千次触达成交": (g["conversions"].sum() / g["reach"].sum().where(lambda s: s > 0) * 1000).round(1),
        "每元成本增量毛利": (g["incremental_margin_yuan"].sum() / g["cost_yuan"].sum().where(lambda s: s > 0)).round(3),
    })
    return out


def payment_mix(ds) -> pd.DataFrame:
    """Share (%) of transactions per payment method, per month (panel stores)."""
    con = ds.duckdb()
    try:
        df = con.execute("SELECT date_trunc('month', ts)::DATE AS month, payment_method, COUNT(*) AS n "
                         "FROM transactions GROUP BY 1, 2").df()
    finally:
        con.close()
    if df.empty:
        raise DataError("数据集中没有交易明细。", "The dataset has no transactions.")
    wide = df.pivot_table(index="month", columns="payment_method", values="n", aggfunc="sum").fillna(0)
    order = [m for m in ("现金", "银行卡", "支付宝", "微信支付") if m in wide.columns]
    wide = wide[order]
    pct = wide.div(wide.sum(axis=1), axis=0) * 100
    pct.index = pd.to_datetime(pct.index).strftime("%Y-%m")
    pct.index.name = "月份"
    pct.columns.name = "支付方式占比(%)"
    return pct


def mobile_share(pay: pd.DataFrame, month: str) -> float:
    """Share (%) of transactions paid by WeChat Pay or Alipay in ``month`` ("YYYY-MM")."""
    if month not in pay.index:
        raise DataError(f"没有 {month} 的数据;可用的月份是 {pay.index[0]} 到 {pay.index[-1]}。",
                        f"No data for {month}; months run from {pay.index[0]} to {pay.index[-1]}.")
    return float(pay.loc[month, [c for c in ("微信支付", "支付宝") if c in pay.columns]].sum())


def payment_mix_figure(pay: pd.DataFrame, lang: str = "zh") -> go.Figure:
    colors = {"现金": "#7f8c8d", "银行卡": "#5d6d7e", "支付宝": "#2e86c1", "微信支付": "#28b463"}
    fig = go.Figure()
    for m in pay.columns:
        fig.add_trace(go.Bar(x=pay.index, y=pay[m], name=label(m, lang), marker_color=colors.get(m)))
    fig.update_layout(barmode="stack", title="样本门店每月支付方式占比" if lang != "en" else "Payment mix per month",
                      yaxis={"title": "交易笔数占比(%)" if lang != "en" else "share of transactions (%)", "range": [0, 100]},
                      height=380, margin={"l": 60, "r": 20, "t": 50, "b": 40})
    return fig


def type_returns_figure(ledger: pd.DataFrame, lang: str = "zh") -> go.Figure:
    """Box-and-points of return per yuan for each scene type; a drop-down shows one type or all."""
    _ledger_ok(ledger)
    led = ledger[ledger["worth"] > 0]
    fig = go.Figure()
    for t in SCENE_TYPES:
        d = led[led["scene_type"] == t]
        fig.add_trace(go.Box(x=d["battle"].map(lambda b: label(b, lang)), y=d["worth"], name=label(t, lang),
                             marker_color=TYPE_COLORS[t], boxpoints="all", jitter=0.4, pointpos=0, marker={"size": 3},
                             text=d["scene_name"] + " · " + d["initiator"],
                             hovertemplate="%{text}<br>每元成本增量毛利 %{y:.2f}<extra></extra>"))
    buttons = [{"label": "全部类型" if lang != "en" else "all", "method": "update",
                "args": [{"visible": [True] * len(SCENE_TYPES)}]}]
    for i, t in enumerate(SCENE_TYPES):
        buttons.append({"label": label(t, lang), "method": "update",
                        "args": [{"visible": [j == i for j in range(len(SCENE_TYPES))]}]})
    fig.update_layout(
        title="各类战争的每元成本增量毛利(每点一个场景)" if lang != "en" else "Return per yuan by battle",
        yaxis={"title": "每元成本增量毛利(对数)" if lang != "en" else "margin per yuan (log)", "type": "log"},
        boxmode="group", height=460, margin={"l": 60, "r": 20, "t": 80, "b": 80},
        updatemenus=[{"buttons": buttons, "direction": "down", "x": 1.0, "xanchor": "right", "y": 1.18, "yanchor": "top"}],
    )
    return fig


def who_what_table(ledger: pd.DataFrame) -> pd.DataFrame:
    """Squad- vs HQ-initiated scenes: speed (lead time, duration) and results."""
    _ledger_ok(ledger)
    g = ledger.groupby("initiator", observed=True)
    out = pd.DataFrame({
        "场景数": g.size(),
        "想法到上线(天)": g["lead_days"].mean().round(2),
        "当天或次日上线(%)": (g["lead_days"].apply(lambda d: (d <= 1).mean()) * 100).round(1),
        "持续天数": g["duration_days"].mean().round(2),
        "每千次触达成交": (g["conversions"].sum() / g["reach"].sum().where(lambda s: s > 0) * 1000).round(2),
        "点对点触达占比": (g["reach_p2p"].sum() / g["reach"].sum().where(lambda s: s > 0)).round(3),
        "每元成本增量毛利": (g["incremental_margin_yuan"].sum() / g["cost_yuan"].sum().where(lambda s: s > 0)).round(3),
    })
    out.index.name = "发起人"
    return out


def mean_lead_days(ledger: pd.DataFrame, initiator: str) -> float:
    """Mean days from idea to launch of the scenes of ``initiator``."""
    count_by_initiator(ledger, initiator)
    return float(ledger.loc[ledger["initiator"] == initiator, "lead_days"].mean())


def lead_time_figure(ledger: pd.DataFrame, lang: str = "zh") -> go.Figure:
    """Distribution of days from idea to launch, per initiator (share of that initiator's scenes)."""
    _ledger_ok(ledger)
    fig = go.Figure()
    colors = {"一线小分队": "#c0392b", "总部市场部": "#5d6d7e"}
    for who in INITIATORS:
        d = ledger.loc[ledger["initiator"] == who, "lead_days"].clip(upper=30)
        if d.empty:
            continue
        fig.add_trace(go.Histogram(x=d, name=label(who, lang), histnorm="percent", marker_color=colors[who],
                                   opacity=0.7, xbins={"start": -0.5, "end": 30.5, "size": 1}))
    fig.update_layout(barmode="overlay",
                      title="从想法到上线要几天?(30 天以上记为 30)" if lang != "en" else "Days from idea to launch",
                      xaxis={"title": "天" if lang != "en" else "days"},
                      yaxis={"title": "占该发起人场景的比例(%)" if lang != "en" else "% of scenes"},
                      height=380, margin={"l": 60, "r": 20, "t": 50, "b": 50})
    return fig


def example_pair(ledger: pd.DataFrame) -> tuple[int, int]:
    """A squad scene and an HQ scene of the same type to compare (the most common type among HQ scenes)."""
    _ledger_ok(ledger)
    hq = ledger[(ledger["initiator"] == "总部市场部") & ledger["worth"].notna()]
    sq = ledger[(ledger["initiator"] == "一线小分队") & ledger["worth"].notna()]
    if hq.empty or sq.empty:
        raise DataError("数据中缺少总部场景或小分队场景,无法配对比较。", "Squad or HQ scenes are missing; no pair to compare.")
    scene_type = hq["scene_type"].value_counts().index[0]
    hq_t, sq_t = hq[hq["scene_type"] == scene_type], sq[sq["scene_type"] == scene_type]
    hq_id = int((hq_t["worth"] - hq_t["worth"].median()).abs().sort_values(kind="stable").index[0])
    sq_id = int((sq_t["worth"] - sq_t["worth"].median()).abs().sort_values(kind="stable").index[0])
    return sq_id, hq_id


def starter_scene(ds, battle: str):
    """A valid starting design for ``battle``: the squad of the most common store of the historical scenes of
    that battle, the battle's median personalisation, incentive and budget, launched the day after the idea."""
    if battle not in BATTLE_TYPE:
        raise DataError(f"没有名为“{battle}”的战争。", f"There is no battle {battle!r}.")
    sc = ds.scenes
    hist = sc[(sc["battle"] == battle) & (sc["initiator"] == "一线小分队") & sc["squad_id"].notna()]
    squad = int(hist["squad_id"].mode().iloc[0]) if len(hist) else int(ds.squads["squad_id"].iloc[0])
    med = hist[["personalization", "incentive_yuan", "budget_yuan"]].median() if len(hist) else None
    incentive = hist["incentive_type"].mode().iloc[0] if len(hist) else "满减"
    return Scene(name=f"我的{battle}场景", scene_type=BATTLE_TYPE[battle], battle=battle, initiator="一线小分队",
                 squad_id=squad, idea_date=date(2015, 9, 1), launch_date=date(2015, 9, 2), duration_days=5,
                 channels=("朋友圈", "店内"),
                 personalization=float(round(med["personalization"], 2)) if med is not None else 0.7,
                 incentive_type=str(incentive),
                 incentive_yuan=float(med["incentive_yuan"]) if med is not None else 5.0,
                 budget_yuan=float(round(med["budget_yuan"], -1)) if med is not None else 2000.0,
                 target_tier="全部")
