"""Real-time observation and review (lesson 24)."""

from __future__ import annotations

import pytest

from o2o.analysis import realtime as rt
from o2o.errors import DataError


def test_cumulative_matches_daily_log(dataset):
    sid = rt.example_scene_id(dataset)
    cum = rt.cumulative(dataset, sid)
    d = dataset.scene_daily[dataset.scene_daily["scene_id"] == sid]
    assert len(cum) == len(d)
    assert cum["conversions"].iloc[-1] == d["conversions"].sum()
    assert cum["conversions"].is_monotonic_increasing
    with pytest.raises(DataError):
        rt.cumulative(dataset, -1)


def test_replay_has_one_step_per_day(dataset):
    sid = rt.example_scene_id(dataset)
    fig = rt.replay_figure(dataset, sid)
    assert len(fig.layout.sliders[0].steps) == len(rt.cumulative(dataset, sid))


def test_early_signal_improves_with_days(dataset):
    early = rt.early_signal(dataset, max_day=4)
    assert list(early.index) == [1, 2, 3, 4]
    assert early["与最终结果的等级相关"].is_monotonic_increasing
    assert (early["排名一致率(%)"] > 50).all()
    assert rt.agreement_at(early, 3) == early.loc[3, "排名一致率(%)"]
    with pytest.raises(DataError):
        rt.agreement_at(early, 9)
    with pytest.raises(DataError):
        rt.early_signal(dataset, max_day=0)


def test_peer_pairs_put_better_squads_first(dataset):
    pairs = rt.peer_pairs(dataset, min_scenes=2, n_pairs=3)
    assert (pairs["领学成绩"] >= pairs["学习者成绩"]).all()
    assert pairs.groupby("场景类型").size().max() <= 3
    with pytest.raises(DataError):
        rt.peer_pairs(dataset, min_scenes=0)

