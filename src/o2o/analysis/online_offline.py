"""How online identity meets the offline store, month by month (lesson 01).

A member ticket is a purchase in a physical store by a customer the chain knows online
(a WeChat member); a mobile payment is an online act at the till. Both are the data flow
between online and offline that the O2O idea rests on.
"""

from __future__ import annotations

import pandas as pd

from ._frames import month_start, require, safe_ratio

MOBILE = ("微信支付", "支付宝")


def monthly_member_share(daily_sales: pd.DataFrame) -> pd.DataFrame:
    """Per month: sales, tickets and the share of tickets by known members (all stores).

    >>> d = pd.DataFrame({"store_id": [1, 1], "date": pd.to_datetime(["2015-01-05", "2015-02-05"]),
    ...                   "sales_yuan": [100.0, 200.0], "tickets": [10, 20], "member_tickets": [1, 5]})
    >>> monthly_member_share(d)["member_ticket_share"].tolist()
    [0.1, 0.25]
    """
    require(daily_sales, ["date", "sales_yuan", "tickets", "member_tickets"], "daily_sales")
    d = daily_sales.assign(month=month_start(daily_sales["date"]))
    g = d.groupby("month")[["sales_yuan", "tickets", "member_tickets"]].sum().reset_index()
    g["member_ticket_share"] = safe_ratio(g["member_tickets"], g["tickets"])
    return g


def monthly_mobile_share(transactions: pd.DataFrame) -> pd.DataFrame:
    """Per month: the share of transactions paid by WeChat Pay or Alipay, and by members (panel stores).

    >>> t = pd.DataFrame({"ts": pd.to_datetime(["2015-01-01 09:00", "2015-01-02 10:00"]),
    ...                   "payment_method": ["现金", "微信支付"], "member_id": pd.array([None, 7], dtype="Int64")})
    >>> monthly_mobile_share(t)[["mobile_share", "member_share"]].values.tolist()
    [[0.5, 0.5]]
    """
    require(transactions, ["ts", "payment_method", "member_id"], "transactions")
    t = pd.DataFrame({
        "month": month_start(transactions["ts"]),
        "mobile": transactions["payment_method"].isin(MOBILE).to_numpy(),
        "member": transactions["member_id"].notna().to_numpy(),
    })
    g = t.groupby("month").agg(transactions=("mobile", "size"), mobile=("mobile", "sum"), member=("member", "sum"))
    g = g.reset_index()
    g["mobile_share"] = safe_ratio(g["mobile"], g["transactions"])
    g["member_share"] = safe_ratio(g["member"], g["transactions"])
    return g[["month", "transactions", "mobile_share", "member_share"]]
