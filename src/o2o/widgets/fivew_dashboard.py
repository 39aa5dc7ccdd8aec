"""FiveWDashboard: the 5W scores as a radar beside the metrics behind them, and a
day-by-day playback of the scene — the live view lecture 18 asks HQ to watch (Worth:
observe the squads' data as the scene runs, not read a report afterwards)."""

from __future__ import annotations

import html
import math
from typing import Any

import ipywidgets as W
import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from o2o.widgets.base import (
    FieldSpec,
    FrozenHBox,
    FrozenHTML,
    GuardedIntSlider,
    GuardedPlay,
    Panel,
    safe,
    tr,
)
from o2o.widgets.figure import figure, fit_width

FIVE_W = ("Who", "What", "Way", "Why", "Worth")
FIVE_W_ZH = {"Who": "谁主导", "What": "怎么做", "Way": "谁传播", "Why": "为何传播", "Worth": "效果评估"}
# the day-by-day view: (metric, zh, en)
DAY_METRICS = (
    ("reach_broadcast", "广告触达", "reach by ads"),
    ("reach_p2p", "点对点触达", "point-to-point reach"),
    ("shares", "转发", "shares"),
    ("visits", "到店", "visits"),
    ("conversions", "成交", "conversions"),
    ("redemptions", "核销", "redemptions"),
    ("new_members", "新会员", "new members"),
    ("tier_upgrades", "升级", "tier upgrades"),
    ("incremental_margin_yuan", "增量毛利(元)", "incremental margin (yuan)"),
    ("cost_yuan", "花费(元)", "cost (yuan)"),
)
MAX_DAYS = 366


def axis_label(w: str, lang: str) -> str:
    return w if lang == "en" else f"{FIVE_W_ZH[w]} {w}"


def scores_of(report: Any) -> dict[str, float]:
    """The five scores of a 5W report as floats 0–100 (missing ones as 0)."""
    raw = getattr(report, "scores", report) or {}
    out = {}
    for w in FIVE_W:
        v = raw.get(w, 0.0) if hasattr(raw, "get") else 0.0
        try:
            v = float(v)
        except (TypeError, ValueError):
            v = 0.0
        out[w] = min(100.0, max(0.0, v)) if math.isfinite(v) else 0.0
    return out


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 10 else f"{x:,.1f}"


