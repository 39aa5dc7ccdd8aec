"""The expected answers of the autograded questions that depend on a student's data variant.

One function per assignment, called with the dataset a student works on (``o2o.load()``: their own
variant in their server and on the grader's trusted side). The hidden tests compare with it, and the
debrief compares every student's answers with every variant's to spot an answer copied from a
classmate (:func:`o2o.debrief.variant_matches`).
"""

from __future__ import annotations

from typing import Any

from ..data.variants import q1_scenes, q2_store
from ..scenes import did, evaluate_history, pilot_panel

#: answer cell -> how close a number must be to count as the same answer (the hidden test's tolerance);
#: ``None``: compared exactly.
M4_TOLERANCE: dict[str, float | None] = {"q1-answer": None, "q2-answer": None, "q3-answer": 0.0005,
                                         "q4-answer": 0.005}


def m4_q1(ds: Any) -> tuple[int, str]:
    """Question 1: the top squad scene (incremental margin) among the variant's candidates, and its weakest W."""
    squad = q1_scenes(ds)
    daily = ds.scene_daily
    margin = daily[daily["scene_id"].isin(squad["scene_id"])].groupby("scene_id")["incremental_margin_yuan"].sum()
    scene_id = int(margin.idxmax())
    report = evaluate_history(ds, scene_id)
    return scene_id, str(min(report.scores, key=report.scores.get))


def m4_answers(ds: Any) -> dict[str, Any]:
    """Assignment 4's expected answers on ``ds``: q1 ``(scene id, weakest W)``, q2 the store the scene must
    be for, q3 the pilot's relative effect on sales, q4 its effect on new members per store and day."""
    return {
        "q1-answer": m4_q1(ds),
        "q2-answer": q2_store(ds),
        "q3-answer": float(did(pilot_panel(ds), outcome="sales_yuan", log=True).pct),
        "q4-answer": float(did(pilot_panel(ds, "new_members"), outcome="new_members", log=False).estimate),
    }


def same_answer(grade_id: str, a: Any, b: Any, tolerance: dict[str, float | None] = M4_TOLERANCE) -> bool:
    """Whether two answers to ``grade_id`` are the same (numbers within the hidden test's tolerance)."""
    tol = tolerance.get(grade_id)
    if a is None or b is None:
        return False
    if tol is None:
        return a == b
    try:
        return abs(float(a) - float(b)) <= tol + 1e-9
    except (TypeError, ValueError):
        return False
