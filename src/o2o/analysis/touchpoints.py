"""A touchpoint inventory of the chain (lesson 08): how many contacts each touchpoint made in 2015."""

from __future__ import annotations

import pandas as pd

from ._frames import require

MOBILE = ("微信支付", "支付宝")


def inventory(daily_sales: pd.DataFrame, scene_totals: pd.DataFrame, transactions: pd.DataFrame | None = None
              ) -> pd.DataFrame:
    """One row per touchpoint: Chinese and English name, number of contacts, and the scope it was counted over.

    ``scene_totals`` comes from :func:`o2o.analysis.scene_outcomes.scene_totals`.

    >>> d = pd.DataFrame({"tickets": [100, 50], "member_tickets": [20, 10], "new_members": [2, 1]})
    >>> s = pd.DataFrame({"reach_broadcast": [1000], "reach_p2p": [300], "shares": [40], "visits": [90]})
    >>> inventory(d, s).set_index("touchpoint")["contacts"].to_dict()["store tickets"]
    150
    """
    require(daily_sales, ["tickets", "member_tickets", "new_members"], "daily_sales")
    require(scene_totals, ["reach_broadcast", "reach_p2p", "shares", "visits"], "scene totals")
    rows = [
        ("门店小票", "store tickets", int(daily_sales["tickets"].sum()), "全部门店 / all stores"),
        ("会员小票", "member tickets", int(daily_sales["member_tickets"].sum()), "全部门店 / all stores"),
        ("新入会会员", "new members", int(daily_sales["new_members"].sum()), "全部门店 / all stores"),
        ("广告触达(点对面)", "ad reach (point to surface)", int(scene_totals["reach_broadcast"].sum()),
         "历史场景 / historical scenes"),
        ("朋友圈与店内触达(点对点)", "moments & in-store reach (point to point)", int(scene_totals["reach_p2p"].sum()),
         "历史场景 / historical scenes"),
        ("场景转发", "scene shares", int(scene_totals["shares"].sum()), "历史场景 / historical scenes"),
        ("场景带来的到店", "store visits from scenes", int(scene_totals["visits"].sum()), "历史场景 / historical scenes"),
    ]
    if transactions is not None:
        require(transactions, ["payment_method"], "transactions")
        rows.append(("移动支付交易", "mobile-payment tickets", int(transactions["payment_method"].isin(MOBILE).sum()),
                     "明细门店 / panel stores"))
    return pd.DataFrame(rows, columns=["触点", "touchpoint", "contacts", "范围 / scope"])
