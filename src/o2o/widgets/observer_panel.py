"""The observer panel of lesson 24: a historical scene "as of day k", with a forecast of its final return.

The computations are :mod:`o2o.analysis.realtime`'s (running totals, the early-signal forecast model).
"""

from __future__ import annotations

import ipywidgets as widgets
import plotly.graph_objects as go

from ..analysis.realtime import cumulative, example_scene_id, forecast_model
from ..errors import DataError, O2OError

__all__ = ["ObserverPanel", "observer_panel"]


class ObserverPanel(widgets.VBox):
    """Pick a historical scene and a day: the scene's running totals up to that day, and a forecast of its final return."""

    def __init__(self, ds, max_day: int = 4, lang: str = "zh") -> None:
        super().__init__()
        self._ds = ds
        self._lang = lang
        self._model = forecast_model(ds, max_day)
        self._build_controls()
        self._build_figure()
        self._summary = widgets.HTML()
        self._messages = widgets.Output()
        self.children = [widgets.HBox([self._scene, self._day]), self._summary, self._messages, self._fig]
        self.update()

    # builders
    def _build_controls(self) -> None:
        sc = self._ds.scenes
        n = self._ds.scene_daily.groupby("scene_id").size()
        sc = sc[sc["scene_id"].isin(n[n >= 3].index)].sort_values("scene_id")
        options = [(f"{int(r.scene_id)} · {r.scene_name}", int(r.scene_id)) for r in sc.itertuples()]
        if not options:
            raise DataError("没有可观察的场景。", "There is no scene to observe.")
        first = example_scene_id(self._ds)
        self._scene = widgets.Dropdown(options=options, value=first if first in dict(options).values() else options[0][1],
                                       description="场景" if self._lang != "en" else "scene",
                                       layout=widgets.Layout(width="420px"))
        self._day = widgets.IntSlider(value=3, min=1, max=30, description="观察到第几天" if self._lang != "en" else "day",
                                      continuous_update=False, style={"description_width": "initial"})
        self._scene.observe(self._on_change, names="value")
        self._day.observe(self._on_change, names="value")

    def _build_figure(self) -> None:
        self._fig = go.FigureWidget()
        self._fig.add_trace(go.Bar(name="增量毛利(元)" if self._lang != "en" else "margin", marker_color="#28b463"))
        self._fig.add_trace(go.Bar(name="成本(元)" if self._lang != "en" else "cost", marker_color="#7f8c8d"))
        self._fig.update_layout(barmode="group", height=360, margin={"l": 60, "r": 20, "t": 40, "b": 40},
                                xaxis={"title": "天" if self._lang != "en" else "day"})

    # callbacks
    def _on_change(self, change) -> None:
        with self._messages:
            self.update()

    def update(self) -> None:
        """Redraw for the chosen scene and day."""
        self._messages.clear_output()
        try:
            cum = cumulative(self._ds, self._scene.value)
        except O2OError as err:
            with self._messages:
                print(str(err))
            return
        self._day.max = int(cum.index.max())
        k = min(self._day.value, int(cum.index.max()))
        upto = cum.loc[:k]
        daily = upto[["incremental_margin_yuan", "cost_yuan"]].diff().fillna(upto[["incremental_margin_yuan", "cost_yuan"]])
        with self._fig.batch_update():
            self._fig.data[0].x, self._fig.data[0].y = list(upto.index), list(daily["incremental_margin_yuan"])
            self._fig.data[1].x, self._fig.data[1].y = list(upto.index), list(daily["cost_yuan"])
            self._fig.layout.title = (f"场景 {self._scene.value}:第 1–{k} 天的每日增量毛利与成本" if self._lang != "en"
                                      else f"Scene {self._scene.value}: daily margin and cost, days 1-{k}")
        w = upto["worth"].iloc[-1]
        final = cum["worth"].iloc[-1]
        line = ""
        if k in self._model and k < len(cum):
            a, b = self._model[k]
            line = (f";按历史经验预测最终约为 <b>{a + b * w:.3f}</b>(实际最终 {final:.3f})" if self._lang != "en"
                    else f"; forecast of the final value: <b>{a + b * w:.3f}</b> (actual {final:.3f})")
        self._summary.value = (
            f"截至第 {k} 天:累计触达 {int(upto['reach'].iloc[-1]):,},成交 {int(upto['conversions'].iloc[-1]):,},"
            f"每元成本增量毛利 <b>{w:.3f}</b>{line}" if self._lang != "en" else
            f"Up to day {k}: reach {int(upto['reach'].iloc[-1]):,}, conversions {int(upto['conversions'].iloc[-1]):,}, "
            f"margin per yuan <b>{w:.3f}</b>{line}")


def observer_panel(ds, lang: str = "zh") -> ObserverPanel:
    """The observer panel of lesson 24."""
    return ObserverPanel(ds, lang=lang)
