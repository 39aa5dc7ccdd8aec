"""The instructor's cohort debrief (班级复盘): a class's results, read from nbgrader's own gradebook.

After an assignment is autograded (``o2o grade`` or ``nbgrader autograde``) and the written answers
are graded in formgrader, the debrief shows, for the class discussion:

* :func:`score_table` / :func:`score_distribution` / :func:`score_figure` — every question's
  score distribution, from the gradebook (nbgrader's ``Gradebook`` API, read only);
* :func:`common_failures` — the commonest failure messages, read from the error outputs of the
  test cells in the autograded notebooks (the public checks' Chinese sentences; a hidden test
  that failed is counted as such, its code never shown);
* :func:`class_rollouts` / :func:`rollouts_figure` — the capstone memos' analyses of the whole class
  side by side: each student's answers are read back as *data* from their graded notebook (never by
  running their code) next to the answers of their own data variant, look-ahead answers marked.

:func:`demo_class` builds a small seeded class (a real gradebook and autograded notebooks) from
the capstone's answers with typical variations, so the debrief notebook runs without a real cohort.
"""


from __future__ import annotations

from .demo import demo_class
from .failures import common_failures, failure_messages, normalise_message
from .gradebook import HIDDEN_FAILURE, NOT_RUN, ClassCourse, open_class, score_distribution, score_figure, score_table
from .rollouts import class_rollouts, rollouts_figure, student_answers

__all__ = [
    "ClassCourse", "open_class", "score_table", "score_distribution", "score_figure", "failure_messages",
    "common_failures", "normalise_message", "class_rollouts", "rollouts_figure", "student_answers", "demo_class",
    "HIDDEN_FAILURE", "NOT_RUN",
]
