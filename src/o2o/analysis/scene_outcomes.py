"""What each historical scene achieved, and comparisons between kinds of scenes (lessons 02, 05, 08).

``scene_totals`` adds up the day-by-day log of every scene; ``compare_by`` pools the totals by
any attribute (initiator, channel mode, scene type …) so that rates are ratios of sums, not
averages of ratios.
"""

from __future__ import annotations

import pandas as pd

from ._frames import require, safe_ratio

#: Channel modes: ads only is "point to surface"; moments / in-store only is "point to point".
BROADCAST, P2P, MIXED = "点对面", "点对点", "混合"
_COUNTS = ["reach_broadcast", "reach_p2p", "shares", "visits", "conversions", "redemptions",
           "incremental_sales_yuan", "incremental_margin_yuan", "new_members", "tier_upgrades", "cost_yuan"]
_ATTRS = ["scene_id", "scene_name", "scene_type", "battle", "initiator", "channels", "personalization",
          "incentive_type", "idea_date", "launch_date", "end_date", "budget_yuan"]


def channel_mode(channels: str) -> str:
    """``"点对面"`` for ads only, ``"点对点"`` for WeChat moments / in-store only, ``"混合"`` for both.

    >>> channel_mode("广告"), channel_mode("朋友圈|店内"), channel_mode("广告|店内")
    ('点对面', '点对点', '混合')
    """
    parts = {p.strip() for p in str(channels).split("|") if p.strip()}
    if not parts:
        return "未知"
    has_ads = "广告" in parts
    if has_ads and len(parts) == 1:
        return BROADCAST
    if not has_ads:
        return P2P
    return MIXED


def scene_totals(scenes: pd.DataFrame, scene_daily: pd.DataFrame) -> pd.DataFrame:
    """One row per scene: its attributes, its summed daily log and the derived rates.

    Derived columns: ``reach`` (broadcast + point to point), ``p2p_share``, ``conversion_rate``
    (conversions per person reached), ``share_rate`` (shares per person reached),
    ``margin_per_yuan`` (incremental margin per yuan spent), ``lead_days`` (idea to launch),
    ``duration_days`` (launch to end, inclusive) and ``mode`` (see :func:`channel_mode`).
    """
    require(scenes, _ATTRS, "scenes")
    require(scene_daily, ["scene_id", *_COUNTS], "scene_daily")
    sums = scene_daily.groupby("scene_id")[_COUNTS].sum()
    out = scenes[_ATTRS].merge(sums, left_on="scene_id", right_index=True, how="left")
    out[_COUNTS] = out[_COUNTS].fillna(0)
    out["reach"] = out["reach_broadcast"] + out["reach_p2p"]
    out["p2p_share"] = safe_ratio(out["reach_p2p"], out["reach"])
    out["conversion_rate"] = safe_ratio(out["conversions"], out["reach"])
    out["share_rate"] = safe_ratio(out["shares"], out["reach"])
    out["margin_per_yuan"] = safe_ratio(out["incremental_margin_yuan"], out["cost_yuan"])
    launch, idea, end = (pd.to_datetime(out[c]) for c in ("launch_date", "idea_date", "end_date"))
    out["lead_days"] = (launch - idea).dt.days
    out["duration_days"] = (end - launch).dt.days + 1
    out["mode"] = out["channels"].map(channel_mode)
    return out


def compare_by(totals: pd.DataFrame, by: str | list[str]) -> pd.DataFrame:
    """Pool scene totals by ``by``: scene count, reach, pooled rates and median speed.

    >>> t = pd.DataFrame({"initiator": ["总部市场部", "一线小分队"], "scene_id": [1, 2], "reach": [1000, 100],
    ...     "reach_p2p": [0, 100], "conversions": [10, 8], "shares": [5, 20], "visits": [50, 30],
    ...     "incremental_margin_yuan": [100.0, 90.0], "cost_yuan": [200.0, 60.0], "new_members": [3, 5],
    ...     "lead_days": [30, 2], "duration_days": [14, 3]})
    >>> compare_by(t, "initiator").set_index("initiator")["conversion_rate"].to_dict()
    {'一线小分队': 0.08, '总部市场部': 0.01}
    """
    need = ["scene_id", "reach", "reach_p2p", "conversions", "shares", "visits", "incremental_margin_yuan",
            "cost_yuan", "new_members", "lead_days", "duration_days"]
    keys = [by] if isinstance(by, str) else list(by)
    require(totals, [*keys, *need], "scene totals")
    g = totals.groupby(keys, observed=True)
    out = g.agg(scenes=("scene_id", "count"), reach=("reach", "sum"), reach_p2p=("reach_p2p", "sum"),
                visits=("visits", "sum"), conversions=("conversions", "sum"), shares=("shares", "sum"),
                incremental_margin_yuan=("incremental_margin_yuan", "sum"), cost_yuan=("cost_yuan", "sum"),
                new_members=("new_members", "sum"), median_lead_days=("lead_days", "median"),
                median_duration_days=("duration_days", "median")).reset_index()
    out["reach_per_scene"] = safe_ratio(out["reach"], out["scenes"])
    out["p2p_share"] = safe_ratio(out["reach_p2p"], out["reach"])
    out["visit_rate"] = safe_ratio(out["visits"], out["reach"])
    out["conversion_rate"] = safe_ratio(out["conversions"], out["reach"])
    out["share_rate"] = safe_ratio(out["shares"], out["reach"])
    out["margin_per_yuan"] = safe_ratio(out["incremental_margin_yuan"], out["cost_yuan"])
    return out


def funnel(totals: pd.DataFrame, by: str = "initiator") -> pd.DataFrame:
    """Long table of the touchpoint funnel — reach, visits, conversions, redemptions — per group.

    Columns: ``by``, ``stage`` (Chinese), ``stage_en``, ``people`` and ``rate_of_reach``.
    """
    require(totals, [by, "reach", "visits", "conversions", "redemptions"], "scene totals")
    stages = [("reach", "触达", "reached"), ("visits", "到店", "visited"),
              ("conversions", "购买", "bought"), ("redemptions", "核销优惠", "redeemed")]
    g = totals.groupby(by, observed=True)[[s[0] for s in stages]].sum()
    rows = []
    for key, r in g.iterrows():
        for col, zh, en in stages:
            rows.append((key, zh, en, float(r[col]), float(r[col] / r["reach"]) if r["reach"] else 0.0))
    return pd.DataFrame(rows, columns=[by, "stage", "stage_en", "people", "rate_of_reach"])
