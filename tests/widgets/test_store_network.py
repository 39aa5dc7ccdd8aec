"""StoreNetwork: filters change the points on the map; refused values keep the map as it was."""

from __future__ import annotations

import numpy as np
import pytest

from o2o.errors import DataError
from o2o.widgets import geo
from o2o.widgets.store_network import N_STORE_TRACES, StoreNetwork


def _shown(net):
    return sum(len(t.x) for t in net._fig.data[2:] if t.visible)


def test_all_stores_then_filters(stores):
    net = StoreNetwork(stores)
    assert net.shown_count == len(stores) == _shown(net)
    net.set_filter(city="东莞", ownership="直营")
    expect = stores[(stores.city == "东莞") & (stores.ownership == "直营")]
    assert net.shown_count == len(expect) == _shown(net)
    xs = np.concatenate([np.asarray(t.x) for t in net._fig.data[2:] if t.visible and len(t.x)])
    assert sorted(xs) == sorted(expect["lon"].round(4))  # the map sends coordinates rounded to ~10 m
    assert f"{len(expect):,}" in net._summary.value


def test_colour_by_pilot_group_has_one_trace_per_group(stores):
    net = StoreNetwork(stores)
    net.set_filter(colour="pilot_group")
    visible = [t for t in net._fig.data[2:] if t.visible]
    assert len(visible) == 3 and len(net._fig.data) == 2 + N_STORE_TRACES
    assert visible[0].name.startswith("试点")


def test_no_match_says_so(stores):
    net = StoreNetwork(stores)
    net.set_filter(city="惠州", pilot_group="试点", format="学校", ownership="加盟")
    if net.shown_count == 0:
        assert "没有符合条件的门店" in net._summary.value


def test_refused_city_keeps_the_map_and_explains(stores):
    net = StoreNetwork(stores)
    net.set_filter(city="深圳")
    n = net.shown_count
    net._city.set_state({"index": 999})
    assert net.filters()["city"] == "深圳" and net.shown_count == n
    assert "「城市」只能从列表中选择" in net.message_text
    net.set_filter(city="火星")
    assert net.filters()["city"] == "深圳"


def test_english_labels(stores):
    net = StoreNetwork(stores)
    net.set_filter(city="东莞")
    net.set_lang("en")
    assert net._city.description == "City"
    assert "Dongguan" in net._fig.data[1].text
    assert "synthetic" in net._fig.layout.title.text
    assert net.filters()["city"] == "东莞"  # the data value stays Chinese


def test_missing_columns_is_a_data_error(stores):
    with pytest.raises(DataError, match="lat"):
        StoreNetwork(stores.drop(columns=["lat"]))


def test_outline_is_offline_and_contains_the_cities():
    xs, ys = geo.outline_xy()
    assert xs[0] == xs[-1] and ys[0] == ys[-1] and len(xs) > 40
    for name, (lon, lat) in geo.guangdong()["cities"].items():
        assert geo.point_in_outline(lon, lat), name
    assert not geo.point_in_outline(110.3, 20.0)  # Hainan strait, not Guangdong
