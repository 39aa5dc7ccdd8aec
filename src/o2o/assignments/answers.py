"""The expected answers of the autograded questions that depend on a student's data variant.

One function per assignment, called with the dataset a student works on (``o2o.load()``: their own
variant in their server and on the grader's trusted side). The hidden tests compare with it, and the
debrief compares every student's answers with every variant's to spot an answer copied from a
classmate (:func:`o2o.debrief.variant_matches`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..data.variant_questions import PILOT_START, questions
from ..data.variants import q1_scenes, q2_store
from ..maturity import QUESTIONNAIRE, assess, assess_frame, example_assessments
from ..scenes import did, evaluate_history, pilot_panel

#: answer cell -> how close a number must be to count as the same answer (the hidden test's tolerance);
#: ``None``: compared exactly.
M4_TOLERANCE: dict[str, float | None] = {"q1-answer": None, "q2-answer": None, "q3-answer": 0.0005,
                                         "q4-answer": 0.005}


def m4_q1(ds: Any) -> tuple[int, str]:
    """Question 1: the top squad scene (incremental margin) among the variant's candidates, and its weakest W."""
    squad = q1_scenes(ds)
    daily = ds.scene_daily
    margin = daily[daily["scene_id"].isin(squad["scene_id"])].groupby("scene_id")["incremental_margin_yuan"].sum()
    scene_id = int(margin.idxmax())
    report = evaluate_history(ds, scene_id)
    return scene_id, str(min(report.scores, key=report.scores.get))


def m4_answers(ds: Any) -> dict[str, Any]:
    """Assignment 4's expected answers on ``ds``: q1 ``(scene id, weakest W)``, q2 the store the scene must
    be for, q3 the pilot's relative effect on sales, q4 its effect on new members per store and day."""
    return {
        "q1-answer": m4_q1(ds),
        "q2-answer": q2_store(ds),
        "q3-answer": float(did(pilot_panel(ds), outcome="sales_yuan", log=True).pct),
        "q4-answer": float(did(pilot_panel(ds, "new_members"), outcome="new_members", log=False).estimate),
    }


def same_answer(grade_id: str, a: Any, b: Any, tolerance: dict[str, float | None] = M4_TOLERANCE) -> bool:
    """Whether two answers to ``grade_id`` are the same: numbers within the hidden test's tolerance, the parts
    of a tuple and the values of a dict each alike (a tuple's text part, a dict's keys exactly)."""
    return _same(a, b, tolerance.get(grade_id))


def _same(a: Any, b: Any, tol: float | None) -> bool:
    if a is None or b is None:
        return False
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(_same(x, y, tol) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k], tol) for k in a)
    if tol is None or isinstance(a, (str, bool)) or isinstance(b, (str, bool)):
        return a == b
    try:
        return abs(float(a) - float(b)) <= tol + 1e-9
    except (TypeError, ValueError):
        return False


# ------------------------------------------------------------------ the other assignments on variants
# One function per autograded question, called with the dataset a student works on; the numbers a question
# asks about come from :func:`o2o.data.variant_questions.questions` on the same dataset. ``mN_answers``
# gathers them (answer cell -> expected answer) and ``TOLERANCE`` holds each cell's tolerance.

CHANNELS = ("门店二维码", "微信公众号", "好友分享", "异业合作")
PARTNER_BATTLES = ("异业联盟采购", "附近异业")


def _window(df: pd.DataFrame, col: str, q: Any) -> pd.DataFrame:
    return df[(df[col] >= pd.Timestamp(q.FROM)) & (df[col] < pd.Timestamp(q.UNTIL))]


def m1_q1(ds: Any) -> int:
    """Direct-operated Dongguan stores of at least ``Q.MIN_AREA`` m²."""
    q, s = questions("m1-o2o-basics", ds), ds.stores
    return int(((s["city"] == "东莞") & (s["ownership"] == "直营") & (s["area_m2"] >= q.MIN_AREA)).sum())


