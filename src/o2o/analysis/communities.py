"""Fan communities and the store's business (lesson 06): do stores with more engaged fans sell more?"""

from __future__ import annotations

import pandas as pd

from ._frames import require

TIERS = ["沉睡粉", "普通粉", "活跃粉", "铁杆粉"]
ENGAGED = ("活跃粉", "铁杆粉")


def chain_fans_by_month(store_fans_monthly: pd.DataFrame) -> pd.DataFrame:
    """Fans of the whole chain per month and tier (long table, tiers ordered low to high)."""
    require(store_fans_monthly, ["month", "tier", "fans"], "store_fans_monthly")
    g = store_fans_monthly.groupby(["month", "tier"], observed=True)["fans"].sum().reset_index()
    g["tier"] = pd.Categorical(g["tier"], categories=TIERS, ordered=True)
    return g.sort_values(["month", "tier"], ignore_index=True)


def fans_vs_sales(store_fans_monthly: pd.DataFrame, daily_sales: pd.DataFrame, month: str | None = None
                  ) -> pd.DataFrame:
    """Per store: fans and engaged fans (active + core) at ``month`` (default: the last), and sales per open day.

    >>> f = pd.DataFrame({"store_id": [1, 1, 2], "month": pd.to_datetime(["2015-12-01"] * 3),
    ...                   "tier": ["活跃粉", "沉睡粉", "铁杆粉"], "fans": [10, 5, 3]})
    >>> d = pd.DataFrame({"store_id": [1, 2], "date": pd.to_datetime(["2015-12-01"] * 2), "sales_yuan": [800.0, 500.0]})
    >>> fans_vs_sales(f, d)[["store_id", "fans", "engaged_fans", "sales_per_day"]].values.tolist()
    [[1.0, 15.0, 10.0, 800.0], [2.0, 3.0, 3.0, 500.0]]
    """
    require(store_fans_monthly, ["store_id", "month", "tier", "fans"], "store_fans_monthly")
    require(daily_sales, ["store_id", "date", "sales_yuan"], "daily_sales")
    months = pd.to_datetime(store_fans_monthly["month"])
    at = months.max() if month is None else pd.Timestamp(month)
    f = store_fans_monthly[months == at]
    fans = f.groupby("store_id")["fans"].sum().rename("fans")
    engaged = f[f["tier"].isin(ENGAGED)].groupby("store_id")["fans"].sum().rename("engaged_fans")
    d = daily_sales[daily_sales["sales_yuan"] > 0]
    sales = d.groupby("store_id")["sales_yuan"].mean().rename("sales_per_day")
    out = pd.concat([fans, engaged, sales], axis=1).fillna(0.0).reset_index()
    out = out.rename(columns={"index": "store_id"})
    out["engaged_share"] = (out["engaged_fans"] / out["fans"].where(out["fans"] > 0)).fillna(0.0)
    return out.astype({"fans": "float64", "engaged_fans": "float64"})


def sales_by_fan_quartile(per_store: pd.DataFrame, column: str = "engaged_fans") -> pd.DataFrame:
    """Stores in four equal groups by ``column`` (Q1 fewest … Q4 most) with their mean sales per day."""
    require(per_store, ["store_id", column, "sales_per_day"], "per-store fans")
    q = pd.qcut(per_store[column].rank(method="first"), 4, labels=["Q1 最少", "Q2", "Q3", "Q4 最多"])
    g = per_store.groupby(q, observed=True).agg(stores=("store_id", "count"), mean_fans=(column, "mean"),
                                                sales_per_day=("sales_per_day", "mean"))
    return g.rename_axis("quartile").reset_index()
