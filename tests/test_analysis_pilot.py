"""The shareholder pilot evaluated with difference in differences (lessons 18 and 23)."""

from __future__ import annotations

import numpy as np
import pytest

from o2o.analysis import pilot, squad_scene
from o2o.errors import DataError


@pytest.fixture(scope="module")
def effects(dataset):
    return pilot.pilot_effects(dataset)


def test_did_table_and_hand_computation(dataset):
    t = pilot.did_table(dataset, "sales_yuan")
    assert list(t.index) == [pilot.PILOT, pilot.CONTROL]
    by_hand = pilot.did_by_hand(t)
    assert by_hand == pytest.approx(t.loc[pilot.PILOT, "变化"] - t.loc[pilot.CONTROL, "变化"], abs=2e-3)
    with pytest.raises(DataError):
        pilot.did_by_hand(t.drop(index=pilot.CONTROL))
    with pytest.raises(DataError, match="结果指标"):
        pilot.did_table(dataset, "profit")


def test_weekly_panel_never_mixes_before_and_after(dataset):
    panel = pilot.store_panel(dataset, "new_members", "W")
    start = pilot.pilot_start(dataset)
    assert ((panel["period"] >= start) == panel["post"]).all()
    assert panel.groupby(["store_id", "period"]).size().max() == 1
    with pytest.raises(DataError):
        pilot.store_panel(dataset, "sales_yuan", "M")


def test_effects_recover_the_planted_truth(dataset, effects):
    for name, row in effects.iterrows():
        truth = row["数据中埋下的真实作用(%)"]
        assert row["95%下限(%)"] <= truth <= row["95%上限(%)"], name
    assert effects.loc["销售额(店日)", "估计作用(%)"] > 0
    naive = pilot.naive_vs_did(dataset)
    assert naive["估计作用(%)"].iloc[2] == pytest.approx(effects.loc["销售额(店日)", "估计作用(%)"], abs=0.05)


def test_event_study_is_centred_before_the_pilot(dataset):
    weekly = pilot.event_study(dataset, "sales_yuan")
    assert abs(weekly.loc[~weekly["试点后"], "差值"].mean()) < 1e-9
    assert weekly.loc[weekly["试点后"], "差值"].mean() > 0.03
    assert (weekly["下限"] <= weekly["差值"]).all() and (weekly["差值"] <= weekly["上限"]).all()


def test_placebo_is_small_and_bad_dates_are_refused(dataset, effects):
    e = pilot.placebo(dataset, "2015-05-01")
    assert abs(e.estimate) < effects.loc["销售额(店日)", "估计作用(%)"] / 2
    for bad in ("2015-09-01", "2015-07-20", "not a date"):
        with pytest.raises(DataError):
            pilot.placebo(dataset, bad)


def test_squad_scene_ratio_is_seeded(dataset):
    a = pilot.squad_scene_ratio(dataset, draws=50, seed=1)
    b = pilot.squad_scene_ratio(dataset, draws=50, seed=1)
    assert a == b and a.ci_low <= a.estimate <= a.ci_high
    rates = pilot.squad_scene_rates(dataset)
    assert rates.groupby("store_id").size().eq(12).all()


@pytest.mark.slow
def test_squad_scene_runs_through_simulation_and_5w(dataset):
    scene = squad_scene.example_squad_scene(dataset)
    assert scene.initiator == "一线小分队"
    result, report = squad_scene.run_scene(dataset, scene, draws=30, seed=18)
    assert set(report.scores) == {"Who", "What", "Way", "Why", "Worth"}
    again, _ = squad_scene.run_scene(dataset, scene, draws=30, seed=18)
    assert np.array_equal(result.arrays["conversions"], again.arrays["conversions"])
    fig = squad_scene.scene_daily_figure(result)
    assert len(fig.layout.updatemenus[0].buttons) >= 3
