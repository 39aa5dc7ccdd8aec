"""Immediate self-checks for the "你来试试" exercises of the lessons.

A lesson asks the student to compute something and then calls :func:`check` (or
:func:`check_true`). The check prints one friendly line in Chinese with English —
``✓`` when the answer is right, ``✗`` with a hint when it is not — and returns a bool.
It never raises: whatever the student passes (``None``, a whole column, a typo'd
string, an object that claims to equal everything) gives a message, not a traceback.

Comparisons are type-safe. The student's value is first checked for its kind (number,
text, truth value, list, date) and converted to a plain Python value (``float``,
``str``, ``bool``) with the base type's own conversion, so an object whose ``__eq__``
or ``__float__`` lies cannot pass.

>>> check("门店数", 7000, 7000)
✓ 门店数:正确! / Correct!
True
>>> check("毛利率", 0.31, 0.3, tol=0.005)
✗ 毛利率:还不对,你的答案偏大了。 / Not yet: your answer is too high.
False
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["check", "check_true"]

_MISSING = object()


class _Mismatch(Exception):
    """Internal: why a value cannot be compared (bilingual)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(zh)
        self.zh = zh
        self.en = en


# --------------------------------------------------------------------------- kinds


def _is_number(x: Any) -> bool:
    if isinstance(x, (bool, np.bool_)):
        return False
    return isinstance(x, (int, float, np.integer, np.floating))


def _describe(x: Any) -> tuple[str, str]:
    """What the student gave, in words (zh, en)."""
    if x is None:
        return "空值 None", "None"
    name = type(x).__name__
    if name in ("Series", "DataFrame", "ndarray", "Index"):
        return (f"一整块数据({name};只要其中一个值时可用 .iloc[0] 取出)",
                f"a whole block of data ({name}; use .iloc[0] to take one value)")
    if isinstance(x, str):
        return f"文字 “{x[:30]}”", f"the text '{x[:30]}'"
    if isinstance(x, (bool, np.bool_)):
        return f"真假值 {bool(x)}", f"the truth value {bool(x)}"
    if isinstance(x, (list, tuple, set, frozenset)):
        return f"一个列表(共 {len(x)} 项)", f"a list of {len(x)} items"
    return f"一个 {name} 类型的值", f"a value of type {name}"


def _as_float(x: Any) -> float:
    """A plain float from a real number, using the base type's own conversion."""
    if not _is_number(x):
        zh, en = _describe(x)
        raise _Mismatch(f"这里需要一个数字,你给的是{zh}。", f"A number is needed here; you gave {en}.")
    if isinstance(x, float):  # includes numpy.float64 and any float subclass
        return float.__float__(x)
    if isinstance(x, int):
        return float(int.__int__(x))
    if isinstance(x, np.generic) and type(x).__module__ == "numpy":
        return float(x.item())
    zh, en = _describe(x)
    raise _Mismatch(f"这里需要一个普通数字,你给的是{zh}。", f"A plain number is needed here; you gave {en}.")


def _as_str(x: Any) -> str:
    if not isinstance(x, str):
        zh, en = _describe(x)
        raise _Mismatch(f"这里需要一段文字,你给的是{zh}。", f"Text is needed here; you gave {en}.")
    return str.__str__(x).strip()


def _as_bool(x: Any) -> bool:
    if type(x) is bool:
        return x
    if type(x) is np.bool_:
        return bool(x.item())
    zh, en = _describe(x)
    raise _Mismatch(f"这里需要 True 或 False,你给的是{zh}。", f"True or False is needed here; you gave {en}.")


def _as_date(x: Any) -> _dt.date:
    import pandas as pd

    if isinstance(x, (str, _dt.date, np.datetime64)) and not isinstance(x, bool):
        try:
            ts = pd.Timestamp(x)
        except (ValueError, TypeError):
            ts = None
        if ts is not None and ts is not pd.NaT and not pd.isna(ts):
            return _dt.date(ts.year, ts.month, ts.day)
    zh, en = _describe(x)
    raise _Mismatch(f"这里需要一个日期(如 2015-08-01),你给的是{zh}。",
                    f"A date (e.g. 2015-08-01) is needed here; you gave {en}.")


def _as_items(x: Any) -> list[Any]:
    import pandas as pd

    if isinstance(x, (list, tuple, set, frozenset)):
        return list(x)
    if isinstance(x, (np.ndarray, pd.Series, pd.Index)) and getattr(x, "ndim", 1) == 1:
        return [v.item() if isinstance(v, np.generic) else v for v in list(x)]
    zh, en = _describe(x)
    raise _Mismatch(f"这里需要一个列表,你给的是{zh}。", f"A list is needed here; you gave {en}.")


# --------------------------------------------------------------------------- comparison


