"""SceneBuilder: every change is checked with Scene.check; bad values never reach the scene."""

from __future__ import annotations

import datetime as dt

import pytest

from o2o.scenes import Scene
from o2o.widgets.scene_builder import SceneBuilder, parse_store_ids


@pytest.fixture()
def builder(world, squads):
    return SceneBuilder(world, squads)


def test_default_design_is_valid_and_submits(builder):
    got = []
    builder.on_submit(got.append)
    assert builder.problems == []
    assert "可以模拟" in builder.message_text
    builder._submit.click()
    assert len(got) == 1 and isinstance(got[0], Scene)
    assert got[0].initiator == "一线小分队" and got[0].squad_id is not None


def test_inline_messages_are_the_scene_check_messages(builder, world):
    builder._w["budget_yuan"].value = 10.0
    expected = builder.scene().check(world, lang="zh")
    assert expected and all(msg in builder.message_text for msg in expected)
    got = []
    builder.on_submit(got.append)
    builder._submit.click()
    assert got == []  # an invalid design is not simulated


def test_summary_is_computed_in_the_kernel(builder):
    builder._w["budget_yuan"].value = 4321.0
    assert "4,321" in builder._summary.value


def test_out_of_range_budget_from_the_page_is_refused(builder):
    before = builder.scene()
    builder._w["budget_yuan"].set_state({"value": 1e15})
    assert builder.scene() == before
    assert "「预算(元)」必须是 0 到 2,000,000" in builder.message_text


@pytest.mark.parametrize("key,state", [
    ("duration_days", {"value": 10_000}),
    ("duration_days", {"value": "7; import os"}),
    ("personalization", {"value": 5}),
    ("incentive_type", {"index": 99}),
    ("battle", {"index": 1.5}),
    ("squad_id", {"index": -1}),
    ("launch_date", {"value": {"year": 2016, "month": 0, "date": 1}}),
    ("launch_date", {"value": "2015-09-01"}),
    ("ch_广告", {"value": "yes"}),
    ("name", {"value": "x" * 500}),
])
def test_values_the_form_never_allows_are_refused(builder, key, state):
    before = builder.scene()
    builder._w[key].set_state(state)
    assert builder.scene() == before
    assert builder._w[key].refusals, key


def test_battles_follow_the_scene_type(builder):
    builder._w["scene_type"].value = "支付"
    assert [v for _, v in builder._w["battle"].options] == ["告知巨头优惠", "付满送", "附近异业"]
    assert builder.scene().battle == "告知巨头优惠"
    builder._w["battle"].set_state({"index": 4})  # index of a promotion battle: not on offer now
    assert builder.scene().battle == "告知巨头优惠"


def test_hq_scene_in_a_city(builder):
    builder._w["initiator"].value = "总部市场部"
    builder._w["city"].value = "深圳"
    builder._w["budget_yuan"].value = 100_000.0
    s = builder.scene()
    assert s.initiator == "总部市场部" and s.squad_id is None and s.target_city == "深圳"
    assert builder.problems == []
    builder._w["store_ids"].value = "1, abc"
    assert "不是正整数" in builder.message_text


def test_parse_store_ids():
    assert parse_store_ids("12, 15 18、20") == ((12, 15, 18, 20), None)
    ids, problem = parse_store_ids("12, x")
    assert ids == () and problem is not None


def test_set_scene_round_trip(builder, dataset):
    from o2o.scenes.history import historical_scene

    hq = dataset.scenes.loc[dataset.scenes["initiator"] == "总部市场部", "scene_id"].iloc[0]
    s = historical_scene(dataset, int(hq))
    builder.set_scene(s)
    got = builder.scene()
    assert (got.battle, got.initiator, got.target_city, got.launch_date) == (s.battle, s.initiator, s.target_city, s.launch_date)


def test_english_messages(builder):
    builder._w["launch_date"].value = dt.date(2015, 8, 1)  # before the idea date
    builder.set_lang("en")
    assert "launch" in builder.message_text and "Simulate" in builder._submit.description
