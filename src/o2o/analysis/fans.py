"""Fan tiers: the mix of tiers over time, month-to-month moves between tiers, and what a tier is worth.

Used by lesson 13. Tiers are ordered low to high: 沉睡粉 < 普通粉 < 活跃粉 < 铁杆粉.
Every function takes the dataset (``o2o.load()``) or a table computed from it and returns a
pandas table or a plotly figure with Chinese labels.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ..errors import DataError
from ..i18n import label

__all__ = ["TIERS", "tier_mix", "tier_share_table", "tier_mix_figure", "transition_matrix", "upgrade_share",
           "transition_figure", "tier_value", "city_mix", "explore_by_city"]

TIERS: tuple[str, ...] = ("沉睡粉", "普通粉", "活跃粉", "铁杆粉")
TIER_COLORS = {"沉睡粉": "#b0b7c3", "普通粉": "#7fb3d5", "活跃粉": "#2e86c1", "铁杆粉": "#c0392b"}


def _check_tier(tier: str) -> None:
    if tier not in TIERS:
        raise DataError(f"没有名为“{tier}”的粉丝层级。可用的层级:{'、'.join(TIERS)}。",
                        f"There is no fan tier {tier!r}. Tiers: {', '.join(TIERS)}.")


def _fans_wide(fans: pd.DataFrame) -> pd.DataFrame:
    wide = fans.pivot_table(index="month", columns="tier", values="fans", aggfunc="sum", observed=True)
    wide = wide.reindex(columns=list(TIERS), fill_value=0).fillna(0).astype("int64")
    wide.index = pd.to_datetime(wide.index)
    wide.index.name = "month"
    wide.columns.name = "tier"
    return wide.sort_index()


def tier_mix(ds, city: str | None = None) -> pd.DataFrame:
    """Fans per tier at each month end, summed over every store (or the stores of one ``city``).

    Rows: months; columns: the four tiers, low to high.
    """
    fans = ds.store_fans_monthly
    if city is not None:
        stores = ds.stores
        if city not in set(stores["city"]):
            raise DataError(f"数据中没有城市“{city}”。", f"There is no city {city!r} in the data.")
        fans = fans[fans["store_id"].isin(stores.loc[stores["city"] == city, "store_id"])]
    return _fans_wide(fans)


def tier_share_table(mix: pd.DataFrame) -> pd.DataFrame:
    """Each tier's share (%) of all fans, per month (rows sum to 100), with a readable month label."""
    share = mix.div(mix.sum(axis=1).where(lambda s: s > 0), axis=0) * 100
    share.index = share.index.strftime("%Y-%m")
    share.index.name = "月份"
    share.columns.name = "层级占比(%)"
    return share.round(1)


def tier_mix_figure(mix: pd.DataFrame, lang: str = "zh", title: str | None = None) -> go.Figure:
    """Stacked area chart of the fan mix (share of fans per tier, %)."""
    share = mix.div(mix.sum(axis=1).where(lambda s: s > 0), axis=0) * 100
    fig = go.Figure()
    for tier in TIERS:
        fig.add_trace(go.Scatter(
            x=share.index, y=share[tier], name=label(tier, lang), stackgroup="one", mode="lines",
            line={"width": 0.5, "color": TIER_COLORS[tier]},
            customdata=mix[tier], hovertemplate="%{x|%Y-%m}<br>%{y:.1f}% (%{customdata:,} )<extra>%{fullData.name}</extra>",
        ))
    zh = lang != "en"
    fig.update_layout(
        title=title or ("全网粉丝结构(月末,各层占比)" if zh else "Fan mix at month end (share per tier)"),
        yaxis={"title": "占比(%)" if zh else "share (%)", "range": [0, 100]},
        xaxis={"title": "月份" if zh else "month"}, legend={"traceorder": "reversed"}, height=380,
        margin={"l": 60, "r": 20, "t": 50, "b": 40},
    )
    return fig


def _member_moves(ds) -> pd.DataFrame:
    """Pairs (tier last month, tier this month) for members present in two consecutive months."""
    mt = ds.member_tiers[["member_id", "month", "tier"]].copy()
    mt["month"] = pd.to_datetime(mt["month"])
    mt["tier"] = mt["tier"].astype(str)
    nxt = mt.rename(columns={"tier": "to_tier"})
    nxt["month"] = nxt["month"] - pd.DateOffset(months=1)
    moves = mt.merge(nxt, on=["member_id", "month"], how="inner")
    return moves.rename(columns={"tier": "from_tier"})


def transition_matrix(ds) -> pd.DataFrame:
    """Share (%) of members moving from each tier (rows, last month) to each tier (columns, this month).

    Pooled over every pair of consecutive months of the panel stores' members; rows sum to 100.
    """
    moves = _member_moves(ds)
    if moves.empty:
        raise DataError("会员层级数据不足两个月,无法计算迁移矩阵。",
                        "The member tiers cover fewer than two months; no transition matrix can be computed.")
    counts = pd.crosstab(moves["from_tier"], moves["to_tier"]).reindex(index=list(TIERS), columns=list(TIERS),
                                                                      fill_value=0)
    pct = counts.div(counts.sum(axis=1).where(lambda s: s > 0), axis=0) * 100
    pct.index.name = "上月层级"
    pct.columns.name = "本月层级"
    return pct


