"""Module-5 computations on small hand-made tables whose answers are known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from o2o.analysis import organisation as org
from o2o.errors import DataError, O2OError


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    stores = pd.DataFrame({
        "store_id": [1, 2, 3, 4],
        "city": ["东莞", "东莞", "深圳", "广州"],
        "format": ["社区", "写字楼", "社区", "学校"],
        "ownership": ["直营"] * 4,
        "pilot_group": ["试点", "试点", "对照", "对照"],
        "monthly_rent_yuan": [3040.0, 3040.0, 3040.0, 30400.0],
    })
    dates = pd.date_range("2015-01-01", "2015-12-31", freq="D")
    rows = []
    for sid in stores["store_id"]:
        for d in dates:
            after = d >= pd.Timestamp("2015-08-01")
            pilot = sid in (1, 2)
            sales = 1000.0 * (1.1 if after else 1.0) * (1.08 if (after and pilot) else 1.0)
            rows.append((sid, d, sales, 0.2 * sales, 100, 30 if sid != 4 else 10, 2 if sid == 1 else 1))
    daily = pd.DataFrame(rows, columns=["store_id", "date", "sales_yuan", "gross_margin_yuan", "tickets",
                                        "member_tickets", "new_members"])
    staff = pd.DataFrame({
        "staff_id": [10, 11, 20, 21, 30, 31, 40, 41],
        "store_id": [1, 1, 2, 2, 3, 3, 4, 4],
        "role": ["店长", "店员"] * 4,
        "is_shareholder": [True, True, True, False, False, False, False, False],
        "shareholder_since": pd.to_datetime(["2015-08-01", "2015-08-01", "2015-08-01", None, None, None, None, None]),
        "capability": [0.9, 0.5, 0.4, 0.5, 0.8, 0.3, 0.7, 0.2],
    })
    squads = pd.DataFrame({"squad_id": [1, 2, 3, 4], "store_id": [1, 2, 3, 4], "leader_staff_id": [10, 20, 30, 40]})
    scenes = pd.DataFrame({
        "scene_id": [1, 2, 3, 4, 5],
        "scene_type": ["促销", "促销", "交易", "交易", "支付"],
        "battle": ["品牌推广", "引流入店", "二次购买", "二次购买", "付满送"],
        "initiator": ["总部市场部", "一线小分队", "一线小分队", "一线小分队", "总部市场部"],
        "squad_id": pd.array([pd.NA, 1, 1, 3, pd.NA], dtype="Int32"),
        "store_id": pd.array([pd.NA, 1, 1, 3, pd.NA], dtype="Int32"),
        "idea_date": pd.to_datetime(["2015-03-01", "2015-08-10", "2015-09-01", "2015-03-01", "2015-05-01"]),
        "launch_date": pd.to_datetime(["2015-03-31", "2015-08-12", "2015-09-02", "2015-03-04", "2015-05-21"]),
        "end_date": pd.to_datetime(["2015-04-29", "2015-08-18", "2015-09-04", "2015-03-10", "2015-06-19"]),
        "target_tier": ["全部", "普通粉", "活跃粉", "活跃粉", "全部"],
    })
    scene_daily = pd.DataFrame({
        "scene_id": [1, 1, 2, 3, 4, 5],
        "reach_broadcast": [900, 100, 0, 10, 0, 500],
        "reach_p2p": [0, 0, 50, 40, 30, 0],
        "incremental_sales_yuan": [500.0, 500.0, 300.0, 200.0, 100.0, 400.0],
        "incremental_margin_yuan": [100.0, 100.0, 90.0, 60.0, 20.0, 50.0],
        "cost_yuan": [200.0, 200.0, 30.0, 20.0, 20.0, 100.0],
        "new_members": [5, 5, 4, 2, 1, 3],
    })
    return dict(stores=stores, daily=daily, staff=staff, squads=squads, scenes=scenes, scene_daily=scene_daily)


def test_scene_speed(tables):
    s = org.scene_speed(tables["scenes"])
    assert list(s["lead_days"]) == [30, 2, 1, 3, 20]
    assert list(s["duration_days"]) == [30, 7, 3, 7, 30]


def test_decision_speed_by_initiator(tables):
    d = org.decision_speed(tables["scenes"], tables["scene_daily"])
    assert d.loc["一线小分队", "scenes"] == 3 and d.loc["总部市场部", "scenes"] == 2
    assert d.loc["一线小分队", "median_lead_days"] == 2
    assert d.loc["总部市场部", "median_lead_days"] == 25
    assert d.loc["总部市场部", "margin_per_yuan"] == pytest.approx(250 / 500)
    assert d.loc["一线小分队", "margin_per_yuan"] == pytest.approx(170 / 70)
    assert d.loc["一线小分队", "p2p_share"] == pytest.approx(120 / 130)
    assert d.loc["总部市场部", "new_members_per_scene"] == pytest.approx(6.5)


def test_store_profitability_with_and_without_staff_cost(tables):
    p = org.store_profitability(tables["stores"], tables["daily"], end="2015-01-31")
    row = p.set_index("store_id").loc[1]
    assert row["days"] == 31 and row["sales_yuan"] == pytest.approx(31_000)
    assert row["rent_yuan"] == pytest.approx(3040 * 31 / 30.4)
    assert row["profit_yuan"] == pytest.approx(6200 - 3100)
    assert p.set_index("store_id").loc[4, "profit_yuan"] < 0
    q = org.store_profitability(tables["stores"], tables["daily"], staff=tables["staff"], end="2015-01-31",
                                staff_cost_per_month=1000)
    assert q.set_index("store_id").loc[1, "staff_cost_yuan"] == pytest.approx(2 * 1000 * 31 / 30.4)
    for bad in (-1, "4000", float("nan"), True):
        with pytest.raises(DataError, match="人工成本"):
            org.store_profitability(tables["stores"], tables["daily"], staff=tables["staff"], staff_cost_per_month=bad)
    with pytest.raises(DataError, match="staff"):
        org.store_profitability(tables["stores"], tables["daily"], staff_cost_per_month=10)


def test_captain_readiness_quadrants(tables):
    r = org.captain_readiness(tables["stores"], tables["staff"], tables["squads"], tables["daily"],
                              tables["scenes"], tables["scene_daily"]).set_index("store_id")
    assert r.loc[1, "quadrant"] == "具备条件"        # profitable, leader 0.9
    assert r.loc[2, "quadrant"] == "有利润缺班长"    # profitable, leader 0.4
    assert r.loc[4, "quadrant"] == "有班长缺利润"    # rent too high, leader 0.7
    assert r.loc[1, "squad_scenes"] == 2 and r.loc[3, "squad_scenes"] == 1 and r.loc[2, "squad_scenes"] == 0
    assert r.loc[1, "squad_margin_yuan"] == pytest.approx(150)
    s = org.readiness_summary(r.reset_index())
    assert list(s.index) == list(org.QUADRANTS)
    assert s.loc["具备条件", "stores"] == 2 and s.loc["都不具备", "stores"] == 0
    assert s["share"].sum() == pytest.approx(1.0)
    late = org.captain_readiness(tables["stores"], tables["staff"], tables["squads"], tables["daily"],
                                 tables["scenes"], scenes_from="2015-08-01").set_index("store_id")
    assert late.loc[3, "squad_scenes"] == 0 and late.loc[1, "squad_scenes"] == 2
    with pytest.raises(DataError, match="门槛"):
        org.captain_readiness(tables["stores"], tables["staff"], tables["squads"], tables["daily"],
                              tables["scenes"], capability_cut=2)


def test_shareholder_share(tables):
    s = org.shareholder_share(tables["stores"], tables["staff"])
    assert s.loc["试点", "店长"] == 1.0 and s.loc["试点", "店员"] == 0.5 and s.loc["对照", "店长"] == 0.0
    early = org.shareholder_share(tables["stores"], tables["staff"], on="2015-07-31")
    assert early.loc["试点", "店长"] == 0.0


def test_pilot_monthly_and_did_recovers_the_planted_effect(tables):
    m = org.pilot_monthly(tables["stores"], tables["daily"], tables["scenes"])
    assert len(m) == 24 and set(m["pilot_group"]) == {"试点", "对照"}
    aug = m[(m["month"] == "2015-08-01") & (m["pilot_group"] == "试点")].iloc[0]
    assert aug["squad_scenes_per_store"] == pytest.approx(0.5)
    t = org.before_after(m, "sales_per_store_day")
    assert t.attrs["did_pct"] == pytest.approx(0.08)
    assert t.loc["对照", "change"] == pytest.approx(100.0)


def test_convection_and_target(tables):
    c = org.convection_by_store(tables["stores"], tables["staff"], tables["daily"])
    c = c.set_index("store_id")
    assert c.loc[1, "new_members_per_staff_day"] == pytest.approx(1.0)
    assert c.loc[2, "new_members_per_staff_day"] == pytest.approx(0.5)
    assert c.loc[4, "member_ticket_share"] == pytest.approx(0.1)
    assert org.target_attainment(c, 0.8) == pytest.approx(0.25)
    by = org.target_attainment(c.reset_index(), 0.8, by="pilot_group")
    assert by.loc["试点", "share_meeting_target"] == 0.5
    with pytest.raises(DataError, match="目标"):
        org.target_attainment(c, -1)


def test_join_channel_mix(tables):
    members = pd.DataFrame({"member_id": [1, 2, 3, 4], "home_store_id": [1, 1, 3, 3],
                            "join_channel": ["门店二维码", "门店二维码", "好友分享", "门店二维码"]})
    assert org.join_channel_mix(members).loc["门店二维码", "share"] == 0.75
    by = org.join_channel_mix(members, tables["stores"], by="pilot_group")
    assert by.loc["试点", "门店二维码"] == 1.0 and by.loc["对照", "好友分享"] == 0.5
    with pytest.raises(DataError):
        org.join_channel_mix(members, by="pilot_group")


def test_firepower_menu_and_resource_matrix(tables):
    f = org.firepower_menu(tables["scenes"], tables["scene_daily"])
    assert f.index[0] == ("促销", "引流入店")  # 90 / 30 = 3.0, the best
    assert f.loc[("交易", "二次购买"), "margin_per_yuan"] == pytest.approx(80 / 40)
    assert f.loc[("交易", "二次购买"), "squad_share"] == 1.0
    m = org.resource_matrix(tables["scenes"], tables["scene_daily"], min_scenes=1)
    assert m.loc["二次购买", "活跃粉"] == pytest.approx(2.0)
    assert np.isnan(org.resource_matrix(tables["scenes"], tables["scene_daily"], min_scenes=2).loc["品牌推广", "全部"])
    n = org.resource_matrix(tables["scenes"], tables["scene_daily"], value="scenes")
    assert n.loc["二次购买", "活跃粉"] == 2
    with pytest.raises(DataError, match="value"):
        org.resource_matrix(tables["scenes"], tables["scene_daily"], value="x")
    lt = org.lead_time_by_month(tables["scenes"])
    assert lt.loc[pd.Timestamp("2015-03-01"), "一线小分队"] == 3


def test_bad_tables_give_bilingual_errors(tables):
    with pytest.raises(DataError, match="缺少列") as exc:
        org.scene_speed(tables["scenes"].drop(columns="idea_date"))
    assert "lacks" in exc.value.en and isinstance(exc.value, O2OError)
    with pytest.raises(DataError, match="DataFrame"):
        org.decision_speed([1], tables["scene_daily"])


def test_captain_affordability():
    profit = pd.DataFrame({"profit_per_day": [10.0, 50.0, 100.0, -5.0]})
    a = org.captain_affordability(profit, premiums=[0, 304, 3040])
    assert list(a["stores_profitable"]) == [3, 2, 0]
    assert a["share_profitable"].iloc[0] == 0.75
    with pytest.raises(DataError, match="津贴"):
        org.captain_affordability(profit, premiums=[-1])
