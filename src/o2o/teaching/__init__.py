"""What an instructor needs beside the lessons: session plans, discussion notes and example memos.

The three are data in ``course/`` (``sessions.yml``, ``discussions.yml``, ``memos.yml``), validated here
against the syllabus, the lessons and the assignments, and rendered into the instructor's guide
(``course/INSTRUCTOR.md``, ``docs/session-plans.md``, ``docs/discussion-notes.md``, ``docs/example-memos.md``) by
:mod:`o2o.teaching.render`; ``python -m o2o.teaching`` writes the rendered files again.

>>> from o2o.teaching import load_sessions
>>> plan = load_sessions()
>>> sorted({seg.lesson for s in plan.sessions for seg in s.segments if seg.lesson})[:3]
[1, 2, 3]
"""

from o2o.teaching.common import TeachingError, course_file
from o2o.teaching.discussions import Discussion, DiscussionNote, find_discussions, load_notes, match_notes
from o2o.teaching.memos import ExampleMemo, MemoQuestion, load_memos
from o2o.teaching.plans import Segment, Session, SessionPlan, load_sessions

__all__ = [
    "Discussion", "DiscussionNote", "ExampleMemo", "MemoQuestion", "Segment", "Session", "SessionPlan",
    "TeachingError", "course_file", "find_discussions", "load_memos", "load_notes", "load_sessions", "match_notes",
]
