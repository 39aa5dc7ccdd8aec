"""Judgment exercises of lessons 19–36 (see :mod:`o2o.analysis.judgments`)."""

from __future__ import annotations

import pandas as pd

from ...judgment import Judgment
from .._frames import require
from ._common import _pct, _pick

__all__ = ["fan_tier_yardstick", "payment_battle", "fast_but_profitable", "p2p_worth", "before_after_claim", "early_call", "what_stays_central", "readiness_first", "shareholder_credit", "reached_stage", "convection_target", "why_run_scenes", "growth_source", "partner_members", "weakest_metric", "leader_effect", "spacing_choice", "first_step"]


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


def payment_battle(report: pd.DataFrame) -> Judgment:
    """Lesson 20: which payment battle to run more of, judged by margin per yuan?"""
    pay = report.xs("支付", level=0)["每元成本增量毛利"]
    keys = dict(zip("ABC", pay.index))
    best = max(keys, key=lambda k: pay[keys[k]])
    said = ("每元成本增量毛利:" + ",".join(f"{b} {v:.2f}" for b, v in pay.items()) + "。",
            "margin per yuan: " + ", ".join(f"{v:.2f}" for v in pay) + ".")
    return _pick("再做哪种支付战争", keys, best, {k: said for k in keys})


def fast_but_profitable(who_what: pd.DataFrame) -> Judgment:
    """Lesson 21: squads launch faster; does that mean every squad scene pays?"""
    m = who_what["每元成本增量毛利"]
    both_below = bool((m < 1).all())
    options = {"A": "是:一线更快、更准,所以场景都赚钱", "B": "不是:快和准提高了转化,但每元毛利仍不到一元"}
    said = (f"每元成本增量毛利:小分队 {m.get('一线小分队', float('nan')):.2f},总部 {m.get('总部市场部', float('nan')):.2f}。",
            f"margin per yuan: squads {m.get('一线小分队', float('nan')):.2f}, HQ {m.get('总部市场部', float('nan')):.2f}.")
    return _pick("快就等于赚钱?", options, "B" if both_below else "A", {k: said for k in options})


def p2p_worth(www: pd.DataFrame, cut: float = 0.5) -> Judgment:
    """Lesson 22: do scenes spread mostly point to point return more per yuan?"""
    p2p = www["点对点触达占比"] > cut
    hi, lo = float(www.loc[p2p, "每元成本增量毛利"].mean()), float(www.loc[~p2p, "每元成本增量毛利"].mean())
    options = {"A": "是:点对点为主的场景每元毛利更高", "B": "不是:两类差不多", "C": "相反:广告为主的更高"}
    said = (f"点对点为主的场景平均每元毛利 {hi:.2f},其他场景 {lo:.2f}。", f"{hi:.2f} against {lo:.2f} per yuan.")
    correct = "A" if hi > lo * 1.1 else ("C" if lo > hi * 1.1 else "B")
    return _pick("点对点与回报", options, correct, {k: said for k in options})


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


def early_call(early: pd.DataFrame) -> Judgment:
    """Lesson 24: must HQ wait until a scene ends to judge it?"""
    day1 = float(early.loc[1, "排名一致率(%)"])
    options = {"A": "要:结束前的数据不可靠", "B": "不必:头一两天的数据已经和最终结果大体一致"}
    said = (f"只看第 1 天,{day1:.1f}% 的场景被判断对了“好于/差于中位数”。", f"day 1 alone calls {day1:.1f}% of scenes right.")
    return _pick("什么时候能下判断", options, "B" if day1 >= 75 else "A", {k: said for k in options})


def what_stays_central() -> Judgment:
    """Lesson 25: after decisions move to the front line, what should stay with headquarters? (method)"""
    options = {"A": "所有营销决策都交给一线", "B": "品牌调性、价格底线和跨店资源留在总部,现场的场景交给一线",
               "C": "所有营销决策仍由总部做,一线只执行"}
    reasons = {"A": ("讲座说品牌的“化妆”由市场部策划;全部下放会丢掉品牌和价格的一致。",
                     "the lecture keeps brand 'make-up' with marketing."),
               "B": ("对:第18讲让市场部负责品牌调性,让一线在现场快速决策和执行。", "right: brand at HQ, scenes at the front line."),
               "C": ("这正是第18讲要颠覆的“总部策划、一线执行”。", "this is the model lecture 18 overturns.")}
    return Judgment("哪些决策留在总部", options, "B", reasons)


