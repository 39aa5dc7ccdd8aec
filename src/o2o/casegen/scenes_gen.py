"""Historical scene (campaign) definitions of 2015: a few large HQ campaigns, many small squad scenes.

The outcomes of these scenes are not drawn here: :mod:`o2o.scenes.history` simulates them
with the same model students use, so a designed scene and a historical one are comparable.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..data import calibration as cal

HQ_BATTLES = (("促销", "品牌推广", 0.25), ("促销", "新品推广", 0.2), ("促销", "客户回馈", 0.15),
              ("支付", "告知巨头优惠", 0.15), ("支付", "付满送", 0.1), ("交易", "异业联盟采购", 0.05),
              ("促销", "粉丝分层", 0.1))
SQUAD_BATTLES = (("促销", "引流入店", 0.16), ("促销", "粉丝分层", 0.08), ("促销", "客户回馈", 0.06),
                 ("促销", "新品推广", 0.05), ("交易", "二次购买", 0.13), ("交易", "自团购", 0.1),
                 ("交易", "营业员激励", 0.08), ("交易", "微商", 0.06), ("支付", "付满送", 0.12),
                 ("支付", "附近异业", 0.1), ("支付", "告知巨头优惠", 0.06))
INCENTIVES = ("满减", "折扣", "赠品", "积分")
HQ_SCENES_PER_MONTH = 3
SQUAD_SCENES_PER_MONTH = 0.25   # per squad, before the pilot and in the other direct stores (assumption)

_END = np.datetime64(cal.YEAR_END, "D")
_START = np.datetime64(cal.YEAR_START, "D")


def _pick(rng: np.random.Generator, table, n):
    p = np.array([t[2] for t in table], dtype=float)
    idx = rng.choice(len(table), size=n, p=p / p.sum())
    return [table[i][0] for i in idx], [table[i][1] for i in idx]


def make_scenes(stores: pd.DataFrame, squads: pd.DataFrame, rng: np.random.Generator,
                staff: pd.DataFrame | None = None, levels: pd.DataFrame | None = None) -> pd.DataFrame:
    """Scenes of 2015 with type, battle, initiator, dates, channels, incentive, budget and target.

    With ``staff`` and ``levels`` given, a squad's scene rate follows its leader's capability and its
    store's profit (lecture 18: a "major-general captain" needs a capable leader and a store that earns)."""
    activity = squad_activity(stores, squads, staff, levels)
    frames = [_hq_scenes(stores, rng), _squad_scenes(stores, squads, rng, activity)]
    scenes = pd.concat(frames, ignore_index=True)
    scenes = scenes.sort_values(["launch_date", "initiator", "store_id"], kind="stable", na_position="first")
    scenes = scenes.reset_index(drop=True)
    scenes.insert(0, "scene_id", np.arange(1, len(scenes) + 1, dtype=np.int32))
    scenes["scene_name"] = [f"{'总部' if i == '总部市场部' else '小分队'}·{b}·{sid:04d}"
                            for i, b, sid in zip(scenes["initiator"], scenes["battle"], scenes["scene_id"])]
    cols = ["scene_id", "scene_name", "scene_type", "battle", "initiator", "squad_id", "store_id", "target_city",
            "idea_date", "launch_date", "end_date", "channels", "personalization", "incentive_type",
            "incentive_yuan", "budget_yuan", "target_tier"]
    return scenes[cols]


