"""The capstone's analysis: an executive memo on rolling the squad model out, dated 2015-10-01.

The memo recommends which direct stores of one region get the shareholder-and-squad model, in what
waves, under which rights arrangement, and what the 5W review watches. Its autograded questions check
the analysis behind it, each computed here from the student's dataset (their own variant on the
grader's trusted side) and **only from data before the plan date** (:data:`PLAN_DATE`):

* q1 — the pilot's effect on daily sales by the course's difference in differences (lesson 23) on the
  days before the plan date; the same estimate with the later days is a look-ahead answer;
* q2 — the region's candidate stores that are ready, by the rule the question states (lessons 26, 34:
  a squad formed before the plan date with a capable leader, a store that earns its rent, a fan base
  to work with), ordered by leader capability;
* q3 — the wave sizes under the back office's coaching capacity, each wave but the last leaving at least
  as many not-yet stores as it rolls out (they are its control group);
* q4, q5 — judgments (:class:`o2o.judgment.Judgment`): the rights arrangement (lessons 28–29) and the
  measure the 5W review of the first wave decides on.

The region is the variant's: one of the cities outside the pilot's own with at least
:data:`MIN_REGION_STORES` candidates (base case: the one with the most).
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np
import pandas as pd

from o2o.assignments.checks import AnswerError, check_float, ok, require
from o2o.data.variants import BASE
from o2o.errors import DataError
from o2o.judgment import Judgment
from o2o.scenes import did, pilot_panel

PLAN_DATE = "2015-10-01"            # the memo's date: only data before it may be used
PROFIT_FROM = "2015-01-01"          # the profit test runs over 2015 up to the plan date
CAPABLE = 0.7                       # a squad leader who can decide on the spot (the 5W evaluation's threshold)
FAN_MONTH = "2015-09-01"            # the last full month before the plan date
MIN_ENGAGED_SHARE = 0.15            # active + core fans as a share of the store's fans in that month
WAVE_CAPACITY = 6                   # new squad leaders the back office can coach in one wave
MIN_REGION_STORES = 16              # a region needs at least this many candidate stores
EFFECT_DECIMALS = 3
EFFECT_TOLERANCE = 0.0005           # half a unit of the third decimal
ENGAGED = ("活跃粉", "铁杆粉")

#: answer cell -> tolerance of the hidden test (``None``: compared exactly)
TOLERANCE: dict[str, float | None] = {"q1-answer": EFFECT_TOLERANCE, "q2-answer": None, "q3-answer": None,
                                      "q4-answer": None, "q5-answer": None}


def _before(df: pd.DataFrame, col: str = "date") -> pd.DataFrame:
    return df[pd.to_datetime(df[col]) < pd.Timestamp(PLAN_DATE)]


# ------------------------------------------------------------------------------ q1: the pilot's effect

_EFFECTS: "weakref.WeakKeyDictionary[Any, dict[bool, Any]]" = weakref.WeakKeyDictionary()


def pilot_effect(ds: Any, lookahead: bool = False):
    """The pilot's DiD on log daily sales (:class:`o2o.scenes.DIDResult`) with the days before the plan
    date; ``lookahead=True`` uses every day of the year (what the plan could not have known).
    Kept per open dataset (the public check, the debrief and the expected answers all ask for it)."""
    try:
        known = _EFFECTS.setdefault(ds, {})
    except TypeError:   # an object that cannot be weakly referenced: compute every time
        known = {}
    if lookahead not in known:
        panel = pilot_panel(ds)
        known[lookahead] = did(panel if lookahead else _before(panel), outcome="sales_yuan", log=True)
    return known[lookahead]


# ------------------------------------------------------------------------------ q2: readiness

def _pilot_cities(ds: Any) -> set[str]:
    st = ds.stores
    return set(st.loc[st["pilot_group"] == "试点", "city"])


def candidates(ds: Any, city: str | None = None) -> pd.DataFrame:
    """Direct stores outside the pilot, open before the plan date (in ``city`` when given)."""
    st = ds.stores
    keep = (st["ownership"] == "直营") & (st["pilot_group"] != "试点") \
        & (pd.to_datetime(st["open_date"]) < pd.Timestamp(PLAN_DATE))
    if city is not None:
        keep &= st["city"] == city
    return st.loc[keep, ["store_id", "city", "format", "monthly_rent_yuan"]].reset_index(drop=True)


def regions(ds: Any) -> list[str]:
    """Cities outside the pilot's with at least :data:`MIN_REGION_STORES` candidates, most candidates first."""
    c = candidates(ds)
    c = c[~c["city"].isin(_pilot_cities(ds))]
    n = c.groupby("city").size()
    n = n[n >= MIN_REGION_STORES]
    return sorted(n.index, key=lambda city: (-int(n[city]), city))


