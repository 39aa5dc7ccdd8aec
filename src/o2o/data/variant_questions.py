"""What each assignment's questions ask about in a student's variant: a store, a city, a period, a squad.

Every autograded answer must differ between two students. Where an answer depends only on tables the
overlay of :mod:`o2o.data.variants` leaves alone, the question asks about a *dimension* chosen from the
student's key (:meth:`Variant.pick`, :meth:`Variant.uniform`: SHA-256 of the key and the dimension's
name, independent of the pilot effects): which store, city or squad, which 30-, 60- or 90-day period,
which area threshold, which hire-date cutoff, which sample of example organisations. The data stay the
base case's; only the question's subset changes, so every teaching point holds in every variant.

``questions(name, ds)`` gives the :class:`Questions` of one assignment: the notebook's setup cell prints
it (``Q``) and the question texts name its fields (``Q.STORE``); the hidden tests and the debrief compute
the expected answers from the same ``Q`` (:mod:`o2o.assignments.answers`). The base case (variants off)
has fixed values, listed with every range in ``docs/variants.md``.
"""

from __future__ import annotations

import datetime as _dt
import weakref
from typing import Any, Callable

import pandas as pd

from ..errors import DataError
from .load import Dataset
from .variants import BASE, Variant

YEAR_START = _dt.date(2015, 1, 1)
YEAR_END = _dt.date(2015, 12, 31)
PILOT_START = "2015-08-01"
#: the period lengths of the questions that ask about a period (days)
M2_DAYS, M3_DAYS, M6_DAYS = 30, 90, 60
#: m1 q1: the floor-area threshold (m²) and m5 q1: the hire-date cutoff range; m5's example-organisation seeds
MIN_AREA_RANGE = (40.0, 110.0)
HIRED_BEFORE_RANGE = (_dt.date(2008, 1, 1), _dt.date(2015, 6, 30))
PRE_FROM_RANGE = (_dt.date(2015, 1, 1), _dt.date(2015, 5, 31))
POST_UNTIL_RANGE = (_dt.date(2015, 10, 1), _dt.date(2016, 1, 1))
ORG_SEED_RANGE = (1, 2**31 - 1)
JOINED_FROM_RANGE = (_dt.date(2015, 1, 1), _dt.date(2015, 9, 30))
ORGS_PER_FACTION = 40
PAYMENTS = ("现金", "微信支付", "支付宝", "银行卡")
MONTHS = tuple(range(1, 13))


class Questions:
    """The values one student's questions use (``Q.STORE`` …), printed in Chinese and English."""

    def __init__(self, assignment: str, variant: Variant, values: dict[str, Any], notes: dict[str, str]) -> None:
        self.assignment, self.variant, self.values, self.notes = assignment, variant, dict(values), dict(notes)

    def __getattr__(self, name: str) -> Any:
        values = self.__dict__.get("values", {})
        if name in values:
            return values[name]
        raise AttributeError(name)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.values)

    def __repr__(self) -> str:
        lines = [f"你的数据版本 {self.variant.label} 的题目数据 / the numbers of your data variant {self.variant.label}:"]
        lines += [f"  Q.{k} = {v!r}    # {self.notes.get(k, '')}" for k, v in self.values.items()]
        return "\n".join(lines)


def _variant(ds: Dataset) -> Variant:
    return getattr(ds, "variant", BASE)


def _day(v: Variant, name: str, first: _dt.date, last: _dt.date, base: str) -> str:
    """A date drawn uniformly from ``first``..``last`` (ISO text), ``base`` for the base case."""
    u = v.draw(name)
    if u is None:
        return base
    return (first + _dt.timedelta(days=int(u * ((last - first).days + 1)))).isoformat()


def _period(v: Variant, name: str, days: int, base: tuple[str, str]) -> tuple[str, str]:
    """A period of ``days`` days inside 2015: ``(FROM, UNTIL)``, UNTIL excluded."""
    start = _day(v, name, YEAR_START, YEAR_END - _dt.timedelta(days=days - 1), base[0])
    if v.key is None:
        return base
    return start, (_dt.date.fromisoformat(start) + _dt.timedelta(days=days)).isoformat()


def _pilot_panel_min(ds: Dataset) -> int:
    st = ds.stores
    ids = st.loc[st["in_panel"] & (st["pilot_group"] == "试点"), "store_id"]
    if ids.empty:
        raise DataError("数据集中没有试点面板门店。", "The dataset has no pilot panel store.")
    return int(ids.min())


def _panel(ds: Dataset) -> list[int]:
    return sorted(int(i) for i in ds.stores.loc[ds.stores["in_panel"], "store_id"])


def _squad_stores(ds: Dataset) -> list[int]:
    return sorted(int(i) for i in ds.squads["store_id"].unique())


def m1(ds: Dataset) -> Questions:
    v = _variant(ds)
    st = ds.stores
    stores = sorted(int(i) for i in st.loc[st["open_date"] < pd.Timestamp(YEAR_START), "store_id"])
    formats = sorted(str(f) for f in ds.stores["format"].unique())
    return Questions("m1-o2o-basics", v, {
        "MIN_AREA": v.uniform("m1.min_area", *MIN_AREA_RANGE, 1, base=0.0),
        "MONTH": v.pick("m1.month", MONTHS, base=12),
        "FORMAT": v.pick("m1.format", formats, base="社区"),
        "STORE": v.pick("m1.store", stores, base=_pilot_panel_min(ds)),
    }, {"MIN_AREA": "第1题:营业面积下限(平方米)", "MONTH": "第2题、第4题:月份",
        "FORMAT": "第2题:业态", "STORE": "第3题、第4题:门店编号"})


