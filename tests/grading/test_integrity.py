"""The memo similarity measure: character 3-gram shingles of normalised Chinese text, Jaccard similarity."""

from __future__ import annotations

from hypothesis import given, strategies as st

from o2o.grading.integrity import jaccard, shingles

TEXT = "双重差分显示试点让销售额约增加8%,置信区间不含0;局限是试点店由总部挑选,推广时应随机分批。"


def test_punctuation_spacing_and_width_do_not_matter():
    assert shingles(TEXT) == shingles(TEXT.replace(",", " , ").replace("8", "８").replace("。", "!"))


def test_a_light_edit_stays_similar_and_an_unrelated_memo_does_not():
    edited = TEXT.replace("总部", "公司总部")
    other = "会员分层之后,铁杆粉的复购率最高,应优先用社群维系,普通粉用满减券唤醒。"
    assert jaccard(shingles(TEXT), shingles(edited)) > 0.7
    assert jaccard(shingles(TEXT), shingles(other)) < 0.1


@given(st.text(max_size=200), st.text(max_size=200))
def test_jaccard_is_a_symmetric_similarity_in_unit_range(a, b):
    sa, sb = shingles(a), shingles(b)
    assert 0.0 <= jaccard(sa, sb) == jaccard(sb, sa) <= 1.0
    if sa:
        assert jaccard(sa, sa) == 1.0