class FiveWDashboard(Panel):
    """Radar of the five scores, the metrics behind them, and a day-by-day playback."""

    def __init__(self, lang: str = "zh", **kwargs: Any) -> None:
        super().__init__(lang=lang, **kwargs)
        self.result: Any = None
        self.report: Any = None
        self.reference: Any = None
        self.reference_name = ""
        # the figure is built on the first scene shown: a page without it loads and answers
        # sooner (plotly's front-end code is large), and there is nothing to draw before
        self._fig = None
        # ... but its plain plotly object is made now: the first one a process makes loads plotly's
        # validators (≈ 0.5 s), which would otherwise be paid by the visitor's first click
        self._fig_spec: go.Figure | None = self._figure_spec()
        self._build_playback()
        self._scores_html = FrozenHTML(layout={"width": "430px"})
        self._feedback_html = FrozenHTML()
        self._day_html = FrozenHTML()
        self._top = FrozenHBox([self._scores_html])
        self._playback = FrozenHBox([self._play, self._day], layout={"display": "none"})
        self.children = [self._messages, self._top, self._playback, self._day_html, self._feedback_html]
        self.update()

    # ------------------------------------------------------------------ builders

    def _build_figure(self) -> None:
        spec = self._fig_spec if self._fig_spec is not None else self._figure_spec()
        self._fig_spec = None
        # the widget's first state already carries the scene's values: the page's first drawing of
        # it (before plotly's front end has loaded) is the right one, not an empty radar
        self._draw(spec, self.lang)
        self._fig = figure(spec)
        fit_width(self._fig, 760)

    def _figure_spec(self) -> go.Figure:
        """The figure as a plain plotly object (the widget is made from it on the first scene)."""
        fig = make_subplots(rows=1, cols=2, column_widths=[0.42, 0.58], horizontal_spacing=0.12,
                            specs=[[{"type": "polar"}, {"type": "xy"}]])
        theta = list(FIVE_W) + [FIVE_W[0]]
        fig.add_trace(go.Scatterpolar(r=[0] * 6, theta=theta, fill="toself", name="", line_color="#2e90fa"),
                      row=1, col=1)
        fig.add_trace(go.Scatterpolar(r=[0] * 6, theta=theta, fill="toself", name="", visible=False,
                                      line={"color": "#f79009", "dash": "dot"}, opacity=0.6), row=1, col=1)
        # playback: cumulative margin with its 5-95 % band, cumulative cost, and today's marker
        for name, colour, dash in (("band_hi", "rgba(18,183,106,0)", None), ("band_lo", "rgba(18,183,106,0)", None),
                                   ("margin", "#12b76a", None), ("cost", "#f04438", "dash")):
            fig.add_trace(go.Scatter(x=[], y=[], mode="lines", name=name, line={"color": colour, "dash": dash},
                                     fill="tonexty" if name == "band_lo" else None,
                                     fillcolor="rgba(18,183,106,0.15)", showlegend=name in ("margin", "cost")),
                          row=1, col=2)
        fig.add_trace(go.Scatter(x=[], y=[], mode="markers", marker={"size": 10, "color": "#101828"},
                                 showlegend=False, name="today"), row=1, col=2)
        fig.update_layout(height=380, margin={"l": 40, "r": 20, "t": 60, "b": 40},
                          polar={"radialaxis": {"range": [0, 100], "tickvals": [20, 40, 60, 80, 100]}},
                          legend={"orientation": "h", "y": -0.15})
        return fig

    def _build_playback(self) -> None:
        self._day_spec = FieldSpec("day", "第几天", "Day", "int", lo=1, hi=MAX_DAYS)
        self._play = GuardedPlay(value=1, min=1, max=1, step=1, interval=700)
        self._play._guard_setup(self._day_spec, self._refused)
        self._day = GuardedIntSlider(value=1, min=1, max=1, continuous_update=False)
        self._day._guard_setup(self._day_spec, self._refused)
        self._link = W.jslink((self._play, "value"), (self._day, "value"))
        self._day.observe(self._on_day, names="value")

    # ------------------------------------------------------------------ behaviour

    def show(self, result: Any, report: Any) -> None:
        """Show a simulated (or historical) scene and its 5W report."""
        self.result, self.report = result, report
        n = int(result.n_days)
        self._day_spec.hi = n
        self._quiet = True
        try:
            with self.hold_sync():
                self._play.max = n
                self._day.max = n
                self._play.value = 1
                self._day.value = n  # start at the end: the whole scene
        finally:
            self._quiet = False
        if self._fig is None:
            self._build_figure()
            self._top.children = [self._fig, self._scores_html]
            self._playback.layout.display = None
        self.update()

    def set_reference(self, report: Any, name: str) -> None:
        """Draw a second (dotted) radar, e.g. a historical scene, for comparison."""
        self.reference, self.reference_name = report, name
        self.update()

    @safe
    def _on_day(self, change: dict) -> None:
        if not self._quiet:
            self.update()

    @property
    def day(self) -> int:
        return int(self._day.value)

    @safe
    def update(self) -> None:
        """Redraw radar, playback and tables from the current result, report and day."""
        lang = self.lang
        self._scores_html.value = self._scores_table(lang)
        self._day_html.value = self._day_table(lang)
        self._feedback_html.value = self._feedback(lang)
        self._messages.clear()
        if self._fig is None:
            return
        with self._fig.batch_update():
            self._draw(self._fig, lang)

    def _draw(self, fig: go.Figure, lang: str) -> None:
        """Set the figure's radar, playback and title from the current state (the widget inside
        ``update``'s batch, or the plain figure the widget is first made from)."""
        theta = [axis_label(w, lang) for w in FIVE_W]
        theta = theta + theta[:1]
        radar = fig.data[0]
        radar.theta = theta
        radar.name = tr("本场景", "this scene", lang)
        if self.report is not None:
            s = scores_of(self.report)
            radar.r = [s[w] for w in FIVE_W] + [s[FIVE_W[0]]]
        ref = fig.data[1]
        ref.theta = theta
        if self.reference is not None:
            s = scores_of(self.reference)
            ref.r = [s[w] for w in FIVE_W] + [s[FIVE_W[0]]]
            ref.name = self.reference_name
            ref.visible = True
        else:
            ref.visible = False
        self._draw_playback(fig, lang)
        fig.layout.title = tr("5W 评估与逐日回放(合成数据)", "5W evaluation and day-by-day playback (synthetic data)", lang)

    def _draw_playback(self, fig: go.Figure, lang: str) -> None:
        hi, lo, margin, cost, today = fig.data[2:7]
        margin.name = tr("累计增量毛利", "cumulative incremental margin", lang)
        cost.name = tr("累计花费", "cumulative cost", lang)
        if self.result is None:
            for t in (hi, lo, margin, cost, today):
                t.x, t.y = [], []
            return
        res = self.result
        days = list(range(1, res.n_days + 1))
        cm = res.cumulative("incremental_margin_yuan")
        cc = res.cumulative("cost_yuan")
        # plain lists: plotly's binary array path fails in the front end
        hi.x, hi.y = days, np.percentile(cm, 95, axis=0).round(2).tolist()
        lo.x, lo.y = days, np.percentile(cm, 5, axis=0).round(2).tolist()
        margin.x, margin.y = days, cm.mean(0).round(2).tolist()
        cost.x, cost.y = days, cc.mean(0).round(2).tolist()
        d = min(self.day, res.n_days)
        today.x, today.y = [d], [float(cm.mean(0)[d - 1])]
        fig.layout.xaxis.title = tr("第几天", "day", lang)
        fig.layout.yaxis.title = tr("元", "yuan", lang)

    def _scores_table(self, lang: str) -> str:
        if self.report is None:
            return html.escape(tr("设计一个场景并按“模拟”,这里会显示 5W 得分和背后的指标。",
                                  "Design a scene and press simulate: the 5W scores and the metrics behind them "
                                  "appear here.", lang))
        s = scores_of(self.report)
        ref = scores_of(self.reference) if self.reference is not None else None
        head = tr("维度", "dimension", lang), tr("得分", "score", lang)
        rows = [f"<tr><th>{head[0]}</th><th>{head[1]}</th>"
                + (f"<th>{html.escape(self.reference_name)}</th>" if ref else "") + "</tr>"]
        for w in FIVE_W:
            rows.append(f"<tr><td>{html.escape(axis_label(w, lang))}</td><td class='o2o-score' data-w='{w}'>{s[w]:.0f}</td>"
                        + (f"<td>{ref[w]:.0f}</td>" if ref else "") + "</tr>")
        evidence = self._evidence_table(lang)
        metrics = ""
        if self.result is not None:
            summ = self.result.summary()
            keep = [m for m in ("visits", "conversions", "new_members", "incremental_margin_yuan", "cost_yuan", "roi")
                    if m in summ.index]
            mrows = []
            for m in keep:
                r = summ.loc[m]
                name = r["en"] if lang == "en" else r["zh"]
                if m == "roi":
                    val = f"{r['mean']:.2f} ({r['p05']:.2f}–{r['p95']:.2f})"
                else:
                    val = f"{_fmt(r['mean'])} ({_fmt(r['p05'])}–{_fmt(r['p95'])})"
                mrows.append(f"<tr><td>{html.escape(str(name))}</td><td>{val}</td></tr>")
            cap = tr("整场合计:均值(5%–95% 区间)", "Scene totals: mean (5%–95% band)", lang)
            metrics = f"<p><b>{cap}</b></p><table>{''.join(mrows)}</table>"
        return f"<table class='o2o-5w'>{''.join(rows)}</table>{evidence}{metrics}"

    def _evidence_table(self, lang: str) -> str:
        """The rows behind every point of the scores (``report.evidence``), when the report has them."""
        ev = getattr(self.report, "evidence", None)
        if ev is None or not hasattr(ev, "iterrows") or len(ev) == 0:
            return ""
        rows = []
        for _, r in ev.iterrows():
            item = r.get("item_en", r.get("item", "")) if lang == "en" else r.get("item", "")
            value = r.get("value", "")
            if isinstance(value, float):
                value = _fmt(value) if abs(value) >= 10 else f"{value:.3g}"
            pts = r.get("points", "")
            mx = r.get("max_points", "")
            rows.append(f"<tr><td>{html.escape(str(r.get('dimension', '')))}</td><td>{html.escape(str(item))}</td>"
                        f"<td>{html.escape(str(value))}</td><td>{pts:.0f} / {mx:.0f}</td></tr>"
                        if isinstance(pts, (int, float)) and isinstance(mx, (int, float)) else
                        f"<tr><td>{html.escape(str(r.get('dimension', '')))}</td><td>{html.escape(str(item))}</td>"
                        f"<td>{html.escape(str(value))}</td><td></td></tr>")
        cap = tr("得分依据", "Where the points come from", lang)
        return f"<p><b>{cap}</b></p><table class='o2o-evidence'>{''.join(rows)}</table>"

    def _day_table(self, lang: str) -> str:
        if self.result is None:
            return ""
        res, d = self.result, min(self.day, self.result.n_days)
        date = res.dates[d - 1].date().isoformat()
        cells = []
        for m, zh, en in DAY_METRICS:
            if m in res.arrays:
                today = float(res.arrays[m][:, d - 1].mean())
                total = float(res.cumulative(m)[:, d - 1].mean())
                cells.append(f"<td>{html.escape(tr(zh, en, lang))}<br><b>{_fmt(today)}</b>"
                             f"<br><small>{html.escape(tr('累计', 'so far', lang))} {_fmt(total)}</small></td>")
        head = tr(f"第 {d} 天({date}),共 {res.n_days} 天 — 总部此刻看到的数据:",
                  f"Day {d} ({date}) of {res.n_days} — what HQ sees right now:", lang)
        return f"<p class='o2o-day'><b>{html.escape(head)}</b></p><table><tr>{''.join(cells)}</tr></table>"

    def _feedback(self, lang: str) -> str:
        rep = self.report
        if rep is None or not hasattr(rep, "feedback"):
            return ""
        text = rep.feedback(lang)
        if not isinstance(text, str):
            text = "\n".join(map(str, text))
        return "<div>" + "<br>".join(html.escape(line) for line in text.splitlines()) + "</div>"

    def _relabel(self) -> None:
        self._day.description = self._day_spec.name(self.lang)
