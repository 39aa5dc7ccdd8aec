"""Scene labs for the lessons: the kit's ``SceneBuilder`` form above its ``FiveWDashboard``.

Press the form's button with a valid design: the scene is simulated on the dataset's world
(seeded, so the same design gives the same result) and its 5W evaluation is shown below.
:func:`scene_designer` (lesson 18) starts from a given scene, :func:`battle_designer` (lessons 19
and 20) from a typical scene of one battle; :func:`history_dashboard` (lessons 21 and 22) shows a
historical scene of the dataset in the dashboard.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from ..analysis.scenes_history import starter_scene
from ..errors import O2OError
from ..scenes import World, simulate
from ..scenes.fivew import evaluate
from ..scenes.history import history_result
from .fivew_dashboard import FiveWDashboard
from .scene_builder import SceneBuilder

__all__ = ["SceneLab", "scene_designer", "battle_designer", "history_dashboard"]


class SceneLab(widgets.VBox):
    """Design a scene, simulate it, read its 5W evaluation (builder above, dashboard below)."""

    def __init__(self, ds: Any, scene: Any = None, draws: int = 200, seed: int = 0, lang: str = "zh",
                 run_now: bool = False) -> None:
        super().__init__()
        self._ds = ds
        self._draws = int(draws)
        self._seed = seed
        self._world = World.from_dataset(ds)
        self._builder = SceneBuilder.for_dataset(self._world, ds, lang=lang)
        self._dashboard = FiveWDashboard(lang=lang)
        self._messages = widgets.Output()
        self._builder.on_submit(self._on_submit)
        self.runs = 0
        self.children = [self._builder, self._messages, self._dashboard]
        if scene is not None:
            self._builder.set_scene(scene)
            if run_now:
                self.run(scene)

    # callbacks
    def _on_submit(self, scene: Any) -> None:
        with self._messages:
            self.run(scene)

    def run(self, scene: Any) -> None:
        """Simulate ``scene`` and show its 5W evaluation; a bad design shows its problems instead."""
        self._messages.clear_output()
        try:
            result = simulate(scene, self._world, draws=self._draws, seed=self._seed)
            report = evaluate(result)
        except O2OError as err:
            with self._messages:
                print(str(err))
            return
        self.runs += 1
        self.result, self.report = result, report
        self._dashboard.show(result, report)

    @property
    def builder(self):
        return self._builder

    @property
    def dashboard(self):
        return self._dashboard


def scene_designer(ds: Any, scene: Any = None, run: bool = True) -> SceneLab:
    """The lessons' scene lab, starting from ``scene``.

    With ``run=True`` the starting scene is simulated at once, so the dashboard is filled when shown.
    """
    return SceneLab(ds, scene, run_now=run and scene is not None)


def battle_designer(ds: Any, battle: str) -> SceneLab:
    """The scene lab, starting from :func:`o2o.analysis.scenes_history.starter_scene` for ``battle``."""
    return scene_designer(ds, starter_scene(ds, battle))


def history_dashboard(ds: Any, scene_id: int, reference_id: int | None = None, lang: str = "zh") -> FiveWDashboard:
    """The ``FiveWDashboard`` showing a historical scene, optionally with a second scene as reference."""
    result = history_result(ds, int(scene_id))
    dash = FiveWDashboard(lang=lang)
    dash.show(result, evaluate(result))
    if reference_id is not None:
        ref = history_result(ds, int(reference_id))
        dash.set_reference(evaluate(ref), str(ref.scene.name))
    return dash
