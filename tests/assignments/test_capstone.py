"""The capstone's analysis (o2o.assignments.capstone): no look-ahead, the stated rules, the numbers its question
texts quote. (Its example memos live in course/memos.yml with the others and quote no data figure: tests/test_teaching.py.)"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from o2o.assignments import capstone as C
from o2o.assignments.checks import AnswerError
from o2o.assignments.catalog import asked_precision, marks, source_notebook
from o2o.data import variants as V

ROOT = Path(__file__).resolve().parents[2]
SECRET = b"capstone-unit-secret-0123456789abcdef"


def _text() -> str:
    cells = json.loads(source_notebook("capstone").read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells)


# ------------------------------------------------------------------------------ no look-ahead

def test_the_plan_date_answer_uses_no_later_day(dataset):
    panel = C._before(C.pilot_panel(dataset))
    assert panel["date"].max() < __import__("pandas").Timestamp(C.PLAN_DATE)
    early, late = C.pilot_effect(dataset), C.pilot_effect(dataset, lookahead=True)
    assert early.pct != late.pct and abs(early.pct - late.pct) > 4 * C.EFFECT_TOLERANCE


def test_the_public_check_rejects_a_look_ahead_answer_with_the_reason(dataset, capsys):
    late = round(float(C.pilot_effect(dataset, lookahead=True).pct), 3)
    with pytest.raises(AnswerError, match=f"用到了 {C.PLAN_DATE} 以后的数据"):
        C.check_effect(late, dataset)
    C.check_effect(round(float(C.pilot_effect(dataset).pct), 3), dataset)   # rounded as asked: accepted
    assert "✅" in capsys.readouterr().out
    with pytest.raises(AnswerError, match="还没有作答"):
        C.check_effect(None, dataset)


def test_marking_accepts_the_rounded_answer_and_rejects_the_look_ahead_one(dataset):
    exp = C.answers(dataset)
    rounded = dict(exp, **{"q1-answer": round(exp["q1-answer"], 3)})
    assert all(C.marked(rounded, exp).values())
    ahead = dict(exp, **{"q1-answer": round(float(C.pilot_effect(dataset, lookahead=True).pct), 3)})
    assert C.marked(ahead, exp) == {**{k: True for k in exp}, "q1-answer": False}
    assert C.looks_ahead(ahead["q1-answer"], dataset) and not C.looks_ahead(rounded["q1-answer"], dataset)
    assert not any(C.marked({k: None for k in exp}, exp).values())


# ------------------------------------------------------------------------------ the rules

def test_ready_stores_follow_the_stated_rule(dataset):
    facts = C.store_facts(dataset).set_index("store_id")
    ready = C.ready_stores(dataset)
    assert 0 < len(ready) < len(facts)
    for s in facts.index:
        f = facts.loc[s]
        ok = f["leader_capability"] >= 0.7 and f["profit_yuan"] > 0 and f["engaged_share"] >= 0.15
        assert (s in ready) == bool(ok), s
    caps = [facts.loc[s, "leader_capability"] for s in ready]
    assert caps == sorted(caps, reverse=True)
    assert set(facts.index) == set(C.candidates(dataset, C.region(dataset))["store_id"])


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=80), st.integers(min_value=1, max_value=10))
def test_wave_sizes_keep_the_rules_and_are_fewest(n, capacity):
    sizes = C.wave_sizes(n, capacity)
    assert sum(sizes) == n and all(s >= 1 for s in sizes)
    assert C.wave_rule_failures(sizes, capacity) == []
    assert len(sizes) == _fewest(n, capacity)


@functools.lru_cache(maxsize=None)
def _fewest(left: int, capacity: int) -> int:
    """The fewest waves by brute force over every allowed size of the next wave."""
    if left == 0:
        return 0
    if left <= capacity:
        return 1
    return 1 + min(_fewest(left - take, capacity) for take in range(1, min(capacity, left // 2) + 1))


def test_the_wave_check_names_the_broken_rule():
    assert C.wave_rule_failures([6, 6, 6, 6, 4, 4]) == []
    with pytest.raises(AnswerError, match="超过总部一批最多能辅导的 6 家"):
        C.check_waves([32])
    with pytest.raises(AnswerError, match="不够给这一批作对照"):
        C.check_waves([6, 6, 6, 6, 6, 2])
    with pytest.raises(AnswerError, match="正整数"):
        C.check_waves([6.0, 4])


def test_the_judgments_give_reasons_for_every_option(capsys):
    for j, right in ((C.rights_judgment(), "B"), (C.watch_judgment(), "A")):
        assert j.correct == right
        for key in j.options:
            assert j.check(key) == (key == right)
        out = capsys.readouterr().out
        assert out.count("✓") == 1 and out.count("✗") == len(j.options) - 1
        with pytest.raises(AnswerError):
            C.check_choice("E", j, "x", "第4题")


# ------------------------------------------------------------------------------ variants

def test_variants_change_the_region_or_the_answers(dataset_dir, dataset):
    base = V.VariantDataset(dataset_dir, validate=False)
    seen = {}
    for s in ("a01", "a02"):
        ds = V.VariantDataset(validate=False, base=base, variant=V.from_key(V.variant_key(SECRET, s)))
        seen[s] = (C.region(ds), C.answers(ds))
        assert seen[s][0] in C.regions(dataset)
        assert C.looks_ahead(round(float(C.pilot_effect(ds, lookahead=True).pct), 3), ds)
    assert len({r for r, _ in seen.values()}) >= 2
    q1 = [a["q1-answer"] for _, a in seen.values()]
    assert len({round(x, 3) for x in q1}) == len(q1)


# ------------------------------------------------------------------------------ numbers the texts quote

def test_the_numbers_the_question_states_are_the_codes(dataset):
    text = _text()
    assert C.PLAN_DATE in text and "只能用这一天之前的数据" in text
    assert f"班长能力**不低于 {C.CAPABLE:g}**" in text
    assert f"活跃粉和铁杆粉占比**不低于 {C.MIN_ENGAGED_SHARE:g}**" in text
    assert f"总部一批最多辅导 **{C.WAVE_CAPACITY}** 家店" in text
    pilot_cities = sorted(set(dataset.stores.loc[dataset.stores["pilot_group"] == "试点", "city"]))
    assert pilot_cities == ["东莞"] and "在东莞的直营店试点" in text
    assert dataset.meta["pilot_truth"]["start"].startswith("2015-08") and "2015 年 8 月,总部在东莞" in text
    assert f"每批不超过 {C.WAVE_CAPACITY} 家" in text          # the reference memo
    assert set(dataset.stores.loc[dataset.stores["pilot_group"] == "试点", "ownership"]) == {"直营"}
    (p,) = asked_precision("capstone")
    assert (p.variable, p.decimals, p.tolerance) == ("q1_effect", C.EFFECT_DECIMALS, C.EFFECT_TOLERANCE)
    m = marks("capstone")
    table = {c.grade_id: c.points for c in m.cells}
    for gid, pts in table.items():
        q = int(gid[1])
        assert re.search(rf"\| 第{q}题 \|[^|]*\| {pts:g} \|", text), (gid, pts)
    readme = (ROOT / "assignments" / "README.md").read_text(encoding="utf-8")
    row = ", ".join(f"{c.grade_id} {c.points:g}" for c in m.cells if not c.manual)
    assert f"| `capstone` | {row} | {m.auto:g} | q6-memo {m.manual:g} |" in readme
    guide = (ROOT / "course" / "INSTRUCTOR.md").read_text(encoding="utf-8")
    assert re.search(rf"\| `capstone` [^|]*\| 全课 \| {m.auto:g} \| {m.manual:g} \| {m.total:g} \|", guide)


def test_the_memo_has_marked_examples_at_three_levels_on_the_guides_rubric():
    from o2o.teaching import load_memos
    from o2o.teaching.memos import quoted_figures, rubric_in_guide

    (q,) = [q for q in load_memos(ROOT / "course" / "memos.yml") if q.assignment == "capstone"]
    assert q.question == "q6-memo" and [e.level for e in q.examples] == ["strong", "adequate", "weak"]
    guide = (ROOT / "course" / "INSTRUCTOR.md").read_text(encoding="utf-8")
    assert [(r.zh, r.points) for r in q.rubric] == rubric_in_guide(guide, q.guide_heading)
    assert sum(r.points for r in q.rubric) == marks("capstone").manual
    for e in q.examples:
        assert quoted_figures(e.text_zh) == []       # the students' own numbers appear only as 〔第N题:…〕
    assert "看不到" in q.examples[-1].marks[0].zh     # the weak memo loses points for looking ahead
