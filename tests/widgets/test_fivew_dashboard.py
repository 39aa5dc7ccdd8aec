"""FiveWDashboard: radar of the report's scores, metrics behind them, and the day playback."""

from __future__ import annotations

import pytest

from o2o.scenes import Scene, simulate
from o2o.widgets.fivew_dashboard import FIVE_W, FiveWDashboard


class Report:
    """A stand-in 5W report (the widget only reads ``scores`` and ``feedback``)."""

    def __init__(self, scores):
        self.scores = scores

    def feedback(self, lang="zh"):
        return "谁主导:一线小分队。" if lang == "zh" else "Who: a front-line squad."


@pytest.fixture(scope="module")
def result(world, squads):
    return simulate(Scene(squad_id=int(squads["squad_id"].iloc[0])), world, draws=50, seed=3)


def test_radar_and_tables(result):
    d = FiveWDashboard()
    assert d._fig is None and "设计一个场景" in d._scores_html.value
    d.show(result, Report({"Who": 90, "What": 75, "Way": 60, "Why": 45, "Worth": 30}))
    assert list(d._fig.data[0].r) == [90, 75, 60, 45, 30, 90]
    assert "data-w='Worth'>30<" in d._scores_html.value
    assert "增量毛利" in d._scores_html.value
    assert "谁主导" in d._feedback_html.value
    assert d.day == result.n_days and f"第 {result.n_days} 天" in d._day_html.value


def test_the_figure_widget_is_made_with_the_first_scene_drawn(result):
    """The state the page first receives holds the scene (the page draws it before plotly loads):
    the radar's scores, the title, the whole scene's playback with today's marker on its last day."""
    d = FiveWDashboard()
    d.show(result, Report({"Who": 90, "What": 75, "Way": 60, "Why": 45, "Worth": 30}))
    first = d._fig._widget_data
    assert list(first[0]["r"]) == [90, 75, 60, 45, 30, 90] and first[0]["theta"][0] == "谁主导 Who"
    assert first[0]["name"] == "本场景" and first[1]["visible"] is False
    assert list(first[4]["x"]) == list(range(1, result.n_days + 1)) and list(first[6]["x"]) == [result.n_days]
    assert d._fig._widget_layout["title"]["text"].startswith("5W 评估")


def test_playback_moves_the_marker(result):
    d = FiveWDashboard()
    d.show(result, Report(dict.fromkeys(FIVE_W, 50)))
    d._day.value = 2
    cum = result.cumulative("incremental_margin_yuan").mean(0)
    assert list(d._fig.data[6].x) == [2] and d._fig.data[6].y[0] == pytest.approx(cum[1])
    assert "第 2 天" in d._day_html.value


def test_day_beyond_the_scene_is_refused(result):
    d = FiveWDashboard()
    d.show(result, Report(dict.fromkeys(FIVE_W, 50)))
    d._play.set_state({"value": result.n_days + 5})
    d._day.set_state({"value": 0})
    assert d._play.value == 1 and d.day == result.n_days
    assert f"1 到 {result.n_days}" in d.message_text


def test_reference_and_clamped_scores(result):
    d = FiveWDashboard()
    d.show(result, Report({"Who": 150, "What": -5, "Way": float("nan"), "Why": 40, "Worth": 10}))
    assert list(d._fig.data[0].r)[:5] == [100, 0, 0, 40, 10]
    d.set_reference(Report(dict.fromkeys(FIVE_W, 20)), "历史 #1")
    assert d._fig.data[1].visible and d._fig.data[1].name == "历史 #1"
    d.set_lang("en")
    assert d._fig.data[0].theta[0] == "Who" and "Scene totals" in d._scores_html.value


def test_with_the_real_evaluation(result):
    from o2o.scenes.fivew import evaluate

    rep = evaluate(result)
    d = FiveWDashboard()
    d.show(result, rep)
    assert list(d._fig.data[0].r)[:5] == pytest.approx([rep.scores[w] for w in FIVE_W])
    assert "得分依据" in d._scores_html.value
    first = rep.evidence.iloc[0]
    assert str(first["item"]) in d._scores_html.value
    assert rep.feedback("zh")[0][:10] in d._feedback_html.value
