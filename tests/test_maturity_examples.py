"""The synthetic example organisations and the analysis helpers."""

from __future__ import annotations

import pandas as pd
import pytest

from o2o.errors import O2OError
from o2o.maturity import (
    FACTIONS,
    OTHER_SCHOOLS,
    QUESTIONNAIRE,
    assess,
    bottleneck_stage,
    example_assessments,
    mastery_profile,
    stage_distribution,
)


@pytest.fixture(scope="module")
def df() -> pd.DataFrame:
    return example_assessments(seed=2014, n_per_faction=20)


def test_same_seed_same_table_other_seed_other_table(df):
    pd.testing.assert_frame_equal(df, example_assessments(seed=2014, n_per_faction=20))
    other = example_assessments(seed=7, n_per_faction=20)
    assert not df[[it.id for it in QUESTIONNAIRE]].equals(other[[it.id for it in QUESTIONNAIRE]])


def test_shape_labels_and_synthetic_flag(df):
    assert len(df) == 60
    assert set(df["faction"]) == set(FACTIONS)
    assert df["org_id"].is_unique
    assert df.attrs["synthetic"] is True and "合成数据" in df.attrs["note_zh"]
    for school in OTHER_SCHOOLS:  # named by the article, not modelled
        assert school not in set(df["faction"])
    answers = df[[it.id for it in QUESTIONNAIRE]]
    assert answers.isin([1, 2, 3, 4, 5]).all().all()


def test_stored_results_agree_with_assess(df):
    for _, row in df.head(15).iterrows():
        r = assess({it.id: int(row[it.id]) for it in QUESTIONNAIRE})
        assert r.reached_stage == row["reached_stage"]
        for k, m in r.mastery.items():
            assert m == pytest.approx(row[f"mastery_{k}"])


def test_examples_cover_several_stages_and_factions_differ(df):
    assert df["reached_stage"].nunique() >= 4
    profile = mastery_profile(df)
    assert profile.shape == (3, 5)
    # the constructed profiles: online verticals strongest on information, weakest on attitude
    assert profile.loc["Online垂直电商", "对接信息"] > profile.loc["Online垂直电商", "双向态度"]
    assert profile["双向态度"].idxmin() == "Online垂直电商"


def test_stage_distribution_counts_and_shares(df):
    counts = stage_distribution(df)
    assert counts.shape == (3, 5) and counts.to_numpy().sum() == 60
    assert list(counts.columns)[0] == "1 双向态度"
    shares = stage_distribution(df, normalize=True)
    assert shares.sum(axis=1).round(9).eq(1.0).all()


def test_bottleneck_is_the_most_frequent_gate(df):
    b = bottleneck_stage(df)
    for faction, row in b.iterrows():
        gates = df.loc[df["faction"] == faction, "gate_stage"].dropna().astype(int)
        assert gates.value_counts().max() == pytest.approx(row["share_blocked"] * row["n"])
        assert row["bottleneck_stage"] in set(gates)
    tiny = df.head(3).assign(gate_stage=pd.array([pd.NA] * 3, dtype="Int64"))
    assert bottleneck_stage(tiny).iloc[0]["bottleneck_stage"] == 0


def test_helper_errors_are_bilingual():
    with pytest.raises(O2OError, match="缺少这些列"):
        stage_distribution(pd.DataFrame({"faction": ["x"]}))
    with pytest.raises(O2OError, match="DataFrame"):
        bottleneck_stage([1, 2])
    for bad in (-1, "1", 1.5, True):
        with pytest.raises(O2OError, match="seed"):
            example_assessments(seed=bad)
    with pytest.raises(O2OError, match="n_per_faction"):
        example_assessments(n_per_faction=0)


def test_docstring_examples():
    import doctest

    import o2o.maturity.assessment as a
    import o2o.maturity.examples as e

    for mod in (a, e):
        failures, _ = doctest.testmod(mod)
        assert failures == 0


def test_figures():
    from o2o.maturity import faction_profile_figure, mastery_figure

    r = assess({it.id: (1 if it.reverse else 5) for it in QUESTIONNAIRE} | {"s3_q1": 1, "s3_q2": 1})
    fig = mastery_figure(r)
    assert list(fig.data[0].y) == [r.mastery[k] for k in range(1, 6)]
    colours = list(fig.data[0].marker.color)
    assert colours[0] == colours[1] != colours[2] != colours[3]
    assert "第3阶段" in fig.layout.title.text
    assert "stage 3" in mastery_figure(r, lang="en").layout.title.text
    with pytest.raises(O2OError):
        mastery_figure({"s1_q1": 3})
    fig = faction_profile_figure(example_assessments(seed=3, n_per_faction=4))
    assert len(fig.data) == 3 and "合成" in fig.layout.title.text
