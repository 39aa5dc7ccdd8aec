"""FanTiers: the Sankey counts the moves between the two chosen months."""

from __future__ import annotations

import numpy as np

from o2o.widgets.fan_tiers import FanTiers, transition_matrix


def test_transition_matrix_counts():
    a = np.array([0, 3, 1, -1], dtype=np.int8)
    b = np.array([1, 3, 1, 0], dtype=np.int8)
    m = transition_matrix(a, b)
    assert m[1, 1] == 1 and m[4, 3] == 1 and m[2, 1] == 1 and m[0, 0] == 1 and m.sum() == 4


def test_moves_january_to_march(member_tiers):
    ft = FanTiers(member_tiers)
    ft.set_months("2015-01", "2015-03")
    assert ft.moves() == {"up": 1, "down": 1, "stay": 1, "new": 1}
    sk = ft._fig.data[4]
    assert sum(sk.link.value) == 4
    assert "升级 <b>1</b>" in ft._summary.value
    counts = ft.counts_by_month()
    assert counts.sum(axis=1).tolist() == [3, 3, 4]
    assert list(ft._fig.data[0].y) == counts[:, 0].tolist()


def test_month_b_before_a_is_a_message(member_tiers):
    ft = FanTiers(member_tiers)
    ft.set_months("2015-03", "2015-01")
    assert "必须晚于" in ft.message_text


def test_refused_month_from_the_page(member_tiers):
    ft = FanTiers(member_tiers)
    before = ft._month_b.value
    ft._month_b.set_state({"index": 12})
    assert ft._month_b.value == before and "只能从列表中选择" in ft.message_text


def test_english(member_tiers):
    ft = FanTiers(member_tiers)
    ft.set_lang("en")
    assert "core fan" in ft._fig.data[3].name
    assert "Moved up" in ft._summary.value