def region(ds: Any) -> str:
    """The student's region: the variant's pick among :func:`regions` (base case: the first)."""
    options = regions(ds)
    if not options:
        raise DataError("数据集中没有足够大的推广区域。", "The dataset has no region large enough for the rollout.")
    pick = getattr(getattr(ds, "variant", BASE), "store_pick", None)
    return options[0] if pick is None else options[pick % len(options)]


def store_facts(ds: Any, city: str | None = None, lookahead: bool = False) -> pd.DataFrame:
    """The region's candidates with the three measures the question's rule reads, one row per store.

    Columns: ``store_id``, ``format``, ``leader_capability`` (the leader of a squad formed before the plan
    date; NaN when the store had none), ``profit_yuan`` (gross margin minus rent, 2015 up to the plan date),
    ``engaged_share`` (active and core fans as a share of the store's fans in September). ``lookahead=True``
    uses the whole year (squads, profit) and December's fans instead: what the plan could not have known.
    """
    city = region(ds) if city is None else city
    t = candidates(ds, city)
    end = pd.Timestamp("2016-01-01") if lookahead else pd.Timestamp(PLAN_DATE)
    sq = ds.squads
    sq = sq[pd.to_datetime(sq["formed_date"]) < end]
    cap = ds.staff.set_index("staff_id")["capability"]
    lead = sq.drop_duplicates("store_id").set_index("store_id")["leader_staff_id"].map(cap)
    t["leader_capability"] = t["store_id"].map(lead).astype("float64")
    d = ds.daily_sales
    d = d[d["store_id"].isin(t["store_id"])]
    dates = pd.to_datetime(d["date"])
    d = d[(dates >= pd.Timestamp(PROFIT_FROM)) & (dates < end)]
    g = d.groupby("store_id").agg(margin=("gross_margin_yuan", "sum"), days=("date", "size"))
    g = g.reindex(t["store_id"]).fillna(0.0)
    t["profit_yuan"] = (g["margin"].to_numpy() - t["monthly_rent_yuan"].to_numpy() * g["days"].to_numpy() / 30.4).round(2)
    f = ds.store_fans_monthly
    month = pd.Timestamp("2015-12-01") if lookahead else pd.Timestamp(FAN_MONTH)
    f = f[(pd.to_datetime(f["month"]) == month) & f["store_id"].isin(t["store_id"])]
    fans = f.groupby("store_id")["fans"].sum()
    engaged = f[f["tier"].isin(ENGAGED)].groupby("store_id")["fans"].sum()
    t["engaged_share"] = t["store_id"].map(engaged / fans.where(fans > 0)).astype("float64")
    return t.drop(columns=["monthly_rent_yuan", "city"]).sort_values("store_id").reset_index(drop=True)


def ready_stores(ds: Any, lookahead: bool = False) -> list[int]:
    """q2: the region's ready stores (the question's three tests), by leader capability (highest first),
    then store id."""
    t = store_facts(ds, lookahead=lookahead)
    ready = t[(t["leader_capability"] >= CAPABLE) & (t["profit_yuan"] > 0) & (t["engaged_share"] >= MIN_ENGAGED_SHARE)]
    ready = ready.sort_values(["leader_capability", "store_id"], ascending=[False, True])
    return [int(s) for s in ready["store_id"]]


# ------------------------------------------------------------------------------ q3: waves

def wave_sizes(n: int, capacity: int = WAVE_CAPACITY) -> list[int]:
    """The fewest waves for ``n`` stores: at most ``capacity`` a wave, and each wave but the last leaves at
    least as many stores not yet rolled out as it takes (taking as many as allowed is optimal)."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise DataError("门店数应是不小于 0 的整数。", "The number of stores must be a whole number ≥ 0.")
    sizes, left = [], int(n)
    while left > 0:
        take = left if left <= capacity else min(capacity, left // 2)
        sizes.append(take)
        left -= take
    return sizes


def wave_rule_failures(sizes: list[int], capacity: int = WAVE_CAPACITY) -> list[tuple[str, str]]:
    """Which of the question's wave rules a list of wave sizes breaks, as ``(zh, en)``."""
    out, left = [], sum(sizes)
    for i, s in enumerate(sizes, 1):
        if s > capacity:
            out.append((f"第{i}批有 {s} 家店,超过总部一批最多能辅导的 {capacity} 家",
                        f"wave {i} has {s} stores, more than the {capacity} the back office can coach"))
        left -= s
        if left > 0 and left < s:
            out.append((f"第{i}批推广 {s} 家后只剩 {left} 家尚未推广,不够给这一批作对照(至少要 {s} 家)",
                        f"after wave {i} ({s} stores) only {left} are left as its control group"))
    return out


# ------------------------------------------------------------------------------ q4, q5: judgments

