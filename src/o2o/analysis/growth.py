"""Lesson 31, 内生外延 (growing from within and outward): sales by store cohort, the growth bridge,
new stores' ramp-up, and fan growth by organisation group.

Every function takes the dataset's tables (or the loaded dataset ``ds`` where several are needed)
and returns a table or a plotly figure for the lesson to show.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..errors import DataError
from ._frames import (month_start, require, safe_ratio, as_dates as _dates, as_timestamp as _timestamp, CONTROL,
    DIRECT, PILOT, fans_wide as _fans_wide)

__all__ = ["EXISTING", "NEW", "store_cohorts", "sales_by_cohort", "growth_bridge", "bridge_figure", "ramp_up",
    "fans_by_cohort", "fan_growth_by_group"]

EXISTING, NEW = "存量门店", "新开门店"


def store_cohorts(stores: pd.DataFrame, since: Any = "2015-01-01") -> pd.Series:
    """``存量门店`` (opened before ``since``) or ``新开门店`` (opened on or after it), indexed by store_id."""
    require(stores, ["store_id", "open_date"], "stores")
    cut = _timestamp(since, "起始日期 since")
    new = _dates(stores["open_date"]) >= cut
    return pd.Series(np.where(new, NEW, EXISTING), index=stores["store_id"].to_numpy(), name="cohort")


def sales_by_cohort(stores: pd.DataFrame, daily_sales: pd.DataFrame, since: Any = "2015-01-01") -> pd.DataFrame:
    """Month × cohort: stores trading, sales and gross margin (yuan).

    Growth "from within" is what the stores that already existed add; growth "outward" is what the
    stores opened since ``since`` add.
    """
    require(daily_sales, ["store_id", "date", "sales_yuan", "gross_margin_yuan"], "daily_sales")
    cohort = store_cohorts(stores, since)
    month = pd.to_datetime(daily_sales["date"]).to_numpy().astype("datetime64[M]").astype(np.int64)
    sid = daily_sales["store_id"].to_numpy().astype(np.int64)
    key = month * 10_000_000 + sid                      # one integer per (month, store): a fast single-key group-by
    sums = pd.DataFrame({"sales_yuan": daily_sales["sales_yuan"].to_numpy(),
                         "gross_margin_yuan": daily_sales["gross_margin_yuan"].to_numpy()}).groupby(key).sum()
    keys = sums.index.to_numpy()
    per_store = sums.reset_index(drop=True)
    per_store["month"] = (keys // 10_000_000).astype("datetime64[M]").astype("datetime64[ns]")
    per_store["store_id"] = keys % 10_000_000
    per_store["cohort"] = per_store["store_id"].map(cohort)
    per_store = per_store.dropna(subset=["cohort"])
    out = per_store.groupby(["month", "cohort"], sort=True).agg(
        stores=("store_id", "size"), sales_yuan=("sales_yuan", "sum"),
        gross_margin_yuan=("gross_margin_yuan", "sum")).reset_index()
    full = pd.MultiIndex.from_product([sorted(out["month"].unique()), [EXISTING, NEW]], names=["month", "cohort"])
    out = out.set_index(["month", "cohort"]).reindex(full, fill_value=0).reset_index()
    total = out.groupby("month")["sales_yuan"].transform("sum")
    out["share_of_sales"] = safe_ratio(out["sales_yuan"], total)
    return out


def growth_bridge(by_cohort: pd.DataFrame, first: Any = None, last: Any = None) -> pd.DataFrame:
    """From the first month's sales to the last month's: the change of the existing stores and the new stores.

    Rows: first month's total, ``存量门店的变化`` (same stores, from within), ``新开门店的贡献`` (outward),
    last month's total. Columns ``step``, ``step_en``, ``yuan``, ``measure`` (for a plotly waterfall)
    and ``pct_of_first`` (the step as a share of the first month's sales).
    """
    require(by_cohort, ["month", "cohort", "sales_yuan"], "sales by cohort")
    wide = by_cohort.pivot_table(index="month", columns="cohort", values="sales_yuan", aggfunc="sum").fillna(0.0)
    wide = wide.reindex(columns=[EXISTING, NEW], fill_value=0.0)
    months = list(wide.index)
    if not months:
        raise DataError("没有销售数据,无法计算增长。", "No sales data: growth cannot be computed.")
    f = months[0] if first is None else month_start(pd.Series([_timestamp(first, "first")])).iloc[0]
    la = months[-1] if last is None else month_start(pd.Series([_timestamp(last, "last")])).iloc[0]
    for m, what in ((f, "first"), (la, "last")):
        if m not in wide.index:
            raise DataError(f"数据中没有 {m:%Y-%m} 这个月。", f"The data has no month {m:%Y-%m} ({what}).")
    a, b = wide.loc[f], wide.loc[la]
    start = float(a.sum())
    steps = [(f"{f:%Y年%m月}销售额", f"sales {f:%Y-%m}", start, "absolute"),
             ("存量门店的变化(内生)", "existing stores (from within)", float(b[EXISTING] - a[EXISTING]), "relative"),
             ("新开门店的贡献(外延)", "new stores (outward)", float(b[NEW] - a[NEW]), "relative"),
             (f"{la:%Y年%m月}销售额", f"sales {la:%Y-%m}", float(b.sum()), "total")]
    out = pd.DataFrame(steps, columns=["step", "step_en", "yuan", "measure"])
    out["pct_of_first"] = out["yuan"] / start if start else np.nan
    return out


def bridge_figure(bridge: pd.DataFrame, lang: str = "zh") -> go.Figure:
    """Waterfall of :func:`growth_bridge` (million yuan)."""
    require(bridge, ["step", "step_en", "yuan", "measure"], "growth bridge")
    x = bridge["step_en" if lang == "en" else "step"].tolist()
    y = (bridge["yuan"] / 1e6).tolist()
    y[-1] = 0.0 if bridge["measure"].iloc[-1] == "total" else y[-1]
    fig = go.Figure(go.Waterfall(x=x, y=y, measure=bridge["measure"].tolist(),
                                 text=[f"{v / 1e6:+.1f}" if m == "relative" else f"{v / 1e6:.1f}"
                                       for v, m in zip(bridge["yuan"], bridge["measure"])],
                                 textposition="outside", connector={"line": {"color": "#98a2b3"}},
                                 increasing={"marker": {"color": "#12b76a"}},
                                 decreasing={"marker": {"color": "#f04438"}},
                                 totals={"marker": {"color": "#2e90fa"}}))
    fig.update_layout(
        title=("From the first to the last month: within and outward (synthetic data)" if lang == "en"
               else "从年初到年末:销售增长来自哪里(合成数据)"),
        yaxis_title="million yuan" if lang == "en" else "百万元", showlegend=False, height=420)
    return fig


def ramp_up(stores: pd.DataFrame, daily_sales: pd.DataFrame, since: Any = "2015-01-01",
            mature_years: int = 1) -> pd.DataFrame:
    """How fast a new store grows up: its daily sales against mature stores of the same format on the same day.

    ``index`` = mean over new stores of (store's sales ÷ mean sales of mature same-format stores that
    day); 1.0 means "as good as a mature store". Mature stores opened at least ``mature_years``
    before ``since``. One row per whole month since opening (0 = the first 30 days).
    """
    require(stores, ["store_id", "open_date", "format"], "stores")
    require(daily_sales, ["store_id", "date", "sales_yuan"], "daily_sales")
    cut = _timestamp(since, "起始日期 since")
    opened = _dates(stores["open_date"])
    new = stores.loc[opened >= cut, ["store_id", "open_date", "format"]]
    mature = stores.loc[opened < cut - pd.DateOffset(years=int(mature_years)), ["store_id", "format"]]
    if new.empty or mature.empty:
        raise DataError("没有新开门店或成熟门店,无法比较成长速度。",
                        "No new or no mature stores: the ramp-up cannot be compared.")
    # one integer key per (format, day): a single-key group-by over the mature stores' rows
    fmt_code = pd.Series(pd.factorize(stores["format"])[0], index=stores["store_id"].to_numpy())
    sid = daily_sales["store_id"].to_numpy()
    day = _dates(daily_sales["date"]).to_numpy().astype("datetime64[D]").astype(np.int64)
    key = fmt_code.reindex(sid).to_numpy() * 1_000_000 + day
    is_mature = np.isin(sid, mature["store_id"].to_numpy())
    ref = pd.Series(daily_sales["sales_yuan"].to_numpy()[is_mature]).groupby(key[is_mature]).mean()
    is_new = np.isin(sid, new["store_id"].to_numpy())
    d = pd.DataFrame({"store_id": sid[is_new], "day": day[is_new],
                      "sales_yuan": daily_sales["sales_yuan"].to_numpy()[is_new],
                      "ref": ref.reindex(key[is_new]).to_numpy()}).dropna(subset=["ref"])
    opened_day = pd.Series(_dates(new["open_date"]).to_numpy().astype("datetime64[D]").astype(np.int64),
                           index=new["store_id"].to_numpy())
    d["months_open"] = ((d["day"] - opened_day.reindex(d["store_id"]).to_numpy()) // 30).astype("int64")
    d["rel"] = d["sales_yuan"] / d["ref"]
    per_store = d.groupby(["months_open", "store_id"])["rel"].mean().reset_index()
    g = per_store.groupby("months_open")["rel"]
    out = pd.DataFrame({"stores": g.size(), "index": g.mean(), "p25": g.quantile(0.25), "p75": g.quantile(0.75)})
    return out.reset_index()


def fans_by_cohort(stores: pd.DataFrame, store_fans_monthly: pd.DataFrame, since: Any = "2015-01-01") -> pd.DataFrame:
    """Month × cohort: fans at month end and engaged fans (活跃粉 + 铁杆粉)."""
    cohort = store_cohorts(stores, since)
    w = _fans_wide(store_fans_monthly)
    w["cohort"] = w["store_id"].map(cohort)
    out = w.groupby(["month", "cohort"], sort=True)[["fans", "engaged"]].sum().reset_index()
    out["engaged_share"] = safe_ratio(out["engaged"], out["fans"])
    return out


def _org_group(stores: pd.DataFrame) -> pd.Series:
    require(stores, ["store_id", "ownership", "pilot_group"], "stores")
    g = np.where(stores["ownership"] != DIRECT, "加盟",
                 np.where(stores["pilot_group"] == PILOT, "直营·试点",
                          np.where(stores["pilot_group"] == CONTROL, "直营·对照", "直营·其他")))
    return pd.Series(g, index=stores["store_id"].to_numpy(), name="group")


GROUP_ORDER = ("直营·试点", "直营·对照", "直营·其他", "加盟")


def fan_growth_by_group(stores: pd.DataFrame, store_fans_monthly: pd.DataFrame) -> pd.DataFrame:
    """Growth from within, per kind of store: fans per store in the first and last month, growth and engaged share.

    Only stores present in the first month (existing stores) are counted. Groups: 直营·试点,
    直营·对照, 直营·其他 and 加盟.
    """
    w = _fans_wide(store_fans_monthly)
    first, last = w["month"].min(), w["month"].max()
    a = w[w["month"] == first].set_index("store_id")
    b = w[w["month"] == last].set_index("store_id")
    both = a.index.intersection(b.index)
    grp = _org_group(stores)
    df = pd.DataFrame({"group": grp.reindex(both).to_numpy(), "fans_first": a.loc[both, "fans"].to_numpy(),
                       "fans_last": b.loc[both, "fans"].to_numpy(), "engaged_last": b.loc[both, "engaged"].to_numpy(),
                       "engaged_first": a.loc[both, "engaged"].to_numpy()})
    g = df.groupby("group")
    out = pd.DataFrame({"stores": g.size(), "fans_first_per_store": g["fans_first"].mean(),
                        "fans_last_per_store": g["fans_last"].mean()})
    out["growth"] = safe_ratio(g["fans_last"].sum(), g["fans_first"].sum()) - 1.0
    out["engaged_share_first"] = safe_ratio(g["engaged_first"].sum(), g["fans_first"].sum())
    out["engaged_share_last"] = safe_ratio(g["engaged_last"].sum(), g["fans_last"].sum())
    out = out.reindex([x for x in GROUP_ORDER if x in out.index])
    out.index.name = "group"
    return out
