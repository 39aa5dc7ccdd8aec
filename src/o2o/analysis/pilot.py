"""The August 2015 shareholder pilot (试点 vs 对照 stores), evaluated with difference in differences.

Used by lessons 18 and 23. Builds store-level panels from ``daily_sales`` and ``scenes``, calls the
domain core's :func:`o2o.scenes.did` for the estimates, and adds what the lessons show around them:
the 2x2 table of means, naive comparisons, a weekly event study, placebo tests and the squad-scene
rate ratio (with a seeded store bootstrap). Lesson 18's worked squad scene is :mod:`o2o.analysis.squad_scene`.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..errors import DataError
from ..scenes import did

__all__ = ["PILOT", "CONTROL", "pilot_start", "group_overview", "store_panel", "did_table", "did_by_hand",
           "pilot_effects", "effects_figure", "naive_vs_did", "event_study", "event_study_figure",
           "squad_scene_rates", "squad_scene_ratio", "squad_scene_figure", "placebo", "placebo_series",
           "placebo_explorer", "pilot_squads"]

PILOT, CONTROL = "试点", "对照"
PRE, POST = "试点前", "试点后"
OUTCOMES = {"sales_yuan": "销售额", "new_members": "新增会员", "tickets": "小票数", "member_tickets": "会员小票数",
            "gross_margin_yuan": "毛利"}
GROUP_COLORS = {PILOT: "#c0392b", CONTROL: "#5d6d7e"}


@dataclass(frozen=True)
class Estimate:
    """One estimated effect in percent with its 95% interval (the lesson tables are built from these)."""

    estimate: float
    ci_low: float
    ci_high: float


def pilot_start(ds) -> pd.Timestamp:
    """The pilot's start date (from the dataset's metadata; 2015-08-01)."""
    start = (getattr(ds, "meta", {}) or {}).get("pilot_truth", {}).get("start", "2015-08-01")
    return pd.Timestamp(start)


def _groups(ds) -> pd.DataFrame:
    st = ds.stores
    g = st[st["pilot_group"].isin([PILOT, CONTROL])]
    if (g["pilot_group"] == PILOT).sum() == 0 or (g["pilot_group"] == CONTROL).sum() == 0:
        raise DataError("数据集中没有试点组或对照组门店,无法评估试点。",
                        "The dataset has no pilot or no control stores; the pilot cannot be evaluated.")
    return g


def _check_outcome(outcome: str) -> None:
    if outcome not in OUTCOMES:
        raise DataError(f"没有名为“{outcome}”的结果指标。可用的指标:{', '.join(OUTCOMES)}。",
                        f"There is no outcome {outcome!r}. Outcomes: {', '.join(OUTCOMES)}.")


def group_overview(ds) -> pd.DataFrame:
    """Pilot vs control stores: how many, where, what format, and their pre-pilot daily sales."""
    g = _groups(ds)
    daily = store_panel(ds, "sales_yuan", freq="D")
    pre = daily[~daily["post"]].groupby("store_id")["sales_yuan"].mean()
    g = g.assign(pre_sales=g["store_id"].map(pre))
    by = g.groupby("pilot_group")
    out = pd.DataFrame({
        "门店数": by.size(),
        "城市数": by["city"].nunique(),
        "最多的城市": by["city"].agg(lambda s: s.value_counts().index[0]),
        "社区店占比(%)": by["format"].apply(lambda s: (s == "社区").mean() * 100).round(1),
        "直营占比(%)": by["ownership"].apply(lambda s: (s == "直营").mean() * 100).round(1),
        "平均面积(㎡)": by["area_m2"].mean().round(1),
        "试点前店日均销售额(元)": by["pre_sales"].mean().round(0),
    }).reindex([PILOT, CONTROL])
    out.index.name = "组别"
    return out


_DAILY_CACHE: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _pilot_daily(ds, groups: pd.DataFrame) -> pd.DataFrame:
    """Daily rows of the pilot and control stores (every outcome column), read once per dataset object."""
    try:
        cached = _DAILY_CACHE.get(ds)
    except TypeError:  # an object that cannot be weakly referenced: no cache
        cached = None
    if cached is not None:
        return cached
    ids = ",".join(str(int(s)) for s in groups["store_id"])
    cols = ", ".join(OUTCOMES)
    con = ds.duckdb()
    try:
        d = con.execute(f"SELECT store_id, date, {cols} FROM daily_sales WHERE store_id IN ({ids})").df()
    finally:
        con.close()
    d["date"] = pd.to_datetime(d["date"])
    try:
        _DAILY_CACHE[ds] = d
    except TypeError:
        pass
    return d


def store_panel(ds, outcome: str = "sales_yuan", freq: str = "D") -> pd.DataFrame:
    """Panel of pilot and control stores: one row per store and day (``freq="D"``) or week (``"W"``, sums).

    Columns: store_id, period, the outcome, treated (pilot store), post (period starts on/after the pilot start).
    Weeks start on Monday; the week holding the start date is split so that no week mixes before and after.
    """
    _check_outcome(outcome)
    if freq not in ("D", "W"):
        raise DataError("freq 只能是 \"D\"(按日)或 \"W\"(按周)。", 'freq must be "D" (daily) or "W" (weekly).')
    g = _groups(ds)
    start = pilot_start(ds)
    d = _pilot_daily(ds, g)[["store_id", "date", outcome]].rename(columns={outcome: "y"})
    d["date"] = pd.to_datetime(d["date"])
    d["post"] = d["date"] >= start
    if freq == "D":
        d["period"] = d["date"]
        panel = d
    else:
        week = d["date"] - pd.to_timedelta(d["date"].dt.day_of_week, unit="D")
        d["period"] = week.where(~(d["post"] & (week < start)), start)  # the start week begins at the start date
        panel = d.groupby(["store_id", "period", "post"], as_index=False)["y"].sum()
        panel = panel.merge(d.groupby(["store_id", "period"], as_index=False).size(), on=["store_id", "period"])
        panel = panel[panel["size"] >= 4].drop(columns="size")  # drop stub weeks at the year's edges
    panel = panel.rename(columns={"y": outcome})
    panel["treated"] = panel["store_id"].isin(g.loc[g["pilot_group"] == PILOT, "store_id"])
    return panel[["store_id", "period", outcome, "treated", "post"]].reset_index(drop=True)


def did_table(ds, outcome: str = "sales_yuan") -> pd.DataFrame:
    """The 2x2 table of means per store and day: 试点/对照 × 试点前/试点后, plus each row's change."""
    panel = store_panel(ds, outcome, "D")
    t = panel.groupby(["treated", "post"])[outcome].mean().unstack()
    t.index = [PILOT if i else CONTROL for i in t.index]
    t.columns = [POST if c else PRE for c in t.columns]
    t = t.reindex(index=[PILOT, CONTROL], columns=[PRE, POST])
    t["变化"] = t[POST] - t[PRE]
    t.index.name = f"店日均{OUTCOMES[outcome]}"
    return t.round(3)