def rights_judgment() -> Judgment:
    """q4: the rights arrangement for the rollout stores (lessons 27–29; the article's argument)."""
    return Judgment(
        "第4题 权益安排",
        {"A": "定价、会员和订单统一收归总部电商团队,门店只按指令执行:冲突最少,推广最快",
         "B": "推广门店的店长和店员成为门店股东,增量毛利计入分红;班长在限额内自己决定场景;线上线下先从收银台前的“对流岗位”做起,"
              "一个阶段做到八成纯熟再走下一步",
         "C": "推广第一天就把线上团队和门店合并成一个事业部,一步到位“融合业务”",
         "D": "权力不动,只给店员按扫码入会人数发提成"},
        "B",
        {"A": ("这是文章所说的“大刀分权”:冲突暂时平息,被拿走权力的一方却被掏空;一线没有拍板权,小分队就活不起来。",
               "This is splitting power by decree: the conflict calms, but the side stripped of power is hollowed out."),
         "B": ("权力和利益一起安排,而且渐进:股东身份给利益,限额内的场景决定权给权力,从对流岗位做起、八成纯熟再推进。",
               "Power and profit together, step by step: shares for profit, a budgeted right to decide scenes, "
               "convection posts first, the next stage only when the last is mastered."),
         "C": ("跳过了渐进:没有双向态度、信息对接和对流岗位的铺垫,合并只会造出新的权力角斗场;文章认为融合也许永远达不到。",
               "It skips the gradual stages; the article doubts full fusion is ever reached."),
         "D": ("只动利益不动权力:文章的判断是先权力、后利益,对流岗位还需要不必请示的自我优化权。",
               "Money without power: the article puts power first, and convection posts need the right to improve "
               "their own work without asking.")})


def watch_judgment() -> Judgment:
    """q5: what the 5W review of the first wave decides on before the second wave goes."""
    return Judgment(
        "第5题 5W 复盘看什么",
        {"A": "第一批门店推广后的日销售额,与同区域尚未推广的门店比较(双重差分);同时看这些店小分队场景的 Worth(每元毛利、粉丝增长)",
         "B": "第一批门店推广后的销售额比推广前高了多少",
         "C": "第一批门店的小分队一共发起了多少个场景",
         "D": "全网每月的销售额有没有上升"},
        "A",
        {"A": ("有对照才知道是推广带来的:尚未推广的门店同期同季节,差中之差去掉了季节和城市的共同变化;Worth 看的是花钱换来的毛利和粉丝。",
               "Only a control tells what the rollout did: the not-yet stores share the season; Worth weighs margin "
               "and fans per yuan."),
         "B": ("前后比较把季节算了进去:第四季度本来就和第三季度不同,春节前后更不同,没有对照分不清是推广还是季节。",
               "Before and after mixes in the season; without a control it cannot tell rollout from calendar."),
         "C": ("场景个数是活动量,不是效果:不少场景每花一元带回的增量毛利不到一元,多发起不等于多赚。",
               "A count of scenes is activity, not effect; many scenes return less than a yuan per yuan."),
         "D": ("第一批只有几家店,全网的月销售额里根本看不出来,而且同样混着季节。",
               "A handful of stores vanish in the whole network's sales, which also carry the season.")})


# ------------------------------------------------------------------------------ expected answers

def answers(ds: Any) -> dict[str, Any]:
    """The capstone's expected autograded answers on ``ds`` (a student's variant on the trusted side)."""
    ready = ready_stores(ds)
    return {"q1-answer": float(pilot_effect(ds).pct), "q2-answer": ready, "q3-answer": wave_sizes(len(ready)),
            "q4-answer": rights_judgment().correct, "q5-answer": watch_judgment().correct}


def describe(ds: Any) -> str:
    """The setup cell's lines: the student's region, its candidates, and the plan date."""
    v = getattr(ds, "variant", BASE)
    city, n = region(ds), len(candidates(ds, region(ds)))
    return (f"你的数据版本 {v.label}:方案日期 {PLAN_DATE};推广区域 REGION = {city},候选直营门店 {n} 家"
            f"(CANDIDATES)。\nYour data variant {v.label}: plan dated {PLAN_DATE}; region REGION = {city}, "
            f"{n} candidate direct stores (CANDIDATES).")


# ------------------------------------------------------------------------------ public checks

def check_effect(value: Any, ds: Any, name: str = "q1_effect", question: str = "第1题") -> None:
    """q1's public check: a float in range, and not the estimate that used days after the plan date."""
    check_float(value, name, question, lo=-1.0, hi=5.0)
    if looks_ahead(value, ds):
        raise AnswerError(
            f"{question}:{name} 用到了 {PLAN_DATE} 以后的数据。方案写于 {PLAN_DATE},那时还看不到 10–12 月的销售;"
            f"请只用 {PLAN_DATE} 之前的日子(`panel[panel['date'] < '{PLAN_DATE}']`)重新估计。",
            f"{name} uses days after {PLAN_DATE}, which the plan could not have seen (look-ahead); "
            f"estimate again with the days before {PLAN_DATE} only.")


