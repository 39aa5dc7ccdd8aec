"""Judgment exercises of lessons 1–18 (see :mod:`o2o.analysis.judgments`)."""

from __future__ import annotations

import pandas as pd

from ...judgment import Judgment
from .._frames import require
from ..spread import top_share
from ._common import _pct, _pick

__all__ = ["identity_trend", "budget_by_mode", "panel_members", "identity_difference", "interaction_yardstick", "fans_and_sales", "pilot_region", "funnel_yardstick", "payment_and_spend", "channel_focus", "traffic_category", "weekend_scene", "flat_tier_mix", "seed_question", "core_spreaders", "personalisation_returns", "interval_reading"]


def identity_trend(members_by_month: pd.DataFrame, mobile_by_month: pd.DataFrame) -> Judgment:
    """Lesson 1: which statement about online identity on offline tickets does the data support?"""
    m, p = members_by_month["member_ticket_share"], mobile_by_month["mobile_share"]
    dm, dp = float(m.iloc[-1] - m.iloc[0]), float(p.iloc[-1] - p.iloc[0])
    correct = "A" if dm > 0.01 and dp > 0.01 else ("B" if dp > 0.01 else "C")
    said = (f"会员小票占比 {m.iloc[0]:.1%}→{m.iloc[-1]:.1%},移动支付 {p.iloc[0]:.1%}→{p.iloc[-1]:.1%}。",
            f"member tickets {m.iloc[0]:.1%}→{m.iloc[-1]:.1%}, mobile {p.iloc[0]:.1%}→{p.iloc[-1]:.1%}.")
    options = {"A": "会员小票和移动支付的占比都在上升", "B": "只有移动支付在上升", "C": "两者一年里都没怎么变"}
    return _pick("线上身份走进门店", options, correct, {k: said for k in options})


def budget_by_mode(by_mode: pd.DataFrame) -> Judgment:
    """Lesson 2: judged only by margin per yuan, which kind of scene deserves the extra budget?"""
    require(by_mode, ["mode", "margin_per_yuan", "reach_per_scene"], "by_mode")
    m = by_mode.set_index("mode")["margin_per_yuan"]
    keys = {"A": "点对面", "B": "点对点", "C": "混合"}
    best = max(keys, key=lambda k: m[keys[k]])
    reasons = {k: (f"{v}场景每花一元带回 {m[v]:.2f} 元增量毛利" + (",三类中最高。" if k == best else f",不如{keys[best]}的 {m[keys[best]]:.2f} 元;触达多不等于回报高。"),
                   f"{v} scenes return {m[v]:.2f} per yuan" + (", the highest." if k == best else f", less than {m[keys[best]]:.2f}."))
               for k, v in keys.items()}
    return Judgment("预算投向", {k: f"{v}场景" for k, v in keys.items()}, best, reasons)


def panel_members(stores: pd.DataFrame, members: pd.DataFrame) -> Judgment:
    """Lesson 3: the dataset lists N members; does the chain have only N members?"""
    panel = int(stores["in_panel"].sum())
    options = {"A": f"是:这家连锁只有 {len(members):,} 位会员", "B": "不是:会员明细只来自少数“明细门店”,不是全网"}
    said = (f"会员明细只覆盖 {panel} 家明细门店,全网有 {len(stores):,} 家门店。",
            f"member detail covers {panel} panel stores of {len(stores):,}.")
    return _pick("会员有多少", options, "B" if panel < len(stores) else "A", {k: said for k in options})


def identity_difference(member_vs_guest: pd.DataFrame) -> Judgment:
    """Lesson 4: where do members differ from anonymous customers?"""
    t = member_vs_guest.set_index("customer")
    ticket = float(t.loc["会员", "avg_ticket_yuan"] / t.loc["非会员", "avg_ticket_yuan"] - 1)
    mobile = float(t.loc["会员", "mobile_share"] - t.loc["非会员", "mobile_share"])
    spend, pay = abs(ticket) >= 0.05, mobile >= 0.05
    correct = "C" if spend and pay else ("A" if spend else "B")
    said = (f"客单价相差 {ticket:+.1%},移动支付占比相差 {mobile * 100:+.1f} 个百分点。",
            f"ticket {ticket:+.1%}, mobile share {mobile * 100:+.1f} points.")
    options = {"A": "会员每次花得更多", "B": "会员花得差不多,但更多用手机付款、可以被认出来", "C": "两方面都明显不同"}
    return _pick("身份带来了什么", options, correct, {k: said for k in options})


