"""The 5W evaluation of lecture 18: Who, What, Way, Why, Worth — each 0-100, traceable to data.

``evaluate(result)`` scores a simulated scene (:func:`o2o.scenes.simulate`) or a historical one
(:func:`o2o.scenes.history_result`). Each score is a sum of points; every point comes from one
row of ``report.evidence`` (the metric, its value, where it comes from, the formula and the
points it earned). The formulas are in ``docs/simulation-model.md`` (section "5W").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import SceneError
from .catalog import SQUAD

DIMENSIONS = ("Who", "What", "Way", "Why", "Worth")
DIMENSION_ZH = {"Who": "谁主导", "What": "怎么做", "Way": "谁传播", "Why": "为啥传播", "Worth": "效果评估"}

# --- constants of the scoring formulas (documented in docs/simulation-model.md) -------------
WHO_SQUAD_POINTS = 50.0          # initiated by a front-line squad
WHO_DECIDE_POINTS = 50.0         # decided on the spot, times the squad leader's capability
WHO_HQ_STORES_POINTS = 20.0      # HQ scene aimed at named stores (closer to the scene)
WHO_HQ_CITY_POINTS = 10.0        # HQ scene aimed at one city
WHAT_LEAD_POINTS = 60.0          # x exp(-idea-to-launch days / WHAT_LEAD_DAYS)
WHAT_LEAD_DAYS = 7.0
WHAT_DURATION_POINTS = 40.0      # full up to WHAT_SHORT_DAYS, then x exp(-(days - 7) / 14)
WHAT_SHORT_DAYS = 7
WHAT_DURATION_DECAY = 14.0
WHY_SHARE_POINTS = 50.0          # x min(1, share rate / WHY_SHARE_FULL)
WHY_SHARE_FULL = 0.05
WHY_VIRAL_POINTS = 50.0          # x min(1, viral coefficient / WHY_VIRAL_FULL)
WHY_VIRAL_FULL = 0.5
WORTH_MARGIN_POINTS = 40.0       # x min(1, margin per yuan / WORTH_MARGIN_FULL)
WORTH_MARGIN_FULL = 1.5
WORTH_FANS_POINTS = 30.0         # x min(1, fan growth / WORTH_FANS_FULL)
WORTH_FANS_FULL = 0.05
WORTH_EARLY_POINTS = 30.0        # x max(0, 1 - (detection day - 1) / WORTH_EARLY_DAYS)
WORTH_EARLY_DAYS = 7.0
DETECT_Z = 2.0                   # cumulative uplift > 2 x the noise of cumulative sales


@dataclass
class FiveWReport:
    """Scores 0-100 per W, their mean, bilingual feedback, and the evidence rows behind every point."""

    scores: dict[str, float]
    evidence: pd.DataFrame
    feedback_zh: list[str] = field(default_factory=list)
    feedback_en: list[str] = field(default_factory=list)
    scene_name: str = ""

    @property
    def overall(self) -> float:
        """Mean of the five scores."""
        return float(np.mean([self.scores[d] for d in DIMENSIONS]))

    def feedback(self, lang: str = "zh") -> list[str]:
        """One or two short sentences per W explaining its score."""
        return list(self.feedback_en if lang == "en" else self.feedback_zh)

    def to_frame(self, lang: str = "zh") -> pd.DataFrame:
        """One row per W: score and feedback (for a table in a lesson)."""
        fb = self.feedback(lang)
        names = [DIMENSION_ZH[d] if lang == "zh" else d for d in DIMENSIONS]
        return pd.DataFrame({"W": list(DIMENSIONS), "name": names,
                             "score": [round(self.scores[d], 1) for d in DIMENSIONS], "feedback": fb})

    def __repr__(self) -> str:
        s = ", ".join(f"{d}={self.scores[d]:.0f}" for d in DIMENSIONS)
        return f"FiveWReport({self.scene_name!r}: {s}; overall={self.overall:.0f})"


def detection_day(daily_uplift: np.ndarray, sigma: float, z: float = DETECT_Z) -> int | None:
    """First day (1-based) on which the cumulative uplift exceeds ``z`` x sigma x sqrt(days); None if never.

    ``sigma`` is the day-to-day noise of the target stores' summed daily sales: a manager watching
    the sales of those stores could tell the scene's effect from ordinary fluctuation that day.
    """
    cum = np.cumsum(np.asarray(daily_uplift, dtype=float))
    days = np.arange(1, len(cum) + 1)
    hit = np.nonzero(cum > z * max(sigma, 1e-9) * np.sqrt(days))[0]
    return int(hit[0]) + 1 if len(hit) else None


def _row(rows: list, dim: str, zh: str, en: str, value: Any, source: str, formula: str, points: float,
         max_points: float) -> float:
    rows.append({"dimension": dim, "item": zh, "item_en": en, "value": value, "source": source,
                 "formula": formula, "points": round(float(points), 2), "max_points": max_points})
    return float(points)


def evaluate(result: Any) -> FiveWReport:
    """Score a :class:`~o2o.scenes.SimResult` (simulated or historical) on the 5W of lecture 18."""
    if not all(hasattr(result, a) for a in ("scene", "context", "arrays")):
        raise SceneError(f"evaluate(result) 需要模拟结果,得到的是 {type(result).__name__}。请先运行 "
                         "result = simulate(scene, world),再 evaluate(result)。",
                         f"evaluate(result) needs a simulation result; got a {type(result).__name__}. Run "
                         "result = simulate(scene, world) first, then evaluate(result).")
    sc = result.scene
    ctx = result.context
    a = result.arrays
    src = "scene_daily" if getattr(result, "historical", False) else "simulate()"
    mean_tot = {m: (float(np.mean(a[m].sum(1))) if np.isfinite(a[m]).all() else float("nan")) for m in a}
    rows: list[dict] = []
    zh: list[str] = []
    en: list[str] = []

    # ---- Who ---------------------------------------------------------------------------------
    squad = sc.initiator == SQUAD
    who = _row(rows, "Who", "发起方", "initiator", sc.initiator, "scenes.initiator",
               f"一线小分队 = {WHO_SQUAD_POINTS:g}, 总部 = 0", WHO_SQUAD_POINTS if squad else 0.0, WHO_SQUAD_POINTS)
    if squad:
        cap = float(ctx.get("leader_capability") or 0.0)
        who += _row(rows, "Who", "现场拍板:班长能力", "decided on the spot: leader capability", round(cap, 3),
                    "staff.capability (squad leader)", f"{WHO_DECIDE_POINTS:g} x capability",
                    WHO_DECIDE_POINTS * cap, WHO_DECIDE_POINTS)
        if cap >= 0.7:
            zh.append(f"谁主导:小分队 {sc.squad_id} 自己发起、现场拍板,班长能力 {cap:.2f},正是第18讲说的“听到炮火的人指挥战争”。")
            en.append(f"Who: squad {sc.squad_id} started and decided it on the spot (leader capability {cap:.2f}) — "
                      "those who hear the gunfire command, as lecture 18 asks.")
        else:
            zh.append(f"谁主导:小分队发起,但班长能力只有 {cap:.2f},现场决策力弱;先培养能拍板的“少将连长”。")
            en.append(f"Who: a squad started it, but its leader's capability is only {cap:.2f}; "
                      "grow a leader who can decide on the spot (a 'major-general captain').")
    else:
        if sc.store_ids:
            pts, what_zh, what_en = WHO_HQ_STORES_POINTS, "指定门店", "named stores"
        elif sc.target_city:
            pts, what_zh, what_en = WHO_HQ_CITY_POINTS, "一个城市", "one city"
        else:
            pts, what_zh, what_en = 0.0, "全网", "the whole chain"
        who += _row(rows, "Who", "总部决策,目标范围", "HQ decided; target", what_zh, "scenes.store_id / target_city",
                    f"指定门店 {WHO_HQ_STORES_POINTS:g}, 城市 {WHO_HQ_CITY_POINTS:g}, 全网 0", pts,
                    WHO_HQ_STORES_POINTS)
        zh.append(f"谁主导:总部市场部策划({what_zh})、一线执行——第18讲要颠覆的正是这种模式;试着让门店小分队自己发起。")
        en.append(f"Who: HQ marketing planned it ({what_en}) and the front line executed — the very model lecture 18 "
                  "wants overturned; let a store squad start the next one.")

    # ---- What --------------------------------------------------------------------------------
    lead = int(sc.lead_days or 0)
    dur = int(sc.duration_days)
    p_lead = WHAT_LEAD_POINTS * np.exp(-lead / WHAT_LEAD_DAYS)
    p_dur = WHAT_DURATION_POINTS * (1.0 if dur <= WHAT_SHORT_DAYS else np.exp(-(dur - WHAT_SHORT_DAYS) / WHAT_DURATION_DECAY))
    what = _row(rows, "What", "创意到上线天数", "days from idea to launch", lead, "scenes.idea_date, launch_date",
                f"{WHAT_LEAD_POINTS:g} x exp(-days/{WHAT_LEAD_DAYS:g})", p_lead, WHAT_LEAD_POINTS)
    what += _row(rows, "What", "持续天数", "duration (days)", dur, "scenes.launch_date, end_date",
                 f"{WHAT_DURATION_POINTS:g} if <= {WHAT_SHORT_DAYS}, else x exp(-(days-{WHAT_SHORT_DAYS})/"
                 f"{WHAT_DURATION_DECAY:g})", p_dur, WHAT_DURATION_POINTS)
    tip_zh = "快速策划、快速创建、快速结束,做得很好。" if lead <= 3 and dur <= WHAT_SHORT_DAYS else (
        "准备时间太长,现场的机会会过去;把创意到上线缩短到 3 天以内。" if lead > 3 else
        "场景拖得太久,新鲜感在衰减;一周左右就收尾,再开下一个。")
    tip_en = "Planned, created and ended fast — well done." if lead <= 3 and dur <= WHAT_SHORT_DAYS else (
        "Too long from idea to launch: the moment passes; get it under 3 days." if lead > 3 else
        "It runs too long and its novelty fades; end it in about a week and start the next.")
    zh.append(f"怎么做:从创意到上线 {lead} 天,持续 {dur} 天。{tip_zh}")
    en.append(f"What: {lead} days from idea to launch, {dur} days long. {tip_en}")

    # ---- Way ---------------------------------------------------------------------------------
    p2p, bc = mean_tot["reach_p2p"], mean_tot["reach_broadcast"]
    share_p2p = p2p / (p2p + bc) if (p2p + bc) > 0 else 0.0
    _row(rows, "Way", "点对点触达", "point-to-point reach", round(p2p), f"{src}: reach_p2p", "sum over days", 0.0, 0.0)
    _row(rows, "Way", "广告触达(点对面)", "reach by ads", round(bc), f"{src}: reach_broadcast", "sum over days", 0.0, 0.0)
    way = _row(rows, "Way", "点对点触达占比", "share of reach point to point", round(share_p2p, 4),
               "reach_p2p / (reach_p2p + reach_broadcast)", "100 x share", 100.0 * share_p2p, 100.0)
    if share_p2p >= 0.5:
        zh.append(f"谁传播:{share_p2p:.0%} 的触达来自朋友圈和店内的点对点传播。")
        en.append(f"Way: {share_p2p:.0%} of the reach spread point to point (moments and the store floor).")
    else:
        zh.append(f"谁传播:只有 {share_p2p:.0%} 的触达是点对点,大部分靠广告“点对面”;用小分队的粉丝朋友圈和店内现场。")
        en.append(f"Way: only {share_p2p:.0%} of the reach was point to point; most came from ads (point to surface). "
                  "Use the squad's fans' moments and the store floor.")

    # ---- Why ---------------------------------------------------------------------------------
    reach = p2p + bc
    shares = mean_tot["shares"]
    rate = shares / reach if reach > 0 else 0.0
    why = _row(rows, "Why", "转发率(转发/触达)", "share rate (shares / reach)", round(rate, 5),
               f"{src}: shares, reach", f"{WHY_SHARE_POINTS:g} x min(1, rate/{WHY_SHARE_FULL:g})",
               WHY_SHARE_POINTS * min(1.0, rate / WHY_SHARE_FULL), WHY_SHARE_POINTS)
    viral, vsrc = _viral(result, mean_tot)
    if viral is None:
        why = why * 2.0  # no share log: the share rate carries the whole score
        rows[-1]["points"] = round(why, 2)
        rows[-1]["max_points"] = 100.0
        rows[-1]["formula"] = f"100 x min(1, rate/{WHY_SHARE_FULL:g}) (无转发明细 / no share log)"
        vtxt_zh, vtxt_en = "没有转发明细,无法计算病毒系数", "no share log, so no viral coefficient"
    else:
        why += _row(rows, "Why", "病毒系数(再转发/转发)", "viral coefficient (re-shares / shares)", round(viral, 4),
                    vsrc, f"{WHY_VIRAL_POINTS:g} x min(1, k/{WHY_VIRAL_FULL:g})",
                    WHY_VIRAL_POINTS * min(1.0, viral / WHY_VIRAL_FULL), WHY_VIRAL_POINTS)
        vtxt_zh, vtxt_en = f"{viral:.0%} 的转发来自被转发者的再转发", f"{viral:.0%} of shares were re-shares"
    if why >= 50:
        zh.append(f"为啥传播:每 100 位被触达者转发 {rate * 100:.1f} 次,{vtxt_zh}——粉丝被场景吸引而自发传播。")
        en.append(f"Why: {rate * 100:.1f} shares per 100 people reached; {vtxt_en} — fans spread it of their own accord.")
    else:
        zh.append(f"为啥传播:每 100 位被触达者只转发 {rate * 100:.1f} 次,{vtxt_zh};提高激励相对客单价的吸引力和内容的个性化互动。")
        en.append(f"Why: only {rate * 100:.1f} shares per 100 people reached; {vtxt_en}. Make the incentive more "
                  "attractive relative to the ticket and the content more personal and interactive.")

    # ---- Worth -------------------------------------------------------------------------------
    margin, cost = mean_tot["incremental_margin_yuan"], mean_tot["cost_yuan"]
    mpy = margin / cost if cost > 0 else 0.0
    worth = _row(rows, "Worth", "每元花费的增量毛利", "incremental margin per yuan spent", round(mpy, 3),
                 f"{src}: incremental_margin_yuan / cost_yuan", f"{WORTH_MARGIN_POINTS:g} x min(1, m/{WORTH_MARGIN_FULL:g})",
                 WORTH_MARGIN_POINTS * min(1.0, max(mpy, 0.0) / WORTH_MARGIN_FULL), WORTH_MARGIN_POINTS)
    gained = mean_tot["new_members"] + mean_tot["tier_upgrades"]
    fans = float(ctx.get("target_fans") or 0.0) or float(ctx.get("all_fans") or 0.0)
    growth = gained / fans if fans > 0 else (1.0 if gained > 0 else 0.0)
    worth += _row(rows, "Worth", "粉丝增长(新会员+升级)/目标粉丝", "fan growth (new + upgraded) / target fans",
                  round(growth, 4), f"{src}: new_members, tier_upgrades; store_fans_monthly",
                  f"{WORTH_FANS_POINTS:g} x min(1, g/{WORTH_FANS_FULL:g})",
                  WORTH_FANS_POINTS * min(1.0, growth / WORTH_FANS_FULL), WORTH_FANS_POINTS)
    sigma = float(ctx.get("sales_sigma") or 0.0)
    uplift = np.nanmean(a["incremental_sales_yuan"], axis=0)
    day = detection_day(uplift, sigma)
    p_early = 0.0 if day is None else WORTH_EARLY_POINTS * max(0.0, 1.0 - (day - 1) / WORTH_EARLY_DAYS)
    worth += _row(rows, "Worth", "效果可见的第几天", "day the uplift became visible", day if day is not None else "—",
                  f"{src}: incremental_sales_yuan; daily_sales noise ({sigma:,.0f} 元/天)",
                  f"{WORTH_EARLY_POINTS:g} x max(0, 1-(day-1)/{WORTH_EARLY_DAYS:g})", p_early, WORTH_EARLY_POINTS)
    seen_zh = f"第 {day} 天起总部就能从实时数据看出效果" if day else "整个场景期间效果都淹没在日常波动里"
    seen_en = f"HQ could see the effect in real-time data from day {day}" if day else \
        "the effect never stood out from everyday fluctuation"
    zh.append(f"效果评估:每花 1 元带来 {mpy:.2f} 元增量毛利,新增会员和升级 {gained:,.0f} 人(目标粉丝的 {growth:.1%});{seen_zh}。")
    en.append(f"Worth: {mpy:.2f} yuan of extra margin per yuan spent, {gained:,.0f} new or upgraded fans "
              f"({growth:.1%} of the target fans); {seen_en}.")

    scores = {"Who": who, "What": what, "Way": way, "Why": why, "Worth": worth}
    scores = {k: float(np.clip(v, 0.0, 100.0)) for k, v in scores.items()}
    evidence = pd.DataFrame(rows)
    return FiveWReport(scores=scores, evidence=evidence, feedback_zh=zh, feedback_en=en, scene_name=sc.name)


def _viral(result: Any, mean_tot: dict[str, float]) -> tuple[float | None, str]:
    """Share of shares made by people who were reached through a share (the cascade's offspring ratio)."""
    log = result.context.get("share_log")
    if log and log.get("shares", 0) > 0:
        return log["reshares"] / log["shares"], "shares: parent_share_id"
    casc = mean_tot.get("shares_cascade")
    if casc is not None and np.isfinite(casc) and not getattr(result, "historical", False):
        return (casc / mean_tot["shares"] if mean_tot["shares"] > 0 else 0.0), "simulate(): shares_cascade / shares"
    return None, ""


__all__ = ["evaluate", "FiveWReport", "detection_day", "DIMENSIONS"]
