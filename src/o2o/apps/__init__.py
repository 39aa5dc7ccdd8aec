"""The Voila apps alumni open after the course, and the locked-down server behind them.

Each app is a class composing the widgets of :mod:`o2o.widgets`; each app notebook in
``widgets/`` only imports it, builds one and displays it. ``o2o app`` serves them.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_CLASSES = {
    "SceneSimulatorApp": "o2o.apps.scene_simulator",
    "StoreNetworkApp": "o2o.apps.store_network",
    "MaturityApp": "o2o.apps.maturity",
}

__all__ = list(_CLASSES)


def __getattr__(name: str) -> Any:
    if name in _CLASSES:
        return getattr(import_module(_CLASSES[name]), name)
    raise AttributeError(f"module 'o2o.apps' has no attribute {name!r}")
