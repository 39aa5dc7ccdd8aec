"""Lesson 36, 企业O2O践行路线图 (the roadmap): the three points of lecture 18 in the data, and a roadmap
ordered by the maturity model's stages.

Every function takes the dataset's tables (or the loaded dataset ``ds`` where several are needed)
and returns a table or a plotly figure for the lesson to show.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from ..maturity import STAGE_BY_NUMBER, AnswerError, assess
from ._frames import (require, as_dates as _dates, as_timestamp as _timestamp, DIRECT, PILOT, SQUAD,
    fans_wide as _fans_wide)

__all__ = ["three_points", "ROADMAP_STEPS", "roadmap", "roadmap_for", "roadmap_figure"]

def three_points(ds: Any, start: Any = "2015-08-01") -> pd.DataFrame:
    """The three points of practice measured on the synthetic chain: pilot stores against the other direct stores.

    From ``start`` (the pilot's start) to the year end: 激活一线 — squad scenes per store per month;
    内生外延 — fan growth of the period and the engaged share at its end; 跨界竞合 — squad-run
    cross-industry scenes (附近异业) per store. Rows are indicators; columns ``直营·试点`` and
    ``直营·其他`` (direct stores outside the pilot, the control group included).
    """
    st = ds.stores
    require(st, ["store_id", "ownership", "pilot_group"], "stores")
    t0 = _timestamp(start, "开始日期 start")
    direct = st[st["ownership"] == DIRECT]
    groups = {"直营·试点": direct[direct["pilot_group"] == PILOT]["store_id"],
              "直营·其他": direct[direct["pilot_group"] != PILOT]["store_id"]}
    sc = ds.scenes
    sc = sc[(sc["initiator"] == SQUAD) & (_dates(sc["launch_date"]) >= t0)]
    months = max(1, int(12 - t0.month + 1))
    w = _fans_wide(ds.store_fans_monthly)
    m = _dates(w["month"])
    before = w[m == (t0 - pd.offsets.MonthBegin(1))].set_index("store_id")
    if before.empty:
        before = w[m == m.min()].set_index("store_id")
    end = w[m == m.max()].set_index("store_id")
    cols = {}
    for name, ids in groups.items():
        ids = pd.Index(ids)
        own = sc[sc["store_id"].isin(ids)]
        cols[name] = [
            len(own) / len(ids) / months,
            float(end["fans"].reindex(ids).sum() / before["fans"].reindex(ids).sum() - 1.0),
            float(end["engaged"].reindex(ids).sum() / end["fans"].reindex(ids).sum()),
            float((own["battle"] == "附近异业").sum() / len(ids)),
        ]
    idx = pd.MultiIndex.from_tuples([("激活一线", "小分队每店每月发起的场景"), ("内生外延", "粉丝增长率"),
                                     ("内生外延", "期末活跃及铁杆粉占比"), ("跨界竞合", "每店小分队发起的附近异业场景")],
                                    names=["要点", "指标"])
    return pd.DataFrame(cols, index=idx)


#: The kit's suggested roadmap: (step, point, action, lessons, maturity stage it rests on).
ROADMAP_STEPS: tuple[tuple[str, str, str, str, int], ...] = (
    ("统一态度", "激活一线", "高层与一线对“消费者主权”和试点目标达成共识", "第01–06讲、第28讲", 1),
    ("下沉一线", "激活一线", "选出自己能赚钱的门店,配上能拍板的“少将连长”", "第26讲", 1),
    ("打通数据", "内生外延", "让每家门店看到自己的仪表盘:销售、粉丝、场景", "第33讲", 2),
    ("股东试点", "激活一线", "直营店试点店员变股东,设对照组,用双重差分评估", "第23、27讲", 3),
    ("班长战争", "激活一线", "小分队自己发起场景,总部给炮火,用5W实时复盘", "第18–24、30讲", 3),
    ("内生增长", "内生外延", "先把存量门店的粉丝经营好,再分批复制到全网和新店", "第31、34讲", 4),
    ("跨界竞合", "跨界竞合", "和附近的异业伙伴共建场景,约定权益和数据怎么分", "第32讲", 5),
)


def roadmap(result: Any = None, start: str = "2016-01-01", quarter_months: int = 3) -> pd.DataFrame:
    """The roadmap as a table with dates: each step takes a quarter, steps resting on passed stages come first.

    ``result`` is a :class:`o2o.maturity.MaturityResult` (or None = a company at stage 1). A step
    whose maturity stage is already passed is ``基础已具备`` and starts at once; a step on the
    current stage is ``当前重点``; steps on later stages are ``等待前一阶段过关`` and are scheduled
    after the current ones, one quarter per stage still to pass (the 80 % gate).
    """
    reached = int(getattr(result, "reached_stage", 1)) if result is not None else 1
    passed = set(getattr(result, "passed", ())) if result is not None else set()
    t0 = _timestamp(start, "开始日期 start")
    rows = []
    for step, point, action, lessons, stage in ROADMAP_STEPS:
        if stage in passed:
            status, offset = "基础已具备", 0
        elif stage <= reached:
            status, offset = "当前重点", 0
        else:
            status, offset = "等待前一阶段过关", stage - reached
        rows.append({"步骤": step, "要点": point, "行动": action, "参考课程": lessons,
                     "依赖的成熟度阶段": f"{stage} {STAGE_BY_NUMBER[stage].name_zh}", "状态": status, "_offset": offset,
                     "_stage": stage})
    df = pd.DataFrame(rows)
    q = pd.DateOffset(months=int(quarter_months))
    order = df.sort_values(["_offset", "_stage"], kind="stable")
    starts, ends = [], []
    for _, r in order.iterrows():
        begin = t0 + q * int(r["_offset"])
        starts.append(begin)
        ends.append(begin + q)
    order = order.assign(开始=starts, 结束=ends)
    return order.drop(columns=["_offset", "_stage"]).reset_index(drop=True)


def roadmap_for(answers: Any) -> tuple[pd.DataFrame, str]:
    """The roadmap for a company's self-test answers, and a note in Chinese and English.

    Incomplete or invalid answers do not raise: the roadmap of a company at stage 1 is returned
    and the note says what is missing.
    """
    try:
        result = assess(answers)
    except AnswerError as err:
        return roadmap(None), ("自测还没有完成,下面先按第1阶段排路线图。\nThe self-test is not complete; "
                               "the roadmap below starts from stage 1.\n" + str(err))
    return roadmap(result), result.summary("zh")


def roadmap_figure(road: pd.DataFrame, lang: str = "zh") -> go.Figure:
    """A timeline (Gantt) of :func:`roadmap`, coloured by status."""
    require(road, ["步骤", "要点", "开始", "结束", "状态"], "roadmap")
    colours = {"基础已具备": "#12b76a", "当前重点": "#f79009", "等待前一阶段过关": "#98a2b3"}
    fig = go.Figure()
    for status, d in road.groupby("状态", sort=False):
        start = _dates(d["开始"])
        dur = (_dates(d["结束"]) - start).dt.total_seconds() * 1000
        fig.add_trace(go.Bar(y=d["步骤"] + "(" + d["要点"] + ")", x=dur, base=start, orientation="h", name=status,
                             marker_color=colours.get(status, "#2e90fa"), hovertext=d["行动"]))
    fig.update_layout(barmode="overlay", xaxis={"type": "date"},
                      yaxis={"autorange": "reversed"}, height=420,
                      title=("Roadmap (the kit's suggestion)" if lang == "en" else "O2O践行路线图(本套件的建议顺序)"))
    return fig
