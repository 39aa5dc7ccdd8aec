"""The shift in payment, 2015 (lesson 09): cash against WeChat Pay and Alipay."""

from __future__ import annotations

import pandas as pd

from ..i18n import label
from ._frames import month_start, require

METHODS = ["现金", "微信支付", "支付宝", "银行卡"]


def monthly_mix(transactions: pd.DataFrame) -> pd.DataFrame:
    """Month × payment method: number and share of transactions (long table).

    >>> t = pd.DataFrame({"ts": pd.to_datetime(["2015-01-01", "2015-01-02", "2015-02-01"]),
    ...                   "payment_method": ["现金", "微信支付", "支付宝"]})
    >>> monthly_mix(t).query("payment_method == '现金'")["share"].tolist()
    [0.5, 0.0]
    """
    require(transactions, ["ts", "payment_method"], "transactions")
    t = pd.DataFrame({"month": month_start(transactions["ts"]), "payment_method": transactions["payment_method"]})
    counts = t.groupby(["month", "payment_method"], observed=True).size().unstack(fill_value=0)
    counts = counts.reindex(columns=[m for m in METHODS if m in counts.columns] +
                            [m for m in counts.columns if m not in METHODS], fill_value=0)
    shares = counts.div(counts.sum(axis=1), axis=0)
    out = shares.stack().rename("share").reset_index()
    out["transactions"] = counts.stack().to_numpy()
    out["method_en"] = out["payment_method"].map(lambda v: label(v, "en"))
    return out


def method_profile(transactions: pd.DataFrame) -> pd.DataFrame:
    """Per payment method: share of transactions, average ticket, items per ticket and member share."""
    require(transactions, ["payment_method", "amount_yuan", "n_items", "member_id"], "transactions")
    t = pd.DataFrame({"payment_method": transactions["payment_method"], "amount": transactions["amount_yuan"],
                      "items": transactions["n_items"], "member": transactions["member_id"].notna()})
    g = t.groupby("payment_method", observed=True).agg(
        transactions=("amount", "size"), avg_ticket_yuan=("amount", "mean"), avg_items=("items", "mean"),
        member_share=("member", "mean")).reset_index()
    g["share"] = g["transactions"] / g["transactions"].sum()
    g["method_en"] = g["payment_method"].map(lambda v: label(v, "en"))
    return g.sort_values("transactions", ascending=False, ignore_index=True)


def mobile_share_change(transactions: pd.DataFrame) -> dict[str, float]:
    """Mobile (WeChat Pay + Alipay) share of transactions in the first and the last month, and the change in points."""
    mix = monthly_mix(transactions)
    mobile = mix[mix["payment_method"].isin(["微信支付", "支付宝"])].groupby("month")["share"].sum().sort_index()
    first, last = float(mobile.iloc[0]), float(mobile.iloc[-1])
    return {"first_month": first, "last_month": last, "change_points": (last - first) * 100}
