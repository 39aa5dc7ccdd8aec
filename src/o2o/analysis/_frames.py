"""Small helpers shared by the lesson analysis modules."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from ..errors import DataError


def require(df: pd.DataFrame, columns: Iterable[str], table: str) -> None:
    """Raise a bilingual :class:`DataError` when ``df`` lacks any of ``columns``."""
    if not isinstance(df, pd.DataFrame):
        raise DataError(f"需要一张数据表(DataFrame):{table}。", f"A table (DataFrame) is needed: {table}.")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataError(f"数据表 {table} 缺少列:{', '.join(missing)}。",
                        f"Table {table} lacks the columns: {', '.join(missing)}.")


def month_start(dates: pd.Series) -> pd.Series:
    """First day of the month of each date, as datetime64."""
    return pd.to_datetime(dates).dt.to_period("M").dt.to_timestamp()


def safe_ratio(num, den):
    """num / den with 0 where den is 0."""
    den = pd.Series(den, dtype="float64") if not isinstance(den, pd.Series) else den.astype("float64")
    num = pd.Series(num, dtype="float64") if not isinstance(num, pd.Series) else num.astype("float64")
    out = num / den.where(den != 0)
    return out.fillna(0.0)


#: labels used across the module-6 lessons
TIERS = ("沉睡粉", "普通粉", "活跃粉", "铁杆粉")
ENGAGED = ("活跃粉", "铁杆粉")
SQUAD, HQ = "一线小分队", "总部市场部"
PILOT, CONTROL, NONE = "试点", "对照", "无"
DIRECT = "直营"


def as_dates(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s)


def as_timestamp(value: Any, what: str) -> pd.Timestamp:
    """``value`` as a timestamp, or a bilingual :class:`DataError` naming ``what``."""
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        ts = pd.NaT
    if ts is pd.NaT or pd.isna(ts):
        raise DataError(f"{what}应是一个日期,例如 \"2015-01-01\",收到的是 {value!r}。",
                        f"{what} must be a date such as \"2015-01-01\"; got {value!r}.")
    return ts


def fans_wide(store_fans_monthly: pd.DataFrame) -> pd.DataFrame:
    """One row per store and month: fans per tier, all fans and engaged fans."""
    require(store_fans_monthly, ["store_id", "month", "tier", "fans"], "store_fans_monthly")
    w = store_fans_monthly.pivot_table(index=["store_id", "month"], columns="tier", values="fans", aggfunc="sum")
    w = w.reindex(columns=list(TIERS), fill_value=0).fillna(0)
    w["fans"] = w[list(TIERS)].sum(axis=1)
    w["engaged"] = w[list(ENGAGED)].sum(axis=1)
    return w.reset_index()
