"""o2o.display: tables shown with Chinese column names."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from o2o.data.schema import TABLES
from o2o.display import COLUMNS, KEEP, chinese, label, show
from o2o.errors import DataError

_CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_glossary_label_is_chinese_and_unique():
    assert all(_CJK.search(v) for v in COLUMNS.values())
    assert len(set(COLUMNS.values())) == len(COLUMNS), "two column names share one Chinese label"


def test_labels_follow_the_glossary_then_the_data_dictionary():
    assert label("margin_per_yuan") == "每元成本增量毛利(元)"
    assert label("lat") == TABLES["stores"].columns["lat"].zh          # from the data dictionary
    assert label("share_铁杆粉") == "铁杆粉占比"
    assert label("门店数") == "门店数" and label("Who") == "Who" and label(3) == 3
    assert label("no_such_column") == "no_such_column"


def test_show_renames_columns_index_and_axis_names_and_drops_english_helpers():
    df = pd.DataFrame({"initiator": ["总部市场部", "一线小分队"], "scenes": [12, 900], "format_en": ["a", "b"],
                       "margin_per_yuan": [0.5, 0.81]}).set_index("initiator")
    df.columns.name = "metric"
    out = show(df)
    assert list(out.columns) == ["场景数", "每元成本增量毛利(元)"]
    assert out.index.name == "发起方" and out.columns.name == "度量"
    assert list(df.columns) == ["scenes", "format_en", "margin_per_yuan"], "the table itself is not changed"
    assert out["场景数"].tolist() == [12, 900]


def test_show_formats_by_original_names_and_refuses_unknown_ones():
    df = pd.DataFrame({"conversion_rate": [0.0391], "reach": [1234567]})
    html = show(df, {"conversion_rate": "{:.1%}", "reach": "{:,.0f}"}).to_html()
    assert "3.9%" in html and "1,234,567" in html and "转化率" in html and "conversion_rate" not in html
    assert "3.9%" in show(df[["conversion_rate"]], "{:.1%}").to_html()
    with pytest.raises(DataError, match="margin_per_yuan"):
        show(df, {"margin_per_yuan": "{:.2f}"})
    with pytest.raises(DataError):
        show([1, 2, 3])


def test_a_series_becomes_a_one_column_table():
    s = pd.Series([3, 4], index=pd.Index(["试点", "对照"], name="pilot_group"), name="stores")
    out = chinese(s)
    assert list(out.columns) == ["门店数"] and out.index.name == "试点分组"
    assert show(s, digits=0).shape == (2, 1)


@given(st.lists(st.sampled_from(sorted(COLUMNS) + sorted(KEEP) + ["门店数", "x_en"]), min_size=1, max_size=8, unique=True))
def test_show_keeps_every_row_and_every_non_english_helper_column(names):
    df = pd.DataFrame([[1] * len(names)], columns=names)
    out = show(df)
    assert len(out) == 1
    assert len(out.columns) == len([n for n in names if not n.endswith("_en")])
