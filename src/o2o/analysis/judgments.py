"""Judgment exercises of the lessons: the right option and every option's reason, computed from the data.

Each builder takes the table its lesson has already computed and returns an
:class:`o2o.judgment.Judgment`. The right option is decided by the data (if the data changed so
that another option became right, the check would follow), and each wrong option's reason quotes
the number that rules it out.
"""

from __future__ import annotations

import pandas as pd

from ..judgment import Judgment
from ._frames import require
from .spread import top_share

__all__ = ["budget_by_mode", "channel_focus", "flat_tier_mix", "seed_question", "core_spreaders",
           "before_after_claim", "fan_tier_yardstick", "why_run_scenes", "partner_members"]


def _pct(x: float) -> str:
    return f"{x:.1%}"


def budget_by_mode(by_mode: pd.DataFrame) -> Judgment:
    """Lesson 2: judged only by margin per yuan, which kind of scene deserves the extra budget?"""
    require(by_mode, ["mode", "margin_per_yuan", "reach_per_scene"], "by_mode")
    m = by_mode.set_index("mode")["margin_per_yuan"]
    keys = {"A": "点对面", "B": "点对点", "C": "混合"}
    best = max(keys, key=lambda k: m[keys[k]])
    reasons = {k: (f"{v}场景每花一元带回 {m[v]:.2f} 元增量毛利" + ("，三类中最高。" if k == best else f",不如{keys[best]}的 {m[keys[best]]:.2f} 元;触达多不等于回报高。"),
                   f"{v} scenes return {m[v]:.2f} per yuan" + (", the highest." if k == best else f", less than {m[keys[best]]:.2f}."))
               for k, v in keys.items()}
    return Judgment("预算投向", {k: f"{v}场景" for k, v in keys.items()}, best, reasons)


def channel_focus(quality: pd.DataFrame) -> Judgment:
    """Lesson 10: one join channel gets next quarter's effort; which brings the most engaged members?"""
    require(quality, ["join_channel", "members", "engaged_share"], "quality")
    q = quality.set_index("join_channel")
    engaged = q["members"] * q["engaged_share"]
    channels = list(q.index)
    keys = dict(zip("ABCD", channels))
    best = max(keys, key=lambda k: engaged[keys[k]])
    reasons = {}
    for k, c in keys.items():
        zh = f"{c}带来 {int(q.loc[c, 'members']):,} 位会员,其中 {_pct(q.loc[c, 'engaged_share'])} 活跃,约 {engaged[c]:,.0f} 位活跃会员"
        reasons[k] = (zh + ("——数量和质量都站得住。" if k == best else f",少于{keys[best]}的 {engaged[keys[best]]:,.0f} 位。"),
                      f"{c}: about {engaged[c]:,.0f} engaged members" + ("." if k == best else f", fewer than {engaged[keys[best]]:,.0f}."))
    return Judgment("拉新资源投向", keys, best, reasons)


def flat_tier_mix(share_table: pd.DataFrame, moves: pd.DataFrame, growth: float) -> Judgment:
    """Lesson 13: the tier mix is flat all year; accept "nothing moved, fan work had no effect"?"""
    engaged = share_table[["活跃粉", "铁杆粉"]].sum(axis=1)
    change = float(engaged.iloc[-1] - engaged.iloc[0])
    up = float(moves.loc["普通粉", ["活跃粉", "铁杆粉"]].sum())
    down = float(moves.loc["活跃粉", ["沉睡粉", "普通粉"]].sum())
    flat = abs(change) < 1.0
    options = {"A": "接受:各层占比一年没变,说明粉丝没有流动", "B": "拒绝:存量结构不变,不等于没有流动;要看迁移矩阵",
               "C": "接受:粉丝总数也没有增长"}
    correct = "B" if flat and up > 5 else "A"
    reasons = {
        "A": (f"占比只变了 {change:+.1f} 个百分点,可每个月有 {up:.1f}% 的普通粉升层、{down:.1f}% 的活跃粉降层——升降相抵,不是没有流动。",
              f"the mix moved {change:+.1f} points, yet {up:.1f}% of ordinary fans move up and {down:.1f}% of active fans down each month."),
        "B": (f"对:每月 {up:.1f}% 的普通粉升层,同时 {down:.1f}% 的活跃粉降层,流动很大、升降相抵。",
              f"right: {up:.1f}% move up and {down:.1f}% move down each month; the flows cancel."),
        "C": (f"粉丝总数涨到年初的 {growth:.1f} 倍,这个说法与数据不符。", f"fans grew {growth:.1f}-fold; the claim is false."),
    }
    return Judgment("粉丝结构没变,就是没效果?", options, correct, reasons)


