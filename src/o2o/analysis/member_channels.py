"""Where members come from and how active they become (lesson 10)."""

from __future__ import annotations

import pandas as pd

from ..i18n import label
from ._frames import month_start, require

TIERS = ["沉睡粉", "普通粉", "活跃粉", "铁杆粉"]


def joins_by_month(members: pd.DataFrame) -> pd.DataFrame:
    """Month × join channel: new members (long table)."""
    require(members, ["member_id", "join_date", "join_channel"], "members")
    m = pd.DataFrame({"month": month_start(members["join_date"]), "join_channel": members["join_channel"]})
    g = m.groupby(["month", "join_channel"], observed=True).size().rename("new_members").reset_index()
    g["channel_en"] = g["join_channel"].map(lambda v: label(v, "en"))
    return g


def channel_quality(members: pd.DataFrame, member_tiers: pd.DataFrame, month: str | None = None) -> pd.DataFrame:
    """Per join channel: members and the share of them in each tier at ``month`` (default: the last month).

    ``engaged_share`` is the share of active + core fans.

    >>> m = pd.DataFrame({"member_id": [1, 2, 3], "join_date": pd.to_datetime(["2015-01-01"] * 3),
    ...                   "join_channel": ["好友分享", "好友分享", "门店二维码"]})
    >>> t = pd.DataFrame({"member_id": [1, 2, 3], "month": pd.to_datetime(["2015-12-01"] * 3),
    ...                   "tier": ["铁杆粉", "沉睡粉", "活跃粉"]})
    >>> channel_quality(m, t).set_index("join_channel")["engaged_share"].to_dict()
    {'门店二维码': 1.0, '好友分享': 0.5}
    """
    require(members, ["member_id", "join_channel"], "members")
    require(member_tiers, ["member_id", "month", "tier"], "member_tiers")
    months = pd.to_datetime(member_tiers["month"])
    at = months.max() if month is None else pd.Timestamp(month)
    tiers = member_tiers.loc[months == at, ["member_id", "tier"]]
    m = members[["member_id", "join_channel"]].merge(tiers, on="member_id", how="inner")
    counts = m.groupby(["join_channel", "tier"], observed=True).size().unstack(fill_value=0)
    counts = counts.reindex(columns=TIERS, fill_value=0)
    shares = counts.div(counts.sum(axis=1), axis=0)
    out = shares.add_prefix("share_").reset_index()
    out.insert(1, "members", counts.sum(axis=1).to_numpy())
    out["engaged_share"] = out["share_活跃粉"] + out["share_铁杆粉"]
    out["channel_en"] = out["join_channel"].map(lambda v: label(v, "en"))
    return out.sort_values("engaged_share", ascending=False, ignore_index=True)
