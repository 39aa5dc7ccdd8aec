"""The cohort debrief (班级复盘): scores, failure messages and capstone plans from a gradebook."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from o2o import debrief
from o2o.assignments.plans import capstone_store
from o2o.errors import GradingError

ROOT = Path(__file__).resolve().parents[1]
KINDS = ("solution", "over_budget", "blank", "weak", "two_scenes")


@pytest.fixture(scope="module")
def world(dataset):
    from o2o.scenes import World

    return World.from_dataset(dataset)


@pytest.fixture(scope="module")
def small_class(tmp_path_factory, dataset, world):
    return debrief.demo_class(tmp_path_factory.mktemp("class"), ds=dataset, world=world, seed=7, kinds=KINDS)


def test_demo_class_is_a_real_nbgrader_gradebook(small_class):
    from nbgrader.api import Gradebook

    with Gradebook(small_class.db_url) as gb:
        students = sorted(s.id for s in gb.students)
        assert students == [f"s{i:02d}" for i in range(1, len(KINDS) + 1)]
        assert gb.find_submission("capstone", "s01").score == pytest.approx(8 + gb.find_grade(
            "q3-memo", "capstone", "capstone", "s01").score)


def test_score_table_and_distribution(small_class):
    scores = debrief.score_table(small_class, "capstone")
    assert len(scores) == len(KINDS) * 3
    by = scores.set_index(["student", "question"])["score"]
    assert by[("s01", "q1-test")] == 4 and by[("s01", "q2-test")] == 4  # the solution
    assert by[("s02", "q1-test")] == 0  # over budget
    assert by[("s03", "q1-test")] == 0 and by[("s03", "q3-memo")] == 0  # blank
    assert by[("s04", "q1-test")] == 4 and by[("s04", "q2-test")] == 0  # valid but weak
    dist = debrief.score_distribution(scores).set_index("题目")
    assert dist.loc["q1-test", "人数"] == len(KINDS)
    assert dist.loc["q1-test", "满分率"] == pytest.approx(2 / len(KINDS))
    assert dist.loc["q2-test", "满分率"] == pytest.approx(1 / len(KINDS))
    assert dist.loc["q3-memo", "类型"] == "人工" and dist.loc["q1-test", "类型"] == "自动"
    fig = debrief.score_figure(scores)
    assert len(fig.data) == 3


def test_common_failures_group_messages(small_class):
    fails = debrief.common_failures(small_class, "capstone")
    assert (fails["人数"] >= 1).all()
    text = " | ".join(fails["问题"])
    assert "预算合计 # 元,超过上限 # 元" in text
    assert "还没有作答" in text
    assert "# 个场景" in text  # the two-scene plan
    assert "5W 平均分" in text  # the weak plan misses its target
    assert "9000" not in text and "6000" not in text  # numbers are merged, names like 5W kept


def test_hidden_test_failures_are_counted_without_their_code():
    assert debrief.normalise_message("AssertionError", "") == debrief.HIDDEN_FAILURE
    assert debrief.normalise_message("Failed", "隐藏测试未通过。请对照题目要求检查你的答案") == debrief.HIDDEN_FAILURE
    msg = debrief.normalise_message("AnswerError", "第3题:q3 = 1.5 大于合理的上限 1.0,请检查\nEnglish")
    assert msg == "q3 = # 大于合理的上限 #,请检查"


def test_class_plans_side_by_side(small_class, dataset, world):
    plans = debrief.class_plans(small_class, world, store=capstone_store(dataset)).set_index("student")
    assert plans.loc["s01", "状态"] == "有效"
    assert plans.loc["s02", "状态"].startswith("违反约束") and plans.loc["s02", "总预算"] == 9000
    assert plans.loc["s03", "状态"] == "没有可读取的方案"
    assert plans.loc["s05", "状态"].startswith("违反约束:方案有 2 个场景")
    assert plans.loc["s04", "最弱场景5W"] < 65 <= plans.loc["s01", "最弱场景5W"]
    # re-simulated with the trusted simulator: same numbers as the plan table of the solution
    from o2o.assignments.plans import margin_ratio, plan_table
    from o2o.scenes import Scene

    plan = debrief.student_plan(small_class, "s01")
    table = plan_table([Scene(**p) for p in plan], world)
    assert plans.loc["s01", "每元毛利"] == round(margin_ratio(table), 2)
    fig = debrief.plans_figure(plans.reset_index())
    assert len(fig.data) == 5


def test_plan_read_from_a_literal_answer_when_no_output(tmp_path, small_class):
    """A submission graded elsewhere (no printed plan) still shows when its answer is a literal list."""
    course = debrief.ClassCourse(tmp_path)
    src = json.loads(small_class.autograded_notebook("s01", "capstone", "capstone").read_text(encoding="utf-8"))
    for cell in src["cells"]:
        cell["outputs"] = [] if cell["cell_type"] == "code" else cell.get("outputs", [])
    path = course.submitted_notebook("x", "capstone", "capstone")
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(src, ensure_ascii=False), encoding="utf-8")
    plan = debrief.student_plan(course, "x")
    assert plan is not None and len(plan) == 3 and plan[0]["battle"] == "自团购"
    # code that is not a literal is never run
    for cell in src["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "q1-answer":
            cell["source"] = "import os\ncapstone_plan = [os.system('echo hacked')]"
    path.write_text(json.dumps(src, ensure_ascii=False), encoding="utf-8")
    assert debrief.student_plan(course, "x") is None


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


def test_demo_class_never_replaces_a_real_gradebook(tmp_path, dataset, world):
    """A folder whose gradebook.db the demo did not make is refused, byte for byte untouched."""
    real = tmp_path / "course"
    real.mkdir()
    (real / "gradebook.db").write_bytes(b"a real cohort's grades")
    with pytest.raises(GradingError, match="demo class"):
        debrief.demo_class(real, ds=dataset, world=world, seed=7, kinds=("solution",))
    assert (real / "gradebook.db").read_bytes() == b"a real cohort's grades"