def m1_q2(ds: Any) -> tuple[str, float]:
    """Among ``Q.FORMAT`` stores: the city with the highest average sales per store in ``Q.MONTH``, and that average."""
    q, s, d = questions("m1-o2o-basics", ds), ds.stores, ds.daily_sales
    fmt = s.loc[s["format"] == q.FORMAT, ["store_id", "city"]]
    month = d[(d["date"].dt.month == q.MONTH) & d["store_id"].isin(fmt["store_id"])]
    per_store = month.groupby("store_id")["sales_yuan"].sum()
    by_city = per_store.groupby(fmt.set_index("store_id")["city"].reindex(per_store.index)).mean()
    return str(by_city.idxmax()), float(by_city.max())


def m1_q3(ds: Any) -> float:
    """``Q.STORE``'s member tickets over all its tickets in 2015."""
    q, d = questions("m1-o2o-basics", ds), ds.daily_sales
    mine = d[d["store_id"] == q.STORE]
    return float(mine["member_tickets"].sum()) / float(mine["tickets"].sum())


def m1_q4(ds: Any) -> dict[str, int]:
    """``Q.STORE``'s fans per tier at the end of ``Q.MONTH``."""
    q, f = questions("m1-o2o-basics", ds), ds.store_fans_monthly
    end = f[(f["store_id"] == q.STORE) & (f["month"] == pd.Timestamp(2015, q.MONTH, 1))]
    return {str(k): int(v) for k, v in end.groupby("tier")["fans"].sum().items()}


def m1_q5(ds: Any) -> tuple[int, int]:
    """The pilot stores' month with the most new members, and how many (the variant's pilot effect moves it)."""
    s, d = ds.stores, ds.daily_sales
    pilot = d[d["store_id"].isin(s.loc[s["pilot_group"] == "试点", "store_id"])]
    monthly = pilot.groupby(pilot["date"].dt.month)["new_members"].sum()
    return int(monthly.idxmax()), int(monthly.max())


def m2_q1(ds: Any) -> dict[str, float]:
    """``Q.CITY``'s average daily sales (open days) per format in the period."""
    q = questions("m2-touchpoints", ds)
    city = ds.stores.loc[ds.stores["city"] == q.CITY, ["store_id", "format"]]
    d = _window(ds.daily_sales, "date", q)
    d = d[(d["sales_yuan"] > 0) & d["store_id"].isin(city["store_id"])].merge(city, on="store_id")
    return {str(k): float(v) for k, v in d.groupby("format")["sales_yuan"].mean().items()}


def _m2_tickets(ds: Any) -> tuple[Any, pd.DataFrame]:
    q = questions("m2-touchpoints", ds)
    t = _window(ds.transactions, "ts", q)
    return q, t[t["store_id"] == q.STORE]


def m2_q2(ds: Any) -> float:
    """``Q.PAYMENT``'s share of ``Q.STORE``'s tickets in the period."""
    q, t = _m2_tickets(ds)
    return float((t["payment_method"] == q.PAYMENT).sum()) / float(len(t))


def m2_q3(ds: Any) -> dict[str, int]:
    """``Q.STORE``'s members who joined in the period, per channel."""
    q = questions("m2-touchpoints", ds)
    m = _window(ds.members, "join_date", q)
    m = m[m["home_store_id"] == q.STORE]
    return {c: int((m["join_channel"] == c).sum()) for c in CHANNELS}


def m2_q4(ds: Any) -> tuple[str, float]:
    """The category with the highest gross-margin rate on ``Q.STORE``'s tickets in the period, and its margin."""
    _, t = _m2_tickets(ds)
    items = ds.transaction_items
    i = items[items["tx_id"].isin(t["tx_id"])].merge(ds.products[["sku_id", "category", "unit_cost_yuan"]], on="sku_id")
    i = i.assign(_cost=i["qty"].astype("float64") * i["unit_cost_yuan"])
    g = i.groupby("category")[["line_amount_yuan", "_cost"]].sum()
    top = str(((g["line_amount_yuan"] - g["_cost"]) / g["line_amount_yuan"]).idxmax())
    return top, float(g.loc[top, "line_amount_yuan"] - g.loc[top, "_cost"])


