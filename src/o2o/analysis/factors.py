"""Location and identity: two of the new marketing factors, seen in the data (lesson 04).

Location: the same hour means different customers in different trade areas (store formats).
Identity: a customer who is known (a member) buys differently from an anonymous one.
"""

from __future__ import annotations

import pandas as pd

from ._frames import require
from .rhythms import hourly_profile


def location_heatmap(transactions: pd.DataFrame, stores: pd.DataFrame) -> pd.DataFrame:
    """Store format × hour of day: share of that format's transactions (rows sum to 1)."""
    prof = hourly_profile(transactions, stores, by="format")
    return prof.pivot_table(index="format", columns="hour", values="share", fill_value=0.0, observed=True)


def member_vs_guest(transactions: pd.DataFrame) -> pd.DataFrame:
    """Members against anonymous customers: transactions, average ticket, items and mobile-payment share.

    >>> t = pd.DataFrame({"member_id": pd.array([1, None], dtype="Int64"), "amount_yuan": [30.0, 10.0],
    ...                   "n_items": [3, 1], "payment_method": ["微信支付", "现金"]})
    >>> member_vs_guest(t)[["customer", "avg_ticket_yuan"]].values.tolist()
    [['会员', 30.0], ['非会员', 10.0]]
    """
    require(transactions, ["member_id", "amount_yuan", "n_items", "payment_method"], "transactions")
    t = pd.DataFrame({
        "customer": transactions["member_id"].notna().map({True: "会员", False: "非会员"}).to_numpy(),
        "amount": transactions["amount_yuan"].to_numpy(),
        "items": transactions["n_items"].to_numpy(),
        "mobile": transactions["payment_method"].isin(["微信支付", "支付宝"]).to_numpy(),
    })
    g = t.groupby("customer").agg(transactions=("amount", "size"), avg_ticket_yuan=("amount", "mean"),
                                  avg_items=("items", "mean"), mobile_share=("mobile", "mean")).reset_index()
    g["customer_en"] = g["customer"].map({"会员": "member", "非会员": "anonymous"})
    return g
