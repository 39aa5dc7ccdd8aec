"""Where the data pushes back on lecture 18: squad scenes that lose money, HQ scenes that pay, a weak
leader's squad, fatigue, and what a below-¥1 scene buys besides margin.

Used by lessons 19, 22, 26 and 35. Each function is the grouping a student would do on the scene
ledger (:func:`o2o.analysis.scenes_history.scene_outcomes`): squad scenes labelled by their leader's
capability, their store's profit and the scenes the same store launched just before. The conditions
are the kit's construction (documented in ``datasets/README.md`` and ``docs/simulation-model.md``),
not claims of the lecture.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..data import calibration as cal
from ..errors import DataError
from ..scenes import World
from ._frames import HQ, SQUAD

__all__ = ["WEAK_BELOW", "RECENT_DAYS", "squad_context", "loss_conditions", "weak_leader_comparison",
           "weak_leader_squad", "squad_record", "hq_exception", "beyond_margin", "recent_counts"]

#: a leader below this capability is weak (every leader the kit did not plant is above it)
WEAK_BELOW = cal.WEAK_LEADER_BELOW
#: "recent" scenes: launched at the same store in these many days before (the fans' memory, fatigue_days)
RECENT_DAYS = 14
GIANT = "告知巨头优惠"
TILL = "店内"


def _worth(g: pd.DataFrame) -> float:
    cost = float(g["cost_yuan"].sum())
    return float(g["incremental_margin_yuan"].sum()) / cost if cost > 0 else float("nan")


def _need_ledger(ledger: Any) -> pd.DataFrame:
    need = {"initiator", "incremental_margin_yuan", "cost_yuan", "worth", "launch_date"}
    if not isinstance(ledger, pd.DataFrame) or not need <= set(ledger.columns):
        raise DataError("这里需要 scene_outcomes(ds) 得到的场景账本。",
                        "This needs the scene ledger from scene_outcomes(ds).")
    return ledger


def recent_counts(store_id: np.ndarray, launch: np.ndarray, days: int = RECENT_DAYS) -> np.ndarray:
    """For each scene, how many scenes the same store launched in the ``days`` days before it (same day excluded)."""
    store_id = np.asarray(store_id)
    launch = np.asarray(launch, dtype="datetime64[D]")
    out = np.zeros(len(store_id), dtype=int)
    order = np.lexsort((launch, store_id))
    s, d = store_id[order], launch[order]
    for sid in np.unique(s):
        idx = np.nonzero(s == sid)[0]
        dd = d[idx]
        left = np.searchsorted(dd, dd - np.timedelta64(int(days), "D"), side="left")
        right = np.searchsorted(dd, dd, side="left")
        out[order[idx]] = right - left
    return out


def squad_context(ds: Any, ledger: pd.DataFrame) -> pd.DataFrame:
    """The squad scenes of the ledger with what a manager would suspect: the leader's capability (``leader_cap``,
    ``weak_leader``), the store's profit (``profit_support`` of the simulator, 1 = earns well, 0.3 = loses money;
    ``profit_band``), and the scenes the store launched in the 14 days before (``recent``)."""
    led = _need_ledger(ledger)
    sq = led[led["initiator"] == SQUAD].copy()
    if sq.empty:
        raise DataError("账本中没有小分队场景。", "The ledger has no squad scenes.")
    cap = ds.staff.set_index("staff_id")["capability"]
    leader = ds.squads.set_index("squad_id")["leader_staff_id"]
    sq["leader_cap"] = sq["squad_id"].astype(int).map(leader).map(cap).to_numpy(dtype=float)
    sq["weak_leader"] = sq["leader_cap"] < WEAK_BELOW
    world = World.from_dataset(ds)
    support = world.profit_support[world.store_pos(sq["store_id"].astype(int).to_numpy())]
    sq["profit_support"] = support
    sq["profit_band"] = np.select([support >= 1.0, support <= world.params.profit_floor + 1e-9],
                                  ["盈利充足", "亏损"], "盈利偏薄")
    sq["recent"] = recent_counts(sq["store_id"].astype(int).to_numpy(),
                                 pd.to_datetime(sq["launch_date"]).to_numpy())
    return sq


def _summary(g: pd.core.groupby.DataFrameGroupBy) -> pd.DataFrame:
    out = pd.DataFrame({
        "场景数": g.size(),
        "每元成本增量毛利": g.apply(_worth, include_groups=False).round(3),
        "亏钱场景占比": g["worth"].apply(lambda w: float((w < 1).mean())).round(3),
        "平均每场增量毛利(元)": g["incremental_margin_yuan"].mean().round(0),
    })
    return out


def loss_conditions(ctx: pd.DataFrame) -> pd.DataFrame:
    """Squad scenes under each condition that makes them lose money, against the scenes free of all three.

    Rows: 班长能力弱 (leader below 0.3), 门店亏损 (profit at the floor), 近14天同店已有2场以上 (two or more
    recent scenes), 三者皆无且门店盈利充足 (none of them, store earns well). A scene can be in several rows."""
    rows = {
        "班长能力弱": ctx["weak_leader"],
        "门店亏损": ctx["profit_band"] == "亏损",
        "近14天同店已有2场以上": ctx["recent"] >= 2,
        "三者皆无且门店盈利充足": (~ctx["weak_leader"]) & (ctx["profit_band"] == "盈利充足") & (ctx["recent"] == 0),
    }
    parts = [ctx[mask].assign(条件=name) for name, mask in rows.items()]
    out = _summary(pd.concat(parts).groupby("条件", sort=False))
    return out.reindex(list(rows))


def weak_leader_comparison(ctx: pd.DataFrame) -> pd.DataFrame:
    """Squad scenes of stores that earn well, by whether the leader is weak: the store is not the reason."""
    rich = ctx[ctx["profit_band"] == "盈利充足"]
    out = _summary(rich.groupby(np.where(rich["weak_leader"], "班长能力弱", "班长能力正常")))
    out.index.name = "盈利充足门店的小分队"
    return out.reindex(["班长能力正常", "班长能力弱"])


def weak_leader_squad(ctx: pd.DataFrame) -> int:
    """The weak-led squad with the most scenes in 2015 (the lowest id among equals): the case of lesson 26."""
    weak = ctx[ctx["weak_leader"]]
    if weak.empty:
        raise DataError("数据中没有能力弱的班长。", "The data has no weak squad leader.")
    counts = weak.groupby("squad_id").size()
    return int(counts[counts == counts.max()].index.min())


def squad_record(ctx: pd.DataFrame, squad_id: int) -> pd.Series:
    """One squad's year: leader capability, store profit, scenes, return per yuan, scenes that lost money."""
    g = ctx[ctx["squad_id"] == squad_id]
    if g.empty:
        raise DataError(f"小分队 {squad_id} 在 2015 年没有场景。", f"Squad {squad_id} ran no scene in 2015.")
    return pd.Series({
        "班长能力": round(float(g["leader_cap"].iloc[0]), 3), "门店盈利": str(g["profit_band"].iloc[0]),
        "场景数": len(g), "每元成本增量毛利": round(_worth(g), 3),
        "亏钱场景数": int((g["worth"] < 1).sum()),
    }, name=f"小分队 {squad_id}")


