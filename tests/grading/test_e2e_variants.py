"""A class of ten on assignments 4 and 3 with per-student variants, graded by the real ``o2o grade``: every
correct solution gets full marks against its own variant; an answer copied from a neighbour's variant gets
zero for that question and the debrief flags it; two copied memos are flagged; nothing else is."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from variant_class import VariantCourse, scores as gradebook_scores  # noqa: E402

from o2o.assignments.answers import M4_TOLERANCE, TOLERANCE, answers as expected_answers, m4_answers, same_answer  # noqa: E402
from o2o.data import variants as V  # noqa: E402
from o2o.grading.integrity import memo_similarity, variant_answers, variant_matches  # noqa: E402

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
A = "m4-fivew"
SECRET = b"e2e-course-secret-0123456789abcdef"
STUDENTS = [f"stu{i:02d}" for i in range(1, 11)]
COPIER, SOURCE = "stu03", "stu04"          # stu03 hands in stu04's q3 number
MEMO_A, MEMO_B = "stu07", "stu08"          # stu08 hands in stu07's memo, lightly edited

POOL = [
    "增量毛利最高的小分队场景在谁主导这一项得分很高,因为店员自己发起,反应很快。",
    "这个场景的传播主要靠朋友圈和店内海报,点对点的比重高,所以传播方式得分不错。",
    "最弱的一项说明顾客没有自发转发的理由,下次应该设计一个值得分享的优惠。",
    "我为门店设计的场景选择了自团购,顾客需要拉朋友一起买,转发的动力更强。",
    "预算控制在两千元以内,上线快、结束快,一周内就能在后台看到效果。",
    "双重差分的结果显示试点门店的销售额明显高于对照门店,置信区间不包含零。",
    "每店每天多出的新会员人数不算多,但一年累积下来是一笔可观的粉丝资产。",
    "局限在于试点门店是总部挑选的,可能本来就更有潜力,结论会被高估。",
    "推广时应该分批进行,每一批都保留对照门店,继续用数据检验效果。",
    "实时看到场景数据后,总部可以在第三天决定是否加大投入或者提前收场。",
    "如果激励只有积分,顾客的积极性有限,满减或赠品更能带动第一次购买。",
    "加盟店没有小分队,推广股东制度之前要先想清楚加盟商愿不愿意分利。",
    "场景结束后要复盘:哪些粉丝层级被激活了,哪些沉睡粉仍然没有回来。",
    "我会建议总部把每元毛利作为第一指标,其次看粉丝增长,最后看速度。",
    "面向全部粉丝的场景覆盖面大,但转化率低;只面向铁杆粉则相反。",
    "周末和节假日的客流不同,上线日期的选择会明显影响效果评估的结果。",
]


def _memo(student: str) -> str:
    rng = np.random.default_rng([int(student[3:]), 17])
    return "".join(POOL[i] for i in rng.choice(len(POOL), size=5, replace=False))


@pytest.fixture(scope="module")
def graded(tmp_path_factory, dataset_dir):
    c = VariantCourse(tmp_path_factory.mktemp("variants"), A, SECRET, dataset_dir)
    solution = c.solution
    copied = m4_answers(V.VariantDataset(dataset_dir, validate=False,
                                         variant=V.from_key(V.variant_key(SECRET, SOURCE))))["q3-answer"]
    memos = {s: _memo(s) for s in STUDENTS}
    memos[MEMO_B] = memos[MEMO_A].replace("我", "本人").replace("总部", "公司总部")
    for s in STUDENTS:
        answers = dict(solution, **{"q5-memo": memos[s]})
        if s == COPIER:
            answers["q3-answer"] = f"q3_sales_pct = {round(copied, 3)}\nq3_sales_pct"
        c.submit(s, answers)
    r = c.grade()
    table = variant_answers(c.root, A, c.secret, data=dataset_dir)   # the debrief's view: every variant's answers
    return {"root": c.root, "secret": c.secret, "table": table, "stdout": r.stdout}


def test_neighbours_variants_differ_in_every_autograded_answer(graded):
    exp = graded["table"].set_index(["student", "question"])["own_expected"]
    for a, b in zip(STUDENTS, STUDENTS[1:]):
        for gid in M4_TOLERANCE:
            assert not same_answer(gid, exp[a, gid], exp[b, gid]), (a, b, gid)


def test_each_correct_solution_gets_full_marks_and_the_copied_number_gets_zero(graded):
    scores = gradebook_scores(graded["root"], A)
    assert set(scores) == set(STUDENTS)
    full = {"q1-test": 2.0, "q2-test": 4.0, "q3-test": 2.0, "q4-test": 2.0}
    for s in STUDENTS:
        want = dict(full, **({"q3-test": 0.0} if s == COPIER else {}))
        assert scores[s] == want, (s, scores[s], graded["stdout"])


def test_the_debrief_shows_results_across_variants_and_flags_the_copied_answer(graded):
    table = graded["table"]
    assert len(table) == len(STUDENTS) * len(M4_TOLERANCE) and table["variant"].nunique() == len(STUDENTS)
    wrong = table[~table["correct_for_own"]]
    assert list(zip(wrong["student"], wrong["question"])) == [(COPIER, "q3-answer")]
    flags = variant_matches(table)
    assert flags[["student", "question", "matches"]].values.tolist() == [[COPIER, "q3-answer", SOURCE]]


def test_the_debrief_flags_the_copied_memo_and_no_other_pair(graded):
    release = json.loads((graded["root"] / "release" / A / f"{A}.ipynb").read_text(encoding="utf-8"))
    prompt = {c["metadata"]["nbgrader"]["grade_id"]: "".join(c["source"]) for c in release["cells"]
              if c["metadata"].get("nbgrader", {}).get("grade_id") == "q5-memo"}
    pairs = memo_similarity(graded["root"], A, ["q5-memo"], prompt=prompt)
    assert pairs[["student_a", "student_b"]].values.tolist() == [[MEMO_A, MEMO_B]]
    assert pairs["similarity"].iloc[0] > 0.6


# ------------------------------------------------------------------ assignment 3: windows, squads, stores
A3 = "m3-scenes"
COPY3 = {"stu05": ("stu06", "q3-answer"), "stu09": ("stu10", "q1-answer")}   # copier -> (source, question)


def _literal(gid: str, value) -> str:
    """An answer cell that hands in ``value`` (a number or a (text, number) pair) for ``gid``."""
    names = {"q1-answer": ["q1_squad_budget_share"], "q3-answer": ["q3_best_battle", "q3_best_ratio"]}[gid]
    values = value if isinstance(value, tuple) else (value,)
    return "\n".join(f"{n} = {round(v, 4) if isinstance(v, float) else v!r}" for n, v in zip(names, values)) + \
        "\n" + ", ".join(names)


@pytest.fixture(scope="module")
def graded3(tmp_path_factory, dataset_dir):
    c = VariantCourse(tmp_path_factory.mktemp("variants3"), A3, SECRET, dataset_dir)
    solution = c.solution
    base = V.VariantDataset(dataset_dir, validate=False)
    for s in STUDENTS:
        answers = dict(solution, **{"q5-memo": _memo(s)})
        if s in COPY3:
            src, gid = COPY3[s]
            theirs = V.VariantDataset(validate=False, variant=V.from_key(V.variant_key(SECRET, src)), base=base)
            answers[gid] = _literal(gid, expected_answers(A3, theirs)[gid])
        c.submit(s, answers)
    r = c.grade()
    return {"root": c.root, "table": variant_answers(c.root, A3, c.secret, data=dataset_dir), "stdout": r.stdout}


def test_m3_neighbours_differ_in_every_autograded_answer(graded3):
    exp = graded3["table"].set_index(["student", "question"])["own_expected"]
    for a, b in zip(STUDENTS, STUDENTS[1:]):
        for gid in TOLERANCE[A3]:
            assert not same_answer(gid, exp[a, gid], exp[b, gid], TOLERANCE[A3]), (a, b, gid)


def test_m3_correct_solutions_get_full_marks_and_copied_answers_zero_and_are_flagged(graded3):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{graded3['root'] / 'gradebook.db'}") as gb:
        scores = {sub.student_id: {g.name: float(g.auto_score or 0) for nb in sub.notebooks for g in nb.grades
                                   if g.cell.cell_type == "code"} for sub in gb.assignment_submissions(A3)}
    full = {"q1-test": 2.0, "q2-test": 2.0, "q3-test": 2.0, "q4-test": 4.0}
    for s in STUDENTS:
        lost = {COPY3[s][1].replace("answer", "test"): 0.0} if s in COPY3 else {}
        assert scores[s] == dict(full, **lost), (s, scores[s], graded3["stdout"])
    table = graded3["table"]
    assert len(table) == len(STUDENTS) * len(TOLERANCE[A3]) and table["variant"].nunique() == len(STUDENTS)
    wrong = table[~table["correct_for_own"]]
    assert sorted(zip(wrong["student"], wrong["question"])) == sorted((s, q) for s, (_, q) in COPY3.items())
    flags = variant_matches(table)
    assert sorted(flags[["student", "question", "matches"]].values.tolist()) == \
        sorted([s, q, src] for s, (src, q) in COPY3.items())
