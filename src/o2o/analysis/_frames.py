"""Small helpers shared by the lesson analysis modules."""

from __future__ import annotations

from collections.abc import Iterable

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
