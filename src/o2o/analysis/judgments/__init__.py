"""Judgment exercises of the lessons: the right option and every option's reason, computed from the data.

Each builder takes the table its lesson has already computed and returns an
:class:`o2o.judgment.Judgment`. The right option is decided by the data (if the data changed so
that another option became right, the check would follow), and each wrong option's reason quotes
the number that rules it out.
"""

from __future__ import annotations

from .early import *  # noqa: F401,F403
from .early import __all__ as _early
from .late import *  # noqa: F401,F403
from .late import __all__ as _late

__all__ = [*_early, *_late]