def readiness_first(summary: pd.DataFrame) -> Judgment:
    """Lesson 26: whose squads launched the most scenes after the pilot began?"""
    s = summary["squad_scenes_per_store"]
    keys = dict(zip("ABCD", s.index))
    best = max(keys, key=lambda k: s[keys[k]])
    said = ("每店小分队场景数:" + ",".join(f"{q} {v:.2f}" for q, v in s.items()) + "。",
            "squad scenes per store: " + ", ".join(f"{v:.2f}" for v in s) + ".")
    return _pick("哪一组的一线最活跃", keys, best, {k: said for k in keys})


def shareholder_credit(did_table: pd.DataFrame) -> Judgment:
    """Lesson 27: pilot stores' sales rose after August; is all of it the shareholding's doing?"""
    row = did_table.iloc[0]
    pilot_rise = float(row["试点后(试点)"] / row["试点前(试点)"] - 1)
    control_rise = float(row["试点后(对照)"] / row["试点前(对照)"] - 1)
    options = {"A": "是:试点店涨了多少,就是股东制带来了多少",
               "B": "不全是:对照店同期也在变,要扣掉;而且股东制和小分队场景是一起来的,分不开"}
    said = (f"试点店涨了 {pilot_rise:.1%},对照店同期 {control_rise:+.1%};双重差分 {row['双重差分估计的增幅']:+.1%}。",
            f"pilot {pilot_rise:.1%}, control {control_rise:+.1%}, DiD {row['双重差分估计的增幅']:+.1%}.")
    return _pick("都是股东制的功劳吗", options, "B" if abs(control_rise) > 0.005 else "A", {k: said for k in options})


def reached_stage(mastery: dict[int, float], threshold: float = 80.0) -> Judgment:
    """Lesson 28: which stage has an organisation reached, under the article's 八成纯熟 gate?"""
    reached = 1
    for stage in sorted(mastery):
        if stage == reached and mastery[stage] >= threshold and stage < 5:
            reached = stage + 1
    options = {chr(64 + k): f"第{k}阶段" for k in range(1, 6)}
    correct = chr(64 + reached)
    said = ("各阶段掌握度:" + ",".join(f"{k} {v:.0f}%" for k, v in sorted(mastery.items()))
            + f";前面每一阶段都达到 {threshold:.0f}% 才算到达下一阶段,所以是第{reached}阶段。",
            f"every earlier stage must reach {threshold:.0f}%: stage {reached}.")
    return _pick("到了哪个阶段", options, correct, {k: said for k in options})


def convection_target() -> Judgment:
    """Lesson 29: which target fits a convection post (the cashier)? (method)"""
    options = {"A": "门店的月销售额", "B": "每名员工每天带来的新会员(加粉)数", "C": "员工的出勤工时"}
    reasons = {"A": ("销售额受太多因素影响,不是这个岗位自己能控制的。", "sales depend on too much else."),
               "B": ("对:文章里的珠宝店就是给店员定每天加粉的目标;它正是消费者状态转换点上的产出。",
                     "right: the article's jeweller set a daily follower target."),
               "C": ("工时是投入,不是对流的产出。", "hours are an input.")}
    return Judgment("对流岗位的目标", options, "B", reasons)


def why_run_scenes(menu: pd.DataFrame) -> Judgment:
    """Lesson 30: most battles return less than a yuan per yuan; which answer to "why run scenes?" holds up?"""
    require(menu, ["margin_per_yuan"], "menu")
    below = int((menu["margin_per_yuan"] < 1).sum())
    n = len(menu)
    mostly_below = below > n / 2
    options = {"A": "场景的当期毛利其实超过成本,账算对了就赚钱",
               "B": "当期是亏的;值不值要看新会员、粉丝升级和以后的复购,而且要拿数据证明",
               "C": "别的连锁都在做,我们不能不做"}
    reasons = {"A": (f"{n} 种战争中有 {below} 种每花一元带回不到一元增量毛利。" if mostly_below else f"对:{n - below} 种战争回本。",
                     f"{below} of {n} battles return less than a yuan per yuan."),
               "B": ((f"对:{below}/{n} 种战争当期不回本,理由只能在当期毛利之外,而且要用会员的后续消费来验证。") if mostly_below
                     else "多数战争当期已经回本,不必另找理由。",
                     "right: the case must rest on what the same-period margin leaves out, and be measured."),
               "C": ("别人做不做不是证据;这个回答没有给出任何可以检验的理由。", "what others do is no evidence.")}
    return Judgment("为什么还要做场景", options, "B" if mostly_below else "A", reasons)


