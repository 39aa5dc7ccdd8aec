"""Public checks of the assignments and the late-submission policy."""

from __future__ import annotations

import numpy as np
import pytest

from o2o.assignments import checks
from o2o.assignments.checks import AnswerError
from o2o.assignments.late import SubMarks
from o2o.errors import O2OError


class _EqualsEverything(float):
    def __eq__(self, other):  # noqa: D105
        return True

    __hash__ = float.__hash__


class _Liar:
    def __eq__(self, other):  # noqa: D105
        return True

    def __float__(self):  # noqa: D105
        return 0.5


def test_ok_lines_are_printed_and_nothing_is_returned(capsys):
    assert checks.check_int(3, "x", "第1题") is None
    assert checks.check_float(0.5, "x", "第2题", 0, 1) is None
    assert checks.check_str("东莞", "x", "第3题", ["东莞", "深圳"]) is None
    assert checks.check_dict({"a": 1, "b": 2}, "x", "第4题", ["a", "b"]) is None
    out = capsys.readouterr().out
    assert out.count("✅") == 4 and "隐藏测试" in out


@pytest.mark.parametrize(
    "value, fragment",
    [
        (None, "还没有作答"),
        (Ellipsis, "还没有作答"),
        (np.int64(3), "int(...)"),
        (True, "应是整数"),
        (3.0, "应是整数"),
        ("3", "应是整数"),
    ],
)
def test_check_int_rejects(value, fragment):
    with pytest.raises(AnswerError) as exc:
        checks.check_int(value, "q1", "第1题")
    assert fragment in str(exc.value)
    assert isinstance(exc.value, O2OError)


@pytest.mark.parametrize(
    "value, fragment",
    [
        (np.float64(0.5), "float(...)"),
        (_EqualsEverything(0.5), "应是小数"),
        (_Liar(), "应是小数"),
        (float("nan"), "不是一个有限的数"),
        (float("inf"), "不是一个有限的数"),
        (1.5, "大于合理的上限"),
        (-0.1, "小于合理的下限"),
        (1, "应是小数"),
    ],
)
def test_check_float_rejects(value, fragment):
    with pytest.raises(AnswerError) as exc:
        checks.check_float(value, "q3", "第3题", 0.0, 1.0)
    assert fragment in str(exc.value)


def test_check_str_and_dict_messages():
    with pytest.raises(AnswerError, match="不是可选的值"):
        checks.check_str("北京", "q2", "第2题", ["东莞", "深圳"])
    with pytest.raises(AnswerError, match="应是文字"):
        checks.check_str(["东莞"], "q2", "第2题")
    with pytest.raises(AnswerError, match="缺少 b"):
        checks.check_dict({"a": 1}, "q4", "第4题", ["a", "b"])
    with pytest.raises(AnswerError, match="多出 c"):
        checks.check_dict({"a": 1, "b": 1, "c": 1}, "q4", "第4题", ["a", "b"])
    with pytest.raises(AnswerError, match="应是整数"):
        checks.check_dict({"a": 1, "b": np.int64(1)}, "q4", "第4题", ["a", "b"])
    with pytest.raises(AnswerError, match="应是字典"):
        import pandas as pd

        checks.check_dict(pd.Series({"a": 1, "b": 2}), "q4", "第4题", ["a", "b"])


def test_answer_error_renders_without_frames():
    err = AnswerError("中文说明", "English text")
    lines = err._render_traceback_()
    assert len(lines) == 2 and "中文说明" in lines[0] and "English text" in lines[1]
    assert not any("File " in line for line in lines)


@pytest.mark.parametrize(
    "seconds_late, score, expected",
    [
        (0, 10.0, None),
        (10 * 60, 10.0, None),  # inside the grace period
        (16 * 60, 10.0, 1.0),  # first started day: 10%
        (86400 + 15 * 60 + 1, 10.0, 2.0),  # second day
        (30 * 86400, 10.0, 5.0),  # capped at 50%
        (3 * 86400, 0.0, None),  # nothing earned, nothing to take
    ],
)
def test_submarks_penalty(seconds_late, score, expected):
    assert SubMarks().late_submission_penalty("s1", score, seconds_late) == expected


def test_submarks_is_configurable():
    from traitlets.config import Config

    cfg = Config()
    cfg.SubMarks.percent_per_day = 25
    cfg.SubMarks.grace_minutes = 0
    assert SubMarks(config=cfg).late_submission_penalty("s1", 8.0, 1) == 2.0


