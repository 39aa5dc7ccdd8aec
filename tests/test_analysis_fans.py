"""Fan tiers (lesson 13): mix, transitions and the value of a tier."""

from __future__ import annotations

import types

import numpy as np
import pandas as pd
import pytest

from o2o.analysis import fans
from o2o.errors import DataError


def _fake(member_tiers: pd.DataFrame) -> types.SimpleNamespace:
    return types.SimpleNamespace(member_tiers=member_tiers)


def test_transition_matrix_counts_moves_exactly():
    mt = pd.DataFrame({
        "member_id": [1, 1, 2, 2, 3, 3, 4],
        "month": pd.to_datetime(["2015-01-01", "2015-02-01"] * 3 + ["2015-01-01"]),
        "tier": ["普通粉", "活跃粉", "普通粉", "普通粉", "普通粉", "铁杆粉", "沉睡粉"],
    })
    moves = fans.transition_matrix(_fake(mt))
    assert moves.loc["普通粉", "活跃粉"] == pytest.approx(100 / 3)
    assert moves.loc["普通粉", "铁杆粉"] == pytest.approx(100 / 3)
    assert fans.upgrade_share(moves, "普通粉") == pytest.approx(200 / 3)
    assert moves.loc["沉睡粉"].isna().all()  # member 4 has no next month: no row data


def test_transition_matrix_skips_gaps_between_months():
    mt = pd.DataFrame({"member_id": [1, 1], "month": pd.to_datetime(["2015-01-01", "2015-03-01"]),
                       "tier": ["普通粉", "铁杆粉"]})
    with pytest.raises(DataError):
        fans.transition_matrix(_fake(mt))


def test_upgrade_share_rejects_unknown_tier():
    moves = pd.DataFrame(np.full((4, 4), 25.0), index=list(fans.TIERS), columns=list(fans.TIERS))
    with pytest.raises(DataError, match="粉丝层级"):
        fans.upgrade_share(moves, "超级粉")
    assert fans.upgrade_share(moves, "铁杆粉") == 0.0


def test_tier_mix_and_shares_on_dataset(dataset):
    mix = fans.tier_mix(dataset)
    assert list(mix.columns) == list(fans.TIERS)
    assert mix.to_numpy().sum() == dataset.store_fans_monthly["fans"].sum()
    share = fans.tier_share_table(mix)
    assert np.allclose(share.sum(axis=1), 100, atol=0.3)
    with pytest.raises(DataError, match="城市"):
        fans.tier_mix(dataset, city="火星")


def test_transition_rows_sum_to_100_and_diagonal_is_large(dataset):
    moves = fans.transition_matrix(dataset)
    assert np.allclose(moves.sum(axis=1), 100)
    assert (np.diag(moves.to_numpy()) > 20).all()


def test_tier_value_rises_with_tier(dataset):
    value = fans.tier_value(dataset)
    spend = value["月均消费(元)"].to_numpy()
    assert (np.diff(spend) > 0).all()
    assert value["会员月数"].sum() == len(dataset.member_tiers)


def test_city_mix_figure_has_one_button_per_scope(dataset):
    fig = fans.explore_by_city(dataset)
    scopes = fans.city_mix(dataset)
    assert len(fig.layout.updatemenus[0].buttons) == len(scopes)
    assert len(fig.data) == len(scopes) * len(fans.TIERS)
