"""MaturityAssessment: answers in, stage and gate out; unanswered items are named."""

from __future__ import annotations

from o2o.maturity import QUESTIONNAIRE
from o2o.widgets.maturity import MaturityAssessment


def _perfect():
    return {i.id: (1 if i.reverse else 5) for i in QUESTIONNAIRE}


def test_unanswered_items_are_named():
    m = MaturityAssessment()
    m._assess_btn.click()
    assert "没有回答" in m.message_text and "Traceback" not in m.message_text
    assert m.result is None


def test_all_mastered():
    m = MaturityAssessment()
    m.set_answers(_perfect())
    m._assess_btn.click()
    assert m.result.completed
    assert list(m._fig.data[0].y) == [100.0] * 5
    assert "五个阶段全部过关" in m._result_html.value


def test_gate_at_stage_two():
    answers = _perfect()
    answers["s2_q1"], answers["s2_q2"] = 1, 2
    m = MaturityAssessment()
    m.set_answers(answers)
    m.assess()
    assert m.result.reached_stage == 2 and m.result.gate.from_stage == 2
    assert round(m._fig.data[0].y[1]) == 65
    assert "80% 关口" in m._result_html.value


def test_out_of_scale_answer_from_the_page_is_refused():
    m = MaturityAssessment()
    w = m._answer_widgets["s1_q1"]
    w.set_state({"index": 5})
    assert w.value is None and "只能从列表中选择" in m.message_text
    w.set_state({"index": 4})
    assert w.value == 5


def test_english():
    m = MaturityAssessment()
    m.set_answers(_perfect())
    m.assess()
    m.set_lang("en")
    assert "Reached" in m._result_html.value and m._assess_btn.description == "Assess"
