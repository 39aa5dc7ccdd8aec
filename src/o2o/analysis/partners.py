"""Lesson 32, 跨界竞合 (cross-industry co-opetition): members who join through partners, the two
partner battles against the others, and how much of a scene's cost a partner must carry.

Every function takes the dataset's tables (or the loaded dataset ``ds`` where several are needed)
and returns a table or a plotly figure for the lesson to show.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..errors import DataError
from ..i18n import label
from ._frames import month_start, require, safe_ratio, SQUAD
from .scene_outcomes import compare_by, scene_totals

__all__ = ["PARTNER_BATTLES", "PARTNER_CHANNEL", "partner_member_share", "partner_scene_table", "cost_sharing",
    "break_even_share", "cost_sharing_figure"]

PARTNER_BATTLES = ("异业联盟采购", "附近异业")
PARTNER_CHANNEL = "异业合作"


def partner_member_share(members: pd.DataFrame) -> pd.DataFrame:
    """Per month: new members, those who joined through a cross-industry partner, and their share."""
    require(members, ["member_id", "join_date", "join_channel"], "members")
    m = pd.DataFrame({"month": month_start(members["join_date"]),
                      "partner": (members["join_channel"] == PARTNER_CHANNEL).to_numpy()})
    g = m.groupby("month")
    out = pd.DataFrame({"new_members": g.size(), "partner_members": g["partner"].sum().astype("int64")})
    out["share"] = safe_ratio(out["partner_members"], out["new_members"])
    return out.reset_index()


def partner_scene_table(scenes: pd.DataFrame, scene_daily: pd.DataFrame) -> pd.DataFrame:
    """The two cross-industry battles against the other battles of their scene types.

    One row per battle of the 交易 and 支付 scene types, with ``partner`` (True for 异业联盟采购 and
    附近异业), ``scenes``, ``squad_share``, ``cost_per_scene``, ``reach_per_scene``,
    ``conversion_rate``, ``margin_per_yuan`` and ``new_members_per_1000_yuan`` (pooled: ratios of sums).
    """
    t = scene_totals(scenes, scene_daily)
    types = t.loc[t["battle"].isin(PARTNER_BATTLES), "scene_type"].unique().tolist() or ["交易", "支付"]
    t = t[t["scene_type"].isin(types)].copy()
    t["squad"] = (t["initiator"] == SQUAD).astype(float)
    out = compare_by(t, ["scene_type", "battle"])
    squad = t.groupby(["scene_type", "battle"])["squad"].mean()
    out["squad_share"] = [float(squad.loc[(a, b)]) for a, b in zip(out["scene_type"], out["battle"])]
    out["cost_per_scene"] = safe_ratio(out["cost_yuan"], out["scenes"])
    out["new_members_per_1000_yuan"] = 1000 * safe_ratio(out["new_members"], out["cost_yuan"])
    out["partner"] = out["battle"].isin(PARTNER_BATTLES)
    cols = ["scene_type", "battle", "partner", "scenes", "squad_share", "cost_per_scene", "reach_per_scene",
            "conversion_rate", "margin_per_yuan", "new_members_per_1000_yuan"]
    return out[cols].sort_values(["scene_type", "partner", "margin_per_yuan"], ascending=[True, False, False],
                                 ignore_index=True)


def _share_grid(partner_shares: Iterable[float]) -> np.ndarray:
    try:
        s = np.asarray(list(partner_shares), dtype=float)
    except (TypeError, ValueError):
        s = np.array([np.nan])
    if s.size == 0 or not np.all(np.isfinite(s)) or s.min() < 0 or s.max() >= 1:
        raise DataError("伙伴分担的比例应在 0(不分担)到 1 之间(不含 1),例如 0.3。",
                        "The partner's share must be between 0 (none) and 1 (exclusive), e.g. 0.3.")
    return s


def cost_sharing(scenes: pd.DataFrame, scene_daily: pd.DataFrame,
                 partner_shares: Iterable[float] = (0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6)) -> pd.DataFrame:
    """The chain's incremental margin per yuan when the partner pays a share of the scenes' cost.

    Assumes the chain's incremental margin stays the same and the partner pays ``share`` of the
    cost: margin ÷ (cost × (1 − share)). One row per battle (the two partner battles and, for
    comparison, all other scenes pooled as ``其他战争``) and share.
    """
    shares = _share_grid(partner_shares)
    t = scene_totals(scenes, scene_daily)
    t["group"] = np.where(t["battle"].isin(PARTNER_BATTLES), t["battle"], "其他战争")
    g = t.groupby("group")[["incremental_margin_yuan", "cost_yuan"]].sum()
    rows = []
    for grp, r in g.iterrows():
        for s in shares:
            cost = float(r["cost_yuan"]) * (1.0 - s)
            rows.append({"battle": grp, "partner_share": float(s),
                         "chain_cost_yuan": cost,
                         "margin_per_yuan": float(r["incremental_margin_yuan"]) / cost if cost > 0 else np.nan})
    return pd.DataFrame(rows)


def break_even_share(margin_per_yuan: float) -> float:
    """The partner's share of the cost at which the chain's margin per yuan reaches 1 (0 when it already does).

    >>> round(break_even_share(0.8), 3), break_even_share(1.5)
    (0.2, 0.0)
    """
    if isinstance(margin_per_yuan, bool) or not isinstance(margin_per_yuan, (int, float, np.floating)) \
            or not np.isfinite(margin_per_yuan) or margin_per_yuan <= 0:
        raise DataError(f"每元毛利应是大于 0 的数字,收到的是 {margin_per_yuan!r}。",
                        f"Margin per yuan must be a number above 0; got {margin_per_yuan!r}.")
    return float(max(0.0, 1.0 - float(margin_per_yuan)))


def cost_sharing_figure(table: pd.DataFrame, lang: str = "zh") -> go.Figure:
    """Lines of :func:`cost_sharing`, with the break-even line at 1 yuan of margin per yuan."""
    require(table, ["battle", "partner_share", "margin_per_yuan"], "cost sharing")

    fig = go.Figure()
    colours = {"附近异业": "#d68910", "异业联盟采购": "#7d3c98", "其他战争": "#98a2b3"}
    for battle, d in table.groupby("battle", sort=False):
        name = label(battle, lang) if battle != "其他战争" else ("other battles" if lang == "en" else battle)
        fig.add_trace(go.Scatter(x=d["partner_share"], y=d["margin_per_yuan"], mode="lines+markers", name=name,
                                 line={"color": colours.get(battle, "#2e90fa"),
                                       "dash": "dot" if battle == "其他战争" else None}))
    fig.add_hline(y=1.0, line_dash="dash", line_color="#101828",
                  annotation_text="break-even" if lang == "en" else "回本线:每花1元赚回1元毛利")
    fig.update_layout(
        title=("The chain's margin per yuan when the partner pays part of the cost (synthetic data)" if lang == "en"
               else "伙伴分担一部分成本后,连锁每花1元带回的增量毛利(合成数据)"),
        xaxis={"title": "partner's share of the cost" if lang == "en" else "伙伴分担的成本比例", "tickformat": ".0%"},
        yaxis_title="margin per yuan" if lang == "en" else "每元增量毛利", height=420)
    return fig
