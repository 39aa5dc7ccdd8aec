"""Late-submission policy for the course: marks are subtracted, never the whole grade.

nbgrader's built-in plugin can only give no penalty or zero for a late notebook. An
executive class works around travel and board meetings, so the kit's policy is milder
and predictable:

* a grace period (default 15 minutes) costs nothing;
* after that, every started day late costs ``percent_per_day`` percent of the
  notebook's *earned* score (default 10%), up to ``max_percent``
  (default 50%): a late but good memo still counts.

Selected in ``course/nbgrader_config.py`` with::

    c.AssignLatePenalties.plugin_class = "o2o.assignments.late.SubMarks"
    c.SubMarks.percent_per_day = 10
"""

from __future__ import annotations

import math

from nbgrader.plugins import LateSubmissionPlugin
from traitlets import Float


class SubMarks(LateSubmissionPlugin):
    """Subtract a share of the earned score per started day late, after a grace period."""

    grace_minutes = Float(
        15.0,
        help="Minutes after the due date that cost nothing (clock skew, a slow upload).",
    ).tag(config=True)

    percent_per_day = Float(
        10.0,
        help="Percent of the notebook's earned score subtracted per started day late.",
    ).tag(config=True)

    max_percent = Float(
        50.0,
        help="The penalty never exceeds this percent of the earned score.",
    ).tag(config=True)

    def late_submission_penalty(
        self, student_id: str, score: float, total_seconds_late: float
    ) -> float | None:
        """Return the marks to subtract (``None`` when the submission is not late)."""
        if total_seconds_late <= self.grace_minutes * 60 or score <= 0:
            return None
        days = math.ceil((total_seconds_late - self.grace_minutes * 60) / 86400)
        percent = min(self.percent_per_day * days, self.max_percent)
        penalty = round(score * percent / 100.0, 2)
        self.log.info(
            "Late submission by %s: %.0f s late, %d day(s) -> penalty %.2f of %.2f",
            student_id, total_seconds_late, days, penalty, score,
        )
        return penalty