def interaction_yardstick() -> Judgment:
    """Lesson 5: which measure shows interaction, rather than reach? (method)"""
    options = {"A": "触达人数", "B": "每触达一人带来的转发次数(转发率)", "C": "场景的总花费"}
    reasons = {"A": ("触达多少人是“点对面”的尺子,说明不了有没有互动。", "reach measures broadcast, not interaction."),
               "B": ("对:被触达的人愿意转给别人,才是互动;它也是 5W 中“为何传播”的依据。",
                     "right: people passing it on is interaction (the 5W's Why)."),
               "C": ("花费是投入,不是互动。", "cost is an input, not interaction.")}
    return Judgment("互动用哪把尺子", options, "B", reasons)


def fans_and_sales(quartiles: pd.DataFrame) -> Judgment:
    """Lesson 6: stores with more engaged fans sell more; may we say fan work brings sales?"""
    s = quartiles["sales_per_day"]
    rising = bool(s.is_monotonic_increasing) and float(s.iloc[-1] / s.iloc[0]) > 1.2
    options = {"A": "可以:粉丝多的门店卖得多,所以多经营粉丝就能带来生意",
               "B": "不可以:这是相关;生意好的门店本来就更容易积累粉丝,要有对照的比较", "C": "不可以:两者没有关系"}
    said = f"日均销售额从最少一组的 {s.iloc[0]:,.0f} 元到最多一组的 {s.iloc[-1]:,.0f} 元"
    reasons = {"A": (said + ",但相关不等于因果。", "correlation is not causation."),
               "B": ("对:" + said + ",方向可能是反的,第23讲的对照比较才能回答。", "right: a controlled comparison is needed."),
               "C": (said + ",两者明显相关。" if rising else said + "。", "they are clearly related." if rising else "")}
    return _pick("粉丝与生意", options, "B" if rising else "C", reasons)


def pilot_region(by_format: pd.DataFrame) -> Judgment:
    """Lesson 7: may a pilot go where stores sell the most?"""
    t = by_format.groupby("format").agg(stores=("stores", "sum"), sales=("sales_per_store_day", "mean"))
    top = str(t["sales"].idxmax())
    share = float(t.loc[top, "stores"] / t["stores"].sum())
    options = {"A": f"可以:选单店销售最高的{top}门店,最容易做出成绩",
               "B": f"不宜:{top}门店只占全网一小部分,试点的经验要能推广到多数门店"}
    said = (f"{top}门店单店销售最高,但只占全网门店的 {share:.1%}。", f"{top} stores sell most but are {share:.1%} of the network.")
    return _pick("试点放在哪", options, "B" if share < 0.2 else "A", {k: said for k in options})


def funnel_yardstick() -> Judgment:
    """Lesson 8: is the conversion rate enough to decide where the budget goes? (method)"""
    options = {"A": "够:转化率最高的场景类型最划算", "B": "不够:还要看每花一元带回多少增量毛利,转化率里没有成本"}
    reasons = {"A": ("转化率不算成本:一类场景转化高,可能是因为激励给得多。", "conversion ignores cost."),
               "B": ("对:预算问题要用“每元成本增量毛利”这把尺子(第14、30讲)。", "right: use margin per yuan of cost.")}
    return Judgment("预算用哪把尺子", options, "B", reasons)


def payment_and_spend(profile: pd.DataFrame) -> Judgment:
    """Lesson 9: will the shift to mobile payment make customers spend more?"""
    t = profile.set_index("payment_method")
    spread_ = float(t["avg_ticket_yuan"].max() / t["avg_ticket_yuan"].min() - 1)
    gap = float(t.loc[["微信支付", "支付宝"], "member_share"].mean() - t.loc["现金", "member_share"])
    correct = "B" if spread_ < 0.03 else "A"
    said = (f"各支付方式的客单价最多相差 {spread_:.1%};移动支付顾客中会员的比例比现金高 {gap * 100:.1f} 个百分点。",
            f"tickets differ by at most {spread_:.1%}; mobile payers are {gap * 100:.1f} points more often members.")
    options = {"A": "会:移动支付的客单价更高", "B": "不会:花多少差不多,变的是企业能不能认出顾客"}
    return _pick("支付方式与花费", options, correct, {k: said for k in options})


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


