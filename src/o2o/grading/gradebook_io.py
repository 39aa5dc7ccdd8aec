"""Write grading results into nbgrader's own gradebook - atomically, one student at a time.

Grades are computed by nbgrader's code (``SaveAutoGrades.preprocess_cell`` -> ``utils.determine_grade``,
``AssignLatePenalties``), against nbgrader's ``Gradebook`` API, so formgrader, ``generate_feedback`` and
``export`` see exactly what ``nbgrader autograde`` would have written. The nbgrader API commits after
each call; here those commits become flushes and the student's whole result is committed once (or
rolled back), so a crash never leaves a student half-written. The database is backed up (SQLite
online backup) before a run.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import logging
import sqlite3
from pathlib import Path
from typing import Any, Iterator

from nbformat import from_dict
from nbgrader.api import Gradebook
from nbgrader.preprocessors import AssignLatePenalties, SaveAutoGrades

log = logging.getLogger("o2o.grading")


def sqlite_path(db_url: str) -> Path | None:
    if db_url.startswith("sqlite:///"):
        return Path(db_url[len("sqlite:///"):])
    return None


def backup(db_url: str, keep: int = 10) -> Path | None:
    """Copy the gradebook next to itself as ``gradebook.db.bak-YYYYmmdd-HHMMSS``; keep the newest ``keep``."""
    path = sqlite_path(db_url)
    if path is None or not path.exists():
        return None
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    dest = path.with_name(f"{path.name}.bak-{stamp}")
    src = sqlite3.connect(str(path))
    dst = sqlite3.connect(str(dest))
    with dst:
        src.backup(dst)
    src.close()
    dst.close()
    olds = sorted(path.parent.glob(f"{path.name}.bak-*"))
    for old in olds[:-keep]:
        old.unlink()
    return dest


@contextlib.contextmanager
def one_transaction(gb: Gradebook) -> Iterator[None]:
    """Within the block nbgrader's commits only flush; commit once at the end or roll everything back."""
    session = gb.db
    real_commit = session.commit
    session.commit = session.flush  # type: ignore[method-assign]
    try:
        yield
    except BaseException:
        session.commit = real_commit  # type: ignore[method-assign]
        session.rollback()
        raise
    session.commit = real_commit  # type: ignore[method-assign]
    session.commit()


def write_student(gb: Gradebook, assignment_id: str, student_id: str,
                  notebooks: dict[str, dict[str, Any] | None], timestamp: _dt.datetime | None,
                  late: AssignLatePenalties | None = None) -> dict[str, float]:
    """Record one student's graded notebooks (None = notebook missing); returns score per notebook."""
    scores: dict[str, float] = {}
    with one_transaction(gb):
        gb.update_or_create_student(student_id)
        if timestamp is not None:
            gb.update_or_create_submission(assignment_id, student_id, timestamp=timestamp)
        else:
            gb.update_or_create_submission(assignment_id, student_id)
        for name, nbdict in notebooks.items():
            submission = gb.find_submission_notebook(name, assignment_id, student_id)
            if nbdict is None:
                for grade in submission.grades:
                    grade.auto_score = 0
                    grade.needs_manual_grade = False
                gb.db.flush()
            else:
                nb = from_dict(nbdict)
                saver = SaveAutoGrades()
                saver.gradebook = gb
                saver.notebook_id, saver.assignment_id, saver.student_id = name, assignment_id, student_id
                for i, cell in enumerate(nb.cells):
                    saver.preprocess_cell(cell, {}, i)
            _late_penalty(gb, late, name, assignment_id, student_id)
            gb.db.flush()
            scores[name] = float(gb.find_submission_notebook(name, assignment_id, student_id).score)
    return scores


def _late_penalty(gb: Gradebook, late: AssignLatePenalties | None, name: str, assignment_id: str,
                  student_id: str) -> None:
    """The body of nbgrader's ``AssignLatePenalties.preprocess`` on our session."""
    if late is None:
        late = AssignLatePenalties()
    try:
        plugin = late.plugin_inst
    except Exception:
        plugin = None
    if plugin is None:
        late.init_plugin()
    assignment = gb.find_submission(assignment_id, student_id)
    notebook = gb.find_submission_notebook(name, assignment_id, student_id)
    notebook.late_submission_penalty = None
    if assignment.total_seconds_late > 0:
        penalty = late.plugin_inst.late_submission_penalty(student_id, notebook.score, assignment.total_seconds_late)
        if penalty is not None:
            notebook.late_submission_penalty = late._check_late_penalty(notebook, penalty)
