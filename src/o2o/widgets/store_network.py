"""StoreNetwork: every store of the chain on an offline map of Guangdong, with filters."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from o2o.errors import DataError
from o2o.i18n import label
from o2o.widgets import geo
from o2o.widgets.figure import figure, fit_width
from o2o.widgets.base import (
    FieldSpec,
    FrozenHBox,
    FrozenHTML,
    Panel,
    guarded,
    relabel,
    safe,
    tr,
)

ALL = "全部"
FORMATS = ("社区", "写字楼", "学校", "工业区", "交通枢纽", "商业街")
OWNERSHIP = ("直营", "加盟")
PILOT = ("试点", "对照", "无")
COLOUR_BY = {"format": ("业态", "format", FORMATS), "ownership": ("所有制", "ownership", OWNERSHIP),
             "pilot_group": ("试点分组", "pilot group", PILOT)}
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b")
N_STORE_TRACES = len(PALETTE)
NEEDED = ("store_id", "store_name", "city", "lat", "lon", "format", "ownership", "pilot_group")


class StoreNetwork(Panel):
    """All stores on a map of Guangdong; filter by city, format, ownership, pilot group.

    >>> net = StoreNetwork(stores)           # doctest: +SKIP
    >>> net.set_filter(city="东莞")            # doctest: +SKIP
    >>> net.shown_count                       # doctest: +SKIP
    """

    def __init__(self, stores: pd.DataFrame, lang: str = "zh", **kwargs: Any) -> None:
        super().__init__(lang=lang, **kwargs)
        self._stores = self._prepare(stores)
        self.shown_count = 0
        self._build_controls()
        self._build_figure()
        self._summary = FrozenHTML()
        self.children = [
            FrozenHBox([self._city, self._format, self._ownership]),
            FrozenHBox([self._pilot, self._colour]),
            self._summary,
            self._messages,
            self._fig,
        ]
        self.update()

    # ------------------------------------------------------------------ builders

    @staticmethod
    def _prepare(stores: pd.DataFrame) -> pd.DataFrame:
        missing = [c for c in NEEDED if c not in getattr(stores, "columns", [])]
        if missing:
            raise DataError(
                f"门店表缺少这些列:{', '.join(missing)}。", f"The stores table lacks columns: {', '.join(missing)}."
            )
        df = stores.loc[:, list(NEEDED)].copy()
        for col in ("city", "format", "ownership", "pilot_group", "store_name"):
            df[col] = df[col].astype(str)
        return df.reset_index(drop=True)

    def _build_controls(self) -> None:
        cities = tuple(self._stores["city"].value_counts().index)  # most stores first
        self._specs = {
            "city": FieldSpec("city", "城市", "City", "choice", options=(ALL, *cities)),
            "format": FieldSpec("format", "业态", "Format", "choice", options=(ALL, *FORMATS)),
            "ownership": FieldSpec("ownership", "所有制", "Ownership", "choice", options=(ALL, *OWNERSHIP)),
            "pilot_group": FieldSpec("pilot_group", "试点分组", "Pilot group", "choice", options=(ALL, *PILOT)),
            "colour": FieldSpec("colour", "颜色表示", "Colour by", "choice", options=tuple(COLOUR_BY)),
        }
        make = lambda key: guarded(self._specs[key], self._refused, lang=self.lang)  # noqa: E731
        self._city = make("city")
        self._format = make("format")
        self._ownership = make("ownership")
        self._pilot = make("pilot_group")
        self._colour = make("colour")
        self._relabel_colour()
        for w in (self._city, self._format, self._ownership, self._pilot, self._colour):
            w.observe(self._on_change, names="value")

    def _build_figure(self) -> None:
        xs, ys = geo.outline_xy()
        traces: list[go.Scatter] = [
            go.Scatter(x=xs, y=ys, mode="lines", fill="toself", fillcolor="rgba(230,233,238,0.6)",
                       line={"color": "#98a2b3", "width": 1}, hoverinfo="skip", showlegend=False, name="outline"),
        ]
        cities = geo.guangdong()["cities"]
        names = list(cities)
        traces.append(go.Scatter(
            x=[cities[n][0] for n in names], y=[cities[n][1] for n in names], mode="text", text=names,
            textfont={"size": 11, "color": "#475467"}, hoverinfo="skip", showlegend=False, name="cities",
        ))
        for i in range(N_STORE_TRACES):
            traces.append(go.Scatter(x=[], y=[], mode="markers", marker={"size": 4, "color": PALETTE[i], "opacity": 0.7},
                                     hovertemplate="%{text}<extra></extra>", text=[], name=""))
        self._city_names = names
        self._fig = figure(data=traces)
        fit_width(self._fig, 940)
        self._fig.update_layout(
            height=720, margin={"l": 10, "r": 10, "t": 50, "b": 10}, plot_bgcolor="white",
            legend={"orientation": "h", "y": 0.02, "x": 0.02},
            xaxis={"visible": False, "range": [109.6, 117.4], "constrain": "domain"},
            yaxis={"visible": False, "range": [20.1, 25.7], "scaleanchor": "x", "scaleratio": geo.aspect_ratio(),
                   "constrain": "domain"},
        )

    # ------------------------------------------------------------------ behaviour

    def filters(self) -> dict[str, str]:
        """The filter values on show (Chinese data values, ``全部`` for no filter)."""
        return {"city": self._city.value, "format": self._format.value,
                "ownership": self._ownership.value, "pilot_group": self._pilot.value}

    def set_filter(self, **values: str) -> None:
        """Set filters from Python (``city=``, ``format=``, ``ownership=``, ``pilot_group=``, ``colour=``)."""
        widgets = {"city": self._city, "format": self._format, "ownership": self._ownership,
                   "pilot_group": self._pilot, "colour": self._colour}
        for key, value in values.items():
            if key not in widgets:
                raise DataError(f"没有这个筛选条件:{key}。", f"No such filter: {key}.")
            problem = self._specs[key].problem(value)
            if problem is not None:
                self._messages.show(problem, "error", self.lang)
                return
        with self.hold_sync():
            for key, value in values.items():
                widgets[key].value = value

    def selection(self) -> pd.DataFrame:
        """The stores that pass the filters."""
        df = self._stores
        mask = np.ones(len(df), dtype=bool)
        for col, value in self.filters().items():
            if value != ALL:
                mask &= (df[col] == value).to_numpy()
        return df.loc[mask]

    @safe
    def _on_change(self, change: dict) -> None:
        if not self._quiet:
            self.update()

    @safe
    def update(self) -> None:
        """Redraw the stores that pass the filters, coloured by the chosen dimension."""
        sel = self.selection()
        self.shown_count = len(sel)
        colour_col = self._colour.value
        cats = COLOUR_BY[colour_col][2]
        lang = self.lang
        with self._fig.batch_update():
            for i in range(N_STORE_TRACES):
                tr_ = self._fig.data[2 + i]
                if i < len(cats):
                    part = sel.loc[sel[colour_col] == cats[i]]
                    # plain lists (rounded to ~10 m): the binary array path breaks plotly's front end
                    tr_.x = part["lon"].round(4).tolist()
                    tr_.y = part["lat"].round(4).tolist()
                    tr_.text = (part["store_name"] + " · " + part["city"].map(lambda c: label(c, lang))
                                + " · " + part["format"].map(lambda f: label(f, lang))).tolist()
                    tr_.name = f"{label(cats[i], lang)} ({len(part):,})"
                    tr_.visible = True
                    tr_.showlegend = True
                else:
                    tr_.x, tr_.y, tr_.text = [], [], []
                    tr_.visible = False
            self._fig.data[1].text = [label(n, lang) for n in self._city_names]
            self._fig.layout.title = tr(
                f"门店网络(合成数据):{self.shown_count:,} / {len(self._stores):,} 家",
                f"Store network (synthetic data): {self.shown_count:,} of {len(self._stores):,} stores", lang,
            )
        self._summary.value = self._summary_html(sel)
        self._messages.clear()

    def _summary_html(self, sel: pd.DataFrame) -> str:
        lang = self.lang
        n, total = len(sel), len(self._stores)
        if n == 0:
            return tr("<b>没有符合条件的门店</b>,请放宽筛选条件。",
                      "<b>No store matches</b>; loosen the filters.", lang)
        top = sel["city"].value_counts().head(3)
        tops = (",".join if lang != "en" else ", ".join)(f"{label(c, lang)} {k:,}" for c, k in top.items())
        share = 100 * n / total
        return tr(f"显示 <b>{n:,}</b> 家门店(占全网 {share:.1f}%);最多的城市:{tops}。",
                  f"Showing <b>{n:,}</b> stores ({share:.1f}% of the network); most in: {tops}.", lang)

    def _relabel_colour(self) -> None:
        value = self._colour.value
        self._colour.options = [(tr(zh, en, self.lang), key) for key, (zh, en, _) in COLOUR_BY.items()]
        self._colour.value = value

    def _relabel(self) -> None:
        for w in (self._city, self._format, self._ownership, self._pilot):
            relabel(w, self.lang)
        self._colour.description = self._specs["colour"].name(self.lang)
        self._relabel_colour()
