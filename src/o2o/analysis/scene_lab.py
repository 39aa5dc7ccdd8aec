"""A scene lab for the lessons: the kit's ``SceneBuilder`` form above its ``FiveWDashboard``.

Press the form's button with a valid design: the scene is simulated on the dataset's world
(seeded, so the same design gives the same result) and its 5W evaluation is shown below.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from ..errors import O2OError

__all__ = ["SceneLab"]


class SceneLab(widgets.VBox):
    """Design a scene, simulate it, read its 5W evaluation (builder above, dashboard below)."""

    def __init__(self, ds: Any, scene: Any = None, draws: int = 200, seed: int = 0, lang: str = "zh",
                 run_now: bool = False) -> None:
        super().__init__()
        from ..scenes import World
        from ..widgets import FiveWDashboard, SceneBuilder

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
        from ..scenes import simulate
        from ..scenes.fivew import evaluate

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
