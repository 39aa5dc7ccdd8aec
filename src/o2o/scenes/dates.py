"""Dates as people type them: ISO, 2015/7/9, 2015年7月9日 accepted; "07/09/2015" refused as ambiguous."""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from typing import Any

_ISO_LIKE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")
_DAY_MONTH_YEAR = re.compile(r"^\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{4})\s*$")


def ambiguous_date(value: Any) -> tuple[date, date] | None:
    """The two dates a text such as ``"07/09/2015"`` may mean (month first or day first), or ``None``."""
    m = _DAY_MONTH_YEAR.match(value) if isinstance(value, str) else None
    if not m:
        return None
    a, b, y = int(m[1]), int(m[2]), int(m[3])
    if a == b or a > 12 or b > 12:
        return None
    try:
        return date(y, a, b), date(y, b, a)
    except ValueError:
        return None


def _date_from_text(text: str) -> Any:
    """ISO-like (2015-07-09, 2015/7/9, 2015.7.9, 2015年7月9日) or day/month/year where only one
    reading is possible (13/07/2015); month names are left to pandas; anything else unchanged."""
    m = _ISO_LIKE.match(text)
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return text
    m = _DAY_MONTH_YEAR.match(text)
    if m:
        a, b, y = int(m[1]), int(m[2]), int(m[3])
        if ambiguous_date(text) is not None:
            return text  # refused by validate() with a sentence naming both readings
        try:
            return date(y, b, a) if a > 12 else date(y, a, b)
        except ValueError:
            return text
    if not re.search(r"[A-Za-z]", text):
        return text  # digits in an order we cannot be sure of
    import pandas as pd

    try:
        ts = pd.Timestamp(text)
    except (ValueError, TypeError):
        return text
    return text if ts is pd.NaT else ts.date()


def to_date(value: Any) -> Any:
    """A ``datetime.date`` from a date, datetime, Timestamp, numpy datetime64 or an unambiguous
    text (see :func:`_date_from_text`); anything else is returned unchanged (and refused later)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return _date_from_text(value)
    try:
        import pandas as pd

        if value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
            return None
        ts = pd.Timestamp(value)
        if ts is pd.NaT:
            return None
        return ts.date()
    except (ValueError, TypeError):
        return value
