"""The maturity model: stages, questionnaire, scoring, the 80 % gate and its messages."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from o2o.errors import O2OError
from o2o.maturity import (
    ITEM_BY_ID,
    LIKERT,
    PASS_THRESHOLD,
    QUESTIONNAIRE,
    STAGES,
    AnswerError,
    AnswerTypeError,
    AnswerValueError,
    MissingAnswerError,
    UnknownItemError,
    assess,
    assess_frame,
    get_stage,
    items_for_stage,
    stage_mastery,
)


def best() -> dict[str, int]:
    """Answers that give 100 % on every stage."""
    return {item.id: (1 if item.reverse else 5) for item in QUESTIONNAIRE}


def worst() -> dict[str, int]:
    return {item.id: (5 if item.reverse else 1) for item in QUESTIONNAIRE}


def with_stage(answers: dict[str, int], stage: int, pct: int) -> dict[str, int]:
    """Set stage ``stage`` to exactly ``pct`` % (multiple of 5) by mixing best and worst answers."""
    items = items_for_stage(stage)
    # each item contributes 0..4 points; total points = pct/100 * 4 * n
    points = round(pct / 100 * 4 * len(items))
    out = dict(answers)
    for item in items:
        p = min(4, points)
        points -= p
        out[item.id] = (5 - p) if item.reverse else (1 + p)
    return out


# --- the model's structure ---------------------------------------------------------------

def test_five_stages_in_the_article_order_with_kpa_and_kpi():
    assert [s.name_zh for s in STAGES] == ["双向态度", "对接信息", "对流岗位", "互入人事", "融合业务"]
    assert [s.kpa_zh for s in STAGES] == ["双向", "对接", "对流", "互入", "融合"]
    assert [s.kpi_zh for s in STAGES] == ["态度", "信息", "岗位", "人事", "业务"]
    for s in STAGES:
        assert s.name_zh == s.kpa_zh + s.kpi_zh
        assert s.description_zh and s.description_en and s.advice_zh and s.advice_en
        assert len(s.indicators) >= 3
    assert PASS_THRESHOLD == 80.0


def test_questionnaire_is_bilingual_with_unique_ids_and_items_for_every_stage():
    ids = [item.id for item in QUESTIONNAIRE]
    assert len(ids) == len(set(ids))
    for s in STAGES:
        items = items_for_stage(s.number)
        assert 4 <= len(items) <= 6
        assert any(not it.reverse for it in items)
    for item in QUESTIONNAIRE:
        assert item.text_zh and item.text_en and item.stage_obj.number == item.stage
    assert [v for v, _, _ in LIKERT] == [1, 2, 3, 4, 5]


def test_get_stage_by_number_key_and_name():
    assert get_stage(3).name_zh == "对流岗位"
    assert get_stage("对流岗位").number == 3
    assert get_stage("fusion").number == 5
    with pytest.raises(O2OError, match="没有这个阶段"):
        get_stage(9)
    with pytest.raises(O2OError):
        get_stage(True)


# --- scoring -----------------------------------------------------------------------------

def test_scoring_extremes_and_reverse_items():
    assert all(m == 100.0 for m in stage_mastery(best()).values())
    assert all(m == 0.0 for m in stage_mastery(worst()).values())
    reverse = next(it for it in QUESTIONNAIRE if it.reverse)
    assert reverse.score(1) == 1.0 and reverse.score(5) == 0.0
    forward = next(it for it in QUESTIONNAIRE if not it.reverse)
    assert forward.score(1) == 0.0 and forward.score(3) == 0.5


def test_mastery_is_the_mean_item_score_of_the_stage():
    answers = best()
    s2 = items_for_stage(2)
    answers[s2[0].id] = 3  # forward item: 0.5
    answers[s2[-1].id] = 2 if s2[-1].reverse else 4  # 0.75
    m = stage_mastery(answers)[2]
    expected = 100 * (0.5 + 0.75 + (len(s2) - 2) * 1.0) / len(s2)
    assert m == pytest.approx(expected)


def test_all_best_completes_every_stage():
    r = assess(best())
    assert r.completed and r.reached_stage == 5 and r.gate is None and r.passed == (1, 2, 3, 4, 5)
    assert "五个阶段" in r.advice_zh and "All five" in r.advice_en


def test_all_worst_is_stuck_at_stage_one():
    r = assess(worst())
    assert r.reached_stage == 1 and r.passed == () and not r.completed
    assert r.gate is not None and (r.gate.from_stage, r.gate.to_stage) == (1, 2)
    assert r.gate.shortfall == pytest.approx(80.0)
    assert "双向态度" in r.advice_zh and "Two-way attitude" in r.advice_en


# --- the 80 % gate -----------------------------------------------------------------------

def test_exactly_80_percent_passes_and_75_does_not():
    r = assess(with_stage(best(), 2, 80))
    assert r.mastery[2] == pytest.approx(80.0) and r.completed
    r = assess(with_stage(best(), 2, 75))
    assert r.reached_stage == 2 and r.gate.from_stage == 2 and r.gate.shortfall == pytest.approx(5.0)
    assert "对接信息" in r.advice_zh and "5 个百分点" in r.advice_zh


def test_a_weak_early_stage_blocks_strong_later_ones_and_warns():
    answers = with_stage(best(), 1, 50)
    r = assess(answers)
    assert r.reached_stage == 1
    assert r.ahead_of_gate == (2, 3, 4, 5)
    assert "空中楼阁" in r.advice_zh and "built on sand" in r.advice_en


def test_stage_five_below_the_line_has_no_gate_but_is_not_completed():
    r = assess(with_stage(best(), 5, 40))
    assert r.reached_stage == 5 and r.gate is None and not r.completed and r.passed == (1, 2, 3, 4)
    assert "融合" in r.advice_zh


def test_custom_threshold_and_invalid_threshold():
    answers = with_stage(best(), 1, 70)
    assert assess(answers).reached_stage == 1
    assert assess(answers, threshold=60).reached_stage == 5
    for bad in (0, -5, 120, "80", True):
        with pytest.raises(AnswerValueError, match="过关线"):
            assess(best(), threshold=bad)


answers_strategy = st.fixed_dictionaries({item.id: st.integers(1, 5) for item in QUESTIONNAIRE})


@settings(max_examples=300, deadline=None)
@given(answers_strategy)
def test_never_reach_stage_k_unless_every_earlier_stage_is_mastered(answers):
    r = assess(answers)
    for k in range(1, r.reached_stage):
        assert r.mastery[k] >= PASS_THRESHOLD - 1e-9
    # and the gate is exact: the reached stage itself is below the line unless it is stage 5
    if r.reached_stage < 5:
        assert r.mastery[r.reached_stage] < PASS_THRESHOLD
        assert r.gate is not None and r.gate.from_stage == r.reached_stage
    assert r.completed == all(m >= PASS_THRESHOLD - 1e-9 for m in r.mastery.values())
    assert all(0.0 <= m <= 100.0 for m in r.mastery.values())
    assert set(r.weakest_items) <= {it.id for it in items_for_stage(r.reached_stage)}


@settings(max_examples=150, deadline=None)
@given(answers_strategy, st.sampled_from([it.id for it in QUESTIONNAIRE]))
def test_a_better_answer_never_lowers_the_reached_stage(answers, item_id):
    item = ITEM_BY_ID[item_id]
    before = assess(answers)
    better = dict(answers)
    better[item_id] = max(1, answers[item_id] - 1) if item.reverse else min(5, answers[item_id] + 1)
    after = assess(better)
    assert after.reached_stage >= before.reached_stage
    assert after.mastery[item.stage] >= before.mastery[item.stage]


# --- invalid answers ---------------------------------------------------------------------

def test_missing_items_are_named_by_stage():
    answers = best()
    del answers["s3_q2"], answers["s5_q1"]
    with pytest.raises(MissingAnswerError) as exc:
        assess(answers)
    msg = str(exc.value)
    assert "2 道题没有回答" in msg and "s3_q2" in msg and "对流岗位" in msg and "unanswered" in msg
    assert isinstance(exc.value, O2OError) and isinstance(exc.value, AnswerError)


def test_unknown_item_id():
    answers = best() | {"s6_q1": 3}
    with pytest.raises(UnknownItemError, match="s6_q1") as exc:
        assess(answers)
    assert "no item" in exc.value.en


@pytest.mark.parametrize("value", [0, 6, -1, 10])
def test_out_of_range(value):
    with pytest.raises(AnswerValueError, match="超出范围") as exc:
        assess(best() | {"s2_q3": value})
    assert "s2_q3" in exc.value.zh and "out of range" in exc.value.en


@pytest.mark.parametrize("value", ["4", None, [4], True, 4.5, float("nan")])
def test_wrong_types_and_non_integers(value):
    with pytest.raises(AnswerError) as exc:
        assess(best() | {"s1_q1": value})
    assert "s1_q1" in exc.value.zh and exc.value.en
    assert isinstance(exc.value, (AnswerTypeError, AnswerValueError))


def test_not_a_mapping():
    with pytest.raises(AnswerTypeError, match="字典"):
        assess([4] * len(QUESTIONNAIRE))


def test_numpy_ints_integral_floats_and_series_are_accepted():
    answers = {k: np.int64(v) for k, v in best().items()}
    assert assess(answers).completed
    assert assess({k: float(v) for k, v in best().items()}).completed
    assert assess(pd.Series(best())).completed


def test_bad_answers_do_not_mutate_the_input():
    answers = best() | {"s1_q1": 9}
    copy = dict(answers)
    with pytest.raises(AnswerValueError):
        assess(answers)
    assert answers == copy


# --- results as tables -------------------------------------------------------------------

def test_result_frame_and_summary():
    r = assess(with_stage(best(), 3, 60))
    df = r.to_frame()
    assert list(df["stage"]) == [1, 2, 3, 4, 5]
    assert list(df["status"]) == ["已过关", "已过关", "当前阶段", "未到达", "未到达"]
    assert list(r.to_frame("en")["status"])[2] == "current"
    assert "第3阶段" in r.summary() and "stage 3" in r.summary("en")


def test_assess_frame_scores_rows_and_names_the_bad_row():
    frame = pd.DataFrame([best(), worst(), with_stage(best(), 4, 50)], index=["甲", "乙", "丙"])
    out = assess_frame(frame)
    assert list(out["reached_stage"]) == [5, 1, 4]
    assert out["gate_stage"].isna().tolist() == [True, False, False]
    assert out.loc["丙", "gate_stage"] == 4
    bad = frame.copy()
    bad.loc["乙", "s1_q1"] = np.nan
    with pytest.raises(MissingAnswerError, match="乙"):
        assess_frame(bad)
    with pytest.raises(AnswerTypeError):
        assess_frame({"s1_q1": 1})
    assert list(assess_frame(frame.iloc[:0]).columns)[-1] == "completed"
