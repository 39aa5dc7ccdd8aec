"""The Python API forgives what people type and names the right argument when it cannot."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

import o2o
from o2o.errors import DataError, O2OError, SceneError
from o2o.scenes import Scene, World, evaluate, simulate

SQUAD_SCENE = dict(name="周末饮料满减", scene_type="促销", battle="引流入店", initiator="一线小分队", squad_id=1)


def test_numpy_numbers_are_numbers():
    s = Scene(**{**SQUAD_SCENE, "squad_id": np.int64(1)}, duration_days=np.int64(5),
              personalization=np.float64(0.5), incentive_yuan=np.float32(4.0), budget_yuan=np.int32(3000))
    assert s.duration_days == 5 and type(s.duration_days) is int
    assert type(s.personalization) is float and type(s.squad_id) is int
    assert s == Scene(**SQUAD_SCENE, duration_days=5, personalization=0.5, incentive_yuan=4.0, budget_yuan=3000)
    s.validate()  # no "not a whole number"


@pytest.mark.parametrize("text", ["2015-07-09", "2015-7-9", "2015/7/9", "2015.07.09", "2015年7月9日",
                                  "2015 年 7 月 9 日", "9 July 2015", "July 9, 2015"])
def test_unambiguous_dates_are_read(text):
    assert Scene(**SQUAD_SCENE, launch_date=text).launch_date == date(2015, 7, 9)


def test_a_day_first_date_that_can_only_be_read_one_way_is_read():
    assert Scene(**SQUAD_SCENE, launch_date="13/07/2015").launch_date == date(2015, 7, 13)
    assert Scene(**SQUAD_SCENE, launch_date="07/13/2015").launch_date == date(2015, 7, 13)


@pytest.mark.parametrize("text", ["07/09/2015", "7/9/2015", "07-09-2015", "07.09.2015"])
def test_an_ambiguous_date_is_refused_naming_both_readings(text):
    scene = Scene(**SQUAD_SCENE, launch_date=text, idea_date="2015-07-01")
    with pytest.raises(SceneError) as e:
        scene.validate()
    msg = str(e.value)
    assert "有歧义" in msg and "ambiguous" in msg and "2015-07-09" in msg and "2015-09-07" in msg


def test_simulate_with_the_dataset_instead_of_the_world_names_the_argument(dataset):
    scene = Scene(**SQUAD_SCENE)
    with pytest.raises(SceneError) as e:
        simulate(scene, dataset)
    assert "world" in str(e.value) and "World.from_dataset" in str(e.value) and "数据集" in str(e.value)
    with pytest.raises(SceneError) as e:
        simulate(dataset, scene)
    assert "scene" in str(e.value)


def test_evaluate_before_simulating_says_to_simulate_first():
    with pytest.raises(SceneError) as e:
        evaluate(Scene(**SQUAD_SCENE))
    assert "simulate(scene, world)" in str(e.value) and "模拟结果" in str(e.value)


@pytest.mark.parametrize("bad", [123, 1.5, ["datasets/default"], np.int64(7)])
def test_load_with_something_that_is_not_a_path(bad):
    with pytest.raises(DataError) as e:
        o2o.load(bad)
    assert "path" in str(e.value) and "o2o.load()" in str(e.value)


def test_build_refuses_numpy_bools_and_out_of_range_scale(tmp_path):
    from o2o.casegen import build

    for kwargs in ({"scale": np.bool_(True)}, {"scale": 0}, {"scale": 10**6}, {"seed": -1}, {"scale": 2.0}):
        with pytest.raises(O2OError):
            build(tmp_path / "x", progress=False, **kwargs)
    assert not (tmp_path / "x").exists()


def test_a_real_world_still_simulates_with_numpy_inputs(dataset):
    world = World.from_dataset(dataset)
    squad = int(dataset.squads["squad_id"].iloc[0])
    scene = Scene(**{**SQUAD_SCENE, "squad_id": np.int64(squad)}, launch_date="2015年9月3日",
                  idea_date="2015/9/1", duration_days=np.int64(5))
    result = simulate(scene, world, draws=np.int64(20), seed=1)
    report = evaluate(result)
    assert set(report.scores) and all(np.isfinite(v) for v in report.scores.values())