def seed_question(cascades: pd.DataFrame) -> Judgment:
    """Lesson 15: can this data say whether staff or members are the better seeds?"""
    require(cascades, ["seed_type", "size"], "cascades")
    by_seed = cascades.groupby("seed_type")["size"].agg(["count", "mean"])
    one_kind = len(by_seed) < 2
    options = {"A": "能:店员发起的传播树更大", "B": "能:会员发起的传播树更大", "C": "不能:数据里只有一种种子"}
    if one_kind:
        correct = "C"
    else:
        correct = "A" if by_seed["mean"].get("店员", 0) >= by_seed["mean"].get("会员", 0) else "B"
    kinds = "、".join(f"{s} {int(n)} 棵" for s, n in by_seed["count"].items())
    no_compare = (f"传播树全部来自一种种子({kinds}),没有可比的另一组。", f"all cascades come from one kind of seed ({kinds}).")
    reasons = {"A": no_compare if one_kind else (f"按种子类型:{kinds}。", f"by seed: {kinds}."),
               "B": no_compare if one_kind else (f"按种子类型:{kinds}。", f"by seed: {kinds}."),
               "C": (f"对:{kinds},没有会员当种子的例子,这个问题要用新的试点来回答。",
                     f"right: {kinds}; no member-seeded cascade to compare with.") if one_kind
               else ("两种种子都有,可以比较。", "both kinds of seed are present, so they can be compared.")}
    return Judgment("谁是更好的种子", options, correct, reasons)


def core_spreaders(conc: pd.DataFrame) -> Judgment:
    """Lesson 16: accept "a few core spreaders send most of the shares"?"""
    top10, top50 = top_share(conc, 0.10), top_share(conc, 0.50)
    concentrated = top10 >= 50
    options = {"A": "接受:少数骨干贡献了大部分转发", "B": "拒绝:转发很分散,骨干还没有长出来"}
    reasons = {"A": (f"前 10% 的转发者只贡献了 {top10:.1f}% 的转发,前一半也只有 {top50:.1f}%。" if not concentrated
                     else f"对:前 10% 的转发者贡献了 {top10:.1f}%。",
                     f"the top 10% send {top10:.1f}% of shares."),
               "B": (f"对:前 10% 只贡献 {top10:.1f}%,曲线离对角线不远。" if not concentrated
                     else f"前 10% 的转发者贡献了 {top10:.1f}%,转发是集中的。",
                     f"the top 10% send {top10:.1f}%.")}
    return Judgment("核心传播者", options, "A" if concentrated else "B", reasons)


