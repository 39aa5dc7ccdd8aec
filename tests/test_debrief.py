"""The cohort debrief (班级复盘): scores, failure messages and the capstone analyses from a gradebook."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from o2o import debrief
from o2o.assignments import capstone as C
from o2o.errors import GradingError

ROOT = Path(__file__).resolve().parents[1]
KINDS = ("solution", "lookahead", "blank", "rule_slip", "big_bang", "decree", "rounded")


@pytest.fixture(scope="module")
def small_class(tmp_path_factory, dataset):
    return debrief.demo_class(tmp_path_factory.mktemp("class"), ds=dataset, seed=7, kinds=KINDS)


def test_demo_class_is_a_real_nbgrader_gradebook(small_class):
    from nbgrader.api import Gradebook

    with Gradebook(small_class.db_url) as gb:
        students = sorted(s.id for s in gb.students)
        assert students == [f"s{i:02d}" for i in range(1, len(KINDS) + 1)]
        assert gb.find_submission("capstone", "s01").score == pytest.approx(12 + gb.find_grade(
            "q6-memo", "capstone", "capstone", "s01").score)


def test_score_table_and_distribution(small_class):
    scores = debrief.score_table(small_class, "capstone")
    assert len(scores) == len(KINDS) * 6
    by = scores.set_index(["student", "question"])["score"]
    full = {"q1-test": 3, "q2-test": 3, "q3-test": 2, "q4-test": 2, "q5-test": 2}
    assert {q: by[("s01", q)] for q in full} == full                     # the solution
    assert {q: by[("s07", q)] for q in full} == full                     # rounded as asked
    assert by[("s02", "q1-test")] == 0 and by[("s02", "q2-test")] == 3   # looked ahead: q1 only
    assert all(by[("s03", q)] == 0 for q in full) and by[("s03", "q6-memo")] == 0  # blank
    assert by[("s04", "q2-test")] == 0 and by[("s04", "q3-test")] == 2   # a rule slip costs q2, not q3 as well
    assert by[("s05", "q3-test")] == 0 and by[("s06", "q4-test")] == 0
    dist = debrief.score_distribution(scores).set_index("题目")
    assert dist.loc["q1-test", "人数"] == len(KINDS)
    assert dist.loc["q1-test", "满分率"] == pytest.approx(5 / len(KINDS), abs=1e-3)
    assert dist.loc["q6-memo", "类型"] == "人工" and dist.loc["q1-test", "类型"] == "自动"
    fig = debrief.score_figure(scores)
    assert len(fig.data) == 6


def test_common_failures_group_messages(small_class):
    fails = debrief.common_failures(small_class, "capstone")
    assert (fails["人数"] >= 1).all()
    text = " | ".join(fails["问题"])
    assert "用到了 # 以后的数据" in text or "用到了 #-#-# 以后的数据" in text  # the look-ahead, with its reason
    assert "还没有作答" in text
    assert "超过总部一批最多能辅导的 # 家" in text   # the big-bang rollout
    assert debrief.HIDDEN_FAILURE in text         # the rule slip and the decree: caught by the hidden tests


def test_hidden_test_failures_are_counted_without_their_code():
    assert debrief.normalise_message("AssertionError", "") == debrief.HIDDEN_FAILURE
    assert debrief.normalise_message("Failed", "隐藏测试未通过。请对照题目要求检查你的答案") == debrief.HIDDEN_FAILURE
    msg = debrief.normalise_message("AnswerError", "第3题:q3 = 1.5 大于合理的上限 1.0,请检查\nEnglish")
    assert msg == "q3 = # 大于合理的上限 #,请检查"


def test_class_rollouts_side_by_side(small_class, dataset):
    r = debrief.class_rollouts(small_class, ds=dataset).set_index("student")
    exp = C.answers(dataset)
    assert r.loc["s01", "自动题答对"] == 5 and r.loc["s07", "自动题答对"] == 5
    assert bool(r.loc["s02", "看未来"]) and r.loc["s02", "状态"] == "用了方案日期以后的数据"
    assert not r.drop(index="s02")["看未来"].any()
    assert r.loc["s03", "状态"] == "没有可读取的答案" and r.loc["s03", "自动题答对"] == 0
    assert r.loc["s04", "就绪门店(答)"] > r.loc["s04", "就绪门店(应)"] == len(exp["q2-answer"])
    assert r.loc["s05", "批次(答)"] == str(len(exp["q2-answer"])) and r.loc["s06", "权益"] == "A"
    assert r.loc["s01", "正确效果"] == round(exp["q1-answer"], 4) and r.loc["s01", "区域"] == C.region(dataset)
    assert (r["与他人版本相符"] == "").all()   # one shared case: nobody's answer is another variant's
    fig = debrief.rollouts_figure(r.reset_index())
    assert len(fig.data) == 2


def test_answers_are_read_as_data_never_run(tmp_path, small_class):
    """A submission graded elsewhere (no outputs) still shows when its answers are literals; code is never run."""
    course = debrief.ClassCourse(tmp_path)
    src = json.loads(small_class.autograded_notebook("s01", "capstone", "capstone").read_text(encoding="utf-8"))
    for cell in src["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = []
    path = course.submitted_notebook("x", "capstone", "capstone")
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(src, ensure_ascii=False), encoding="utf-8")
    got = debrief.student_answers(course, "x")
    assert got["q4-answer"] == "B" and isinstance(got["q2-answer"], list)
    marker = tmp_path / "ran"
    for cell in src["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "q4-answer":
            cell["source"] = f"import pathlib\nq4_rights = pathlib.Path({str(marker)!r}).write_text('x')"
    path.write_text(json.dumps(src, ensure_ascii=False), encoding="utf-8")
    assert debrief.student_answers(course, "x")["q4-answer"] is None and not marker.exists()


def test_open_class_needs_a_gradebook(tmp_path):
    with pytest.raises(GradingError, match="gradebook.db"):
        debrief.open_class(tmp_path)


def test_unknown_assignment_is_a_clear_error(small_class):
    with pytest.raises(GradingError, match="没有作业"):
        debrief.score_table(small_class, "m9-nothing")


@pytest.mark.slow
def test_debrief_notebook_runs_on_the_demo_class():
    from o2o.notebook_runner import run_notebook

    result = run_notebook(ROOT / "course" / "班级复盘.ipynb", timeout=600)
    assert result.ok, result.error
    assert "演示班级" in result.stdout
    assert result.mimetypes.count("application/vnd.plotly.v1+json") == 2


def test_demo_class_never_replaces_a_real_gradebook(tmp_path, dataset):
    """A folder whose gradebook.db the demo did not make is refused, byte for byte untouched."""
    real = tmp_path / "course"
    real.mkdir()
    (real / "gradebook.db").write_bytes(b"a real cohort's grades")
    with pytest.raises(GradingError, match="demo class"):
        debrief.demo_class(real, ds=dataset, seed=7, kinds=("solution",))
    assert (real / "gradebook.db").read_bytes() == b"a real cohort's grades"
