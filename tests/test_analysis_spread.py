"""Point-to-point spread and communities (lessons 15-16)."""

from __future__ import annotations

import types

import numpy as np
import pandas as pd
import pytest

from o2o.analysis import spread
from o2o.errors import DataError


def _shares(rows):
    df = pd.DataFrame(rows, columns=["share_id", "scene_id", "sender_member_id", "sender_staff_id", "channel",
                                     "parent_share_id", "generation"])
    df["sender_member_id"] = df["sender_member_id"].astype("Int64")
    df["sender_staff_id"] = df["sender_staff_id"].astype("Int32")
    df["parent_share_id"] = df["parent_share_id"].astype("Int64")
    return types.SimpleNamespace(shares=df)


TREE = [  # seed 1 (staff) -> 2, 3; 3 -> 4 -> 5 ; seed 10 (member) alone
    (1, 7, None, 99, "朋友圈", None, 0), (2, 7, 501, None, "微信群", 1, 1), (3, 7, 502, None, "朋友圈", 1, 1),
    (4, 7, 503, None, "私聊", 3, 2), (5, 7, 503, None, "朋友圈", 4, 3), (10, 8, 600, None, "私聊", None, 0),
]


def test_cascades_rebuild_trees_exactly():
    casc = spread.cascades(_shares(TREE))
    assert casc.loc[1, "size"] == 5 and casc.loc[1, "depth"] == 3 and casc.loc[1, "seed_type"] == "店员"
    assert casc.loc[10, "size"] == 1 and casc.loc[10, "depth"] == 0 and casc.loc[10, "seed_type"] == "会员"


def test_generation_table_ratio():
    gen = spread.generation_table(_shares(TREE))
    assert gen.loc[0, "转发次数"] == 2 and gen.loc[1, "转发次数"] == 2
    assert spread.r_of_generation(gen, 0) == pytest.approx(1.0)
    assert spread.r_of_generation(gen, 2) == pytest.approx(1.0)
    with pytest.raises(DataError):
        spread.r_of_generation(gen, 9)


def test_broken_parent_is_a_clear_error():
    rows = TREE + [(6, 7, 504, None, "朋友圈", 777, 4)]
    with pytest.raises(DataError, match="上级转发"):
        spread.cascades(_shares(rows))


def test_concentration_curve_and_top_share():
    conc = spread.sender_concentration(_shares(TREE))
    # senders 503 (2 shares), 501, 502, 600 (1 each): top 25% of senders send 40% of member shares
    assert spread.top_share(conc, 0.25) == pytest.approx(40.0)
    assert spread.top_share(conc, 1.0) == pytest.approx(100.0)
    with pytest.raises(DataError):
        spread.top_share(conc, 1.5)


def test_on_dataset(dataset):
    casc = spread.cascades(dataset)
    assert casc["size"].sum() == len(dataset.shares)
    gen = spread.generation_table(dataset)
    assert gen["转发次数"].sum() == len(dataset.shares)
    assert spread.compare_seeds(casc)["传播树个数"].sum() == len(casc)
    fig = spread.cascade_figure(dataset, casc, rank=1)
    assert len(fig.data[0].ids) == casc["size"].iloc[0]
    with pytest.raises(DataError):
        spread.cascade_figure(dataset, casc, rank=0)
    profile = spread.sharer_profile(dataset)
    assert profile["会员数"].sum() == len(dataset.members)
    comm = spread.store_community(dataset)
    assert set(comm.index) == set(dataset.members["home_store_id"])
    assert ((comm["转发会员占比(%)"] >= 0) & (comm["转发会员占比(%)"] <= 100)).all()
    assert len(spread.join_channel_figure(dataset).data) % 4 == 0