def before_after_claim(naive: pd.DataFrame) -> Judgment:
    """Lesson 23: pilot stores sold X% more after August; may we say the pilot caused X%?"""
    est = naive["估计作用(%)"]
    before_after, did = float(est.iloc[0]), float(est.iloc[-1])
    options = {"A": f"可以:试点带来了 {before_after:.1f}%", "B": "不可以:前后比把同期全网的变化也算了进去,要扣掉对照店的变化",
               "C": "不可以:试点根本没有作用"}
    differs = abs(before_after - did) >= 1.0
    reasons = {"A": (f"前后比是 {before_after:.1f}%,扣掉对照店同期的变化后(双重差分)是 {did:.1f}%。",
                     f"before-after says {before_after:.1f}%, the difference in differences {did:.1f}%."),
               "B": (f"对:双重差分估计是 {did:.1f}%,比前后比的 {before_after:.1f}% 小。",
                     f"right: the difference in differences is {did:.1f}%, below {before_after:.1f}%."),
               "C": (f"双重差分仍然估计出 {did:.1f}% 的作用。", f"the difference in differences still finds {did:.1f}%.")}
    return Judgment("前后比能说明试点的作用吗", options, "B" if differs else "A", reasons)


def fan_tier_yardstick() -> Judgment:
    """Lesson 19: which yardstick fits a fan-tier (粉丝分层) battle? (a question of method, not of data)"""
    options = {"A": "当期每元增量毛利", "B": "目标粉丝中升层的人数和比例", "C": "触达人数"}
    reasons = {"A": ("粉丝分层的回报主要在以后的消费,只看当期毛利会系统性地低估它。",
                     "its return comes later; the same-period margin undervalues it."),
               "B": ("对:粉丝分层要把人往上推一层,尺子就是升了多少人,再乘上每层粉丝的月消费差(第13讲)。",
                     "right: count who moved up a tier, then value it with lesson 13's tier values."),
               "C": ("触达多少人说明不了谁升了层;点对点的分层场景本来就触达很少。",
                     "reach says nothing about who moved up.")}
    return Judgment("粉丝分层用哪把尺子", options, "B", reasons)


def why_run_scenes(menu: pd.DataFrame) -> Judgment:
    """Lesson 30: most battles return less than a yuan per yuan; which answer to "why run scenes?" holds up?"""
    require(menu, ["margin_per_yuan"], "menu")
    below = int((menu["margin_per_yuan"] < 1).sum())
    n = len(menu)
    mostly_below = below > n / 2
    options = {"A": "场景的当期毛利其实超过成本,账算对了就赚钱",
               "B": "当期是亏的;值不值要看新会员、粉丝升级和以后的复购,而且要拿数据证明",
               "C": "别的连锁都在做,我们不能不做"}
    reasons = {"A": (f"{n} 种战役中有 {below} 种每花一元带回不到一元增量毛利。" if mostly_below else f"对:{n - below} 种战役回本。",
                     f"{below} of {n} battles return less than a yuan per yuan."),
               "B": ((f"对:{below}/{n} 种战役当期不回本,理由只能在当期毛利之外,而且要用会员的后续消费来验证。") if mostly_below
                     else "多数战役当期已经回本,不必另找理由。",
                     "right: the case must rest on what the same-period margin leaves out, and be measured."),
               "C": ("别人做不做不是证据;这个回答没有给出任何可以检验的理由。", "what others do is no evidence.")}
    return Judgment("为什么还要做场景", options, "B" if mostly_below else "A", reasons)


def partner_members(quality: pd.DataFrame, partner: str = "异业合作", reference: str = "门店二维码") -> Judgment:
    """Lesson 32: are the members partners bring as engaged as those who join by the store's QR code?"""
    q = quality.set_index("join_channel")
    a, b = float(q.loc[partner, "engaged_share"]), float(q.loc[reference, "engaged_share"])
    gap = a - b
    correct = "A" if abs(gap) < 0.03 else ("B" if gap < 0 else "C")
    said = (f"{partner}会员 {_pct(a)} 活跃,{reference} {_pct(b)}", f"{_pct(a)} against {_pct(b)}")
    options = {"A": "差不多一样活跃", "B": "明显更不活跃", "C": "明显更活跃"}
    reasons = {k: ((("对:" if k == correct else "") + said[0] + "。"), said[1]) for k in options}
    return Judgment("异业会员的质量", options, correct, reasons)
