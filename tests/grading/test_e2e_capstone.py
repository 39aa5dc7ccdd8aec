"""The capstone end to end on per-student variants: the real ``o2o grade`` marks each student against their own
variant; an effect estimated with data after the plan date loses question 1 (the public check says why); a store
list copied from a neighbour's variant loses question 2 (and only that); the debrief then reads the graded class."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from variant_class import VariantCourse, scores as gradebook_scores  # noqa: E402

from o2o.assignments import capstone as C  # noqa: E402
from o2o.data import variants as V  # noqa: E402

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
A = "capstone"
SECRET = b"capstone-e2e-secret-0123456789abcdef"
FULL, OTHER = "stu01", "stu02"   # OTHER estimates with the whole year and hands in FULL's store list
POINTS = {"q1-test": 3.0, "q2-test": 3.0, "q3-test": 2.0, "q4-test": 2.0, "q5-test": 2.0}

LOOKAHEAD_Q1 = """_panel = pilot_panel(ds)
_res = did(_panel, outcome="sales_yuan", log=True)     # every day of 2015, October to December included
q1_effect = round(float(_res.pct), 3)
q1_effect"""


def _variant(dataset_dir: Path, student: str) -> V.VariantDataset:
    return V.VariantDataset(dataset_dir, validate=False, variant=V.from_key(V.variant_key(SECRET, student)))


@pytest.fixture(scope="module")
def graded(tmp_path_factory, dataset_dir):
    c = VariantCourse(tmp_path_factory.mktemp("capstone"), A, SECRET, dataset_dir)
    solution = c.solution
    expected = {s: C.answers(_variant(dataset_dir, s)) for s in (FULL, OTHER)}
    submissions = {
        FULL: solution,
        OTHER: dict(solution, **{"q1-answer": LOOKAHEAD_Q1,
                                 "q2-answer": f"q2_ready = {expected[FULL]['q2-answer']!r}\nq2_ready"}),
    }
    for s, answers in submissions.items():
        c.submit(s, answers)
    r = c.grade()
    return {"root": c.root, "secret": c.secret, "expected": expected, "stdout": r.stdout, "data": dataset_dir}


def test_two_variants_give_different_expected_answers(graded):
    a, b = graded["expected"][FULL], graded["expected"][OTHER]
    assert abs(a["q1-answer"] - b["q1-answer"]) > 2 * C.EFFECT_TOLERANCE
    assert a["q2-answer"] != b["q2-answer"] and a["q3-answer"] != b["q3-answer"]


def test_the_look_ahead_estimate_is_outside_the_tolerance_in_every_variant(graded):
    """The answer computed with October–December differs from the plan-date answer by more than the tolerance."""
    for s in (FULL, OTHER):
        ds = _variant(graded["data"], s)
        late, early = C.pilot_effect(ds, lookahead=True).pct, C.pilot_effect(ds).pct
        assert abs(late - early) > 4 * C.EFFECT_TOLERANCE
        assert C.looks_ahead(round(float(late), 3), ds) and not C.looks_ahead(round(float(early), 3), ds)


def test_each_student_is_marked_against_their_own_variant(graded):
    scores = gradebook_scores(graded["root"], A)
    assert scores == {FULL: POINTS, OTHER: dict(POINTS, **{"q1-test": 0.0, "q2-test": 0.0})}, graded["stdout"]


def test_the_look_ahead_answer_is_told_why(graded):
    nb = json.loads((graded["root"] / "autograded" / OTHER / A / f"{A}.ipynb").read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == "q1-test")
    errors = [o for o in cell["outputs"] if o["output_type"] == "error"]
    assert errors and errors[0]["ename"] == "AnswerError"
    assert f"用到了 {C.PLAN_DATE} 以后的数据" in errors[0]["evalue"]


def test_the_debrief_runs_on_the_graded_class(graded):
    from o2o import debrief

    course = debrief.open_class(graded["root"])
    dist = debrief.score_distribution(debrief.score_table(course, A)).set_index("题目")
    assert dist.loc["q1-test", "满分率"] == 0.5 and dist.loc["q3-test", "满分率"] == 1.0
    assert dist.loc["q6-memo", "类型"] == "人工"
    fails = debrief.common_failures(course, A)
    assert fails["问题"].str.contains("以后的数据").any() and fails["问题"].str.contains("不是 .* 的候选门店").any()
    table = debrief.class_rollouts(course, secret_file=graded["secret"], data=graded["data"]).set_index("student")
    assert table["版本"].nunique() == 2
    assert table.loc[FULL, "自动题答对"] == 5 and table.loc[OTHER, "自动题答对"] == 3
    assert bool(table.loc[OTHER, "看未来"]) and not bool(table.loc[FULL, "看未来"])
    assert table.loc[OTHER, "与他人版本相符"] == f"{FULL}(q2)" and table.loc[FULL, "与他人版本相符"] == ""
    for s, exp in graded["expected"].items():
        assert table.loc[s, "就绪门店(应)"] == len(exp["q2-answer"])
        assert table.loc[s, "区域"] == C.region(_variant(graded["data"], s))
