"""The offline map background: a coarse Guangdong outline and city centres.

The geometry is a small package resource (``o2o/resources/geo/guangdong.json``) authored
by hand for the course from commonly known approximate coordinates; it is drawn with
plain plotly ``Scatter`` traces, so no map tiles (and no internet) are needed. It is a
sketch: errors reach tens of kilometres.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from importlib import resources

#: latitude used for the equirectangular aspect ratio of the map
MID_LAT = 23.0


@lru_cache(maxsize=1)
def guangdong() -> dict:
    """The outline (list of ``[lon, lat]``) and the city centres (name -> ``[lon, lat]``)."""
    text = resources.files("o2o").joinpath("resources/geo/guangdong.json").read_text(encoding="utf-8")
    return json.loads(text)


def outline_xy() -> tuple[list[float], list[float]]:
    """Longitudes and latitudes of the closed outline."""
    pts = guangdong()["outline"]
    return [p[0] for p in pts], [p[1] for p in pts]


def aspect_ratio() -> float:
    """``yaxis.scaleratio`` that makes a degree of longitude as long as on the ground."""
    return 1.0 / math.cos(math.radians(MID_LAT))


def point_in_outline(lon: float, lat: float) -> bool:
    """Whether a point lies inside the outline (ray casting)."""
    xs, ys = outline_xy()
    inside = False
    j = len(xs) - 1
    for i in range(len(xs)):
        if (ys[i] > lat) != (ys[j] > lat):
            x_cross = xs[i] + (lat - ys[i]) * (xs[j] - xs[i]) / (ys[j] - ys[i])
            if lon < x_cross:
                inside = not inside
        j = i
    return inside
