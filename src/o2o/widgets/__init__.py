"""Interactive widgets of the course (ipywidgets + plotly ``FigureWidget``).

* :class:`SceneBuilder` — design a scene, every field validated inline;
* :class:`FiveWDashboard` — the 5W radar beside its metrics, and a day-by-day playback;
* :class:`StoreNetwork` — all stores on an offline map of Guangdong, with filters;
* :class:`FanTiers` — members by tier and their moves between two months;
* :class:`MaturityAssessment` — the maturity self-test with its 80 % gate.

The lesson labs compose these over the dataset (import their modules directly):
:mod:`o2o.widgets.scene_lab` (``SceneLab``, lessons 18-22), :mod:`o2o.widgets.observer_panel`
(lesson 24) and :mod:`o2o.widgets.portfolio_lab` (``PortfolioLab``, lesson 35).

Labels are Chinese; ``widget.set_lang("en")`` switches them to English. Classes are
imported on first use, so ``import o2o.widgets`` stays light.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_CLASSES = {
    "SceneBuilder": "o2o.widgets.scene_builder",
    "FiveWDashboard": "o2o.widgets.fivew_dashboard",
    "StoreNetwork": "o2o.widgets.store_network",
    "FanTiers": "o2o.widgets.fan_tiers",
    "MaturityAssessment": "o2o.widgets.maturity",
}

__all__ = list(_CLASSES)


def __getattr__(name: str) -> Any:
    if name in _CLASSES:
        return getattr(import_module(_CLASSES[name]), name)
    raise AttributeError(f"module 'o2o.widgets' has no attribute {name!r}")
