"""Categories and margin (lesson 11): which categories bring customers in, which earn the money."""

from __future__ import annotations

import pandas as pd

from ..i18n import label
from ._frames import require


def category_matrix(transaction_items: pd.DataFrame, products: pd.DataFrame) -> pd.DataFrame:
    """Per category: sales, gross margin, margin rate, share of sales and penetration.

    Penetration is the share of all transactions that contain the category.

    >>> items = pd.DataFrame({"tx_id": [1, 1, 2], "sku_id": [10, 20, 10], "qty": [1, 2, 1],
    ...                       "line_amount_yuan": [5.0, 10.0, 5.0]})
    >>> prods = pd.DataFrame({"sku_id": [10, 20], "category": ["饮料", "零食"], "unit_cost_yuan": [3.0, 2.0]})
    >>> category_matrix(items, prods).set_index("category")[["margin_rate", "penetration"]].to_dict("index")
    {'零食': {'margin_rate': 0.6, 'penetration': 0.5}, '饮料': {'margin_rate': 0.4, 'penetration': 1.0}}
    """
    require(transaction_items, ["tx_id", "sku_id", "qty", "line_amount_yuan"], "transaction_items")
    require(products, ["sku_id", "category", "unit_cost_yuan"], "products")
    it = transaction_items[["tx_id", "sku_id", "qty", "line_amount_yuan"]].merge(
        products[["sku_id", "category", "unit_cost_yuan"]], on="sku_id", how="left")
    it["margin"] = it["line_amount_yuan"] - it["qty"] * it["unit_cost_yuan"]
    n_tx = it["tx_id"].nunique()
    g = it.groupby("category", observed=True).agg(sales_yuan=("line_amount_yuan", "sum"),
                                                  margin_yuan=("margin", "sum"),
                                                  transactions=("tx_id", "nunique")).reset_index()
    g["margin_rate"] = g["margin_yuan"] / g["sales_yuan"]
    g["sales_share"] = g["sales_yuan"] / g["sales_yuan"].sum()
    g["margin_share"] = g["margin_yuan"] / g["margin_yuan"].sum()
    g["penetration"] = g["transactions"] / n_tx if n_tx else 0.0
    g["category_en"] = g["category"].map(lambda v: label(v, "en"))
    return g.sort_values("sales_yuan", ascending=False, ignore_index=True)


def category_roles(matrix: pd.DataFrame) -> pd.DataFrame:
    """Label each category against the medians (above = high): 引流品 (high penetration, low margin rate),
    利润品 (high margin rate), 明星品 (both), 补充品 (neither)."""
    require(matrix, ["category", "penetration", "margin_rate"], "category matrix")
    pen_hi = matrix["penetration"] > matrix["penetration"].median()
    mar_hi = matrix["margin_rate"] > matrix["margin_rate"].median()
    role = pd.Series("补充品", index=matrix.index)
    role[pen_hi & ~mar_hi] = "引流品"
    role[~pen_hi & mar_hi] = "利润品"
    role[pen_hi & mar_hi] = "明星品"
    out = matrix.assign(role=role)
    out["role_en"] = out["role"].map({"引流品": "traffic builder", "利润品": "profit maker",
                                      "明星品": "star", "补充品": "filler"})
    return out