def m2_q5(ds: Any) -> tuple[int, int]:
    """The hour with most of ``Q.STORE``'s tickets in the period, and how many."""
    _, t = _m2_tickets(ds)
    hours = t.groupby(t["ts"].dt.hour).size()
    return int(hours.idxmax()), int(hours.max())


def m3_q1(ds: Any) -> float:
    """The squads' share of the budget of the scenes launched in the period."""
    sc = _window(ds.scenes, "launch_date", questions("m3-scenes", ds))
    return float(sc.loc[sc["initiator"] == "一线小分队", "budget_yuan"].sum()) / float(sc["budget_yuan"].sum())


def m3_q2(ds: Any) -> float:
    """``Q.SQUAD``'s scenes: shares per thousand point-to-point reaches."""
    q = questions("m3-scenes", ds)
    own = ds.scenes.loc[ds.scenes["squad_id"] == q.SQUAD, "scene_id"]
    mine = ds.scene_daily[ds.scene_daily["scene_id"].isin(own)]
    return 1000.0 * float(mine["shares"].sum()) / float(mine["reach_p2p"].sum())


def m3_q3(ds: Any) -> tuple[str, float]:
    """Among the scenes launched in the period: the battle with the most margin per yuan, and that ratio."""
    sc = _window(ds.scenes, "launch_date", questions("m3-scenes", ds))
    g = ds.scene_daily.merge(sc[["scene_id", "battle"]], on="scene_id").groupby("battle")[
        ["incremental_margin_yuan", "cost_yuan"]].sum()
    ratio = g["incremental_margin_yuan"] / g["cost_yuan"]
    return str(ratio.idxmax()), float(ratio.max())


def m5_q1(ds: Any) -> float:
    """Shareholders hired before ``Q.HIRED_BEFORE`` per pilot store."""
    q = questions("m5-rights", ds)
    pilot = ds.stores.loc[ds.stores["pilot_group"] == "试点", "store_id"]
    staff = ds.staff[ds.staff["store_id"].isin(pilot) & (ds.staff["hire_date"] < pd.Timestamp(q.HIRED_BEFORE))]
    return float(staff["is_shareholder"].sum()) / float(len(pilot))


def m5_q2(ds: Any) -> float:
    """Squad scenes from ``Q.PRE_FROM`` to ``Q.POST_UNTIL``: (pilot after / before) / (control after / before)."""
    q = questions("m5-rights", ds)
    sc = ds.scenes[ds.scenes["initiator"] == "一线小分队"]
    sc = sc[(sc["launch_date"] >= pd.Timestamp(q.PRE_FROM)) & (sc["launch_date"] < pd.Timestamp(q.POST_UNTIL))]
    group = sc["store_id"].astype("int64").map(ds.stores.set_index("store_id")["pilot_group"])
    after = sc["launch_date"] >= pd.Timestamp(PILOT_START)
    n = {(g, a): float(((group == g) & (after == a)).sum()) for g in ("试点", "对照") for a in (True, False)}
    return (n[("试点", True)] / n[("试点", False)]) / (n[("对照", True)] / n[("对照", False)])


def _orgs(ds: Any) -> pd.DataFrame:
    q = questions("m5-rights", ds)
    return example_assessments(seed=q.ORG_SEED, n_per_faction=q.ORGS_PER_FACTION)


def m5_q3(ds: Any) -> tuple[int, dict[str, float]]:
    """The first online vertical e-commerce organisation of the variant's examples: its stage, and its mastery
    (%) of each stage (keys ``"1"`` … ``"5"``)."""
    orgs = _orgs(ds)
    row = orgs[orgs["faction"] == "Online垂直电商"].sort_values("org_id").iloc[0]
    result = assess({i.id: int(row[i.id]) for i in QUESTIONNAIRE})
    return int(result.reached_stage), {str(k): float(v) for k, v in result.mastery.items()}


def m5_q4(ds: Any) -> tuple[str, dict[str, float]]:
    """The faction with the highest mean stage among the variant's examples, and every faction's mean stage."""
    orgs = _orgs(ds)
    stages = assess_frame(orgs)["reached_stage"]
    mean = stages.groupby(orgs["faction"].to_numpy()).mean()
    return str(mean.idxmax()), {str(k): float(v) for k, v in mean.items()}


