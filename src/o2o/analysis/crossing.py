"""Module 6, crossing boundaries (lessons 31–36): growth from within and outward, cross-industry
partners, the store scorecard, scaling the pilot up, a scene portfolio, and the roadmap.

Every function takes the dataset's tables (or the loaded dataset ``ds`` where several are needed)
and returns a table or a plotly figure for a lesson to show. Random draws take a ``seed``
(``np.random.default_rng(seed)``); the same seed gives the same result.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..assignments.plans import PlanRules, rule_failures
from ..errors import DataError
from ..i18n import label
from ..maturity import STAGE_BY_NUMBER, AnswerError, assess
from ..scenes import Scene, did, evaluate, pilot_panel, simulate
from ..scenes.world import N_DAYS, day_index
from .organisation import store_profitability
from ._frames import month_start, require, safe_ratio
from .scene_outcomes import compare_by, scene_totals

__all__ = [
    "EXISTING", "NEW", "store_cohorts", "sales_by_cohort", "growth_bridge", "bridge_figure", "ramp_up",
    "fans_by_cohort", "fan_growth_by_group",
    "PARTNER_BATTLES", "PARTNER_CHANNEL", "partner_member_share", "partner_scene_table", "cost_sharing",
    "break_even_share", "cost_sharing_figure",
    "SCORE_METRICS", "store_scorecard", "store_card", "scene_suggestions", "scorecard_figure",
    "pilot_effect", "effect_by", "rollout_targets", "rollout_projection", "projection_summary", "scale_risks",
    "rollout_waves",
    "portfolio_store", "example_portfolio", "simulate_portfolio", "portfolio_table", "portfolio_problems",
    "spacing_comparison", "fatigue_history",
    "three_points", "ROADMAP_STEPS", "roadmap", "roadmap_for", "roadmap_figure",
]

TIERS = ("沉睡粉", "普通粉", "活跃粉", "铁杆粉")
ENGAGED = ("活跃粉", "铁杆粉")
SQUAD, HQ = "一线小分队", "总部市场部"
PILOT, CONTROL, NONE = "试点", "对照", "无"
DIRECT = "直营"


def _dates(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s)


def _timestamp(value: Any, what: str) -> pd.Timestamp:
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        ts = pd.NaT
    if ts is pd.NaT or pd.isna(ts):
        raise DataError(f"{what}应是一个日期,例如 \"2015-01-01\",收到的是 {value!r}。",
                        f"{what} must be a date such as \"2015-01-01\"; got {value!r}.")
    return ts


# =========================================================================== lesson 31: 内生外延

EXISTING, NEW = "存量门店", "新开门店"


def store_cohorts(stores: pd.DataFrame, since: Any = "2015-01-01") -> pd.Series:
    """``存量门店`` (opened before ``since``) or ``新开门店`` (opened on or after it), indexed by store_id."""
    require(stores, ["store_id", "open_date"], "stores")
    cut = _timestamp(since, "起始日期 since")
    new = _dates(stores["open_date"]) >= cut
    return pd.Series(np.where(new, NEW, EXISTING), index=stores["store_id"].to_numpy(), name="cohort")


def sales_by_cohort(stores: pd.DataFrame, daily_sales: pd.DataFrame, since: Any = "2015-01-01") -> pd.DataFrame:
    """Month × cohort: stores trading, sales and gross margin (yuan).

    Growth "from within" is what the stores that already existed add; growth "outward" is what the
    stores opened since ``since`` add.
    """
    require(daily_sales, ["store_id", "date", "sales_yuan", "gross_margin_yuan"], "daily_sales")
    cohort = store_cohorts(stores, since)
    month = pd.to_datetime(daily_sales["date"]).to_numpy().astype("datetime64[M]").astype(np.int64)
    sid = daily_sales["store_id"].to_numpy().astype(np.int64)
    key = month * 10_000_000 + sid                      # one integer per (month, store): a fast single-key group-by
    sums = pd.DataFrame({"sales_yuan": daily_sales["sales_yuan"].to_numpy(),
                         "gross_margin_yuan": daily_sales["gross_margin_yuan"].to_numpy()}).groupby(key).sum()
    keys = sums.index.to_numpy()
    per_store = sums.reset_index(drop=True)
    per_store["month"] = (keys // 10_000_000).astype("datetime64[M]").astype("datetime64[ns]")
    per_store["store_id"] = keys % 10_000_000
    per_store["cohort"] = per_store["store_id"].map(cohort)
    per_store = per_store.dropna(subset=["cohort"])
    out = per_store.groupby(["month", "cohort"], sort=True).agg(
        stores=("store_id", "size"), sales_yuan=("sales_yuan", "sum"),
        gross_margin_yuan=("gross_margin_yuan", "sum")).reset_index()
    full = pd.MultiIndex.from_product([sorted(out["month"].unique()), [EXISTING, NEW]], names=["month", "cohort"])
    out = out.set_index(["month", "cohort"]).reindex(full, fill_value=0).reset_index()
    total = out.groupby("month")["sales_yuan"].transform("sum")
    out["share_of_sales"] = safe_ratio(out["sales_yuan"], total)
    return out


def growth_bridge(by_cohort: pd.DataFrame, first: Any = None, last: Any = None) -> pd.DataFrame:
    """From the first month's sales to the last month's: the change of the existing stores and the new stores.

    Rows: first month's total, ``存量门店的变化`` (same stores, from within), ``新开门店的贡献`` (outward),
    last month's total. Columns ``step``, ``step_en``, ``yuan``, ``measure`` (for a plotly waterfall)
    and ``pct_of_first`` (the step as a share of the first month's sales).
    """
    require(by_cohort, ["month", "cohort", "sales_yuan"], "sales by cohort")
    wide = by_cohort.pivot_table(index="month", columns="cohort", values="sales_yuan", aggfunc="sum").fillna(0.0)
    wide = wide.reindex(columns=[EXISTING, NEW], fill_value=0.0)
    months = list(wide.index)
    if not months:
        raise DataError("没有销售数据,无法计算增长。", "No sales data: growth cannot be computed.")
    f = months[0] if first is None else month_start(pd.Series([_timestamp(first, "first")])).iloc[0]
    la = months[-1] if last is None else month_start(pd.Series([_timestamp(last, "last")])).iloc[0]
    for m, what in ((f, "first"), (la, "last")):
        if m not in wide.index:
            raise DataError(f"数据中没有 {m:%Y-%m} 这个月。", f"The data has no month {m:%Y-%m} ({what}).")
    a, b = wide.loc[f], wide.loc[la]
    start = float(a.sum())
    steps = [(f"{f:%Y年%m月}销售额", f"sales {f:%Y-%m}", start, "absolute"),
             ("存量门店的变化(内生)", "existing stores (from within)", float(b[EXISTING] - a[EXISTING]), "relative"),
             ("新开门店的贡献(外延)", "new stores (outward)", float(b[NEW] - a[NEW]), "relative"),
             (f"{la:%Y年%m月}销售额", f"sales {la:%Y-%m}", float(b.sum()), "total")]
    out = pd.DataFrame(steps, columns=["step", "step_en", "yuan", "measure"])
    out["pct_of_first"] = out["yuan"] / start if start else np.nan
    return out


def bridge_figure(bridge: pd.DataFrame, lang: str = "zh") -> go.Figure:
    """Waterfall of :func:`growth_bridge` (million yuan)."""
    require(bridge, ["step", "step_en", "yuan", "measure"], "growth bridge")
    x = bridge["step_en" if lang == "en" else "step"].tolist()
    y = (bridge["yuan"] / 1e6).tolist()
    y[-1] = 0.0 if bridge["measure"].iloc[-1] == "total" else y[-1]
    fig = go.Figure(go.Waterfall(x=x, y=y, measure=bridge["measure"].tolist(),
                                 text=[f"{v / 1e6:+.1f}" if m == "relative" else f"{v / 1e6:.1f}"
                                       for v, m in zip(bridge["yuan"], bridge["measure"])],
                                 textposition="outside", connector={"line": {"color": "#98a2b3"}},
                                 increasing={"marker": {"color": "#12b76a"}},
                                 decreasing={"marker": {"color": "#f04438"}},
                                 totals={"marker": {"color": "#2e90fa"}}))
    fig.update_layout(
        title=("From the first to the last month: within and outward (synthetic data)" if lang == "en"
               else "从年初到年末:销售增长来自哪里(合成数据)"),
        yaxis_title="million yuan" if lang == "en" else "百万元", showlegend=False, height=420)
    return fig


def ramp_up(stores: pd.DataFrame, daily_sales: pd.DataFrame, since: Any = "2015-01-01",
            mature_years: int = 1) -> pd.DataFrame:
    """How fast a new store grows up: its daily sales against mature stores of the same format on the same day.

    ``index`` = mean over new stores of (store's sales ÷ mean sales of mature same-format stores that
    day); 1.0 means "as good as a mature store". Mature stores opened at least ``mature_years``
    before ``since``. One row per whole month since opening (0 = the first 30 days).
    """
    require(stores, ["store_id", "open_date", "format"], "stores")
    require(daily_sales, ["store_id", "date", "sales_yuan"], "daily_sales")
    cut = _timestamp(since, "起始日期 since")
    opened = _dates(stores["open_date"])
    new = stores.loc[opened >= cut, ["store_id", "open_date", "format"]]
    mature = stores.loc[opened < cut - pd.DateOffset(years=int(mature_years)), ["store_id", "format"]]
    if new.empty or mature.empty:
        raise DataError("没有新开门店或成熟门店,无法比较成长速度。",
                        "No new or no mature stores: the ramp-up cannot be compared.")
    # one integer key per (format, day): a single-key group-by over the mature stores' rows
    fmt_code = pd.Series(pd.factorize(stores["format"])[0], index=stores["store_id"].to_numpy())
    sid = daily_sales["store_id"].to_numpy()
    day = _dates(daily_sales["date"]).to_numpy().astype("datetime64[D]").astype(np.int64)
    key = fmt_code.reindex(sid).to_numpy() * 1_000_000 + day
    is_mature = np.isin(sid, mature["store_id"].to_numpy())
    ref = pd.Series(daily_sales["sales_yuan"].to_numpy()[is_mature]).groupby(key[is_mature]).mean()
    is_new = np.isin(sid, new["store_id"].to_numpy())
    d = pd.DataFrame({"store_id": sid[is_new], "day": day[is_new],
                      "sales_yuan": daily_sales["sales_yuan"].to_numpy()[is_new],
                      "ref": ref.reindex(key[is_new]).to_numpy()}).dropna(subset=["ref"])
    opened_day = pd.Series(_dates(new["open_date"]).to_numpy().astype("datetime64[D]").astype(np.int64),
                           index=new["store_id"].to_numpy())
    d["months_open"] = ((d["day"] - opened_day.reindex(d["store_id"]).to_numpy()) // 30).astype("int64")
    d["rel"] = d["sales_yuan"] / d["ref"]
    per_store = d.groupby(["months_open", "store_id"])["rel"].mean().reset_index()
    g = per_store.groupby("months_open")["rel"]
    out = pd.DataFrame({"stores": g.size(), "index": g.mean(), "p25": g.quantile(0.25), "p75": g.quantile(0.75)})
    return out.reset_index()


def _fans_wide(store_fans_monthly: pd.DataFrame) -> pd.DataFrame:
    require(store_fans_monthly, ["store_id", "month", "tier", "fans"], "store_fans_monthly")
    w = store_fans_monthly.pivot_table(index=["store_id", "month"], columns="tier", values="fans", aggfunc="sum")
    w = w.reindex(columns=list(TIERS), fill_value=0).fillna(0)
    w["fans"] = w[list(TIERS)].sum(axis=1)
    w["engaged"] = w[list(ENGAGED)].sum(axis=1)
    return w.reset_index()


def fans_by_cohort(stores: pd.DataFrame, store_fans_monthly: pd.DataFrame, since: Any = "2015-01-01") -> pd.DataFrame:
    """Month × cohort: fans at month end and engaged fans (活跃粉 + 铁杆粉)."""
    cohort = store_cohorts(stores, since)
    w = _fans_wide(store_fans_monthly)
    w["cohort"] = w["store_id"].map(cohort)
    out = w.groupby(["month", "cohort"], sort=True)[["fans", "engaged"]].sum().reset_index()
    out["engaged_share"] = safe_ratio(out["engaged"], out["fans"])
    return out


def _org_group(stores: pd.DataFrame) -> pd.Series:
    require(stores, ["store_id", "ownership", "pilot_group"], "stores")
    g = np.where(stores["ownership"] != DIRECT, "加盟",
                 np.where(stores["pilot_group"] == PILOT, "直营·试点",
                          np.where(stores["pilot_group"] == CONTROL, "直营·对照", "直营·其他")))
    return pd.Series(g, index=stores["store_id"].to_numpy(), name="group")


GROUP_ORDER = ("直营·试点", "直营·对照", "直营·其他", "加盟")


def fan_growth_by_group(stores: pd.DataFrame, store_fans_monthly: pd.DataFrame) -> pd.DataFrame:
    """Growth from within, per kind of store: fans per store in the first and last month, growth and engaged share.

    Only stores present in the first month (existing stores) are counted. Groups: 直营·试点,
    直营·对照, 直营·其他 and 加盟.
    """
    w = _fans_wide(store_fans_monthly)
    first, last = w["month"].min(), w["month"].max()
    a = w[w["month"] == first].set_index("store_id")
    b = w[w["month"] == last].set_index("store_id")
    both = a.index.intersection(b.index)
    grp = _org_group(stores)
    df = pd.DataFrame({"group": grp.reindex(both).to_numpy(), "fans_first": a.loc[both, "fans"].to_numpy(),
                       "fans_last": b.loc[both, "fans"].to_numpy(), "engaged_last": b.loc[both, "engaged"].to_numpy(),
                       "engaged_first": a.loc[both, "engaged"].to_numpy()})
    g = df.groupby("group")
    out = pd.DataFrame({"stores": g.size(), "fans_first_per_store": g["fans_first"].mean(),
                        "fans_last_per_store": g["fans_last"].mean()})
    out["growth"] = safe_ratio(g["fans_last"].sum(), g["fans_first"].sum()) - 1.0
    out["engaged_share_first"] = safe_ratio(g["engaged_first"].sum(), g["fans_first"].sum())
    out["engaged_share_last"] = safe_ratio(g["engaged_last"].sum(), g["fans_last"].sum())
    out = out.reindex([x for x in GROUP_ORDER if x in out.index])
    out.index.name = "group"
    return out


# =========================================================================== lesson 32: 跨界竞合

PARTNER_BATTLES = ("异业联盟采购", "附近异业")
PARTNER_CHANNEL = "异业合作"


def partner_member_share(members: pd.DataFrame) -> pd.DataFrame:
    """Per month: new members, those who joined through a cross-industry partner, and their share."""
    require(members, ["member_id", "join_date", "join_channel"], "members")
    m = pd.DataFrame({"month": month_start(members["join_date"]),
                      "partner": (members["join_channel"] == PARTNER_CHANNEL).to_numpy()})
    g = m.groupby("month")
    out = pd.DataFrame({"new_members": g.size(), "partner_members": g["partner"].sum().astype("int64")})
    out["share"] = safe_ratio(out["partner_members"], out["new_members"])
    return out.reset_index()


def partner_scene_table(scenes: pd.DataFrame, scene_daily: pd.DataFrame) -> pd.DataFrame:
    """The two cross-industry battles against the other battles of their scene types.

    One row per battle of the 交易 and 支付 scene types, with ``partner`` (True for 异业联盟采购 and
    附近异业), ``scenes``, ``squad_share``, ``cost_per_scene``, ``reach_per_scene``,
    ``conversion_rate``, ``margin_per_yuan`` and ``new_members_per_1000_yuan`` (pooled: ratios of sums).
    """
    t = scene_totals(scenes, scene_daily)
    types = t.loc[t["battle"].isin(PARTNER_BATTLES), "scene_type"].unique().tolist() or ["交易", "支付"]
    t = t[t["scene_type"].isin(types)].copy()
    t["squad"] = (t["initiator"] == SQUAD).astype(float)
    out = compare_by(t, ["scene_type", "battle"])
    squad = t.groupby(["scene_type", "battle"])["squad"].mean()
    out["squad_share"] = [float(squad.loc[(a, b)]) for a, b in zip(out["scene_type"], out["battle"])]
    out["cost_per_scene"] = safe_ratio(out["cost_yuan"], out["scenes"])
    out["new_members_per_1000_yuan"] = 1000 * safe_ratio(out["new_members"], out["cost_yuan"])
    out["partner"] = out["battle"].isin(PARTNER_BATTLES)
    cols = ["scene_type", "battle", "partner", "scenes", "squad_share", "cost_per_scene", "reach_per_scene",
            "conversion_rate", "margin_per_yuan", "new_members_per_1000_yuan"]
    return out[cols].sort_values(["scene_type", "partner", "margin_per_yuan"], ascending=[True, False, False],
                                 ignore_index=True)


def _share_grid(partner_shares: Iterable[float]) -> np.ndarray:
    try:
        s = np.asarray(list(partner_shares), dtype=float)
    except (TypeError, ValueError):
        s = np.array([np.nan])
    if s.size == 0 or not np.all(np.isfinite(s)) or s.min() < 0 or s.max() >= 1:
        raise DataError("伙伴分担的比例应在 0(不分担)到 1 之间(不含 1),例如 0.3。",
                        "The partner's share must be between 0 (none) and 1 (exclusive), e.g. 0.3.")
    return s


def cost_sharing(scenes: pd.DataFrame, scene_daily: pd.DataFrame,
                 partner_shares: Iterable[float] = (0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6)) -> pd.DataFrame:
    """The chain's incremental margin per yuan when the partner pays a share of the scenes' cost.

    Assumes the chain's incremental margin stays the same and the partner pays ``share`` of the
    cost: margin ÷ (cost × (1 − share)). One row per battle (the two partner battles and, for
    comparison, all other scenes pooled as ``其他战役``) and share.
    """
    shares = _share_grid(partner_shares)
    t = scene_totals(scenes, scene_daily)
    t["group"] = np.where(t["battle"].isin(PARTNER_BATTLES), t["battle"], "其他战役")
    g = t.groupby("group")[["incremental_margin_yuan", "cost_yuan"]].sum()
    rows = []
    for grp, r in g.iterrows():
        for s in shares:
            cost = float(r["cost_yuan"]) * (1.0 - s)
            rows.append({"battle": grp, "partner_share": float(s),
                         "chain_cost_yuan": cost,
                         "margin_per_yuan": float(r["incremental_margin_yuan"]) / cost if cost > 0 else np.nan})
    return pd.DataFrame(rows)


def break_even_share(margin_per_yuan: float) -> float:
    """The partner's share of the cost at which the chain's margin per yuan reaches 1 (0 when it already does).

    >>> round(break_even_share(0.8), 3), break_even_share(1.5)
    (0.2, 0.0)
    """
    if isinstance(margin_per_yuan, bool) or not isinstance(margin_per_yuan, (int, float, np.floating)) \
            or not np.isfinite(margin_per_yuan) or margin_per_yuan <= 0:
        raise DataError(f"每元毛利应是大于 0 的数字,收到的是 {margin_per_yuan!r}。",
                        f"Margin per yuan must be a number above 0; got {margin_per_yuan!r}.")
    return float(max(0.0, 1.0 - float(margin_per_yuan)))


def cost_sharing_figure(table: pd.DataFrame, lang: str = "zh") -> go.Figure:
    """Lines of :func:`cost_sharing`, with the break-even line at 1 yuan of margin per yuan."""
    require(table, ["battle", "partner_share", "margin_per_yuan"], "cost sharing")

    fig = go.Figure()
    colours = {"附近异业": "#d68910", "异业联盟采购": "#7d3c98", "其他战役": "#98a2b3"}
    for battle, d in table.groupby("battle", sort=False):
        name = label(battle, lang) if battle != "其他战役" else ("other battles" if lang == "en" else battle)
        fig.add_trace(go.Scatter(x=d["partner_share"], y=d["margin_per_yuan"], mode="lines+markers", name=name,
                                 line={"color": colours.get(battle, "#2e90fa"),
                                       "dash": "dot" if battle == "其他战役" else None}))
    fig.add_hline(y=1.0, line_dash="dash", line_color="#101828",
                  annotation_text="break-even" if lang == "en" else "回本线:每花1元赚回1元毛利")
    fig.update_layout(
        title=("The chain's margin per yuan when the partner pays part of the cost (synthetic data)" if lang == "en"
               else "伙伴分担一部分成本后,连锁每花1元带回的增量毛利(合成数据)"),
        xaxis={"title": "partner's share of the cost" if lang == "en" else "伙伴分担的成本比例", "tickformat": ".0%"},
        yaxis_title="margin per yuan" if lang == "en" else "每元增量毛利", height=420)
    return fig


# =========================================================================== lesson 33: 门店仪表盘

#: metric -> (Chinese name, English name, higher is better)
SCORE_METRICS: dict[str, tuple[str, str, bool]] = {
    "sales_per_day": ("日均销售额", "sales per day", True),
    "margin_rate": ("毛利率", "gross margin rate", True),
    "rent_share": ("租金占毛利", "rent as share of margin", False),
    "member_ticket_share": ("会员小票占比", "member share of tickets", True),
    "engaged_share": ("活跃及铁杆粉占比", "engaged fans' share", True),
    "fan_growth": ("粉丝增长率", "fan growth", True),
    "squad_scenes": ("小分队场景数", "squad scenes", True),
}

#: what a front-line squad could do about a weak metric (the kit's suggestion)
SUGGESTIONS: dict[str, tuple[str, str, str]] = {
    "sales_per_day": ("促销", "引流入店", "把附近的人请进店:短促销 + 朋友圈"),
    "margin_rate": ("促销", "新品推广", "把高毛利的新品和鲜食推到熟客面前"),
    "rent_share": ("交易", "自团购", "租金压力大:用熟客拉新客,提高每平方米的销售"),
    "member_ticket_share": ("支付", "付满送", "付款时认出顾客、请他入会,下一次还来"),
    "engaged_share": ("促销", "粉丝分层", "唤醒沉睡粉、把普通粉升成活跃粉"),
    "fan_growth": ("支付", "附近异业", "和附近的伙伴互相导流,带来新粉丝"),
    "squad_scenes": ("交易", "营业员激励", "先让店员动起来:小分队自己发起第一个场景"),
}


def store_scorecard(stores: pd.DataFrame, daily_sales: pd.DataFrame, store_fans_monthly: pd.DataFrame,
                    scenes: pd.DataFrame, start: Any = None, end: Any = None) -> pd.DataFrame:
    """A scorecard for every store: seven metrics, their percentile within the store's format, a score and ranks.

    Metrics (see :data:`SCORE_METRICS`): ``sales_per_day``, ``margin_rate``, ``rent_share``
    (monthly rent ÷ monthly gross margin; lower is better), ``member_ticket_share``,
    ``engaged_share`` (活跃粉 + 铁杆粉 at the last month), ``fan_growth`` (first to last month of the
    period; empty for stores opened during it) and ``squad_scenes`` (scenes the store's squad
    launched; empty for franchised stores, which have no squad). ``pct_<metric>`` is the store's percentile among stores of the same format
    (1 = best, direction-corrected), ``score`` the mean of the percentiles × 100 and ``rank_in_format``
    / ``rank`` its ranks (1 = best). Comparing within a format keeps a school shop from being judged
    against a railway station.
    """
    require(stores, ["store_id", "format", "monthly_rent_yuan", "city", "ownership"], "stores")
    require(daily_sales, ["store_id", "date", "sales_yuan", "gross_margin_yuan", "tickets", "member_tickets"],
            "daily_sales")
    require(scenes, ["scene_id", "initiator", "store_id", "launch_date"], "scenes")
    d = daily_sales
    dates = _dates(d["date"])
    lo = dates.min() if start is None else _timestamp(start, "开始日期 start")
    hi = dates.max() if end is None else _timestamp(end, "结束日期 end")
    d = d[(dates >= lo) & (dates <= hi)]
    if d.empty:
        raise DataError("所选时间段内没有销售数据。", "No sales in the chosen period.")
    g = d.groupby("store_id").agg(days=("date", "size"), sales=("sales_yuan", "sum"),
                                  margin=("gross_margin_yuan", "sum"), tickets=("tickets", "sum"),
                                  member_tickets=("member_tickets", "sum"))
    out = stores[["store_id", "store_name", "city", "format", "ownership", "pilot_group", "monthly_rent_yuan"]] \
        .merge(g, left_on="store_id", right_index=True, how="inner")
    out["sales_per_day"] = out["sales"] / out["days"]
    out["margin_rate"] = safe_ratio(out["margin"], out["sales"]).to_numpy()
    monthly_margin = out["margin"] / out["days"] * 30.4
    out["rent_share"] = (out["monthly_rent_yuan"] / monthly_margin.where(monthly_margin > 0)).to_numpy()
    out["member_ticket_share"] = safe_ratio(out["member_tickets"], out["tickets"]).to_numpy()
    w = _fans_wide(store_fans_monthly)
    months = _dates(w["month"])
    w = w[(months >= lo.to_period("M").to_timestamp()) & (months <= hi)]
    first = w.sort_values("month").groupby("store_id").first()
    last = w.sort_values("month").groupby("store_id").last()
    out["fans"] = out["store_id"].map(last["fans"]).fillna(0).astype("int64")
    out["engaged_share"] = out["store_id"].map(safe_ratio(last["engaged"], last["fans"]))
    growth = safe_ratio(last["fans"], first["fans"]) - 1.0
    whole = first["month"] <= w["month"].min()          # stores with fans from the period's first month
    out["fan_growth"] = out["store_id"].map(growth.where(whole.reindex(growth.index, fill_value=False)))
    s = scenes[(scenes["initiator"] == SQUAD)]
    launch = _dates(s["launch_date"])
    s = s[(launch >= lo) & (launch <= hi)]
    counts = s.groupby("store_id").size()
    out["squad_scenes"] = out["store_id"].map(counts).fillna(0).astype("float64")
    out.loc[out["ownership"] != DIRECT, "squad_scenes"] = np.nan
    pcts = []
    for m, (_, _, higher) in SCORE_METRICS.items():
        p = out.groupby("format")[m].rank(pct=True, ascending=higher, method="average")
        out[f"pct_{m}"] = p
        pcts.append(f"pct_{m}")
    out["score"] = out[pcts].mean(axis=1, skipna=True) * 100
    out["rank_in_format"] = out.groupby("format")["score"].rank(ascending=False, method="min").astype("int64")
    out["rank"] = out["score"].rank(ascending=False, method="min").astype("int64")
    keep = ["store_id", "store_name", "city", "format", "ownership", "pilot_group", "fans", *SCORE_METRICS, *pcts,
            "score", "rank_in_format", "rank"]
    return out[keep].sort_values("rank", ignore_index=True)


def _row_of(card: pd.DataFrame, store_id: Any) -> pd.Series:
    require(card, ["store_id", "format", "score"], "scorecard")
    try:
        sid = int(store_id)
    except (TypeError, ValueError):
        sid = None
    row = card[card["store_id"] == sid] if sid is not None else card.iloc[0:0]
    if row.empty:
        raise DataError(f"仪表盘里没有门店 {store_id!r}。请用表中的 store_id,例如 {int(card['store_id'].iloc[0])}。",
                        f"No store {store_id!r} in the scorecard; use a store_id from the table.")
    return row.iloc[0]


def store_card(card: pd.DataFrame, store_id: Any) -> pd.DataFrame:
    """One store's dashboard: each metric's value, the median of its format, its percentile and a verdict.

    Verdict: ``强项`` (top 30 % of the format), ``短板`` (bottom 30 %), otherwise ``中游``; metrics
    without a value (squad scenes of a franchised store) are ``不适用``.
    """
    r = _row_of(card, store_id)
    peers = card[card["format"] == r["format"]]
    rows = []
    for m, (zh, en, higher) in SCORE_METRICS.items():
        p = r[f"pct_{m}"]
        if pd.isna(p):
            verdict = "不适用"
        elif p >= 0.7:
            verdict = "强项"
        elif p <= 0.3:
            verdict = "短板"
        else:
            verdict = "中游"
        rows.append({"metric": m, "指标": zh, "metric_en": en, "value": r[m], "format_median": peers[m].median(),
                     "percentile": p, "verdict": verdict, "higher_is_better": higher})
    return pd.DataFrame(rows).set_index("metric")


def scene_suggestions(card: pd.DataFrame, store_id: Any, n: int = 2) -> pd.DataFrame:
    """Turn the store's ``n`` weakest metrics into scene ideas (scene type, battle, why): the kit's suggestions."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= len(SCORE_METRICS):
        raise DataError(f"n 应是 1 到 {len(SCORE_METRICS)} 之间的整数。", f"n must be 1 to {len(SCORE_METRICS)}.")
    c = store_card(card, store_id).dropna(subset=["percentile"]).sort_values("percentile").head(int(n))
    rows = []
    for m, r in c.iterrows():
        st, battle, why = SUGGESTIONS[m]
        rows.append({"短板指标": r["指标"], "同业态百分位": r["percentile"], "场景类型": st, "战役": battle, "思路": why})
    return pd.DataFrame(rows)


def scorecard_figure(card: pd.DataFrame, store_ids: Sequence[Any], lang: str = "zh") -> go.Figure:
    """A radar of each store's percentiles within its format; a drop-down picks the store (0.5 = format median)."""
    ids = [int(_row_of(card, s)["store_id"]) for s in store_ids]
    if not ids:
        raise DataError("请至少给出一家门店。", "Give at least one store.")
    names = [SCORE_METRICS[m][1 if lang == "en" else 0] for m in SCORE_METRICS]
    theta = names + names[:1]
    fig = go.Figure()
    fig.add_trace(go.Scatterpolar(r=[0.5] * len(theta), theta=theta, name="format median" if lang == "en" else "业态中位",
                                  line={"color": "#98a2b3", "dash": "dot"}))
    for k, sid in enumerate(ids):
        r = _row_of(card, sid)
        vals = [float(r[f"pct_{m}"]) if pd.notna(r[f"pct_{m}"]) else 0.0 for m in SCORE_METRICS]
        fig.add_trace(go.Scatterpolar(r=vals + vals[:1], theta=theta, fill="toself", visible=(k == 0),
                                      name=f"{r['store_name']}({r['format']},{r['score']:.0f}分)"))
    buttons = []
    for k, sid in enumerate(ids):
        r = _row_of(card, sid)
        vis = [True] + [j == k for j in range(len(ids))]
        buttons.append({"label": f"{r['store_name']}", "method": "update", "args": [{"visible": vis}]})
    fig.update_layout(
        polar={"radialaxis": {"range": [0, 1], "tickvals": [0.25, 0.5, 0.75, 1.0]}},
        updatemenus=[{"buttons": buttons, "direction": "down", "x": 0.0, "y": 1.18, "xanchor": "left"}],
        title={"text": ("Store scorecard: percentile within its format (synthetic data)" if lang == "en"
                        else "门店仪表盘:在同业态门店中的百分位(合成数据)"), "x": 0.5},
        height=480, margin={"t": 110})
    return fig


# =========================================================================== lesson 34: 从试点到全网

def pilot_effect(ds: Any, outcome: str = "sales_yuan", stores: Iterable[int] | None = None, panel=None):
    """The pilot's DiD effect on ``outcome`` (log scale; :class:`o2o.scenes.DIDResult`), optionally for some stores.

    ``panel`` is the pilot panel (:func:`o2o.scenes.pilot_panel`) when it is already built.
    """
    if panel is None:
        panel = pilot_panel(ds, outcome)
    if stores is not None:
        keep = set(int(s) for s in stores)
        panel = panel[panel["store_id"].isin(keep)]
    return did(panel, outcome=outcome)


def effect_by(ds: Any, by: str = "format", outcome: str = "sales_yuan") -> pd.DataFrame:
    """The pilot's effect in subgroups of pilot and control stores, with 95 % intervals.

    ``by`` is a column of ``stores`` (e.g. ``format``) or ``"leader_capability"`` (split at the
    median of the pilot and control stores' squad leaders into ``能力较高`` / ``能力较低``).
    Subgroups without both pilot and control stores are skipped.
    """
    cols = ["store_id", "pilot_group"] + ([by] if by in ds.stores.columns and by not in ("store_id", "pilot_group")
                                          else [])
    st = ds.stores[ds.stores["pilot_group"].isin([PILOT, CONTROL])][cols]
    if by == "leader_capability":
        cap = st["store_id"].map(_leader_capability(ds))
        st = st.assign(leader_capability=np.where(cap >= cap.median(), "能力较高", "能力较低"))
    elif by not in st.columns:
        raise DataError(f"不能按“{by}”分组:stores 表里没有这一列。可用:format、city、leader_capability。",
                        f"Cannot split by {by!r}: no such column. Use format, city or leader_capability.")
    panel = pilot_panel(ds, outcome)
    rows = []
    for key, grp in st.groupby(by):
        n_p = int((grp["pilot_group"] == PILOT).sum())
        n_c = int((grp["pilot_group"] == CONTROL).sum())
        if n_p == 0 or n_c == 0:
            continue
        r = pilot_effect(ds, outcome, stores=grp["store_id"], panel=panel)
        rows.append({by: key, "pilot_stores": n_p, "control_stores": n_c, "effect": r.pct,
                     "ci_low": r.pct_low, "ci_high": r.pct_high})
    return pd.DataFrame(rows)


def _leader_capability(ds: Any) -> pd.Series:
    sq, staff = ds.squads, ds.staff
    require(sq, ["store_id", "leader_staff_id"], "squads")
    require(staff, ["staff_id", "capability"], "staff")
    cap = staff.set_index("staff_id")["capability"]
    s = sq.drop_duplicates("store_id").set_index("store_id")["leader_staff_id"].map(cap)
    return s.astype("float64")


def rollout_targets(ds: Any) -> pd.DataFrame:
    """The direct stores that would join a network-wide rollout (all direct stores except the pilot's own).

    Columns: ``store_id``, ``city``, ``format``, ``pilot_group``, ``sales_per_year`` and
    ``margin_per_year`` (2015 daily means × 365), ``leader_capability`` and ``in_pilot_city``.
    """
    st = ds.stores
    require(st, ["store_id", "ownership", "pilot_group", "city", "format"], "stores")
    t = st[(st["ownership"] == DIRECT) & (st["pilot_group"] != PILOT)][["store_id", "city", "format", "pilot_group"]]
    d = ds.daily_sales
    d = d[d["store_id"].isin(t["store_id"])].groupby("store_id")[["sales_yuan", "gross_margin_yuan"]].mean()
    t = t.merge(d, left_on="store_id", right_index=True, how="inner")
    t["sales_per_year"] = t.pop("sales_yuan") * 365
    t["margin_per_year"] = t.pop("gross_margin_yuan") * 365
    t["leader_capability"] = t["store_id"].map(_leader_capability(ds))
    pilot_cities = set(st.loc[st["pilot_group"] == PILOT, "city"])
    t["in_pilot_city"] = t["city"].isin(pilot_cities)
    return t.reset_index(drop=True)


def rollout_projection(targets: pd.DataFrame, effect: Any, transfer: float = 1.0, draws: int = 2000,
                       seed: int = 34) -> pd.DataFrame:
    """Simulated extra sales and margin per year if every target store got the pilot's effect.

    Each draw takes an effect from the DiD estimate's sampling distribution (normal on the log scale
    with its standard error). Stores outside the pilot's city get ``transfer`` × that effect: the
    pilot says nothing about them, so ``transfer`` (0..1.5) is the manager's assumption. One row
    per draw: ``effect`` (pilot-city stores), ``extra_sales_yuan``, ``extra_margin_yuan``.
    """
    require(targets, ["sales_per_year", "margin_per_year", "in_pilot_city"], "rollout targets")
    if isinstance(transfer, bool) or not isinstance(transfer, (int, float, np.floating)) \
            or not np.isfinite(transfer) or not 0 <= transfer <= 1.5:
        raise DataError(f"外地门店的效果折算 transfer 应在 0 到 1.5 之间(1 = 和试点一样),收到的是 {transfer!r}。",
                        f"transfer must be between 0 and 1.5 (1 = as in the pilot); got {transfer!r}.")
    if isinstance(draws, bool) or not isinstance(draws, (int, np.integer)) or not 1 <= draws <= 100_000:
        raise DataError("模拟次数 draws 应是 1 到 100000 之间的整数。", "draws must be a whole number from 1 to 100000.")
    rng = np.random.default_rng(seed)
    logs = rng.normal(float(effect.estimate), float(effect.se), size=int(draws))
    pct = np.expm1(logs)
    inside = targets["in_pilot_city"].to_numpy(bool)
    sales_in = float(targets.loc[inside, "sales_per_year"].sum())
    sales_out = float(targets.loc[~inside, "sales_per_year"].sum())
    margin_in = float(targets.loc[inside, "margin_per_year"].sum())
    margin_out = float(targets.loc[~inside, "margin_per_year"].sum())
    tr = float(transfer)
    return pd.DataFrame({"effect": pct,
                         "extra_sales_yuan": pct * (sales_in + tr * sales_out),
                         "extra_margin_yuan": pct * (margin_in + tr * margin_out)}).rename_axis("draw")


def projection_summary(projection: pd.DataFrame) -> pd.DataFrame:
    """Mean and 5 % / 95 % band of a :func:`rollout_projection` (yuan per year, and effect)."""
    require(projection, ["effect", "extra_sales_yuan", "extra_margin_yuan"], "projection")
    names = {"effect": "试点城市门店的效果", "extra_sales_yuan": "每年增加的销售额(元)",
             "extra_margin_yuan": "每年增加的毛利(元)"}
    rows = []
    for c, zh in names.items():
        v = projection[c].to_numpy(float)
        rows.append({"指标": zh, "metric": c, "mean": v.mean(), "p05": np.percentile(v, 5), "p95": np.percentile(v, 95)})
    return pd.DataFrame(rows).set_index("metric")


def scale_risks(ds: Any, targets: pd.DataFrame, capable: float = 0.7) -> pd.DataFrame:
    """What could break when the pilot goes network-wide, measured on the target stores against the pilot stores.

    Rows: stores outside the pilot's city, squad leaders below ``capable`` (the 5W evaluation's
    threshold for a leader who can decide on the spot), stores losing money before the pilot
    (gross margin − rent, January–July). Columns: ``试点门店`` and ``推广门店`` (shares), and ``风险`` (what it means).
    """
    require(targets, ["store_id", "in_pilot_city", "leader_capability"], "rollout targets")
    st = ds.stores
    pilot = st[st["pilot_group"] == PILOT]
    cap = _leader_capability(ds)
    prof = store_profitability(st[st["ownership"] == DIRECT], ds.daily_sales, end="2015-07-31")
    losing = prof.set_index("store_id")["profit_yuan"] <= 0
    pilot_cities = set(pilot["city"])

    def shares(ids: pd.Series, in_city: pd.Series) -> list[float]:
        return [float((~in_city).mean()), float((cap.reindex(ids) < capable).mean()),
                float(losing.reindex(ids).fillna(False).mean())]

    p = shares(pilot["store_id"], pilot["city"].isin(pilot_cities))
    t = shares(targets["store_id"], targets["in_pilot_city"])
    return pd.DataFrame({
        "风险": ["门店不在试点城市:试点的结果不一定适用", f"班长能力低于 {capable}:现场拍板的能力弱",
               "试点前(1–7月)毛利不够付租金:养不起“少将连长”"],
        "试点门店": p, "推广门店": t}, index=["outside_pilot_city", "weak_leader", "losing_money"])


def rollout_waves(targets: pd.DataFrame, n_waves: int = 3, capable: float = 0.7) -> pd.DataFrame:
    """Split the target stores into waves: pilot-city stores with capable leaders first, weakest last.

    Stores are ordered by (in the pilot city, leader capability ≥ ``capable``, capability) and cut
    into ``n_waves`` equal groups. Returns the targets with a ``wave`` column (1 = first).
    """
    require(targets, ["store_id", "in_pilot_city", "leader_capability"], "rollout targets")
    if isinstance(n_waves, bool) or not isinstance(n_waves, (int, np.integer)) or not 1 <= n_waves <= 12:
        raise DataError("批次数 n_waves 应是 1 到 12 之间的整数。", "n_waves must be a whole number from 1 to 12.")
    t = targets.copy()
    cap = t["leader_capability"].fillna(0.0)
    t["_k"] = t["in_pilot_city"].astype(int) * 2 + (cap >= capable).astype(int)
    t = t.assign(_cap=cap).sort_values(["_k", "_cap", "store_id"], ascending=[False, False, True])
    t["wave"] = (np.arange(len(t)) * int(n_waves) // max(1, len(t))) + 1
    return t.drop(columns=["_k", "_cap"]).reset_index(drop=True)


# =========================================================================== lesson 35: 场景组合

def portfolio_store(ds: Any) -> int:
    """The lesson's example store: the pilot store (outside the transaction panel) with the median number of fans."""
    st = ds.stores
    cand = st[(st["pilot_group"] == PILOT) & ~st["in_panel"]]
    if cand.empty:
        raise DataError("数据集中没有试点门店。", "The dataset has no pilot stores.")
    f = ds.store_fans_monthly
    last = f[f["month"] == f["month"].max()].groupby("store_id")["fans"].sum()
    c = cand.assign(fans=cand["store_id"].map(last).fillna(0)).sort_values(["fans", "store_id"])
    return int(c["store_id"].iloc[len(c) // 2])


def example_portfolio(world: Any, store: int, start: Any = "2015-09-01", gap_days: int = 30) -> list:
    """Three scenes for ``store``'s squad, one of each type, ``gap_days`` apart from ``start`` (5,000 yuan in all)."""
    squad = world.squad_of_store(int(store))
    if squad is None:
        raise DataError(f"门店 {store} 没有一线小分队(加盟店?),请选一家直营店。",
                        f"Store {store} has no squad (franchised?); choose a direct store.")
    t0 = _timestamp(start, "开始日期 start").date()
    day = _dt.timedelta(days=int(gap_days))
    common = dict(initiator=SQUAD, squad_id=squad, store_ids=(int(store),), channels=("朋友圈", "店内"),
                  personalization=0.8)
    return [
        Scene(name="开学季二次购买", scene_type="交易", battle="二次购买", idea_date=t0, launch_date=t0 + _dt.timedelta(days=2),
              duration_days=7, incentive_type="满减", incentive_yuan=5.0, budget_yuan=1500.0, target_tier="活跃粉",
              **common),
        Scene(name="付款后附近异业", scene_type="支付", battle="附近异业", idea_date=t0 + day,
              launch_date=t0 + day + _dt.timedelta(days=2), duration_days=7, incentive_type="满减", incentive_yuan=5.0,
              budget_yuan=1500.0, target_tier="全部", **common),
        Scene(name="唤醒沉睡粉", scene_type="促销", battle="粉丝分层", idea_date=t0 + 2 * day,
              launch_date=t0 + 2 * day + _dt.timedelta(days=2), duration_days=5, incentive_type="赠品",
              incentive_yuan=4.0, budget_yuan=2000.0, target_tier="沉睡粉", **common),
    ]


def _with_plan_history(world: Any, earlier: Sequence[Any]) -> Any:
    """A copy of ``world`` whose scene calendar also holds the launches of ``earlier`` plan scenes."""
    if not earlier:
        return world

    cal = world.calendar.copy()
    for s in earlier:
        pos = world.target_positions(s)
        day = int(day_index(s.launch_date)[0])
        if 0 <= day < N_DAYS:
            cal[pos, day] += 1
    return dataclasses.replace(world, calendar=cal)


def simulate_portfolio(scenes: Sequence[Any], world: Any, draws: int = 200, seed: int = 35,
                       plan_fatigue: bool = True) -> list[tuple[Any, Any]]:
    """Simulate and 5W-evaluate each scene of a plan, in launch order.

    With ``plan_fatigue`` the plan's earlier scenes count as recent scenes for the later ones (fans
    tire of scenes that come too close together); without it each scene is simulated alone.
    Returns ``[(scene, result, report), ...]`` in launch order.
    """
    if not scenes:
        raise DataError("方案里还没有场景。", "The plan has no scenes yet.")
    ordered = sorted(scenes, key=lambda s: (s.launch_date, s.name))
    out = []
    for k, s in enumerate(ordered):
        w = _with_plan_history(world, ordered[:k]) if plan_fatigue else world
        result = simulate(s, w, draws=draws, seed=seed)
        out.append((s, result, evaluate(result)))
    return out


def portfolio_table(runs: Sequence[tuple[Any, Any, Any]]) -> pd.DataFrame:
    """One row per scene of :func:`simulate_portfolio` plus a 合计 row: dates, budget, 5W, margin, cost, fans."""
    rows = []
    for s, r, rep in runs:
        tot = r.totals().mean()
        rows.append({"场景": s.name, "类型": s.scene_type, "战役": s.battle, "上线": s.launch_date, "结束": s.end_date,
                     "预算(元)": float(s.budget_yuan), **{w: round(float(v), 1) for w, v in rep.scores.items()},
                     "5W平均": round(rep.overall, 1), "近期场景(疲劳)": round(float(r.context.get("recent_scenes", 0.0)), 2),
                     "增量毛利(元)": float(tot["incremental_margin_yuan"]), "花费(元)": float(tot["cost_yuan"]),
                     "新会员": float(tot["new_members"]), "粉丝升级": float(tot["tier_upgrades"])})
    df = pd.DataFrame(rows)
    total = {"场景": "合计", "预算(元)": df["预算(元)"].sum(), "增量毛利(元)": df["增量毛利(元)"].sum(),
             "花费(元)": df["花费(元)"].sum(), "新会员": df["新会员"].sum(), "粉丝升级": df["粉丝升级"].sum(),
             "5W平均": round(float(df["5W平均"].mean()), 1)}
    df = pd.concat([df, pd.DataFrame([total])], ignore_index=True)
    df["每元毛利"] = safe_ratio(df["增量毛利(元)"], df["花费(元)"]).to_numpy()
    return df


def portfolio_problems(scenes: Sequence[Any], store: int, world: Any, max_total_budget: float = 5000.0,
                       launch_from: str = "2015-09-01", launch_to: str = "2015-11-30") -> list[str]:
    """The plan's broken rules in Chinese (empty when the plan is fine): each scene's own problems, then the
    plan's (one store, the budget, the launch window, at least two scene types, no overlap)."""
    out: list[str] = []
    for i, s in enumerate(scenes, 1):
        out += [f"第{i}个场景:{p}" for p in s.check(world, lang="zh")]
    if out:
        return out
    rules = PlanRules(store=int(store), max_total_budget=float(max_total_budget), launch_from=launch_from,
                      launch_to=launch_to)
    return [zh for zh, _ in rule_failures(list(scenes), rules, world)]


def spacing_comparison(scenes: Sequence[Any], world: Any, gaps: Iterable[int] = (0, 3, 7, 14, 21, 28),
                       draws: int = 200, seed: int = 35) -> pd.DataFrame:
    """What fans' fatigue costs a plan whose scenes come ``gap`` days apart.

    For each gap the plan is re-dated (the first launch and every design kept; each scene starts
    ``gap`` days after the previous one ends) and simulated twice with the same seed: each scene
    alone, and with the plan's earlier scenes counted as recent scenes. The difference is what
    the crowding costs. One row per gap: ``margin_alone``, ``margin_in_plan``, ``fatigue_loss``
    (share of the margin lost) and ``mean_5w`` (in the plan).
    """
    ordered = sorted(scenes, key=lambda s: (s.launch_date, s.name))
    rows = []
    for gap in gaps:
        if isinstance(gap, bool) or not isinstance(gap, (int, np.integer)) or not 0 <= gap <= 120:
            raise DataError("间隔天数应是 0 到 120 之间的整数。", "Gaps must be whole numbers of days from 0 to 120.")
        moved, launch = [], ordered[0].launch_date
        for s in ordered:
            lead = s.lead_days or 0
            moved.append(s.with_changes(launch_date=launch, idea_date=launch - _dt.timedelta(days=lead)))
            launch = moved[-1].end_date + _dt.timedelta(days=int(gap) + 1)
        alone = portfolio_table(simulate_portfolio(moved, world, draws=draws, seed=seed, plan_fatigue=False)).iloc[-1]
        plan = portfolio_table(simulate_portfolio(moved, world, draws=draws, seed=seed)).iloc[-1]
        a, b = float(alone["增量毛利(元)"]), float(plan["增量毛利(元)"])
        rows.append({"gap_days": int(gap), "last_end": moved[-1].end_date, "margin_alone": a, "margin_in_plan": b,
                     "fatigue_loss": (a - b) / a if a > 0 else np.nan, "mean_5w": float(plan["5W平均"])})
    return pd.DataFrame(rows)


def fatigue_history(scenes: pd.DataFrame, scene_daily: pd.DataFrame, window_days: int = 14) -> pd.DataFrame:
    """Historical squad scenes by how many scenes the same store launched in the ``window_days`` before.

    Buckets ``0``, ``1``, ``2+``: scenes, conversion rate (conversions per person reached), margin per
    yuan and incremental margin per scene.
    """
    t = scene_totals(scenes, scene_daily)
    require(scenes, ["scene_id", "store_id"], "scenes")
    t = t.merge(scenes[["scene_id", "store_id"]], on="scene_id")
    t = t[t["initiator"] == SQUAD].copy()
    t["launch"] = _dates(t["launch_date"])
    t = t.sort_values(["store_id", "launch"])
    w = np.timedelta64(int(window_days), "D")
    prior = np.zeros(len(t), dtype=int)
    for _, idx in t.groupby("store_id").indices.items():
        days = t["launch"].to_numpy()[idx]
        left = np.searchsorted(days, days - w, side="left")
        right = np.searchsorted(days, days, side="left")
        prior[idx] = right - left
    t["bucket"] = np.where(prior >= 2, "2+", prior.astype(str))
    out = t.groupby("bucket").agg(scenes=("scene_id", "size"), reach=("reach", "sum"),
                                  conversions=("conversions", "sum"),
                                  margin=("incremental_margin_yuan", "sum"), cost=("cost_yuan", "sum"))
    out["conversion_rate"] = safe_ratio(out["conversions"], out["reach"])
    out["margin_per_yuan"] = safe_ratio(out["margin"], out["cost"])
    out["margin_per_scene"] = safe_ratio(out["margin"], out["scenes"])
    out.index.name = f"前{int(window_days)}天内同店场景数"
    return out[["scenes", "conversion_rate", "margin_per_yuan", "margin_per_scene"]].reindex(["0", "1", "2+"])


# =========================================================================== lesson 36: 路线图

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