def m2(ds: Dataset) -> Questions:
    v = _variant(ds)
    st = ds.stores
    full = st[st["open_date"] < pd.Timestamp(YEAR_START)].groupby("city")["format"].nunique()
    cities = sorted(str(c) for c in full[full == st["format"].nunique()].index)
    start, until = _period(v, "m2.period", M2_DAYS, ("2015-12-01", "2016-01-01"))
    return Questions("m2-touchpoints", v, {
        "CITY": v.pick("m2.city", cities, base="东莞"),
        "STORE": v.pick("m2.store", _panel(ds), base=_pilot_panel_min(ds)),
        "FROM": start, "UNTIL": until,
        "PAYMENT": v.pick("m2.payment", PAYMENTS, base="微信支付"),
    }, {"CITY": "第1题:城市", "STORE": "第2–5题:面板门店", "FROM": "观察期的第一天(含)",
        "UNTIL": "观察期结束的那一天(不含)", "PAYMENT": "第2题:付款方式"})


def m3(ds: Dataset) -> Questions:
    v = _variant(ds)
    sc = ds.scenes
    n = sc[sc["initiator"] == "一线小分队"].groupby("squad_id").size()
    squads = sorted(int(i) for i in n[n >= 3].index)
    base_store = _pilot_panel_min(ds)
    own = ds.squads.loc[ds.squads["store_id"] == base_store, "squad_id"]
    base_squad = int(own.iloc[0]) if not own.empty and int(own.iloc[0]) in squads else squads[0]
    start, until = _period(v, "m3.period", M3_DAYS, ("2015-01-01", "2016-01-01"))
    return Questions("m3-scenes", v, {
        "FROM": start, "UNTIL": until,
        "SQUAD": v.pick("m3.squad", squads, base=base_squad),
        "STORE": v.pick("m3.store", _squad_stores(ds), base=base_store),
    }, {"FROM": "第1题、第3题:上线日期从这天起(含)", "UNTIL": "到这天之前(不含)",
        "SQUAD": "第2题:小分队编号", "STORE": "第4题:门店编号"})


def m5(ds: Dataset) -> Questions:
    v = _variant(ds)
    return Questions("m5-rights", v, {
        "HIRED_BEFORE": _day(v, "m5.hired_before", *HIRED_BEFORE_RANGE, "2016-01-01"),
        "PRE_FROM": _day(v, "m5.pre_from", *PRE_FROM_RANGE, "2015-01-01"),
        "POST_UNTIL": _day(v, "m5.post_until", *POST_UNTIL_RANGE, "2016-01-01"),
        "ORG_SEED": int(v.uniform("m5.org_seed", *ORG_SEED_RANGE, 0, base=2014)),
        "ORGS_PER_FACTION": ORGS_PER_FACTION,
    }, {"HIRED_BEFORE": "第1题:入职日期早于这天", "PRE_FROM": "第2题:试点前的时段从这天起(含)",
        "POST_UNTIL": "第2题:试点后的时段到这天之前(不含)", "ORG_SEED": "第3、4题:示例组织的随机种子",
        "ORGS_PER_FACTION": "第3、4题:每个派别的示例组织数"})


def m6_stores(ds: Dataset) -> list[int]:
    """The stores m6's question 3 may ask for: pilot stores whose squad launched at least one scene (as m4)."""
    st, sc = ds.stores, ds.scenes
    active = sc.loc[sc["initiator"] == "一线小分队", "store_id"].dropna().astype("int64").unique()
    return sorted(int(i) for i in st.loc[(st["pilot_group"] == "试点") & st["store_id"].isin(active), "store_id"])


def m6(ds: Dataset) -> Questions:
    v = _variant(ds)
    start, until = _period(v, "m6.period", M6_DAYS, ("2015-01-01", "2016-01-01"))
    return Questions("m6-cross-industry", v, {
        "MEMBER_STORE": v.pick("m6.member_store", _panel(ds), base=_pilot_panel_min(ds)),
        "JOINED_FROM": _day(v, "m6.joined_from", *JOINED_FROM_RANGE, "2015-01-01"),
        "FROM": start, "UNTIL": until,
        "STORE": v.pick("m6.store", m6_stores(ds), base=_pilot_panel_min(ds)),
    }, {"MEMBER_STORE": "第1题:面板门店", "JOINED_FROM": "第1题:这天及以后入会", "FROM": "第2题:时段从这天起(含)",
        "UNTIL": "到这天之前(不含)",
        "STORE": "第3题:门店编号"})


QUESTIONS: dict[str, Callable[[Dataset], Questions]] = {
    "m1-o2o-basics": m1, "m2-touchpoints": m2, "m3-scenes": m3, "m5-rights": m5, "m6-cross-industry": m6,
}


def questions(assignment: str, ds: Dataset) -> Questions:
    """The :class:`Questions` of ``assignment`` on ``ds`` (a student's variant or the base case)."""
    if assignment not in QUESTIONS:
        raise DataError(f"作业 {assignment} 没有按数据版本出的题目数据。可选:{'、'.join(QUESTIONS)}",
                        f"Assignment {assignment} has no variant question data. Choose one of: {', '.join(QUESTIONS)}")
    known = _FOUND.setdefault(ds, {})
    q = known.get(assignment)
    if q is None:
        q = known[assignment] = QUESTIONS[assignment](ds)
    return Questions(q.assignment, q.variant, q.values, q.notes)  # a copy: a caller's change stays its own


#: questions already drawn for a dataset (the set-up cell and every hidden test ask again)
_FOUND: weakref.WeakKeyDictionary[Dataset, dict[str, Questions]] = weakref.WeakKeyDictionary()
