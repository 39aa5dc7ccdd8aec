"""Module 6, crossing boundaries (lessons 31–36), split by lesson theme:

======  ========================  ==========================================
lesson  module                    what
======  ========================  ==========================================
31      :mod:`.growth`            growth from within and outward
32      :mod:`.partners`          cross-industry partners and cost sharing
33      :mod:`.scorecard`         the store scorecard
34      :mod:`.rollout`           scaling the pilot up
35      :mod:`.portfolio`         a scene portfolio and fatigue
36      :mod:`.roadmap`           the three points and the roadmap
======  ========================  ==========================================

This module only re-exports them under their old names, so code written against
``o2o.analysis.crossing`` keeps working; new code imports the themed module.
"""

from __future__ import annotations

from ._frames import CONTROL, DIRECT, ENGAGED, HQ, NONE, PILOT, SQUAD, TIERS  # noqa: F401
from .growth import *  # noqa: F401,F403
from .growth import __all__ as _growth
from .partners import *  # noqa: F401,F403
from .partners import __all__ as _partners
from .portfolio import *  # noqa: F401,F403
from .portfolio import __all__ as _portfolio
from .roadmap import *  # noqa: F401,F403
from .roadmap import __all__ as _roadmap
from .rollout import *  # noqa: F401,F403
from .rollout import __all__ as _rollout
from .scorecard import *  # noqa: F401,F403
from .scorecard import SUGGESTIONS  # noqa: F401
from .scorecard import __all__ as _scorecard

__all__ = [*_growth, *_partners, *_scorecard, *_rollout, *_portfolio, *_roadmap]