def test_docstring_examples_run():
    import doctest

    result = doctest.testmod(checks, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 2 and result.failed == 0


# ------------------------------------------------------------------ scenes
@pytest.fixture(scope="module")
def world(dataset):
    from o2o.scenes import World

    return World.from_dataset(dataset)


def _good_scene(dataset) -> dict:
    store = int(dataset.stores.query("in_panel and pilot_group == '试点'")["store_id"].min())
    squad = int(dataset.squads.loc[dataset.squads["store_id"] == store, "squad_id"].iloc[0])
    return dict(scene_type="交易", battle="二次购买", initiator="一线小分队", squad_id=squad,
                store_ids=[store], idea_date="2015-11-02", launch_date="2015-11-04", duration_days=10,
                channels=["朋友圈", "店内"], personalization=0.8, incentive_type="满减", incentive_yuan=5.0,
                budget_yuan=2500.0, target_tier="沉睡粉")


RULES = dict(scene_type="交易", battle="二次购买", initiator="一线小分队", point_to_point_only=True,
             max_lead_days=3, max_duration=14, launch_from="2015-11-01", launch_to="2015-11-30",
             max_budget=3000, tiers=["沉睡粉", "普通粉"])


def test_check_scene_accepts_a_design_meeting_every_rule(dataset, world, capsys):
    good = _good_scene(dataset)
    checks.check_scene(good, "q4_scene", "第4题", world, store=good["store_ids"][0], **RULES)
    assert "✅" in capsys.readouterr().out


@pytest.mark.parametrize(
    "change, fragment",
    [
        (dict(channels=["广告", "店内"]), "点对点"),
        (dict(launch_date="2015-12-02", idea_date="2015-12-01"), "不能晚于 2015-11-30"),
        (dict(idea_date="2015-10-20"), "上线不能超过 3 天"),
        (dict(budget_yuan=5000.0), "预算不能超过 3000"),
        (dict(target_tier="铁杆粉"), "目标粉丝层级"),
        (dict(battle="付满送"), "场景设计需要修改"),  # battle of another scene type: the model's own message
        (dict(squad_id=1), "小分队"),
        (dict(duration_days=20), "不能超过 14 天"),
        (dict(budget_yuan=np.float64(2500.0)), "float(...)"),
        (dict(budget_yuan=True), "不是普通的文字或数字"),
    ],
)
def test_check_scene_names_what_to_change(dataset, world, change, fragment):
    bad = {**_good_scene(dataset), **change}
    with pytest.raises(AnswerError) as exc:
        checks.check_scene(bad, "q4_scene", "第4题", world, store=_good_scene(dataset)["store_ids"][0], **RULES)
    assert fragment in str(exc.value)


def test_check_scene_rejects_wrong_shapes(dataset, world):
    from o2o.scenes import Scene

    good = _good_scene(dataset)
    with pytest.raises(AnswerError, match="不是 Scene 对象|而不是 Scene"):
        checks.check_scene(Scene(**good), "s", "第4题", world)
    with pytest.raises(AnswerError, match="缺少字段 budget_yuan"):
        checks.check_scene({k: v for k, v in good.items() if k != "budget_yuan"}, "s", "第4题", world)
    with pytest.raises(AnswerError, match="没有的字段"):
        checks.check_scene({**good, "colour": "red"}, "s", "第4题", world)
    with pytest.raises(AnswerError, match="应是字典"):
        checks.check_scene([good], "s", "第4题", world)


# ------------------------------------------------------------------ feedback
def test_short_test_errors_hides_hidden_test_lines():
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    from o2o.assignments.feedback import ShortTestErrors

    leaked = ["Traceback", "----> 7 assert abs(float(q3) - _expected) < 1e-6", "AssertionError"]
    test = new_code_cell("checks.check_float(q3, 'q3', '第3题')\n### BEGIN HIDDEN TESTS\nassert q3 == 1\n### END HIDDEN TESTS")
    test.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True, "grade_id": "q3-test", "points": 2}
    test.outputs = [new_output("error", ename="AssertionError", evalue="", traceback=list(leaked))]
    public = new_code_cell("checks.check_float(q4, 'q4', '第4题')")
    public.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True, "grade_id": "q4-test", "points": 2}
    public.outputs = [new_output("error", ename="AnswerError", evalue="第4题:还没有作答\nNot answered", traceback=["x"])]
    answer = new_code_cell("q3 = 1/0")
    answer.metadata["nbgrader"] = {"grade": False, "solution": True, "locked": False, "grade_id": "q3-answer"}
    answer.outputs = [new_output("error", ename="ZeroDivisionError", evalue="division by zero", traceback=["kept"])]
    nb = new_notebook(cells=[answer, test, public])
    nb, _ = ShortTestErrors().preprocess(nb, {})
    hidden_tb = "\n".join(nb.cells[1].outputs[0]["traceback"])
    assert "_expected" not in hidden_tb and "隐藏测试未通过" in hidden_tb and "AssertionError" in hidden_tb
    assert nb.cells[2].outputs[0]["traceback"] == ["❌ 第4题:还没有作答", "   Not answered"]
    assert nb.cells[0].outputs[0]["traceback"] == ["kept"]  # a student's own cell keeps its traceback


def test_course_config_loads_with_real_traits():
    """Every option in course/nbgrader_config.py is a trait nbgrader knows (no silent typos)."""
    from pathlib import Path

    from traitlets.config.loader import PyFileConfigLoader

    here = Path(__file__).resolve().parents[2] / "course"
    cfg = PyFileConfigLoader("nbgrader_config.py", path=str(here)).load_config()
    assert cfg.CourseDirectory.course_id == "o2o-practice"
    assert Path(cfg.CourseDirectory.root).name == "assignments"
    from nbconvert.exporters import HTMLExporter
    from nbgrader.converters import GenerateFeedback
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.apps.api import NbGraderAPI
    from nbgrader.exchange.default.exchange import Exchange
    from nbgrader.preprocessors import AssignLatePenalties, ClearSolutions, Execute, IgnorePattern, LimitOutput

    known = {cls.__name__: set(cls.class_traits(config=True)) for cls in (
        CourseDirectory, Exchange, ClearSolutions, Execute, LimitOutput, IgnorePattern, AssignLatePenalties,
        SubMarks, HTMLExporter, GenerateFeedback, NbGraderAPI)}
    for section, values in cfg.items():
        assert section in known, f"unknown config section {section}"
        for key in values:
            assert key in known[section], f"{section}.{key} is not a trait of nbgrader 0.9.6"


def test_catalog_marks_match_the_notebooks():
    import doctest

    from o2o.assignments import ASSIGNMENTS, catalog

    assert doctest.testmod(catalog).failed == 0
    for name in ASSIGNMENTS:
        m = catalog.marks(name)
        assert m.total == m.auto + m.manual and m.auto > 0 and m.manual > 0
    with pytest.raises(O2OError, match="没有名为"):
        catalog.source_notebook("m9-nothing")
