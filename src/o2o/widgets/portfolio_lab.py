"""A portfolio lab for lesson 35: three scenes for one store, edited one at a time, judged as a plan.

Pick a scene with the buttons, change it in the kit's ``SceneBuilder`` form and press the form's
button: the whole plan is checked against its rules (one store, the budget, the launch window, at
least two scene types, no overlap), simulated with the plan's own earlier scenes counting as
fatigue, and shown as a table; the chosen scene's 5W evaluation appears in the ``FiveWDashboard``.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets

from ..analysis import portfolio
from ..errors import O2OError
from ..scenes import World
from .fivew_dashboard import FiveWDashboard
from .scene_builder import SceneBuilder

__all__ = ["PortfolioLab"]

_SQUAD = "一线小分队"


class PortfolioLab(widgets.VBox):
    """Edit a three-scene plan for one store and compare the scenes on margin, cost and the 5W."""

    def __init__(self, ds: Any, plan: Sequence[Any], store: int, max_total_budget: float = 5000.0,
                 launch_from: str = "2015-09-01", launch_to: str = "2015-11-30", draws: int = 200, seed: int = 35,
                 lang: str = "zh") -> None:
        super().__init__()
        if not plan:
            raise O2OError("方案里至少要有一个场景。", "The plan needs at least one scene.")
        self._world = World.from_dataset(ds)
        self._store = int(store)
        self._rules = dict(max_total_budget=float(max_total_budget), launch_from=launch_from, launch_to=launch_to)
        self._draws, self._seed, self._lang = int(draws), seed, lang
        self.plan: list[Any] = list(plan)
        self.runs: list[tuple[Any, Any, Any]] = []
        self.problems: list[str] = []
        self._build_controls(ds)
        self.children = [self._picker, self._builder, self._status, self._table, self._dashboard]
        self._builder.set_scene(self.plan[0])
        self.update()

    # ------------------------------------------------------------------ builders

    def _build_controls(self, ds: Any) -> None:
        self._picker = widgets.ToggleButtons(options=[(f"场景{i + 1}", i) for i in range(len(self.plan))], value=0,
                                             description="编辑 / edit")
        self._builder = SceneBuilder.for_dataset(self._world, ds, lang=self._lang)
        self._dashboard = FiveWDashboard(lang=self._lang)
        self._status = widgets.HTML()
        self._table = widgets.HTML()
        self._builder.on_submit(self._on_submit)
        self._picker.observe(self._on_pick, names="value")

    # ------------------------------------------------------------------ callbacks

    @property
    def selected(self) -> int:
        """Index of the scene being edited."""
        return int(self._picker.value)

    def _on_pick(self, change: dict) -> None:
        self._builder.set_scene(self.plan[self.selected])
        self._show_selected()

    def _on_submit(self, scene: Any) -> None:
        self.replace(self.selected, scene)

    def replace(self, index: int, scene: Any) -> None:
        """Put ``scene`` in place ``index`` of the plan and re-run the plan."""
        if scene.initiator == _SQUAD and not scene.store_ids:
            home = self._world.squad_store(scene.squad_id)
            if home is not None:
                scene = scene.with_changes(store_ids=(home,))
        self.plan[int(index)] = scene
        self.update()

    # ------------------------------------------------------------------ the one update

    def update(self) -> None:
        """Check the plan's rules, simulate it, and redraw the table, the messages and the dashboard."""
        self.problems = portfolio.portfolio_problems(self.plan, self._store, self._world, **self._rules)
        try:
            self.runs = portfolio.simulate_portfolio(self.plan, self._world, draws=self._draws, seed=self._seed)
        except O2OError as err:
            self.runs = []
            self.problems = self.problems + [str(err).splitlines()[0]]
        with self.hold_sync():
            if self.problems:
                items = "".join(f"<li>{html.escape(p)}</li>" for p in self.problems)
                self._status.value = f"<div style='color:#b42318'><b>方案还需要修改:</b><ul>{items}</ul></div>"
            else:
                self._status.value = "<div style='color:#067647'><b>✓ 方案满足全部规则。</b></div>"
            if self.runs:
                table = portfolio.portfolio_table(self.runs)
                self._table.value = table.to_html(index=False, float_format=lambda v: f"{v:,.2f}", na_rep="")
            else:
                self._table.value = ""
        self._show_selected()

    def _show_selected(self) -> None:
        chosen = self.plan[self.selected]
        for scene, result, report in self.runs:
            if scene is chosen:
                self._dashboard.show(result, report)
                return

    # ------------------------------------------------------------------ parts (for tests and notebooks)

    @property
    def builder(self):
        return self._builder

    @property
    def dashboard(self):
        return self._dashboard

    @property
    def table_html(self) -> str:
        return self._table.value

    @property
    def status_html(self) -> str:
        return self._status.value