def did_by_hand(table: pd.DataFrame) -> float:
    """(pilot after − pilot before) − (control after − control before), from :func:`did_table`."""
    try:
        return float((table.loc[PILOT, POST] - table.loc[PILOT, PRE]) - (table.loc[CONTROL, POST] - table.loc[CONTROL, PRE]))
    except KeyError:
        raise DataError("这里需要 did_table(...) 得到的四格表。", "This needs the 2x2 table from did_table(...).") from None


def _did(panel: pd.DataFrame, outcome: str, log: bool):

    return did(panel, outcome=outcome, unit="store_id", time="period", treated="treated", post="post", log=log,
               cluster="store_id")


def _as_pct(res, log: bool) -> Estimate:
    """The core's DiD result as a percentage effect (relative change for log outcomes)."""
    if log and getattr(res, "log", False):
        return Estimate(res.pct * 100, res.pct_low * 100, res.pct_high * 100)
    return Estimate(float(res.estimate), float(res.ci_low), float(res.ci_high))


def squad_scene_rates(ds) -> pd.DataFrame:
    """Squad-initiated scenes per store and month for pilot and control stores (zeros included)."""
    g = _groups(ds)
    start = pilot_start(ds)
    sc = ds.scenes
    sc = sc[(sc["initiator"] == "一线小分队") & sc["store_id"].notna()].copy()
    sc["store_id"] = sc["store_id"].astype("int64")
    sc["month"] = pd.to_datetime(sc["launch_date"]).dt.to_period("M").dt.to_timestamp()
    counts = sc.groupby(["store_id", "month"]).size()
    months = pd.date_range("2015-01-01", "2015-12-01", freq="MS")
    idx = pd.MultiIndex.from_product([g["store_id"].astype("int64"), months], names=["store_id", "month"])
    out = counts.reindex(idx, fill_value=0).rename("scenes").reset_index()
    out["treated"] = out["store_id"].isin(g.loc[g["pilot_group"] == PILOT, "store_id"])
    out["post"] = out["month"] >= start
    return out


