"""o2o.analysis payments, member_channels and categories."""

from __future__ import annotations

import doctest

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from o2o.analysis import categories, member_channels, payments
from o2o.errors import DataError


def test_doctests():
    for mod in (payments, member_channels, categories):
        assert doctest.testmod(mod).failed == 0


def _tx(seed, n=200):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "tx_id": np.arange(n), "store_id": 1,
        "ts": pd.Timestamp("2015-01-01") + pd.to_timedelta(rng.integers(0, 365 * 24, n), unit="h"),
        "member_id": pd.array(np.where(rng.random(n) < 0.3, rng.integers(1, 50, n), -1), dtype="Int64"),
        "payment_method": rng.choice(payments.METHODS, n), "amount_yuan": rng.uniform(2, 80, n),
        "n_items": rng.integers(1, 6, n)}).assign(member_id=lambda d: d["member_id"].mask(d["member_id"] < 0))


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 10_000))
def test_monthly_mix_shares_sum_to_one(seed):
    mix = payments.monthly_mix(_tx(seed))
    assert mix.groupby("month")["share"].sum().to_numpy() == pytest.approx(1.0)
    assert mix["transactions"].sum() == 200


def test_method_profile_and_change():
    t = _tx(1)
    prof = payments.method_profile(t)
    assert prof["share"].sum() == pytest.approx(1.0)
    cash = prof.set_index("payment_method").loc["现金"]
    assert cash["avg_ticket_yuan"] == pytest.approx(t.loc[t["payment_method"] == "现金", "amount_yuan"].mean())
    ch = payments.mobile_share_change(t)
    assert ch["change_points"] == pytest.approx((ch["last_month"] - ch["first_month"]) * 100)


def test_channel_quality_uses_the_chosen_month():
    m = pd.DataFrame({"member_id": [1, 2], "join_date": pd.to_datetime(["2015-01-03", "2015-02-03"]),
                      "join_channel": ["门店二维码", "好友分享"]})
    t = pd.DataFrame({"member_id": [1, 1, 2], "month": pd.to_datetime(["2015-01-01", "2015-02-01", "2015-02-01"]),
                      "tier": ["活跃粉", "沉睡粉", "铁杆粉"]})
    jan = member_channels.channel_quality(m, t, month="2015-01-01")
    assert jan["members"].sum() == 1 and jan["engaged_share"].item() == 1.0
    feb = member_channels.channel_quality(m, t).set_index("join_channel")
    assert feb.loc["门店二维码", "engaged_share"] == 0.0 and feb.loc["好友分享", "engaged_share"] == 1.0
    joins = member_channels.joins_by_month(m)
    assert joins["new_members"].sum() == 2


def test_category_matrix_and_roles():
    items = pd.DataFrame({"tx_id": [1, 1, 2, 3, 3], "sku_id": [1, 2, 1, 3, 4], "qty": [1, 1, 2, 1, 1],
                          "line_amount_yuan": [4.0, 10.0, 8.0, 30.0, 6.0]})
    prods = pd.DataFrame({"sku_id": [1, 2, 3, 4], "category": ["饮料", "零食", "烟酒", "鲜食"],
                          "unit_cost_yuan": [3.0, 6.0, 27.0, 3.0]})
    m = categories.category_matrix(items, prods).set_index("category")
    assert m["sales_share"].sum() == pytest.approx(1.0)
    assert m.loc["饮料", "penetration"] == pytest.approx(2 / 3)
    assert m.loc["烟酒", "margin_rate"] == pytest.approx(0.1)
    roles = categories.category_roles(m.reset_index()).set_index("category")["role"]
    assert roles["饮料"] == "引流品" and roles["鲜食"] == "利润品"


def test_bad_input():
    with pytest.raises(DataError, match="payment_method"):
        payments.monthly_mix(pd.DataFrame({"ts": []}))


def test_on_the_default_dataset(dataset):
    ch = payments.mobile_share_change(dataset.transactions)
    assert ch["last_month"] > ch["first_month"]  # mobile payment grew through 2015
    q = member_channels.channel_quality(dataset.members, dataset.member_tiers)
    assert set(q["join_channel"]) <= {"门店二维码", "微信公众号", "好友分享", "异业合作"}
    m = categories.category_matrix(dataset.transaction_items, dataset.products)
    assert m["sales_share"].sum() == pytest.approx(1.0) and len(m) == 8
