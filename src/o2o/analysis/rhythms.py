"""Rhythms of time in a convenience chain: season, weekday and hour of day (lessons 04, 12)."""

from __future__ import annotations

import pandas as pd

from ._frames import month_start, require

WEEKDAYS_ZH = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
WEEKDAYS_EN = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def _open_days(daily_sales: pd.DataFrame) -> pd.DataFrame:
    """Store-days with sales (a store not yet open has none)."""
    return daily_sales[daily_sales["sales_yuan"] > 0]


def monthly_sales(daily_sales: pd.DataFrame) -> pd.DataFrame:
    """Per month: total sales and the average sales per open store-day.

    >>> d = pd.DataFrame({"store_id": [1, 2, 1], "date": pd.to_datetime(["2015-01-01", "2015-01-01", "2015-02-01"]),
    ...                   "sales_yuan": [100.0, 300.0, 50.0]})
    >>> monthly_sales(d)["sales_per_store_day"].tolist()
    [200.0, 50.0]
    """
    require(daily_sales, ["store_id", "date", "sales_yuan"], "daily_sales")
    d = _open_days(daily_sales)
    g = d.groupby(month_start(d["date"]))["sales_yuan"].agg(["sum", "mean"]).reset_index()
    g.columns = ["month", "sales_yuan", "sales_per_store_day"]
    return g


def weekday_index(daily_sales: pd.DataFrame, stores: pd.DataFrame | None = None, by: str | None = None) -> pd.DataFrame:
    """Average sales per store-day on each weekday, as an index (1.0 = that group's average day).

    With ``stores`` and ``by`` (e.g. ``"format"``) there is one profile per group.

    >>> d = pd.DataFrame({"store_id": [1] * 7, "date": pd.date_range("2015-01-05", periods=7),
    ...                   "sales_yuan": [100.0] * 5 + [200.0, 200.0]})
    >>> weekday_index(d)["index"].round(3).tolist()[-2:]
    [1.556, 1.556]
    """
    require(daily_sales, ["store_id", "date", "sales_yuan"], "daily_sales")
    d = _open_days(daily_sales)
    d = d.assign(weekday=pd.to_datetime(d["date"]).dt.day_of_week)
    keys = ["weekday"]
    if by is not None:
        if stores is None:
            raise ValueError("stores is needed when by is given")
        require(stores, ["store_id", by], "stores")
        d = d.merge(stores[["store_id", by]], on="store_id", how="left")
        keys = [by, "weekday"]
    g = d.groupby(keys, observed=True)["sales_yuan"].mean().rename("sales_per_store_day").reset_index()
    base = g.groupby(by, observed=True)["sales_per_store_day"].transform("mean") if by else g["sales_per_store_day"].mean()
    g["index"] = g["sales_per_store_day"] / base
    g["weekday_zh"] = g["weekday"].map(dict(enumerate(WEEKDAYS_ZH)))
    g["weekday_en"] = g["weekday"].map(dict(enumerate(WEEKDAYS_EN)))
    return g


def hourly_profile(transactions: pd.DataFrame, stores: pd.DataFrame | None = None, by: str | None = None
                   ) -> pd.DataFrame:
    """Share of a group's transactions in each hour of the day (shares sum to 1 per group).

    >>> t = pd.DataFrame({"store_id": [1, 1, 2, 2], "ts": pd.to_datetime(
    ...     ["2015-01-01 08:10", "2015-01-01 08:50", "2015-01-01 12:00", "2015-01-01 20:00"])})
    >>> s = pd.DataFrame({"store_id": [1, 2], "format": ["写字楼", "社区"]})
    >>> hourly_profile(t, s, "format").query("format == '写字楼'")[["hour", "share"]].values.tolist()
    [[8.0, 1.0]]
    """
    require(transactions, ["store_id", "ts"], "transactions")
    t = pd.DataFrame({"store_id": transactions["store_id"].to_numpy(),
                      "hour": pd.to_datetime(transactions["ts"]).dt.hour.to_numpy()})
    keys = ["hour"]
    if by is not None:
        if stores is None:
            raise ValueError("stores is needed when by is given")
        require(stores, ["store_id", by], "stores")
        t = t.merge(stores[["store_id", by]], on="store_id", how="left")
        keys = [by, "hour"]
    g = t.groupby(keys, observed=True).size().rename("transactions").reset_index()
    total = g.groupby(by, observed=True)["transactions"].transform("sum") if by else g["transactions"].sum()
    g["share"] = g["transactions"] / total
    return g


def peak_hour(profile: pd.DataFrame, by: str | None = None) -> pd.DataFrame | int:
    """The busiest hour of each group of an :func:`hourly_profile` (or of the whole profile)."""
    if by is None:
        return int(profile.loc[profile["share"].idxmax(), "hour"])
    idx = profile.groupby(by, observed=True)["share"].idxmax()
    return profile.loc[idx, [by, "hour", "share"]].reset_index(drop=True)