def _ratio_of_rates(r: pd.DataFrame) -> float:
    m = r.groupby(["treated", "post"])["scenes"].mean()
    try:
        return float((m[(True, True)] / m[(True, False)]) / (m[(False, True)] / m[(False, False)]))
    except (KeyError, ZeroDivisionError):
        return float("nan")


def squad_scene_ratio(ds, draws: int = 400, seed: int = 2015) -> Estimate:
    """Ratio of rate ratios (pilot after/before ÷ control after/before) of squad scenes, with a store bootstrap 95% CI.

    Returned as a percentage change (a ratio of 2.5 is +150%).
    """
    r = squad_scene_rates(ds)
    point = _ratio_of_rates(r)
    rng = np.random.default_rng(seed)
    per_store = r.groupby(["store_id", "treated", "post"])["scenes"].sum().unstack("post").fillna(0)
    n_months = r.groupby("post")["month"].nunique()
    pre_n, post_n = float(n_months.get(False, 1)), float(n_months.get(True, 1))
    groups = {t: per_store.xs(t, level="treated").to_numpy() for t in (True, False)}
    stats = []
    for _ in range(int(draws)):
        rates = {}
        for t, arr in groups.items():
            s = arr[rng.integers(0, len(arr), len(arr))]
            pre, post = s[:, 0].sum() / pre_n, s[:, 1].sum() / post_n
            rates[t] = post / pre if pre > 0 else np.nan
        stats.append(rates[True] / rates[False])
    lo, hi = np.nanpercentile(stats, [2.5, 97.5])
    return Estimate((point - 1) * 100, (lo - 1) * 100, (hi - 1) * 100)


def pilot_effects(ds, with_truth: bool = True) -> pd.DataFrame:
    """The pilot's effect (%) on daily sales, weekly new members and monthly squad scenes, with 95% intervals.

    Sales and new members: DiD on logs (store-day sales; store-week new members), clustered by store.
    Squad scenes: ratio of rate ratios with a store bootstrap. With ``with_truth`` the effect built into
    the synthetic data is shown beside each estimate (a real pilot has no such column).
    """
    rows = []
    sales = _as_pct(_did(store_panel(ds, "sales_yuan", "D"), "sales_yuan", log=True), True)
    rows.append(("销售额(店日)", "双重差分(对数)", sales))
    nm = _as_pct(_did(store_panel(ds, "new_members", "W"), "new_members", log=True), True)
    rows.append(("新增会员(店周)", "双重差分(对数)", nm))
    rows.append(("小分队发起场景(店月)", "发生率之比的比", squad_scene_ratio(ds)))
    out = pd.DataFrame([{"结果": name, "方法": how, "估计作用(%)": e.estimate, "95%下限(%)": e.ci_low,
                         "95%上限(%)": e.ci_high} for name, how, e in rows]).set_index("结果")
    if with_truth:
        truth = (getattr(ds, "meta", {}) or {}).get("pilot_truth", {})
        out["数据中埋下的真实作用(%)"] = [
            truth.get("sales_effect_total", truth.get("sales_effect", np.nan)) * 100,
            truth.get("new_member_effect", np.nan) * 100,
            (truth.get("squad_scene_rate_ratio", np.nan) - 1) * 100,
        ]
    return out.round(1)


