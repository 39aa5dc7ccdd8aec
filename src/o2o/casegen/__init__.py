"""The case generator: builds the synthetic Meiyijia-style dataset that ``o2o.data`` describes and reads.

It sits above :mod:`o2o.scenes`: the year's historical scenes are simulated with the same engine the
students use. Everything below it (schema, calibration, loader, checks) lives in :mod:`o2o.data`.
"""

from .build import build
from .fingerprint import generator_fingerprint

__all__ = ["build", "generator_fingerprint"]
