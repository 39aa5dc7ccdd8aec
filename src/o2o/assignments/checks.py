"""Public checks of the graded assignments: immediate feedback in Chinese (and English).

Each autograded question of an assignment ends with a read-only test cell. Its visible
part calls one function of this module on the student's answer; the function either
prints one ``✅`` line or raises :class:`AnswerError`, which Jupyter shows as a short
bilingual message instead of a traceback. The checks look at the *form* of an answer —
its exact type, the keys a table must have, the constraints the question states — never
at the expected value: the marks are carried by the hidden tests of the same cell, which
compute the expected value from the dataset when the notebook is graded.

Types are checked exactly (``type(x) is float``, not ``isinstance``): ``numpy.float64``
and pandas scalars are subclasses or look-alikes that a student converts with
``float(...)``/``int(...)``; an object that pretends to be a number or claims to equal
everything is rejected with a message, not accepted.

>>> check_int(7012, "q1_n_stores", "第1题")
✅ 第1题:格式正确(整数)。最终是否正确由评分时的隐藏测试决定。 / Format OK; hidden tests decide at grading time.
>>> check_float(None, "q3_share", "第3题")
Traceback (most recent call last):
...
o2o.assignments.checks.AnswerError: 第3题:还没有作答,请在上面的单元格里给 q3_share 赋值。
Question not answered yet: assign a value to q3_share in the cell above.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from o2o.errors import O2OError

__all__ = [
    "AnswerError",
    "check_int",
    "check_float",
    "check_str",
    "check_dict",
    "ok",
]

_OK_EN = "Format OK; hidden tests decide at grading time."


class AnswerError(O2OError):
    """An answer that the public check can already tell is not acceptable.

    IPython calls ``_render_traceback_`` instead of printing the frames, so the student
    sees the two sentences and nothing else; nbgrader records the cell as failed.
    """

    def _render_traceback_(self) -> list[str]:  # noqa: D401 - IPython hook
        lines = [f"\x1b[0;31m❌ {self.zh}\x1b[0m"]
        if self.en:
            lines.append(f"   {self.en}")
        return lines


def ok(question: str, what: str = "") -> None:
    """Print the success line of a public check (returns ``None``: no partial credit)."""
    detail = f"({what})" if what else ""
    print(f"✅ {question}:格式正确{detail}。最终是否正确由评分时的隐藏测试决定。 / {_OK_EN}")


def _type_name(value: Any) -> str:
    t = type(value)
    mod = t.__module__
    return t.__qualname__ if mod == "builtins" else f"{mod}.{t.__qualname__}"


def require(value: Any, name: str, question: str) -> None:
    """Raise when the answer is still ``None`` or ``...`` (not answered)."""
    if value is None or value is Ellipsis:
        raise AnswerError(
            f"{question}:还没有作答,请在上面的单元格里给 {name} 赋值。",
            f"Question not answered yet: assign a value to {name} in the cell above.",
        )


def _numeric_hint(value: Any, want: str) -> str:
    """Why a number-like value is not accepted, and how to convert it."""
    return f"请用 {want}(...) 把它转换成 Python 的{'整数' if want == 'int' else '小数'}"


def check_int(value: Any, name: str, question: str, lo: int | None = None, hi: int | None = None) -> None:
    """An exact ``int`` (not ``bool``, not a numpy integer), optionally within ``[lo, hi]``."""
    require(value, name, question)
    if type(value) is not int:
        raise AnswerError(
            f"{question}:{name} 应是整数 int,现在是 {_type_name(value)}。{_numeric_hint(value, 'int')}。",
            f"{name} must be a plain int, got {_type_name(value)}; wrap it in int(...).",
        )
    _check_range(int(value), name, question, lo, hi)
    ok(question, "整数")


def check_float(
    value: Any, name: str, question: str, lo: float | None = None, hi: float | None = None
) -> None:
    """An exact, finite ``float`` (not a numpy float, not a string), optionally within ``[lo, hi]``."""
    require(value, name, question)
    if type(value) is not float:
        raise AnswerError(
            f"{question}:{name} 应是小数 float,现在是 {_type_name(value)}。{_numeric_hint(value, 'float')}。",
            f"{name} must be a plain float, got {_type_name(value)}; wrap it in float(...).",
        )
    x = float(value)
    if not math.isfinite(x):
        raise AnswerError(
            f"{question}:{name} 是 {x},不是一个有限的数。检查是否除以了零或用了空表。",
            f"{name} is {x}, not a finite number: a division by zero or an empty table?",
        )
    _check_range(x, name, question, lo, hi)
    ok(question, "小数")


def _check_range(x: float, name: str, question: str, lo: float | None, hi: float | None) -> None:
    if lo is not None and x < lo:
        raise AnswerError(
            f"{question}:{name} = {x} 小于合理的下限 {lo},请检查计算(单位、筛选条件、分子分母)。",
            f"{name} = {x} is below the plausible minimum {lo}: check units, filters, numerator/denominator.",
        )
    if hi is not None and x > hi:
        raise AnswerError(
            f"{question}:{name} = {x} 大于合理的上限 {hi},请检查计算(单位、筛选条件、分子分母)。",
            f"{name} = {x} is above the plausible maximum {hi}: check units, filters, numerator/denominator.",
        )


def check_str(value: Any, name: str, question: str, choices: Iterable[str] | None = None) -> None:
    """An exact ``str``; when ``choices`` is given, one of them (the data's own Chinese values)."""
    require(value, name, question)
    if type(value) is not str:
        raise AnswerError(
            f"{question}:{name} 应是文字 str(例如 \"深圳\"),现在是 {_type_name(value)}。"
            "如果你得到的是一个表格或 Series,请取出其中的那个值。",
            f"{name} must be a str, got {_type_name(value)}; take the single value out of the table or Series.",
        )
    if choices is not None:
        options = [str(c) for c in choices]
        if str(value) not in options:
            shown = "、".join(options[:12]) + ("……" if len(options) > 12 else "")
            raise AnswerError(
                f"{question}:{name} = \"{value}\" 不是可选的值。应是数据中出现的值之一:{shown}",
                f"{name} = {value!r} is not one of the values in the data.",
            )
    ok(question, "文字")


def check_dict(
    value: Any,
    name: str,
    question: str,
    keys: Iterable[str],
    value_type: type = int,
    lo: float | None = None,
    hi: float | None = None,
) -> None:
    """An exact ``dict`` whose keys are exactly ``keys`` (str) and whose values are exactly ``value_type``."""
    require(value, name, question)
    want = [str(k) for k in keys]
    kind = "整数 int" if value_type is int else "小数 float"
    if type(value) is not dict:
        raise AnswerError(
            f"{question}:{name} 应是字典 dict(形如 {{\"{want[0]}\": 数值, ...}}),现在是 {_type_name(value)}。"
            "如果你得到的是 pandas Series,可以用 {k: " + ("int" if value_type is int else "float")
            + "(v) for k, v in s.items()} 转换。",
            f"{name} must be a dict, got {_type_name(value)}; convert a Series with a dict comprehension.",
        )
    bad_keys = [k for k in value if type(k) is not str]
    if bad_keys:
        raise AnswerError(
            f"{question}:{name} 的键应是文字 str,发现了 {_type_name(bad_keys[0])}。",
            f"the keys of {name} must be str, found {_type_name(bad_keys[0])}.",
        )
    missing = [k for k in want if k not in value]
    extra = [k for k in value if k not in want]
    if missing or extra:
        parts_zh, parts_en = [], []
        if missing:
            parts_zh.append("缺少 " + "、".join(missing))
            parts_en.append("missing " + ", ".join(missing))
        if extra:
            parts_zh.append("多出 " + "、".join(str(k) for k in extra))
            parts_en.append("unexpected " + ", ".join(str(k) for k in extra))
        raise AnswerError(
            f"{question}:{name} 的键应恰好是 {'、'.join(want)};" + ",".join(parts_zh) + "。",
            f"the keys of {name} must be exactly {want}: " + "; ".join(parts_en) + ".",
        )
    for k in want:
        v = value[k]
        if type(v) is not value_type:
            raise AnswerError(
                f"{question}:{name}[\"{k}\"] 应是{kind},现在是 {_type_name(v)}。"
                f"{_numeric_hint(v, value_type.__name__)}。",
                f"{name}[{k!r}] must be a plain {value_type.__name__}, got {_type_name(v)}.",
            )
        x = float(v)
        if not math.isfinite(x):
            raise AnswerError(
                f"{question}:{name}[\"{k}\"] 是 {x},不是有限的数。",
                f"{name}[{k!r}] is {x}, not a finite number.",
            )
        _check_range(x, f"{name}[\"{k}\"]", question, lo, hi)
    ok(question, "字典")