def hq_exception(ledger: pd.DataFrame) -> pd.DataFrame:
    """HQ scenes: those that tell customers of a payment giant's offer and announce it at the till, against
    the rest. The platform funds most of the offer and of its media (the kit's construction)."""
    led = _need_ledger(ledger)
    hq = led[led["initiator"] == HQ]
    chans = hq["channels"].fillna("").astype(str).str.split("|")
    giant = (hq["battle"] == GIANT) & chans.apply(lambda c: TILL in c)
    out = _summary(hq.groupby(np.where(giant, "借巨头优惠且店内告知", "其他总部场景")))
    out.index.name = "总部场景"
    return out.reindex(["借巨头优惠且店内告知", "其他总部场景"])


def beyond_margin(ledger: pd.DataFrame) -> pd.DataFrame:
    """Squad scenes below and above ¥1 of margin per yuan: what they bought besides margin.

    ``每千元新增会员``, ``每千元粉丝升级``: per ¥1,000 of cost; ``每位新增会员或升级的亏损(元)``: the margin
    short of cost, per member gained or upgraded: what each must be worth later for the scene to pay."""
    led = _need_ledger(ledger)
    sq = led[(led["initiator"] == SQUAD) & led["worth"].notna()]
    g = sq.groupby(np.where(sq["worth"] < 1, "不到1元", "1元及以上"))
    cost = g["cost_yuan"].sum()
    gain = g["new_members"].sum() + g["tier_upgrades"].sum()
    short = (cost - g["incremental_margin_yuan"].sum()).clip(lower=0)
    out = pd.DataFrame({
        "场景数": g.size(),
        "每元成本增量毛利": (g["incremental_margin_yuan"].sum() / cost).round(3),
        "每千元新增会员": (g["new_members"].sum() / cost * 1000).round(1),
        "每千元粉丝升级": (g["tier_upgrades"].sum() / cost * 1000).round(1),
        "每位新增会员或升级的亏损(元)": (short / gain.where(gain > 0)).round(2),
    })
    out.index.name = "小分队场景"
    return out.reindex(["不到1元", "1元及以上"])
