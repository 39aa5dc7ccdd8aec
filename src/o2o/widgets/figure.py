"""``figure()``: a plotly ``FigureWidget`` that is light to send to a Voila page.

A plain ``FigureWidget`` carries plotly's whole front-end bundle (about 5 MB) in its
widget state, once per figure, over the websocket. Under ``o2o app`` the server serves
that bundle as a compressed static file under its content hash (cached by the browser for
a year), and sets ``O2O_PLOTLY_ESM`` to that name; figures made
here then carry a three-line loader instead. Anywhere else (JupyterLab, tests) they are
ordinary ``FigureWidget`` objects.
"""

from __future__ import annotations

import functools
import json
import os
import re
from typing import Any

import plotly.graph_objects as go


def _loader(asset: str) -> str:
    """The widget's front-end module. On the apps' pages it hands plotly's served bundle to the page
    script's ``o2oServedFigure`` (``frontend/src/served-figure.js``): the figure is drawn at once as
    an SVG from its own data, and plotly, loaded after that, takes over the box. Without the page
    script (Voila's own front end) plotly draws each figure once its box is on the page (plotly
    sizes a figure without a fixed width to its box when it first draws it; a box not yet on the
    page measures 0 and would give plotly's default 700 px)."""
    return (
        'const cfg = JSON.parse(document.getElementById("jupyter-config-data").textContent);\n'
        'const base = (cfg.fullLabextensionsUrl || ((cfg.baseUrl || "/") + "voila/labextensions")).replace(/\\/?$/, "/");\n'
        f"const url = new URL(base + {json.dumps(asset)}, document.baseURI).href;\n"
        "const load = () => import(url);\n"
        "const frame = () => new Promise((done) => requestAnimationFrame(done));\n"
        "async function plain() {\n"
        "  const widget = (await load()).default();\n"
        "  return {\n"
        "    initialize: (ctx) => widget.initialize(ctx),\n"
        "    async render(ctx) {\n"
        "      for (let i = 0; i < 60 && !(ctx.el.isConnected && ctx.el.clientWidth > 0); i++) await frame();\n"
        "      return widget.render(ctx);\n"
        "    },\n"
        "  };\n"
        "}\n"
        "export default () => (window.o2oServedFigure ? window.o2oServedFigure(load) : plain());\n"
    )


#: the names ``o2o app`` serves plotly's bundle under (its content hash in the name)
SERVED_ASSET = re.compile(r"o2o-plotly/widgetbundle\.[0-9a-f]{16}\.js")


class ServedFigureWidget(go.FigureWidget):
    """A ``FigureWidget`` whose front-end code is fetched from the ``o2o app`` server."""


@functools.lru_cache(maxsize=4)
def _served_class(asset: str) -> type:
    return type("ServedFigureWidget", (ServedFigureWidget,), {"_esm": _loader(asset)})


def figure(*args: Any, **kwargs: Any) -> go.FigureWidget:
    """A ``FigureWidget`` (the served kind under ``o2o app``)."""
    asset = os.environ.get("O2O_PLOTLY_ESM", "")
    if SERVED_ASSET.fullmatch(asset):
        return _served_class(asset)(*args, **kwargs)
    return go.FigureWidget(*args, **kwargs)


#: widths the apps' page stylesheet knows (``.o2o-fig-<px>``: that wide, no wider than the page)
FIT_WIDTHS = (760, 940)


def fit_width(fig: go.FigureWidget, px: int) -> None:
    """Make ``fig`` ``px`` wide on a desktop and no wider than a phone's screen.

    Under ``o2o app`` the figure gets the page stylesheet's class ``o2o-fig-<px>`` and no fixed
    width, so plotly sizes it to that box when it draws it (a 390 px phone gets a 380 px
    figure, a desktop the full ``px``); elsewhere (JupyterLab) the layout width is ``px``."""
    if px not in FIT_WIDTHS:
        raise ValueError(f"fit_width supports {FIT_WIDTHS} px (the page stylesheet's classes), not {px}")
    if isinstance(fig, ServedFigureWidget):
        fig.add_class(f"o2o-fig-{px}")
        fig.layout.width = None
    else:
        fig.layout.width = px
