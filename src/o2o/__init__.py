"""O2O践行 course kit: synthetic Meiyijia-style data, scenes and the 5W evaluation.

>>> import o2o
>>> ds = o2o.load()          # doctest: +SKIP
"""

__version__ = "0.1.0"


def load(path=None, validate: bool = True):
    """Open the course dataset (default: ``datasets/default``). See :func:`o2o.data.load`."""
    from .data.load import load as _load

    return _load(path, validate=validate)