def effects_figure(effects: pd.DataFrame, lang: str = "zh") -> go.Figure:
    """Forest plot of the pilot's effects with 95% intervals (and the true effects as diamonds when present)."""
    zh = lang != "en"
    y = list(effects.index)
    fig = go.Figure(go.Scatter(
        x=effects["估计作用(%)"], y=y, mode="markers", name="估计值与95%区间" if zh else "estimate, 95% CI",
        marker={"size": 12, "color": "#c0392b"},
        error_x={"type": "data", "symmetric": False, "array": effects["95%上限(%)"] - effects["估计作用(%)"],
                 "arrayminus": effects["估计作用(%)"] - effects["95%下限(%)"]},
        hovertemplate="%{y}: %{x:.1f}%<extra></extra>"))
    if "数据中埋下的真实作用(%)" in effects.columns:
        fig.add_trace(go.Scatter(x=effects["数据中埋下的真实作用(%)"], y=y, mode="markers",
                                 name="数据中埋下的真实作用" if zh else "true effect in the synthetic data",
                                 marker={"symbol": "diamond-open", "size": 14, "color": "black"}))
    fig.add_vline(x=0, line_dash="dash", line_color="grey")
    fig.update_layout(title="试点的作用(%)" if zh else "Effects of the pilot (%)",
                      xaxis={"title": "相对对照组的变化(%)" if zh else "change relative to control (%)", },
                      height=320, margin={"l": 150, "r": 20, "t": 50, "b": 50})
    return fig


def naive_vs_did(ds) -> pd.DataFrame:
    """Three answers to "what did the pilot do to daily sales (%)": before-after, pilot vs control after, DiD."""
    t = did_table(ds, "sales_yuan")
    before_after = (t.loc[PILOT, POST] / t.loc[PILOT, PRE] - 1) * 100
    cross = (t.loc[PILOT, POST] / t.loc[CONTROL, POST] - 1) * 100
    did = _as_pct(_did(store_panel(ds, "sales_yuan", "D"), "sales_yuan", log=True), True)
    out = pd.DataFrame({
        "比较方法": ["前后比:试点店 试点后 vs 试点前", "横向比:试点后 试点店 vs 对照店", "双重差分"],
        "估计作用(%)": [before_after, cross, did.estimate],
        "它把什么也算了进去": ["季节、节日和全网的变化", "试点店和对照店原本的差别", "(两者都已扣除)"],
    }).set_index("比较方法")
    return out.round({"估计作用(%)": 1})


def event_study(ds, outcome: str = "sales_yuan") -> pd.DataFrame:
    """Weekly difference in mean log outcome (pilot − control), centred on its pre-pilot average, with a 95% band.

    Weekly store totals are logged (``log(1 + y)`` for counts such as new members).
    """
    panel = store_panel(ds, outcome, "W")
    panel = panel.assign(ly=np.log1p(panel[outcome]) if outcome == "new_members" else np.log(panel[outcome].clip(lower=1)))
    g = panel.groupby(["period", "treated"])["ly"].agg(["mean", "var", "count"]).unstack("treated")
    diff = g[("mean", True)] - g[("mean", False)]
    se = np.sqrt(g[("var", True)] / g[("count", True)] + g[("var", False)] / g[("count", False)])
    post = pd.Series(g.index >= pilot_start(ds), index=g.index)
    base = diff[~post].mean()
    out = pd.DataFrame({"差值": diff - base, "下限": diff - base - 1.96 * se, "上限": diff - base + 1.96 * se,
                        "试点后": post})
    out.index.name = "周"
    return out