def upgrade_share(moves: pd.DataFrame, tier: str = "普通粉") -> float:
    """Share (%) of last month's ``tier`` fans who are in a higher tier this month."""
    _check_tier(tier)
    higher = list(TIERS[TIERS.index(tier) + 1:])
    return float(moves.loc[tier, higher].sum()) if higher else 0.0


def transition_figure(moves: pd.DataFrame, lang: str = "zh") -> go.Figure:
    """Heat map of the transition matrix; cells above the diagonal are upgrades."""
    zh = lang != "en"
    names = [label(t, lang) for t in TIERS]
    fig = go.Figure(go.Heatmap(
        z=moves.values, x=names, y=names, colorscale="Blues", zmin=0, zmax=100,
        text=moves.round(1).values, texttemplate="%{text}%",
        hovertemplate=("上月 %{y} → 本月 %{x}: %{z:.1f}%<extra></extra>" if zh
                       else "%{y} → %{x}: %{z:.1f}%<extra></extra>"),
        colorbar={"title": "%"},
    ))
    fig.update_layout(
        title="粉丝层级迁移矩阵(上月 → 本月,行内占比)" if zh else "Tier transitions (last month → this month, row %)",
        xaxis={"title": "本月层级" if zh else "this month", "side": "bottom"},
        yaxis={"title": "上月层级" if zh else "last month", "autorange": "reversed"},
        height=380, margin={"l": 80, "r": 20, "t": 50, "b": 50},
    )
    return fig


def tier_value(ds) -> pd.DataFrame:
    """Average monthly spending and visits of a member in each tier (panel stores).

    Every member-month in ``member_tiers`` counts, including months without a purchase (zero).
    The last column is the extra monthly spending of the tier over the tier below it.
    """
    con = ds.duckdb()
    try:
        spend = con.execute(
            "SELECT member_id, date_trunc('month', ts)::DATE AS month, SUM(amount_yuan) AS spend, COUNT(*) AS visits "
            "FROM transactions WHERE member_id IS NOT NULL GROUP BY 1, 2"
        ).df()
    finally:
        con.close()
    mt = ds.member_tiers[["member_id", "month", "tier"]].copy()
    mt["month"] = pd.to_datetime(mt["month"])
    mt["tier"] = mt["tier"].astype(str)
    spend["month"] = pd.to_datetime(spend["month"])
    spend["member_id"] = spend["member_id"].astype("int64")
    mt["member_id"] = mt["member_id"].astype("int64")
    joined = mt.merge(spend, on=["member_id", "month"], how="left").fillna({"spend": 0.0, "visits": 0})
    out = joined.groupby("tier", observed=True).agg(
        会员月数=("member_id", "size"), 月均消费_元=("spend", "mean"), 月均到店_次=("visits", "mean"),
    ).reindex(list(TIERS))
    out["比下一层多消费_元"] = out["月均消费_元"].diff()
    out.index.name = "层级"
    out.columns = ["会员月数", "月均消费(元)", "月均到店(次)", "比下一层多消费(元/月)"]
    return out.round({"月均消费(元)": 1, "月均到店(次)": 2, "比下一层多消费(元/月)": 1})


def city_mix(ds, top: int = 8) -> dict[str, pd.DataFrame]:
    """Tier mix for the whole chain and for the ``top`` cities with the most fans."""
    city = ds.stores.set_index("store_id")["city"].astype(str)
    fans = ds.store_fans_monthly
    agg = (fans.assign(city=fans["store_id"].map(city).to_numpy())
           .groupby(["city", "month", "tier"], observed=True, as_index=False)["fans"].sum())
    order = agg.groupby("city")["fans"].sum().sort_values(ascending=False).index[:top]
    result = {"全网": _fans_wide(agg)}
    for name in order:
        result[str(name)] = _fans_wide(agg[agg["city"] == name])
    return result


def explore_by_city(ds, lang: str = "zh"):
    """A plotly figure of the tier mix whose drop-down switches between the whole chain and the largest cities."""
    mixes = city_mix(ds)
    names = list(mixes)
    fig = go.Figure()
    for i, name in enumerate(names):
        share = mixes[name].div(mixes[name].sum(axis=1).where(lambda s: s > 0), axis=0) * 100
        for tier in TIERS:
            fig.add_trace(go.Scatter(
                x=share.index, y=share[tier], name=label(tier, lang), stackgroup=f"g{i}", mode="lines",
                line={"width": 0.5, "color": TIER_COLORS[tier]}, visible=(i == 0), legendgroup=tier,
                hovertemplate="%{x|%Y-%m}: %{y:.1f}%<extra>%{fullData.name}</extra>",
            ))
    buttons = []
    for i, name in enumerate(names):
        vis = [j // len(TIERS) == i for j in range(len(names) * len(TIERS))]
        buttons.append({"label": label(name, lang), "method": "update",
                        "args": [{"visible": vis}, {"title": f"粉丝结构:{name}" if lang != "en" else f"Fan mix: {label(name, 'en')}"}]})
    fig.update_layout(
        title="粉丝结构:全网" if lang != "en" else "Fan mix: whole chain",
        updatemenus=[{"buttons": buttons, "direction": "down", "x": 1.0, "xanchor": "right", "y": 1.15, "yanchor": "top"}],
        yaxis={"title": "占比(%)" if lang != "en" else "share (%)", "range": [0, 100]},
        height=400, margin={"l": 60, "r": 20, "t": 70, "b": 40}, legend={"traceorder": "reversed"},
    )
    return fig
