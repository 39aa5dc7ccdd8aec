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
from ..judgment import Judgment
from ..scenes import World
from ._frames import HQ, SQUAD

__all__ = ["WEAK_BELOW", "RECENT_DAYS", "squad_context", "loss_conditions", "weak_leader_comparison",
           "weak_leader_squad", "squad_record", "hq_exception", "beyond_margin", "recent_counts",
           "paying_squad_group", "paying_hq_scene", "worth_anyway", "weak_squad_cause", "tired_scene"]

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


# ---------------------------------------------------------------------- "find the exception" questions
def _said(table: pd.DataFrame, col: str = "每元成本增量毛利") -> tuple[str, str]:
    zh = ";".join(f"{k}:{v:.2f}" for k, v in table[col].items())
    en = "; ".join(f"{v:.2f}" for v in table[col])
    return f"每元成本增量毛利 {zh}。", f"margin per yuan {en}."


def paying_squad_group(conditions: pd.DataFrame) -> Judgment:
    """Lesson 19: squad scenes return below ¥1 on average; which group of them is the exception that pays?"""
    w = conditions["每元成本增量毛利"]
    keys = dict(zip("ABCD", w.index))
    best = max(keys, key=lambda k: w[keys[k]])
    said = _said(conditions)
    reasons = {k: said for k in keys}
    return Judgment("哪一组小分队场景是赚钱的例外", keys, best, reasons)


def paying_hq_scene(ledger: pd.DataFrame) -> Judgment:
    """Lesson 20: HQ scenes mostly lose money; which kind of HQ scene is the exception?"""
    led = _need_ledger(ledger)
    hq = led[led["initiator"] == HQ]
    chans = hq["channels"].fillna("").astype(str).str.split("|")
    till = chans.apply(lambda c: TILL in c)
    groups = {"A": ("全网或全城的品牌推广", hq["battle"] == "品牌推广"),
              "B": ("告知巨头优惠,只打广告", (hq["battle"] == GIANT) & ~till),
              "C": ("告知巨头优惠,并在店内收银台告知", (hq["battle"] == GIANT) & till),
              "D": ("客户回馈", hq["battle"] == "客户回馈")}
    table = pd.DataFrame({"每元成本增量毛利": {name: _worth(hq[mask]) for name, mask in groups.values()}})
    options = {k: name for k, (name, _) in groups.items()}
    best = max(options, key=lambda k: np.nan_to_num(table.loc[options[k], "每元成本增量毛利"], nan=-1.0))
    return Judgment("哪种总部场景是赚钱的例外", options, best, {k: _said(table) for k in options})


def worth_anyway(beyond: pd.DataFrame) -> Judgment:
    """Lesson 22: a squad scene below ¥1 per yuan: when is it worth running anyway?"""
    price = float(beyond.loc["不到1元", "每位新增会员或升级的亏损(元)"])
    options = {"A": "永远不值得:每元毛利不到1元就是亏",
               "B": f"当每位新增会员或升级粉丝日后多带来的毛利超过约 {price:.0f} 元时",
               "C": "只要触达的人够多就值得"}
    reasons = {"A": (f"当期亏了,但它换来了会员和升级;只有当它们日后的毛利抵不过每位约 {price:.0f} 元的亏损时才不值得。",
                     f"it bought members and upgrades; it fails only if each is worth less than about {price:.0f} yuan later."),
               "B": (f"对:不到1元的场景每换来一位新会员或升级粉丝,当期亏约 {price:.0f} 元;这要和会员日后的毛利比,而且要用数据验证。",
                     f"right: each member gained or upgraded cost about {price:.0f} yuan of margin; compare with their later margin."),
               "C": ("触达本身不带来毛利;要看触达换来了多少会员和升级,每位花了多少。",
                     "reach itself earns nothing; count the members it brought and their price.")}
    return Judgment("不到1元的场景什么时候值得做", options, "B" if price > 0 else "A", reasons)


def weak_squad_cause(record: pd.Series, comparison: pd.DataFrame) -> Judgment:
    """Lesson 26: a squad in a store that earns well loses money; which explanation fits the data?"""
    options = {"A": "门店不赚钱,小分队没有底气", "B": "班长能力弱", "C": "这家店的粉丝被场景做疲了"}
    normal = float(comparison.loc["班长能力正常", "每元成本增量毛利"])
    weak = float(comparison.loc["班长能力弱", "每元成本增量毛利"])
    rich = record["门店盈利"] == "盈利充足"
    reasons = {"A": (f"这家店{record['门店盈利']};同样盈利充足的门店里,能力正常的班长每元带回 {normal:.2f} 元。",
                     f"the store earns well; peers in such stores return {normal:.2f} per yuan."),
               "B": (f"对:班长能力 {record['班长能力']:.2f};盈利充足门店里能力弱的班长每元只带回 {weak:.2f} 元,"
                     f"能力正常的 {normal:.2f} 元。", f"right: leader capability {record['班长能力']:.2f}; "
                     f"weak leaders {weak:.2f} against {normal:.2f} per yuan."),
               "C": (f"它全年只做了 {record['场景数']} 场,疲劳解释不了每元 {record['每元成本增量毛利']:.2f} 元。",
                     f"{record['场景数']} scenes in a year: fatigue cannot explain it.")}
    return Judgment("这支小分队为什么亏钱", options, "B" if rich and weak < normal else "A", reasons)


def tired_scene(history: pd.DataFrame) -> Judgment:
    """Lesson 35: which squad scene should be expected to return least per yuan?"""
    mpy = history["margin_per_yuan"]
    options = {"A": "门店两周内的第一场", "B": "两周内的第二场", "C": "两周内的第三场或更多"}
    keys = dict(zip("ABC", ("0", "1", "2+")))
    worst = min(keys, key=lambda k: mpy[keys[k]])
    said = (f"每元成本增量毛利:第一场 {mpy['0']:.2f},第二场 {mpy['1']:.2f},第三场及以上 {mpy['2+']:.2f}。",
            f"margin per yuan {mpy['0']:.2f}, {mpy['1']:.2f}, {mpy['2+']:.2f}.")
    return Judgment("哪一场最吃亏", options, worst, {k: said for k in options})
