"""o2o.selfcheck: friendly, type-safe, never raising."""

from __future__ import annotations

import datetime as dt
import doctest

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import o2o.selfcheck as selfcheck
from o2o.selfcheck import check, check_true


def test_doctests():
    assert doctest.testmod(selfcheck).failed == 0


def test_right_answers_pass_and_print_a_tick(capsys):
    assert check("门店数", 7000, 7000) is True
    assert check("门店数", np.int64(7000), 7000) is True
    assert check("占比", np.float32(0.5), 0.5) is True
    assert check("城市", " 东莞 ", "东莞") is True
    assert check("列表", ["东莞", "深圳"], ["东莞", "深圳"]) is True
    assert check("集合", pd.Series(["深圳", "东莞"]), {"东莞", "深圳"}) is True
    assert check("日期", "2015-08-01", dt.date(2015, 8, 1)) is True
    assert check("是否", np.bool_(True), True) is True
    out = capsys.readouterr().out
    assert out.count("✓") == 8 and "Correct" in out


def test_wrong_answers_fail_with_direction(capsys):
    assert check("毛利率", 0.4, 0.3, tol=0.01) is False
    assert "偏大" in capsys.readouterr().out
    assert check("毛利率", 0.2, 0.3, tol=0.01) is False
    assert "偏小" in capsys.readouterr().out
    assert check("毛利率", 0.305, 0.3, tol=0.01) is True


class LiarEq:
    def __eq__(self, other):
        return True

    def __float__(self):
        return 42.0

    __hash__ = object.__hash__


class LiarFloat(float):
    def __eq__(self, other):
        return True

    def __float__(self):
        return 42.0

    __hash__ = float.__hash__


class LiarStr(str):
    def __eq__(self, other):
        return True

    def strip(self, *args):
        return "东莞"

    __hash__ = str.__hash__


class LiarBool:
    def __bool__(self):
        return True


@pytest.mark.parametrize("value, expected", [
    (LiarEq(), 42), (LiarFloat(1.0), 42), (LiarStr("深圳"), "东莞"), (LiarEq(), "东莞"),
    ([LiarEq()], [42]), (LiarEq(), dt.date(2015, 8, 1)), (LiarEq(), True),
])
def test_objects_that_lie_about_equality_do_not_pass(value, expected, capsys):
    assert check("题", value, expected) is False
    assert "✗" in capsys.readouterr().out


def test_truthy_objects_are_not_true(capsys):
    assert check_true("题", LiarBool()) is False
    assert check_true("题", pd.Series([True])) is False
    assert check_true("题", 1) is False
    assert check_true("题", 3 > 2) is True
    assert check_true("题", False, hint="再看看图") is False
    assert "再看看图" in capsys.readouterr().out


@pytest.mark.parametrize("value", [None, ..., "abc", pd.Series([1, 2]), pd.DataFrame({"a": [1]}), [1], {"a": 1},
                                   float("nan"), True, object()])
def test_bad_answers_give_a_message_not_an_exception(value, capsys):
    assert check("数字题", value, 3.0) is False
    out = capsys.readouterr().out
    assert out.startswith("✗ 数字题:") and " / " in out


@pytest.mark.parametrize("blank", [None, "", "   ", ...])
def test_missing_answer_says_so(blank, capsys):
    assert check("第1题", blank, "东莞") is False
    assert "还没有作答" in capsys.readouterr().out


def test_wrong_list_length_and_duplicates(capsys):
    assert check("列表", [1, 2, 3], [1, 2]) is False
    assert "2 项" in capsys.readouterr().out
    assert check("集合", ["东莞", "东莞"], {"东莞"}) is False


@given(st.floats(allow_nan=False, allow_infinity=False, width=64), st.floats(min_value=0, max_value=1e6))
def test_numbers_within_tolerance_pass(x, tol):
    assert check("x", x, x, tol=tol) is True
    assert check("x", x + 2 * tol + 1, x, tol=tol) is (abs((x + 2 * tol + 1) - x) <= tol)


@given(st.text(max_size=20), st.text(max_size=20))
def test_text_equality_is_plain_string_equality(a, b):
    want = a.strip() == b.strip() and a.strip() != ""
    assert check("t", a, b) is want