def _compare(value: Any, expected: Any, tol: float | None) -> tuple[bool, str, str]:
    """(ok, hint_zh, hint_en). Raises _Mismatch when the kinds differ."""
    if isinstance(expected, (bool, np.bool_)):
        ok = _as_bool(value) == _as_bool(expected)
        return ok, "", ""
    if _is_number(expected):
        v, e = _as_float(value), _as_float(expected)
        if math.isnan(v):
            return False, "你的答案是 NaN(缺失值),检查一下是否筛选掉了所有行。", "your answer is NaN: did a filter drop every row?"
        if tol is None:
            ok = math.isclose(v, e, rel_tol=1e-9, abs_tol=1e-9)
        else:
            ok = abs(v - e) <= float(tol)
        if ok:
            return True, "", ""
        if v > e:
            return False, "你的答案偏大了。", "your answer is too high."
        return False, "你的答案偏小了。", "your answer is too low."
    if isinstance(expected, str):
        return _as_str(value) == _as_str(expected), "", ""
    if isinstance(expected, (_dt.date, np.datetime64)):
        return _as_date(value) == _as_date(expected), "", ""
    if isinstance(expected, (set, frozenset)):
        got, want = _as_items(value), list(expected)
        if len(got) != len(set(map(_key, got))):
            return False, "列表中有重复的项。", "the list has duplicates."
        return set(map(_key, got)) == set(map(_key, want)), "", ""
    if isinstance(expected, (list, tuple)):
        got, want = _as_items(value), list(expected)
        if len(got) != len(want):
            return (False, f"应该有 {len(want)} 项,你的答案有 {len(got)} 项。",
                    f"{len(want)} items are expected; your answer has {len(got)}.")
        for g, w in zip(got, want):
            ok, _, _ = _compare(g, w, tol)
            if not ok:
                return False, "顺序或某一项不对。", "an item or the order is wrong."
        return True, "", ""
    if isinstance(expected, Mapping):
        raise _Mismatch("这个自测题的标准答案类型不受支持。", "This self-check's expected answer type is not supported.")
    # any other type: same exact type, compared by the expected value's own __eq__
    if type(value) is not type(expected):
        zh, en = _describe(value)
        raise _Mismatch(f"答案的类型不对,你给的是{zh}。", f"The answer has the wrong type; you gave {en}.")
    return bool(expected.__eq__(value) is True), "", ""


def _key(x: Any) -> tuple[str, Any]:
    """A hashable, type-safe key for set comparison."""
    if _is_number(x):
        return ("n", _as_float(x))
    if isinstance(x, (bool, np.bool_)):
        return ("b", _as_bool(x))
    if isinstance(x, str):
        return ("s", _as_str(x))
    if isinstance(x, (_dt.date, np.datetime64)):
        return ("d", _as_date(x))
    zh, en = _describe(x)
    raise _Mismatch(f"列表里有无法比较的项:{zh}。", f"The list holds an item that cannot be compared: {en}.")


# --------------------------------------------------------------------------- public


def _say(ok: bool, name: str, zh: str, en: str) -> None:
    mark = "✓" if ok else "✗"
    print(f"{mark} {name}:{zh} / {en}")


def check(name: str, value: Any = _MISSING, expected: Any = _MISSING, tol: float | None = None,
          hint: str = "") -> bool:
    """Compare a student's answer with the expected one; print ✓ or ✗; return whether it passed.

    Parameters
    ----------
    name:
        What is being checked, shown to the student (e.g. ``"第1题"`` or ``"东莞门店数"``).
    value:
        The student's answer.
    expected:
        The right answer. Its type decides how ``value`` is compared: number (with ``tol``),
        text (surrounding spaces ignored), True/False, date, list (in order) or set (any order).
    tol:
        Absolute tolerance for numbers; ``None`` means equal up to rounding noise.
    hint:
        An extra sentence shown when the answer is wrong.

    Never raises; a wrong kind of answer gives a message.
    """
    try:
        blank = isinstance(value, str) and not value.strip()
        if value is _MISSING or value is None or value is Ellipsis or blank:
            _say(False, name, "还没有作答,请先在上面填写你的答案。", "No answer yet: fill in your answer above.")
            return False
        if expected is _MISSING:
            _say(False, name, "这道自测题缺少标准答案。", "This self-check has no expected answer.")
            return False
        ok, hint_zh, hint_en = _compare(value, expected, tol)
    except _Mismatch as m:
        _say(False, name, m.zh, m.en)
        return False
    except Exception as exc:  # noqa: BLE001 - a self-check must never crash a lesson
        _say(False, name, f"无法核对这个答案({type(exc).__name__})。", f"This answer cannot be checked ({type(exc).__name__}).")
        return False
    if ok:
        _say(True, name, "正确!", "Correct!")
        return True
    zh = "还不对" + (f",{hint_zh}" if hint_zh else "。")
    en = "Not yet" + (f": {hint_en}" if hint_en else ".")
    if hint:
        zh += f" 提示:{hint}"
        en += f" Hint: {hint}"
    _say(False, name, zh, en)
    return False


def check_true(name: str, condition: Any, hint: str = "") -> bool:
    """Pass when ``condition`` is exactly ``True`` (a real bool, not a truthy object).

    >>> check_true("东莞门店最多", 3 > 2)
    ✓ 东莞门店最多:正确! / Correct!
    True
    """
    try:
        ok = _as_bool(condition)
    except _Mismatch as m:
        _say(False, name, m.zh, m.en)
        return False
    except Exception as exc:  # noqa: BLE001
        _say(False, name, f"无法核对({type(exc).__name__})。", f"Cannot be checked ({type(exc).__name__}).")
        return False
    if ok:
        _say(True, name, "正确!", "Correct!")
        return True
    zh, en = "还不对。", "Not yet."
    if hint:
        zh += f" 提示:{hint}"
        en += f" Hint: {hint}"
    _say(False, name, zh, en)
    return False
