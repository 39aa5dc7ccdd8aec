"""The 场景模拟器 app: design a scene, simulate it, read its 5W evaluation, and compare it
with what the chain's squads and HQ actually did in 2015 (the historical scenes)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from o2o.apps.base import App
from o2o.i18n import label
from o2o.scenes import World, simulate
from o2o.scenes.fivew import evaluate
from o2o.scenes.history import evaluate_history, historical_scene
from o2o.widgets.base import FieldSpec, FrozenHBox, GuardedButton, Panel, Problem, guarded, safe, tr
from o2o.widgets.fivew_dashboard import FiveWDashboard
from o2o.widgets.scene_builder import SceneBuilder

DRAWS = 200
SEED = 2015
NONE = 0  # "no comparison" in the history picker


def sample_history(scenes: pd.DataFrame) -> pd.DataFrame:
    """One historical scene per (battle, initiator): a short, varied list to compare with."""
    df = scenes.sort_values("scene_id")
    return df.groupby(["battle", "initiator"], sort=False, observed=True).head(1).sort_values(
        ["scene_type", "battle", "initiator"]).reset_index(drop=True)


class HistoryPicker(Panel):
    """Pick a historical scene: its 5W radar is drawn beside yours; load it into the form."""

    def __init__(self, scenes: pd.DataFrame, lang: str = "zh", **kwargs: Any) -> None:
        super().__init__(lang=lang, **kwargs)
        self._rows = sample_history(scenes)
        ids = (NONE, *(int(i) for i in self._rows["scene_id"]))
        self._spec = FieldSpec("history", "对比历史场景", "Compare with", "choice", options=ids)
        self._pick = guarded(self._spec, self._refused, lang=lang, layout={"width": "520px"})
        self._pick.style = {"description_width": "110px"}
        self._load = GuardedButton()
        self._on_pick: list = []
        self._on_load: list = []
        self._pick.observe(self._picked, names="value")
        self._load.on_click(self._loaded)
        self.children = [FrozenHBox([self._pick, self._load]), self._messages]
        self._relabel()

    def _label(self, sid: int) -> str:
        if sid == NONE:
            return tr("(不对比)", "(no comparison)", self.lang)
        r = self._rows.loc[self._rows["scene_id"] == sid].iloc[0]
        where = label(r["target_city"], self.lang) if isinstance(r["target_city"], str) else tr("全网", "whole chain", self.lang)
        if r["initiator"] == "一线小分队":
            where = tr(f"门店 {int(r['store_id'])}", f"store {int(r['store_id'])}", self.lang)
        return (f"#{sid} {label(r['scene_type'], self.lang)} · {label(r['battle'], self.lang)} · "
                f"{label(r['initiator'], self.lang)} · {where} · {pd.Timestamp(r['launch_date']).date()}")

    def _relabel(self) -> None:
        value = self._pick.value
        self._quiet = True
        try:
            self._pick.description = self._spec.name(self.lang)
            self._pick.options = [(self._label(s), s) for s in self._spec.options]
            self._pick.value = value
        finally:
            self._quiet = False
        self._load.description = tr("载入表单", "Load into the form", self.lang)

    def on_pick(self, cb) -> None:
        self._on_pick.append(cb)

    def on_load(self, cb) -> None:
        self._on_load.append(cb)

    @safe
    def _picked(self, change: dict) -> None:
        if not self._quiet:
            for cb in self._on_pick:
                cb(self._pick.value, self._label(self._pick.value) if self._pick.value else "")

    @safe
    def _loaded(self, _b: Any = None) -> None:
        if self._pick.value == NONE:
            self._messages.show(Problem("请先选择一个历史场景。", "Choose a historical scene first."), "warning", self.lang)
            return
        for cb in self._on_load:
            cb(self._pick.value)

    def pick(self, scene_id: int) -> None:
        """Select a historical scene from Python (0 for none)."""
        problem = self._spec.problem(scene_id)
        if problem is not None:
            self._messages.show(problem, "error", self.lang)
            return
        self._pick.value = scene_id

    def update(self) -> None:
        self._messages.clear()


class SceneSimulatorApp(App):
    """Build a scene, simulate it, see its 5W evaluation; compare with historical scenes."""

    title_zh = "场景模拟器"
    title_en = "Scene simulator"
    intro_zh = ("设计一个营销场景:谁发起、打哪一仗、何时上线、走哪些渠道、给什么激励。按“模拟”后,"
                "右侧用第18讲的 5W 理论(谁主导、怎么做、谁传播、为何传播、效果评估)给它打分,并逐日回放。")
    intro_en = ("Design a marketing scene: who starts it, which battle, when it launches, through which channels, "
                "with what incentive. Press simulate to score it with lecture 18's 5W theory (Who, What, Way, Why, "
                "Worth) and play it back day by day.")

    def _build(self, data: Any) -> list:

        self._ds = data
        self.world = World.from_dataset(data)
        self.builder = SceneBuilder.for_dataset(self.world, data, lang=self.lang)
        self.dashboard = FiveWDashboard(lang=self.lang)
        self.history = HistoryPicker(data.scenes, lang=self.lang)
        self.builder.on_submit(self.run)
        self.history.on_pick(self._compare_history)
        self.history.on_load(self._load_history)
        self.runs = 0
        return [self.builder, self.history, self.dashboard]

    def run(self, scene: Any) -> None:
        """Simulate ``scene`` (a valid design) and show its 5W evaluation."""

        result = simulate(scene, self.world, draws=DRAWS, seed=SEED)
        report = evaluate(result)
        self.runs += 1
        self.dashboard.show(result, report)

    def _compare_history(self, scene_id: int, name: str) -> None:

        if scene_id == NONE:
            self.dashboard.set_reference(None, "")
            return
        self.dashboard.set_reference(evaluate_history(self._ds, scene_id), tr("历史", "history", self.lang) + f" #{scene_id}")

    def _load_history(self, scene_id: int) -> None:

        scene = historical_scene(self._ds, scene_id)
        self.builder.set_scene(scene.with_changes(name=f"{scene.name}"[:40]))