def event_study_figure(weekly: pd.DataFrame, title: str | None = None, lang: str = "zh") -> go.Figure:
    zh = lang != "en"
    x = weekly.index
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=list(x) + list(x[::-1]), y=list(weekly["上限"]) + list(weekly["下限"][::-1]),
                             fill="toself", fillcolor="rgba(192,57,43,0.15)", line={"width": 0}, hoverinfo="skip",
                             name="95% 区间" if zh else "95% band"))
    fig.add_trace(go.Scatter(x=x, y=weekly["差值"], mode="lines+markers", line={"color": "#c0392b"},
                             name="试点组 − 对照组" if zh else "pilot − control",
                             hovertemplate="%{x|%Y-%m-%d} 起的一周: %{y:.3f}<extra></extra>"))
    fig.add_hline(y=0, line_dash="dash", line_color="grey")
    start = x[weekly["试点后"].to_numpy()].min() if weekly["试点后"].any() else None
    if start is not None:
        fig.add_vline(x=start, line_dash="dot", line_color="black")
        fig.add_annotation(x=start, y=1, yref="paper", text="试点开始" if zh else "pilot starts", showarrow=False,
                           xanchor="left", yanchor="bottom")
    fig.update_layout(title=title or ("试点组 − 对照组(周度,对数差)" if zh else "Pilot − control (weekly, log difference)"),
                      yaxis={"title": "对数差(≈ 百分比 / 100)" if zh else "log difference"},
                      height=400, margin={"l": 60, "r": 20, "t": 60, "b": 40})
    return fig


def squad_scene_figure(ds, lang: str = "zh") -> go.Figure:
    """Squad-initiated scenes per 100 stores per month, pilot vs control."""
    r = squad_scene_rates(ds)
    m = r.groupby(["month", "treated"])["scenes"].mean().unstack("treated") * 100
    fig = go.Figure()
    for t, name in ((True, PILOT), (False, CONTROL)):
        fig.add_trace(go.Scatter(x=m.index, y=m[t], mode="lines+markers", name=name if lang != "en" else
                                 ("pilot" if t else "control"), line={"color": GROUP_COLORS[name], "width": 3}))
    fig.add_vline(x=pilot_start(ds), line_dash="dot", line_color="black")
    fig.update_layout(title="每百家门店每月由一线小分队发起的场景数" if lang != "en" else "Squad scenes per 100 stores per month",
                      yaxis={"title": "场景数 / 百店 / 月" if lang != "en" else "scenes per 100 stores"},
                      height=380, margin={"l": 60, "r": 20, "t": 50, "b": 40})
    return fig


def placebo(ds, fake_start: str | date, outcome: str = "sales_yuan", panel: pd.DataFrame | None = None):
    """DiD with a fake start date, on pre-pilot data only (the result should be near 0).

    Returns the core's DiD result converted to percent (``estimate``, ``ci_low``, ``ci_high``).
    """
    try:
        fake = pd.Timestamp(fake_start)
    except (ValueError, TypeError):
        raise DataError(f"无法识别日期“{fake_start}”,请写成 2015-05-01 这样的格式。",
                        f"Cannot read the date {fake_start!r}; write it like 2015-05-01.") from None
    start = pilot_start(ds)
    if not (pd.Timestamp("2015-02-01") <= fake < start - pd.Timedelta(days=27)):
        raise DataError(f"假开始日期应在 2015-02-01 到 {(start - pd.Timedelta(days=28)).date()} 之间(试点前,且留出至少四周)。",
                        f"The fake start must lie between 2015-02-01 and {(start - pd.Timedelta(days=28)).date()}.")
    panel = store_panel(ds, outcome, "D") if panel is None else panel
    panel = panel[~panel["post"]].copy()
    panel["post"] = panel["period"] >= fake
    return _as_pct(_did(panel, outcome, log=True), True)


