"""The store network and trade areas (lesson 07)."""

from __future__ import annotations

import pandas as pd

from ..errors import DataError
from ..i18n import label
from ._frames import require


def sales_by_format(stores: pd.DataFrame, daily_sales: pd.DataFrame) -> pd.DataFrame:
    """Per store format and ownership: number of stores and average sales per open store-day.

    >>> s = pd.DataFrame({"store_id": [1, 2], "format": ["社区", "学校"], "ownership": ["直营", "直营"]})
    >>> d = pd.DataFrame({"store_id": [1, 2, 2], "sales_yuan": [900.0, 400.0, 0.0]})
    >>> sales_by_format(s, d)[["format", "sales_per_store_day"]].values.tolist()
    [['社区', 900.0], ['学校', 400.0]]
    """
    require(stores, ["store_id", "format", "ownership"], "stores")
    require(daily_sales, ["store_id", "sales_yuan"], "daily_sales")
    per_store = daily_sales[daily_sales["sales_yuan"] > 0].groupby("store_id")["sales_yuan"].mean()
    s = stores[["store_id", "format", "ownership"]].merge(per_store.rename("sales_per_day"), left_on="store_id",
                                                          right_index=True, how="inner")
    g = s.groupby(["format", "ownership"], observed=True).agg(
        stores=("store_id", "count"), sales_per_store_day=("sales_per_day", "mean")).reset_index()
    g["format_en"] = g["format"].map(lambda v: label(v, "en"))
    return g.sort_values("sales_per_store_day", ascending=False, ignore_index=True)


def format_mix(stores: pd.DataFrame, city: str | None = None) -> pd.DataFrame:
    """Share of each store format, for the chain or one city."""
    require(stores, ["store_id", "city", "format"], "stores")
    s = stores if city is None else stores[stores["city"] == city]
    if city is not None and s.empty:
        raise DataError(f"没有城市“{city}”的门店;请检查城市名。", f"No stores in the city '{city}'; check the name.")
    g = s.groupby("format", observed=True)["store_id"].count().rename("stores").reset_index()
    g["share"] = g["stores"] / g["stores"].sum()
    return g.sort_values("stores", ascending=False, ignore_index=True)


def map_points(stores: pd.DataFrame, daily_sales: pd.DataFrame | None = None) -> pd.DataFrame:
    """Columns a store map needs (id, name, city, format, ownership, pilot group, lat, lon[, sales per day])."""
    cols = ["store_id", "store_name", "city", "format", "ownership", "pilot_group", "lat", "lon"]
    require(stores, cols, "stores")
    out = stores[cols].copy()
    if daily_sales is not None:
        require(daily_sales, ["store_id", "sales_yuan"], "daily_sales")
        per = daily_sales[daily_sales["sales_yuan"] > 0].groupby("store_id")["sales_yuan"].mean()
        out = out.merge(per.rename("sales_per_day"), left_on="store_id", right_index=True, how="left")
    return out