def _hq_scenes(stores: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    n = 12 * HQ_SCENES_PER_MONTH
    month = np.repeat(np.arange(12), HQ_SCENES_PER_MONTH)
    launch = np.array([np.datetime64(f"2015-{m + 1:02d}-01") for m in month]) + rng.integers(0, 25, n)
    duration = rng.integers(10, 31, n)
    end = np.minimum(launch + duration - 1, _END)
    idea = np.maximum(launch - rng.integers(15, 46, n), np.datetime64("2014-11-15"))
    types, battles = _pick(rng, HQ_BATTLES, n)
    city_counts = stores["city"].value_counts()
    chainwide = rng.random(n) < 0.5
    cities = rng.choice(city_counts.index.to_numpy(), size=n, p=(city_counts / city_counts.sum()).to_numpy())
    target_city = np.where(chainwide, None, cities)
    channels = []
    for _ in range(n):
        ch = ["广告"]
        if rng.random() < 0.3:
            ch.append("朋友圈")
        if rng.random() < 0.7:
            ch.append("店内")
        channels.append("|".join(ch))
    incentive = rng.choice(INCENTIVES, size=n)
    inc_yuan = np.round(rng.uniform(2, 10, n), 0)
    budget = np.where(chainwide, rng.uniform(6e5, 2e6, n), rng.uniform(8e4, 4e5, n))
    return pd.DataFrame({
        "scene_type": types, "battle": battles, "initiator": "总部市场部",
        "squad_id": pd.array([pd.NA] * n, dtype="Int32"), "store_id": pd.array([pd.NA] * n, dtype="Int32"),
        "target_city": pd.array(target_city, dtype=object),
        "idea_date": idea, "launch_date": launch, "end_date": end, "channels": channels,
        "personalization": np.round(rng.uniform(0.05, 0.3, n), 2),
        "incentive_type": incentive, "incentive_yuan": inc_yuan, "budget_yuan": np.round(budget, -3),
        "target_tier": np.where(rng.random(n) < 0.8, "全部", rng.choice(cal.TIERS, size=n)),
    })


def squad_activity(stores: pd.DataFrame, squads: pd.DataFrame, staff: pd.DataFrame | None,
                   levels: pd.DataFrame | None) -> np.ndarray:
    """Relative scene rate of each squad (mean about 1): a capable leader and a profitable store do more.

    Rate multiplier = (0.4 + 1.2 x leader capability) x (1.0 if the store's monthly gross margin
    covers its rent twice, else 0.6). Assumption of the kit, shaped by lecture 18's 少将连长 argument."""
    if staff is None or levels is None:
        return np.ones(len(squads))
    cap = squads["leader_staff_id"].map(staff.set_index("staff_id")["capability"]).to_numpy(dtype=float)
    lv = levels.set_index("store_id")
    st = stores.set_index("store_id")
    sid = squads["store_id"].to_numpy()
    margin_month = (lv.loc[sid, "base_sales"] * lv.loc[sid, "margin_rate"] * 30.4).to_numpy()
    rent = st.loc[sid, "monthly_rent_yuan"].to_numpy()
    profit = np.where(margin_month >= 2 * rent, 1.0, 0.6)
    act = (0.4 + 1.2 * cap) * profit
    return act / act.mean()


def _squad_scenes(stores: pd.DataFrame, squads: pd.DataFrame, rng: np.random.Generator,
                  activity: np.ndarray | None = None) -> pd.DataFrame:
    group = squads["store_id"].map(stores.set_index("store_id")["pilot_group"]).to_numpy()
    formed = squads["formed_date"].to_numpy().astype("datetime64[D]")
    rows_squad, rows_launch = [], []
    for m in range(12):
        first = np.datetime64(f"2015-{m + 1:02d}-01")
        nxt = np.datetime64(f"2015-{m + 2:02d}-01") if m < 11 else np.datetime64("2016-01-01")
        days_in_month = int((nxt - first).astype(np.int64))
        rate = SQUAD_SCENES_PER_MONTH * (np.ones(len(squads)) if activity is None else activity)
        if first >= np.datetime64(cal.PILOT_START):
            rate = np.where(group == "试点", rate * cal.PILOT_SCENE_RATE_RATIO, rate)
        k = rng.poisson(rate)
        sq = np.repeat(np.arange(len(squads)), k)
        launch = first + rng.integers(0, days_in_month, len(sq))
        ok = launch >= formed[sq]
        rows_squad.append(sq[ok])
        rows_launch.append(launch[ok])
    sq = np.concatenate(rows_squad)
    launch = np.concatenate(rows_launch)
    n = len(sq)
    types, battles = _pick(rng, SQUAD_BATTLES, n)
    idea = np.maximum(launch - rng.integers(0, 4, n), _START - 3)
    end = np.minimum(launch + rng.integers(1, 8, n) - 1, _END)
    channels = []
    for _ in range(n):
        ch = [c for c, p in (("朋友圈", 0.85), ("店内", 0.8)) if rng.random() < p] or ["朋友圈"]
        if rng.random() < 0.04:
            ch.insert(0, "广告")
        channels.append("|".join(ch))
    incentive = rng.choice(INCENTIVES, size=n)
    inc_yuan = np.round(rng.uniform(1, 8, n), 0)
    return pd.DataFrame({
        "scene_type": types, "battle": battles, "initiator": "一线小分队",
        "squad_id": pd.array(squads["squad_id"].to_numpy()[sq], dtype="Int32"),
        "store_id": pd.array(squads["store_id"].to_numpy()[sq], dtype="Int32"),
        "target_city": pd.array([None] * n, dtype=object),
        "idea_date": idea, "launch_date": launch, "end_date": end, "channels": channels,
        "personalization": np.round(rng.uniform(0.4, 0.95, n), 2),
        "incentive_type": incentive, "incentive_yuan": inc_yuan,
        "budget_yuan": np.round(rng.uniform(300, 5000, n), -1),
        "target_tier": np.where(rng.random(n) < 0.4, "全部", rng.choice(cal.TIERS[1:], size=n)),
    })
