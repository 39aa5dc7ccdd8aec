"""The guarded controls refuse what the form would never allow, with the form's message."""

from __future__ import annotations

import datetime as dt

import pytest

from o2o.errors import SceneError
from o2o.widgets.base import FieldSpec, MessageArea, Panel, Problem, guarded, safe


def _spy():
    seen: list[Problem] = []
    return seen, (lambda spec, problem: seen.append(problem))


@pytest.mark.parametrize("raw", [101, -1, "50", None, True, float("nan"), [5], {"x": 1}])
def test_int_slider_refuses_out_of_range_and_wrong_types(raw):
    spec = FieldSpec("n", "天数", "Days", "int", lo=1, hi=100)
    seen, refuse = _spy()
    w = guarded(spec, refuse, value=7)
    w.set_state({"value": raw})
    assert w.value == 7
    assert seen == [spec.message()]
    assert "1 到 100" in seen[0].zh and "from 1 to 100" in seen[0].en


def test_widened_range_from_the_page_does_not_widen_the_form():
    spec = FieldSpec("n", "天数", "Days", "int", lo=1, hi=100)
    seen, refuse = _spy()
    w = guarded(spec, refuse, value=7)
    w.set_state({"max": 10**9})  # a crafted message first moves the slider's max
    w.set_state({"value": 10**6})
    assert w.max == 100 and w.value == 7
    assert len(seen) == 2


def test_accepted_value_passes():
    spec = FieldSpec("p", "个性化", "Personalisation", "float", lo=0.0, hi=1.0)
    seen, refuse = _spy()
    w = guarded(spec, refuse, value=0.5)
    w.set_state({"value": 0.75})
    assert w.value == 0.75 and seen == []


@pytest.mark.parametrize("raw", [3, -1, "1", 1.0, None])
def test_dropdown_refuses_unknown_index(raw):
    spec = FieldSpec("c", "城市", "City", "choice", options=("全部", "东莞", "深圳"))
    seen, refuse = _spy()
    w = guarded(spec, refuse)
    w.set_state({"index": raw})
    assert w.value == "全部"
    assert seen and "只能从列表中选择" in seen[0].zh


def test_dropdown_refuses_options_smuggled_in_by_the_page():
    spec = FieldSpec("c", "城市", "City", "choice", options=("全部", "东莞"))
    seen, refuse = _spy()
    w = guarded(spec, refuse)
    w.set_state({"_options_labels": ["全部", "东莞", "evil"], "index": 2})
    assert w.value == "全部" and list(w._options_labels) == ["全部", "东莞"]
    assert seen


def test_text_length_and_type():
    spec = FieldSpec("name", "名称", "Name", "text", max_len=5)
    seen, refuse = _spy()
    w = guarded(spec, refuse, value="ok")
    w.set_state({"value": "x" * 6})
    w.set_state({"value": 12})
    assert w.value == "ok" and len(seen) == 2
    w.set_state({"value": "fine"})
    assert w.value == "fine"


def test_date_spec():
    spec = FieldSpec("d", "日期", "Date", "date", lo=dt.date(2015, 1, 1), hi=dt.date(2015, 12, 31))
    assert spec.problem(dt.date(2015, 6, 1)) is None
    assert spec.problem(dt.date(2016, 1, 1)) == spec.message()
    assert spec.problem("2015-06-01") == spec.message()
    assert spec.problem(None) is None  # a cleared picker: the scene check reports it


def test_message_area_shows_text_not_tracebacks():
    area = MessageArea()
    area.show(Problem("出错了", "went wrong"))
    assert area.text() == "出错了"
    area.set_lang("en")
    assert area.text() == "went wrong"
    assert area.outputs[0]["data"]["text/plain"] == "went wrong"
    area.clear()
    assert area.outputs == ()


class _Boom(Panel):
    def update(self):
        pass

    @safe
    def fail(self, exc):
        raise exc


def test_safe_turns_errors_into_friendly_messages():
    p = _Boom()
    p.fail(SceneError("预算不够", "budget too small"))
    assert p.message_text == "预算不够"
    p.fail(ZeroDivisionError("x"))
    assert "出了点问题" in p.message_text and "Traceback" not in p.message_text
    assert "ZeroDivisionError" not in p.message_text


def test_containers_refuse_children_from_the_page():
    p = _Boom()
    before = p.children
    p.set_state({"children": []})
    assert p.children == before
