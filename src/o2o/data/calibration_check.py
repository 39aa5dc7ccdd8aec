"""Compute the calibration figures of a dataset, to compare with :data:`calibration.TARGETS`."""

from __future__ import annotations

import pandas as pd

from .calibration import TARGETS


def calibration_figures(ds) -> dict[str, float]:
    """The value of every calibration target measured on ``ds``."""
    stores, daily, tx, scenes = ds.stores, ds.daily_sales, ds.transactions, ds.scenes
    panel = daily[daily["store_id"].isin(stores.loc[stores["in_panel"], "store_id"])]
    dec = tx[tx["ts"].dt.month == 12]
    return {
        "n_stores": float(len(stores)),
        "dongguan_share": float((stores["city"] == "东莞").mean()),
        "direct_share": float((stores["ownership"] == "直营").mean()),
        "daily_sales_per_store": float(daily["sales_yuan"].mean()),
        "ticket_size": float(daily["sales_yuan"].sum() / daily["tickets"].sum()),
        "gross_margin_rate": float(daily["gross_margin_yuan"].sum() / daily["sales_yuan"].sum()),
        "member_ticket_share": float(panel["member_tickets"].sum() / panel["tickets"].sum()),
        "cash_share": float((tx["payment_method"] == "现金").mean()),
        "mobile_share_dec": float(dec["payment_method"].isin(["微信支付", "支付宝"]).mean()),
        "squad_scene_share": float((scenes["initiator"] == "一线小分队").mean()),
    }


def calibration_table(ds) -> pd.DataFrame:
    """Targets with their measured value and whether it lies in the documented range."""
    fig = calibration_figures(ds)
    rows = [{"key": t.key, "指标": t.zh, "figure": t.en, "unit": t.unit, "value": fig[t.key], "low": t.low,
             "high": t.high, "ok": t.low <= fig[t.key] <= t.high, "source": t.source} for t in TARGETS]
    return pd.DataFrame(rows)
