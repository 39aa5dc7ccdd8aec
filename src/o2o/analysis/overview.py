"""The dataset at a glance: the handful of numbers a manager asks first (course home, lesson 03)."""

from __future__ import annotations

import pandas as pd

from ..i18n import label
from ._frames import require


def at_a_glance(stores: pd.DataFrame, daily_sales: pd.DataFrame, members: pd.DataFrame | None = None) -> pd.DataFrame:
    """Key figures of the chain in 2015: one row per figure, Chinese and English names, value and unit.

    >>> s = pd.DataFrame({"store_id": [1, 2], "city": ["东莞", "深圳"], "ownership": ["直营", "加盟"]})
    >>> d = pd.DataFrame({"store_id": [1, 2], "date": pd.to_datetime(["2015-01-01"] * 2),
    ...                   "sales_yuan": [5000.0, 3000.0], "gross_margin_yuan": [1000.0, 600.0],
    ...                   "tickets": [200, 100], "member_tickets": [50, 25]})
    >>> float(at_a_glance(s, d).set_index("指标")["数值"]["门店数"])
    2.0
    """
    require(stores, ["store_id", "city", "ownership"], "stores")
    require(daily_sales, ["store_id", "date", "sales_yuan", "gross_margin_yuan", "tickets", "member_tickets"],
            "daily_sales")
    sales = float(daily_sales["sales_yuan"].sum())
    margin = float(daily_sales["gross_margin_yuan"].sum())
    tickets = float(daily_sales["tickets"].sum())
    store_days = int((daily_sales["sales_yuan"] > 0).sum())
    rows = [
        ("门店数", "stores", float(len(stores)), "家 / stores"),
        ("城市数", "cities", float(stores["city"].nunique()), "个 / cities"),
        ("直营店占比", "direct-operated share", float((stores["ownership"] == "直营").mean() * 100), "% "),
        ("全年销售额", "sales in 2015", sales / 1e8, "亿元 / 100 m yuan"),
        ("毛利率", "gross margin rate", margin / sales * 100 if sales else 0.0, "%"),
        ("单店日均销售额", "sales per store-day", sales / store_days if store_days else 0.0, "元 / yuan"),
        ("客单价", "average ticket", sales / tickets if tickets else 0.0, "元 / yuan"),
        ("会员小票占比", "member share of tickets",
         float(daily_sales["member_tickets"].sum()) / tickets * 100 if tickets else 0.0, "%"),
    ]
    if members is not None:
        require(members, ["member_id"], "members")
        rows.append(("会员数(明细门店)", "members (panel stores)", float(len(members)), "人 / people"))
    out = pd.DataFrame(rows, columns=["指标", "indicator", "数值", "单位 / unit"])
    out["数值"] = out["数值"].round(2)
    return out


def stores_by_city(stores: pd.DataFrame) -> pd.DataFrame:
    """Stores per city, most first, with the direct-operated share and the English city name.

    >>> s = pd.DataFrame({"store_id": [1, 2, 3], "city": ["东莞", "东莞", "深圳"], "ownership": ["直营", "加盟", "加盟"]})
    >>> stores_by_city(s)[["city", "stores"]].values.tolist()
    [['东莞', 2], ['深圳', 1]]
    """
    require(stores, ["store_id", "city", "ownership"], "stores")
    g = stores.groupby("city", observed=True)
    out = pd.DataFrame({
        "stores": g["store_id"].count(),
        "direct_share": g["ownership"].apply(lambda s: float((s == "直营").mean())),
    }).reset_index()
    out["city_en"] = out["city"].map(lambda c: label(c, "en"))
    out["share"] = out["stores"] / out["stores"].sum()
    return out.sort_values(["stores", "city"], ascending=[False, True], ignore_index=True)[
        ["city", "city_en", "stores", "share", "direct_share"]]


def table_overview(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Rows and columns of each table, in the order given.

    >>> table_overview({"stores": pd.DataFrame({"a": [1, 2]})}).values.tolist()
    [['stores', 2, 1, 'a']]
    """
    rows = []
    for name, df in tables.items():
        cols = list(df.columns)
        shown = ", ".join(cols[:6]) + (" …" if len(cols) > 6 else "")
        rows.append((name, len(df), len(cols), shown))
    return pd.DataFrame(rows, columns=["table", "rows", "columns", "first columns"])