def placebo_series(ds, dates: list[str] | None = None, outcome: str = "sales_yuan") -> pd.DataFrame:
    """Placebo estimates (%) for a list of fake start dates (default: the 1st and 15th of March to June)."""
    dates = dates or ["2015-03-01", "2015-03-15", "2015-04-01", "2015-04-15", "2015-05-01", "2015-05-15",
                      "2015-06-01", "2015-06-15", "2015-07-01"]
    rows = []
    panel = store_panel(ds, outcome, "D")
    for d in dates:
        e = placebo(ds, d, outcome, panel=panel)
        rows.append({"假开始日期": d, "估计作用(%)": e.estimate, "95%下限(%)": e.ci_low, "95%上限(%)": e.ci_high,
                     "区间包含0": bool(e.ci_low <= 0 <= e.ci_high)})
    return pd.DataFrame(rows).set_index("假开始日期").round(2)


def placebo_explorer(ds, lang: str = "zh") -> go.Figure:
    """A plotly figure with a slider over fake start dates; each step highlights that date's placebo estimate,
    drawn against the real estimate for comparison."""
    zh = lang != "en"
    series = placebo_series(ds)
    real = _as_pct(_did(store_panel(ds, "sales_yuan", "D"), "sales_yuan", log=True), True)
    x = list(series.index)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=x, y=series["估计作用(%)"], mode="markers", name="安慰剂估计" if zh else "placebo",
                             marker={"color": "#7f8c8d", "size": 9},
                             error_y={"type": "data", "symmetric": False,
                                      "array": series["95%上限(%)"] - series["估计作用(%)"],
                                      "arrayminus": series["估计作用(%)"] - series["95%下限(%)"]}))
    fig.add_trace(go.Scatter(x=[x[0]], y=[series["估计作用(%)"].iloc[0]], mode="markers", name="当前选择" if zh else "selected",
                             marker={"color": "#c0392b", "size": 16, "symbol": "circle-open", "line": {"width": 3}}))
    fig.add_hline(y=real.estimate, line_dash="dot", line_color="#c0392b",
                  annotation_text=(f"真实开始日的估计:{real.estimate:.1f}%" if zh else f"real estimate: {real.estimate:.1f}%"))
    fig.add_hline(y=0, line_dash="dash", line_color="grey")
    steps = []
    for i, d in enumerate(x):
        row = series.iloc[i]
        txt = (f"假开始 {d}:{row['估计作用(%)']:.2f}%(区间 {row['95%下限(%)']:.2f}% 至 {row['95%上限(%)']:.2f}%)" if zh
               else f"fake start {d}: {row['估计作用(%)']:.2f}% ({row['95%下限(%)']:.2f}% to {row['95%上限(%)']:.2f}%)")
        steps.append({"label": d[5:], "method": "update",
                      "args": [{"x": [x, [d]], "y": [list(series["估计作用(%)"]), [row["估计作用(%)"]]]}, {"title": txt}]})
    fig.update_layout(
        title=steps[0]["args"][1]["title"], sliders=[{"active": 0, "steps": steps, "currentvalue": {"prefix": "假开始日期:" if zh else "fake start: "},
                                                       "pad": {"t": 40}}],
        yaxis={"title": "估计作用(%)" if zh else "estimated effect (%)"}, xaxis={"title": "假开始日期" if zh else "fake start"},
        height=460, margin={"l": 60, "r": 20, "t": 60, "b": 40},
    )
    return fig


def pilot_squads(ds) -> pd.DataFrame:
    """The squads of the pilot stores (rows of ``ds.squads``)."""
    g = _groups(ds)
    squads = ds.squads
    return squads[squads["store_id"].isin(g.loc[g["pilot_group"] == PILOT, "store_id"])]
