"""Fragmented channels and personalised content (lesson 17)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from o2o.analysis import fragments as fr
from o2o.errors import DataError


def test_channel_mix_label():
    assert fr.channel_mix_label("广告") == fr.MIX_ONLY_ADS
    assert fr.channel_mix_label("朋友圈|店内") == fr.MIX_ONLY_P2P
    assert fr.channel_mix_label("广告|店内") == fr.MIX_BOTH


def _perf(n=200, seed=3):
    """A synthetic ledger where log conversion rate rises by exactly 0.05 per +0.1 personalisation."""
    rng = np.random.default_rng(seed)
    p = rng.uniform(0.1, 0.9, n)
    moments = rng.random(n) < 0.5
    ads = rng.random(n) < 0.3
    log_rate = np.log(100) + 0.5 * p + 0.2 * moments - 0.4 * ads
    reach = np.full(n, 10_000.0)
    df = pd.DataFrame({
        "personalization": p, "reach": reach, "conversions": np.exp(log_rate) * reach / 1000,
        "reach_p2p": reach * (~ads), "incremental_margin_yuan": 10.0, "cost_yuan": 100.0,
        "scene_type": rng.choice(["促销", "交易", "支付"], n), "uses_朋友圈": moments, "uses_广告": ads,
        "uses_店内": rng.random(n) < 0.5, "worth": 0.1, "p2p_share": 1.0 * (~ads), "scene_name": "x", "battle": "y",
    })
    df["conv_per_1000"] = df["conversions"] / df["reach"] * 1000
    df["渠道组合"] = np.where(ads, fr.MIX_ONLY_ADS, fr.MIX_ONLY_P2P)
    df["个性化档"] = pd.qcut(df["personalization"].rank(method="first"), 5, labels=list(fr.BANDS))
    return df


def test_regression_recovers_known_coefficients():
    reg = fr.lever_regression(_perf())
    assert reg.loc["个性化程度(每 +0.1)", "系数"] == pytest.approx(0.05, abs=1e-3)
    assert reg.loc["使用朋友圈", "系数"] == pytest.approx(0.2, abs=1e-3)
    assert reg.loc["使用广告", "系数"] == pytest.approx(-0.4, abs=1e-3)


def test_bands_and_ratio():
    perf = _perf()
    bands = fr.by_personalization(perf)
    assert list(bands.index) == list(fr.BANDS)
    assert bands["场景数"].sum() == len(perf)
    assert fr.personalization_ratio(perf) > 1


def test_bad_input_and_too_few_scenes():
    with pytest.raises(DataError):
        fr.by_personalization(pd.DataFrame({"x": [1]}))
    with pytest.raises(DataError, match="场景太少"):
        fr.lever_regression(_perf(n=10))


def test_on_dataset(dataset):
    perf = fr.scene_performance(dataset)
    assert (perf["reach"] > 0).all()
    mix = fr.by_channel_mix(perf)
    assert mix["场景数"].sum() == len(perf)
    reg = fr.lever_regression(perf)
    assert (reg["95%下限"] <= reg["系数"]).all() and (reg["系数"] <= reg["95%上限"]).all()
    fig = fr.explore_figure(perf)
    assert len(fig.layout.updatemenus[0].buttons) == 3
