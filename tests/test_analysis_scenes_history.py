"""The 2015 scene ledger (lessons 14, 19-22)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from o2o.analysis import fivew_history as fw
from o2o.analysis import scenes_history as sh
from o2o.errors import DataError


@pytest.fixture(scope="module")
def ledger(dataset):
    return sh.scene_outcomes(dataset)


def test_ledger_totals_equal_the_daily_log(dataset, ledger):
    daily = dataset.scene_daily
    assert len(ledger) == len(dataset.scenes)
    assert ledger["conversions"].sum() == daily["conversions"].sum()
    assert ledger["cost_yuan"].sum() == pytest.approx(daily["cost_yuan"].sum())
    one = ledger.index[0]
    d = daily[daily["scene_id"] == one]
    assert ledger.loc[one, "reach"] == d["reach_broadcast"].sum() + d["reach_p2p"].sum()
    assert ledger.loc[one, "worth"] == pytest.approx(d["incremental_margin_yuan"].sum() / d["cost_yuan"].sum())
    assert (ledger["duration_days"] >= 1).all() and (ledger["lead_days"] >= 0).all()


def test_summary_and_counts(ledger):
    s = sh.summary_by(ledger, ["scene_type", "initiator"])
    assert s["场景数"].sum() == len(ledger)
    assert sh.count_by_initiator(ledger, "一线小分队") + sh.count_by_initiator(ledger, "总部市场部") == len(ledger)
    with pytest.raises(DataError):
        sh.count_by_initiator(ledger, "董事会")
    with pytest.raises(DataError, match="没有这些列"):
        sh.summary_by(ledger, ["no_such_column"])


def test_battle_report_and_best_battle(ledger):
    promo = sh.battle_report(ledger, "促销")
    assert promo["场景数"].sum() == (ledger["scene_type"] == "促销").sum()
    assert sh.best_battle(ledger, "促销") == promo["每元成本增量毛利"].idxmax()
    both = sh.battle_report(ledger, ["交易", "支付"])
    assert set(both.index.get_level_values(0)) <= {"交易", "支付"}
    with pytest.raises(DataError, match="场景类型"):
        sh.battle_report(ledger, "抽奖")
    assert len(sh.battle_metric_figure(ledger, "促销").layout.updatemenus[0].buttons) == 6
    curve = sh.incentive_curve(ledger, "促销")
    assert curve["场景数"].sum() == (ledger["scene_type"] == "促销").sum()


def test_scene_card_and_examples(dataset, ledger):
    sid = sh.example_scene_id(dataset, ledger)
    card = sh.scene_card(dataset, sid, ledger)
    assert card.shape[1] == 1 and len(card) > 10
    with pytest.raises(DataError):
        sh.scene_card(dataset, -5, ledger)
    squad, hq = sh.example_pair(ledger)
    assert ledger.loc[squad, "initiator"] == "一线小分队" and ledger.loc[hq, "initiator"] == "总部市场部"
    assert ledger.loc[squad, "scene_type"] == ledger.loc[hq, "scene_type"]


def test_payment_mix(dataset):
    pay = sh.payment_mix(dataset)
    assert np.allclose(pay.sum(axis=1), 100)
    dec = sh.mobile_share(pay, "2015-12")
    assert 0 < dec < 100 and dec == pytest.approx(pay.loc["2015-12", ["微信支付", "支付宝"]].sum())
    with pytest.raises(DataError):
        sh.mobile_share(pay, "2016-01")


def test_who_what_and_way_why_worth(dataset, ledger):
    ww = sh.who_what_table(ledger)
    assert ww["场景数"].sum() == len(ledger)
    assert sh.mean_lead_days(ledger, "一线小分队") == pytest.approx(
        ledger.loc[ledger["initiator"] == "一线小分队", "lead_days"].mean())
    www = fw.way_why_worth(dataset, ledger)
    assert www["点对点触达占比"].dropna().between(0, 1).all()
    manual = www.loc[www["点对点触达占比"] > 0.5, "每元成本增量毛利"].mean()
    assert fw.mean_worth_p2p(www, 0.5) == pytest.approx(manual)
    with pytest.raises(DataError):
        fw.mean_worth_p2p(www, 5)
    figs = [sh.cost_margin_figure(ledger), sh.type_returns_figure(ledger), sh.lead_time_figure(ledger)]
    assert all(len(f.data) > 0 for f in figs)


def test_wrong_table_is_a_clear_error():
    with pytest.raises(DataError, match="场景账本"):
        sh.battle_report(pd.DataFrame({"a": [1]}), "促销")


@pytest.mark.slow
def test_fivew_scores_of_history(dataset, ledger):
    scores = fw.history_scores(dataset, ledger, n_squad=5, seed=7)
    n_hq = (ledger["initiator"] == "总部市场部").sum()
    assert len(scores) == n_hq + 5
    assert scores[list(fw.FIVE_W)].stack().between(0, 100).all()
    again = fw.history_scores(dataset, ledger, n_squad=5, seed=7)
    assert list(again.index) == list(scores.index)
    best, worst = fw.best_and_worst(scores)
    assert scores.loc[best, "5W平均"] >= scores.loc[worst, "5W平均"]
    assert len(fw.radar_figure(scores, [best, worst]).data) == 2
    with pytest.raises(DataError):
        fw.radar_figure(scores, [-1])
    table = fw.compare_reports({"a": fw.evaluate_scene(dataset, best)})
    assert table.loc["a", "平均"] == pytest.approx(scores.loc[best, "5W平均"], abs=0.1)
    with pytest.raises(DataError):
        fw.score_return_figure(scores, ["When"])


def test_starter_scene_is_valid_for_every_battle(dataset):
    from o2o.scenes import BATTLE_TYPE, World

    world = World.from_dataset(dataset)
    for battle in BATTLE_TYPE:
        scene = sh.starter_scene(dataset, battle)
        assert scene.check(world) == [], battle
    with pytest.raises(DataError):
        sh.starter_scene(dataset, "抽奖")
