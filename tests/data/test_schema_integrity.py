"""Every table of the default dataset fits its schema, keys are unique and references resolve."""

from __future__ import annotations

import pandas as pd
import pytest

from o2o.data.check import referential_problems
from o2o.data.schema import TABLES, pandera_schema


@pytest.mark.parametrize("name", list(TABLES))
def test_table_matches_schema_with_unique_key(dataset, name):
    df = dataset.table(name)
    assert len(df) > 0, f"{name} is empty"
    pandera_schema(name, keys=True).validate(df)


def test_references_resolve(dataset):
    assert referential_problems(dataset) == []


def test_every_store_has_a_full_year_of_daily_sales_from_opening(dataset):
    daily, stores = dataset.daily_sales, dataset.stores
    per_store = daily.groupby("store_id")["date"].agg(["min", "max", "size"])
    assert set(per_store.index) == set(stores["store_id"])
    opened = stores.set_index("store_id")["open_date"].clip(lower=pd.Timestamp("2015-01-01"))
    assert (per_store["max"] == pd.Timestamp("2015-12-31")).all()
    assert (per_store["min"] == opened.loc[per_store.index]).all()
    assert (per_store["size"] == (pd.Timestamp("2015-12-31") - per_store["min"]).dt.days + 1).all()


def test_panel_daily_sales_equal_their_tickets(dataset):
    tx = dataset.transactions
    agg = tx.assign(date=tx["ts"].dt.normalize()).groupby(["store_id", "date"]).agg(
        sales=("amount_yuan", "sum"), tickets=("tx_id", "size"), members=("member_id", "count"))
    daily = dataset.daily_sales.set_index(["store_id", "date"]).loc[agg.index]
    assert (daily["tickets"] == agg["tickets"]).all()
    assert (daily["member_tickets"] == agg["members"]).all()
    assert ((daily["sales_yuan"] - agg["sales"]).abs() < 0.05).all()


def test_ticket_amount_is_its_lines_minus_discount(dataset):
    tx, items = dataset.transactions, dataset.transaction_items
    lines = items.groupby("tx_id")["line_amount_yuan"].sum()
    t = tx.set_index("tx_id")
    assert ((lines.loc[t.index] - t["discount_yuan"] - t["amount_yuan"]).abs() < 0.02).all()
    assert (items.groupby("tx_id").size().loc[t.index] == t["n_items"]).all()


def test_member_tiers_follow_visits(dataset):
    """A member's month-end tier is set by that month's visits: 0 / 1-2 / 3-7 / 8+."""
    tx = dataset.transactions.dropna(subset=["member_id"])
    visits = tx.groupby(["member_id", tx["ts"].dt.to_period("M").dt.start_time]).size()
    tiers = dataset.member_tiers.set_index(["member_id", "month"])["tier"]
    v = visits.reindex(tiers.index, fill_value=0)
    expected = pd.cut(v, [-1, 0, 2, 7, 10_000], labels=["沉睡粉", "普通粉", "活跃粉", "铁杆粉"]).astype(str)
    assert (expected.to_numpy() == tiers.to_numpy()).all()


def test_store_fans_of_panel_stores_count_their_members(dataset):
    mt = dataset.member_tiers.merge(dataset.members[["member_id", "home_store_id"]], on="member_id")
    counts = mt.groupby(["home_store_id", "month", "tier"]).size()
    fans = dataset.store_fans_monthly.set_index(["store_id", "month", "tier"])["fans"]
    panel = dataset.meta["panel_store_ids"]
    sub = fans[fans.index.get_level_values(0).isin(panel)]
    assert (counts.reindex(sub.index, fill_value=0) == sub).all()


def test_scenes_are_coherent(dataset):
    sc = dataset.scenes
    assert (sc["idea_date"] <= sc["launch_date"]).all()
    assert (sc["launch_date"] <= sc["end_date"]).all()
    squad = sc["initiator"] == "一线小分队"
    assert sc.loc[squad, "squad_id"].notna().all() and sc.loc[~squad, "squad_id"].isna().all()
    store_of_squad = dataset.squads.set_index("squad_id")["store_id"]
    assert (store_of_squad.loc[sc.loc[squad, "squad_id"].astype(int)].to_numpy()
            == sc.loc[squad, "store_id"].astype(int).to_numpy()).all()
    allowed = {"促销": {"品牌推广", "客户回馈", "引流入店", "新品推广", "粉丝分层"},
               "交易": {"营业员激励", "二次购买", "自团购", "微商", "异业联盟采购"},
               "支付": {"告知巨头优惠", "付满送", "附近异业"}}
    assert all(b in allowed[t] for t, b in zip(sc["scene_type"], sc["battle"]))
    days = dataset.scene_daily.groupby("scene_id")["date"].agg(["min", "max"])
    s = sc.set_index("scene_id").loc[days.index]
    assert (days["min"] >= s["launch_date"]).all() and (days["max"] <= s["end_date"]).all()


def test_share_trees_are_valid(dataset):
    sh = dataset.shares.set_index("share_id")
    child = sh.dropna(subset=["parent_share_id"])
    parent = sh.loc[child["parent_share_id"].astype("int64")]
    assert (parent["scene_id"].to_numpy() == child["scene_id"].to_numpy()).all()
    assert (parent["generation"].to_numpy() + 1 == child["generation"].to_numpy()).all()
    assert (parent["ts"].to_numpy() <= child["ts"].to_numpy()).all()
    seeds = sh[sh["parent_share_id"].isna()]
    assert (seeds["generation"] == 0).all() and seeds["sender_staff_id"].notna().all()


def test_coupons_link_to_their_tickets(dataset):
    c = dataset.coupons
    red = c[c["redeemed"]]
    tx = dataset.transactions.set_index("tx_id").loc[red["redeemed_tx_id"].astype("int64")]
    assert (tx["coupon_id"].astype("int64").to_numpy() == red["coupon_id"].to_numpy()).all()
    assert (tx["member_id"].astype("int64").to_numpy() == red["member_id"].to_numpy()).all()
    assert c.loc[~c["redeemed"], "redeemed_tx_id"].isna().all()


def test_dataset_says_it_is_synthetic(dataset):
    assert dataset.meta["synthetic"] is True
    assert "合成" in dataset.meta["notice_zh"]