def traffic_category(matrix: pd.DataFrame) -> Judgment:
    """Lesson 11: which category should lead a "bring people in" scene?"""
    t = matrix.set_index("category")
    top_sales, top_pen = str(t["sales_yuan"].idxmax()), str(t["penetration"].idxmax())
    options = {"A": f"{top_sales}:销售额最大", "B": f"{top_pen}:出现在最多的小票里"}
    if top_sales == top_pen:
        options = {"A": f"{top_sales}:销售额最大、渗透率也最高", "B": "毛利率最高的品类"}
    reasons = {"A": (f"{top_sales}销售额最大,但只出现在 {t.loc[top_sales, 'penetration']:.1%} 的小票里。",
                     f"{top_sales} sells most but is in {t.loc[top_sales, 'penetration']:.1%} of tickets."),
               "B": (f"对:{top_pen}出现在 {t.loc[top_pen, 'penetration']:.1%} 的小票里,最常把人带进门。",
                     f"right: {top_pen} is in {t.loc[top_pen, 'penetration']:.1%} of tickets.")}
    if top_sales == top_pen:
        reasons = {"A": ("对:它既卖得最多,也最常出现在小票里。", "right."), "B": ("毛利率高不等于能把人带进门。", "margin is not traffic.")}
        return _pick("引流品", options, "A", reasons)
    return _pick("引流品", options, "B", reasons)


def weekend_scene(heat: pd.DataFrame) -> Judgment:
    """Lesson 12: a weekend promotion: office or community stores?"""
    weekend = heat[["周六", "周日"]].mean(axis=1) / heat[["周一", "周二", "周三", "周四", "周五"]].mean(axis=1)
    office, community = float(weekend["写字楼"]), float(weekend["社区"])
    correct = "B" if community > office else "A"
    said = (f"周末与工作日之比:写字楼 {office:.2f},社区 {community:.2f}。", f"weekend/weekday: office {office:.2f}, community {community:.2f}.")
    options = {"A": "写字楼门店", "B": "社区门店"}
    return _pick("周末促销放在哪", options, correct, {k: said for k in options})


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


def personalisation_returns(by_band: pd.DataFrame) -> Judgment:
    """Lesson 17: the most personalised band converts a little less than the one below; is personalising useless?"""
    c = by_band["每千次触达成交"]
    options = {"A": "没用:最高一档反而不如较高一档", "B": "有用,但回报递减:从最低档到较高档成交大增,再往上不再增加",
               "C": "看不出任何关系"}
    lift = float(c.iloc[-2] / c.iloc[0])
    said = (f"每千次触达成交:最低档 {c.iloc[0]:.1f},较高档 {c.iloc[-2]:.1f},最高档 {c.iloc[-1]:.1f}。",
            f"buyers per 1,000 reached: {c.iloc[0]:.1f}, {c.iloc[-2]:.1f}, {c.iloc[-1]:.1f}.")
    correct = "B" if lift > 2 and c.iloc[-1] <= c.iloc[-2] * 1.05 else ("C" if lift < 1.2 else "B")
    return _pick("个性化有没有用", options, correct, {k: said for k in options})


def interval_reading(effects: pd.DataFrame) -> Judgment:
    """Lesson 18: how to read the sales estimate and its 95% interval."""
    r = effects.iloc[0]
    lo, hi, est = float(r["95%下限(%)"]), float(r["95%上限(%)"]), float(r["估计作用(%)"])
    options = {"A": f"试点的作用就是 {est:.1f}%,一点不差", "B": f"作用很可能在 {lo:.1f}% 到 {hi:.1f}% 之间,不太可能是 0",
               "C": "区间有宽度,所以说明不了什么"}
    reasons = {"A": ("估计值总有误差,区间说的就是误差有多大。", "an estimate always has an error; the interval shows how large."),
               "B": (f"对:区间 {lo:.1f}%–{hi:.1f}% 不含 0。" if lo > 0 else f"区间 {lo:.1f}%–{hi:.1f}% 含 0。",
                     f"the interval {lo:.1f}–{hi:.1f}%."),
               "C": (f"区间 {lo:.1f}%–{hi:.1f}% 很窄,而且不含 0:它说明了很多。", f"the interval {lo:.1f}–{hi:.1f}% is narrow.")}
    return Judgment("怎样读置信区间", options, "B" if lo > 0 else "C", reasons)
