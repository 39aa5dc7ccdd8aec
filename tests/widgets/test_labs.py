"""The lesson labs: widgets composed over the dataset (lessons 18-22, 24 and 35), driven headless."""

from __future__ import annotations

import datetime as dt

import pytest

from o2o.analysis import crossing as X
from o2o.analysis import realtime as rt
from o2o.analysis import squad_scene
from o2o.analysis.fivew_history import best_and_worst, history_scores
from o2o.analysis.scenes_history import scene_outcomes, starter_scene
from o2o.scenes import World
from o2o.scenes.history import evaluate_history
from o2o.widgets import scene_lab
from o2o.widgets.observer_panel import observer_panel
from o2o.widgets.portfolio_lab import PortfolioLab


@pytest.mark.slow
def test_scene_designer_simulates_its_starting_scene(dataset):
    scene = squad_scene.example_squad_scene(dataset)
    lab = scene_lab.scene_designer(dataset, scene)
    assert lab.runs == 1 and lab.report.overall == pytest.approx(squad_scene.run_scene(dataset, scene, 200, 0)[1].overall)
    assert scene_lab.scene_designer(dataset, scene, run=False).runs == 0


def test_battle_designer_starts_from_the_battles_typical_scene(dataset):
    lab = scene_lab.battle_designer(dataset, "付满送")
    assert lab.runs == 1 and lab.result.scene == starter_scene(dataset, "付满送")
    assert lab.dashboard.report is lab.report


def test_a_bad_design_shows_its_problems_not_a_result(dataset):
    lab = scene_lab.scene_designer(dataset, None)
    lab.run(starter_scene(dataset, "付满送").with_changes(channels=()))
    assert lab.runs == 0 and lab.dashboard.report is None


def test_history_dashboard_shows_a_scene_and_its_reference(dataset):
    ledger = scene_outcomes(dataset)
    best, worst = best_and_worst(history_scores(dataset, ledger, n_squad=5))
    dash = scene_lab.history_dashboard(dataset, best, reference_id=worst)
    assert dash.report.overall == pytest.approx(evaluate_history(dataset, best).overall)
    assert dash.reference.overall == pytest.approx(evaluate_history(dataset, worst).overall)


def test_observer_panel_updates(dataset):
    panel = observer_panel(dataset)
    panel._day.value = 2
    assert "第 2 天" in panel._summary.value
    assert len(panel._fig.data[0].x) == 2
    panel._day.value = 30  # beyond the scene's end: clipped, not an error
    assert len(panel._fig.data[0].x) == len(rt.cumulative(dataset, panel._scene.value))


@pytest.mark.slow
def test_portfolio_lab_reruns_the_plan_when_a_scene_changes(dataset):
    store = X.portfolio_store(dataset)
    plan = X.example_portfolio(World.from_dataset(dataset), store)
    lab = PortfolioLab(dataset, plan, store, draws=20, seed=1)
    assert "✓" in lab.status_html and "合计" in lab.table_html
    assert lab.dashboard.report is not None
    lab.builder.set_scene(plan[1].with_changes(budget_yuan=4500.0))
    lab._picker.value = 1
    lab.builder.set_scene(plan[1].with_changes(budget_yuan=4500.0))
    assert lab.builder.submit() is not None
    assert lab.plan[1].budget_yuan == 4500.0 and lab.plan[1].store_ids == (store,)
    assert "超过" in lab.status_html
    assert dt.date(2015, 9, 1) <= plan[0].launch_date