def m6_q1(ds: Any) -> tuple[int, float]:
    """``Q.MEMBER_STORE``'s members who joined from ``Q.JOINED_FROM`` on through the partner channel: how many,
    and their share."""
    q = questions("m6-cross-industry", ds)
    m = ds.members
    m = m[(m["home_store_id"] == q.MEMBER_STORE) & (m["join_date"] >= pd.Timestamp(q.JOINED_FROM))]
    k = int((m["join_channel"] == "异业合作").sum())
    return k, float(k) / float(len(m))


def m6_q2(ds: Any) -> float:
    """The partner scenes launched in the period: incremental margin per yuan of cost."""
    sc = _window(ds.scenes, "launch_date", questions("m6-cross-industry", ds))
    x = ds.scene_daily[ds.scene_daily["scene_id"].isin(sc.loc[sc["battle"].isin(PARTNER_BATTLES), "scene_id"])]
    return float(x["incremental_margin_yuan"].sum()) / float(x["cost_yuan"].sum())


def _store(assignment: str) -> Any:
    return lambda ds: int(questions(assignment, ds).STORE)


#: assignment -> (answer cell -> how its expected answer is computed, answer cell -> tolerance)
QUESTIONS: dict[str, tuple[dict[str, Any], dict[str, float | None]]] = {
    "m1-o2o-basics": ({"q1-answer": m1_q1, "q2-answer": m1_q2, "q3-answer": m1_q3, "q4-answer": m1_q4,
                       "q5-answer": m1_q5},
                      {"q1-answer": None, "q2-answer": 0.05, "q3-answer": 0.0005, "q4-answer": None, "q5-answer": None}),
    "m2-touchpoints": ({"q1-answer": m2_q1, "q2-answer": m2_q2, "q3-answer": m2_q3, "q4-answer": m2_q4,
                        "q5-answer": m2_q5},
                       {"q1-answer": 0.05, "q2-answer": 0.0005, "q3-answer": None, "q4-answer": 0.05, "q5-answer": None}),
    "m3-scenes": ({"q1-answer": m3_q1, "q2-answer": m3_q2, "q3-answer": m3_q3, "q4-answer": _store("m3-scenes")},
                  {"q1-answer": 0.00005, "q2-answer": 0.005, "q3-answer": 0.00005, "q4-answer": None}),
    "m4-fivew": ({}, M4_TOLERANCE),
    "m5-rights": ({"q1-answer": m5_q1, "q2-answer": m5_q2, "q3-answer": m5_q3, "q4-answer": m5_q4},
                  {"q1-answer": 0.0005, "q2-answer": 0.0005, "q3-answer": 0.05, "q4-answer": 0.005}),
    "m6-cross-industry": ({"q1-answer": m6_q1, "q2-answer": m6_q2, "q3-answer": _store("m6-cross-industry")},
                          {"q1-answer": 0.00005, "q2-answer": 0.00005, "q3-answer": None}),
}
TOLERANCE: dict[str, dict[str, float | None]] = {a: tol for a, (_, tol) in QUESTIONS.items()}


def answers(assignment: str, ds: Any) -> dict[str, Any]:
    """Every autograded answer of ``assignment`` expected on ``ds`` (answer cell -> answer)."""
    if assignment == "m4-fivew":
        return m4_answers(ds)
    return {gid: f(ds) for gid, f in QUESTIONS[assignment][0].items()}


def m1_answers(ds: Any) -> dict[str, Any]:
    return answers("m1-o2o-basics", ds)


def m2_answers(ds: Any) -> dict[str, Any]:
    return answers("m2-touchpoints", ds)


def m3_answers(ds: Any) -> dict[str, Any]:
    return answers("m3-scenes", ds)


def m5_answers(ds: Any) -> dict[str, Any]:
    return answers("m5-rights", ds)


def m6_answers(ds: Any) -> dict[str, Any]:
    return answers("m6-cross-industry", ds)
