"""Historical scenes: the scene_daily log the dataset is built from, and reading scenes back."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from o2o.errors import SceneError
from o2o.scenes import evaluate_history, historical_scene, simulate_history
from o2o.scenes.history import SCENE_DAILY_COLUMNS


def scenes_frame() -> pd.DataFrame:
    rows = []
    for i in range(30):
        squad = i % 5 != 0
        launch = pd.Timestamp("2015-03-01") + pd.Timedelta(days=3 * i)
        rows.append({
            "scene_id": i + 1, "scene_name": f"s{i}", "scene_type": "促销", "battle": "引流入店",
            "initiator": "一线小分队" if squad else "总部市场部",
            "squad_id": 101 + i % 12 if squad else pd.NA, "store_id": 1 + i % 12 if squad else pd.NA,
            "target_city": None if squad or i % 10 == 0 else "深圳",
            "idea_date": launch - pd.Timedelta(days=2 if squad else 30), "launch_date": launch,
            "end_date": launch + pd.Timedelta(days=4 if squad else 20),
            "channels": "朋友圈|店内" if squad else "广告|店内", "personalization": 0.7 if squad else 0.2,
            "incentive_type": "满减", "incentive_yuan": 5.0, "budget_yuan": 2000.0 if squad else 50000.0,
            "target_tier": "全部"})
    df = pd.DataFrame(rows)
    df["squad_id"] = df["squad_id"].astype("Int32")
    df["store_id"] = df["store_id"].astype("Int32")
    return df


def test_scene_daily_layout_and_determinism(small_world):
    sc = scenes_frame()
    a = simulate_history(sc, small_world, seed=1)
    b = simulate_history(sc, small_world, seed=1)
    c = simulate_history(sc, small_world, seed=2)
    assert list(a.columns) == list(SCENE_DAILY_COLUMNS)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)
    days = (sc["end_date"] - sc["launch_date"]).dt.days + 1
    assert len(a) == days.sum()
    assert a.groupby("scene_id").size().to_dict() == dict(zip(sc["scene_id"], days))
    assert a["date"].dtype == "datetime64[s]" and a["reach_p2p"].dtype == np.int64
    num = a.drop(columns=["scene_id", "date"])
    assert (num >= 0).all().all()
    hq = a[a["scene_id"].isin(sc.loc[sc["initiator"] == "总部市场部", "scene_id"])]
    assert hq["reach_broadcast"].sum() > 0


def test_empty_and_impossible_rows(small_world):
    sc = scenes_frame()
    assert simulate_history(sc.iloc[0:0], small_world, seed=1).empty
    bad = sc.copy()
    bad.loc[0, "end_date"] = bad.loc[0, "launch_date"] - pd.Timedelta(days=1)
    out = simulate_history(bad, small_world, seed=1)
    assert 1 not in set(out["scene_id"])


def test_history_on_the_default_dataset(dataset):
    daily = dataset.scene_daily
    assert list(daily.columns) == list(SCENE_DAILY_COLUMNS)
    sid = int(dataset.scenes["scene_id"].iloc[0])
    sc = historical_scene(dataset, sid)
    assert sc.scene_id == sid and sc.duration_days >= 1
    rep = evaluate_history(dataset, sid)
    assert set(rep.scores) == {"Who", "What", "Way", "Why", "Worth"}
    assert len(rep.feedback("en")) == 5
    with pytest.raises(SceneError, match="没有编号为"):
        historical_scene(dataset, 10**8)