def growth_source(bridge: pd.DataFrame) -> Judgment:
    """Lesson 31: where did December's extra sales over January come from?"""
    inner, outer = float(bridge["yuan"].iloc[1]), float(bridge["yuan"].iloc[2])
    options = {"A": "主要来自存量门店做得更好(内生)", "B": "主要来自年内新开的门店(外延)"}
    said = (f"存量门店贡献 {inner / 1e6:.1f} 百万元,新开门店 {outer / 1e6:.1f} 百万元。",
            f"existing stores {inner / 1e6:.1f} m, new stores {outer / 1e6:.1f} m.")
    return _pick("增长从哪里来", options, "B" if outer > inner else "A", {k: said for k in options})


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


def weakest_metric(card: pd.DataFrame) -> Judgment:
    """Lesson 33: which weakness should the squad work on first (the lowest percentile in its format)?"""
    c = card.dropna(subset=["percentile"]).sort_values("percentile")
    names = list(c["指标"].iloc[:3])
    keys = dict(zip("ABC", reversed(names)))
    best = next(k for k, v in keys.items() if v == names[0])
    said = ("同业态百分位:" + ",".join(f"{n} {p:.2f}" for n, p in zip(c["指标"], c["percentile"])) + "。",
            "percentiles: " + ", ".join(f"{p:.2f}" for p in c["percentile"]) + ".")
    return _pick("先补哪块短板", keys, best, {k: said for k in keys})


def leader_effect(by_leader: pd.DataFrame) -> Judgment:
    """Lesson 34: does the pilot's effect differ with the squad leader's capability?"""
    overlap = float(by_leader["ci_low"].max()) < float(by_leader["ci_high"].min())
    options = {"A": "能力较高的班长效果明显更好", "B": "看不出差别:两组的置信区间重叠"}
    said = ("各组效果:" + ",".join(f"{r.leader_capability} {r.effect:+.1%}({r.ci_low:+.1%}–{r.ci_high:+.1%})"
                                  for r in by_leader.itertuples()) + "。", "the groups' intervals " + ("overlap." if overlap else "do not overlap."))
    return _pick("班长能力与试点效果", options, "B" if overlap else "A", {k: said for k in options})


def spacing_choice(spacing: pd.DataFrame) -> Judgment:
    """Lesson 35: three scenes back to back, or four weeks apart?"""
    loss = spacing.set_index("gap_days")["fatigue_loss"]
    tight, wide = float(loss.iloc[0]), float(loss.iloc[-1])
    options = {"A": "背靠背连着做,趁热打铁", "B": "隔几周再做下一个,给粉丝喘息的时间"}
    said = (f"背靠背时疲劳吃掉 {tight:.0%} 的增量毛利,隔 {int(loss.index[-1])} 天只有 {wide:.0%}。",
            f"back to back fatigue costs {tight:.0%}, {int(loss.index[-1])} days apart {wide:.0%}.")
    return _pick("场景之间隔多久", options, "B" if wide < tight else "A", {k: said for k in options})


def first_step(result) -> Judgment:
    """Lesson 36: an organisation whose stages are all below the gate: where does its roadmap start?"""
    stage = int(result.reached_stage)
    options = {"A": "统一态度(第1阶段:双向态度)", "B": "打通数据(第2阶段:对接信息)", "C": "股东试点和班长战争(第3阶段:对流岗位)"}
    said = (f"它到达的是第{stage}阶段:前一阶段做到八成纯熟,才推进下一阶段。", f"it has reached stage {stage}.")
    return _pick("路线图从哪里开始", options, "ABC"[min(stage, 3) - 1], {k: said for k in options})