def check_ready(value: Any, ds: Any, name: str = "q2_ready", question: str = "第2题") -> None:
    """q2's public check: a list of distinct int store ids, each a candidate of the region."""
    require(value, name, question)
    if type(value) is not list or any(type(x) is not int for x in value):
        raise AnswerError(f"{question}:{name} 应是门店编号(int)组成的列表 list,例如 [101, 205]。"
                          "从表格取出时用 `[int(x) for x in 表['store_id']]`。",
                          f"{name} must be a list of int store ids.")
    if len(set(value)) != len(value):
        raise AnswerError(f"{question}:{name} 里有重复的门店。", f"{name} lists a store twice.")
    allowed = set(int(s) for s in candidates(ds, region(ds))["store_id"])
    stray = [x for x in value if x not in allowed]
    if stray:
        raise AnswerError(f"{question}:门店 {stray[:5]} 不是 {region(ds)} 的候选门店(直营、不在试点、{PLAN_DATE} 前开业)。",
                          f"stores {stray[:5]} are not candidates of the region.")
    ok(question, f"{len(value)} 家门店")


def check_waves(value: Any, name: str = "q3_waves", question: str = "第3题") -> None:
    """q3's public check: a list of positive ints that keeps the stated wave rules."""
    require(value, name, question)
    if type(value) is not list or not value or any(type(x) is not int or x < 1 for x in value):
        raise AnswerError(f"{question}:{name} 应是每批门店数(正整数 int)组成的列表,例如 [8, 6, 5]。",
                          f"{name} must be a non-empty list of positive ints (stores per wave).")
    broken = wave_rule_failures(value)
    if broken:
        raise AnswerError(f"{question}:" + ";".join(zh for zh, _ in broken), "; ".join(en for _, en in broken))
    ok(question, f"{len(value)} 批,共 {sum(value)} 家")


def check_choice(value: Any, judgment: Judgment, name: str, question: str) -> None:
    """q4/q5's public check: one option letter (whether it is right is the hidden test's)."""
    require(value, name, question)
    keys = "、".join(judgment.options)
    if type(value) is not str or value.strip().upper() not in judgment.options:
        raise AnswerError(f"{question}:{name} 应是一个选项字母:{keys}。", f"{name} must be one option letter: {keys}.")
    ok(question, "选项")



# ------------------------------------------------------------------------------ marking (as the hidden tests)

#: answer cell -> the variable the notebook assigns
VARIABLES: dict[str, str] = {"q1-answer": "q1_effect", "q2-answer": "q2_ready", "q3-answer": "q3_waves",
                             "q4-answer": "q4_rights", "q5-answer": "q5_watch"}


def marked(given: dict[str, Any], expected: dict[str, Any]) -> dict[str, bool]:
    """Which answers (by answer cell) the hidden tests accept, against ``expected`` (:func:`answers`).

    The same rules as the notebook's hidden tests: q1 within :data:`EFFECT_TOLERANCE`; q2 the exact list;
    q3 the waves of the right number of stores or of the student's own q2 list; q4, q5 the right letter.
    """
    q1, q2, q3 = given.get("q1-answer"), given.get("q2-answer"), given.get("q3-answer")
    out = {"q1-answer": type(q1) is float and abs(q1 - float(expected["q1-answer"])) <= EFFECT_TOLERANCE + 1e-9,
           "q2-answer": type(q2) is list and all(type(x) is int for x in q2) and q2 == list(expected["q2-answer"])}
    sizes = [list(expected["q3-answer"])]
    if type(q2) is list and len(set(map(repr, q2))) == len(q2):
        sizes.append(wave_sizes(len(q2)))
    out["q3-answer"] = type(q3) is list and all(type(x) is int for x in q3) and q3 in sizes
    for gid in ("q4-answer", "q5-answer"):
        v = given.get(gid)
        out[gid] = type(v) is str and v.strip().upper() == expected[gid]
    return out


def looks_ahead(q1: Any, ds: Any) -> bool:
    """Whether a q1 answer is the estimate that used days after the plan date (and not the right one)."""
    if type(q1) is not float:
        return False
    return ahead_of(q1, float(pilot_effect(ds).pct), float(pilot_effect(ds, lookahead=True).pct))


def ahead_of(q1: Any, early: float, late: float) -> bool:
    """Whether ``q1`` is the whole-year estimate ``late`` rather than the plan-date one ``early``."""
    return type(q1) is float and abs(q1 - late) <= EFFECT_TOLERANCE + 1e-9 and abs(q1 - early) > EFFECT_TOLERANCE + 1e-9
