"""The DiD and A/B helpers recover planted effects within their confidence intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from o2o.errors import DataError
from o2o.scenes import ab_test, did
from o2o.scenes.did import t_ppf


def panel(effect: float, seed: int, n_units: int = 120, n_days: int = 120, start: int = 60) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    unit = np.repeat(np.arange(n_units), n_days)
    day = np.tile(np.arange(n_days), n_units)
    treated = unit < n_units // 2
    post = day >= start
    level = rng.lognormal(np.log(4000), 0.3, n_units)[unit]
    season = (1 + 0.1 * np.sin(day / 10.0))
    ar = np.zeros((n_units, n_days))
    shocks = rng.normal(0, 0.08, (n_units, n_days))
    for t in range(n_days):   # serially correlated noise: why clustering by store matters
        ar[:, t] = (0.6 * ar[:, t - 1] if t else 0) + shocks[:, t]
    y = level * season * np.exp(ar.ravel()) * np.where(treated & post, 1 + effect, 1.0)
    return pd.DataFrame({"store_id": unit, "date": pd.Timestamp("2015-01-01") + pd.to_timedelta(day, "D"),
                         "sales_yuan": y, "treated": treated, "post": post})


def test_did_recovers_a_planted_effect_within_its_ci():
    hits = 0
    for seed in range(10):
        est = did(panel(0.08, seed))
        assert est.log and est.n_clusters == 120
        assert abs(est.pct - 0.08) < 0.03
        hits += est.contains(np.log(1.08))
    assert hits >= 8   # ~95% coverage


def test_did_without_effect_and_in_levels():
    est = did(panel(0.0, 3))
    assert est.contains(0.0)
    lv = did(panel(0.10, 4), log=False)
    assert 200 < lv.estimate < 600 and not lv.contains(0.0)
    assert "置信区间" in est.summary() and "CI" in est.summary("en")


def test_did_handles_unbalanced_panels_and_drops_non_positive():
    df = panel(0.08, 5)
    df = df.drop(df.sample(frac=0.1, random_state=1).index)
    df.loc[df.index[:50], "sales_yuan"] = 0.0
    est = did(df)
    assert est.dropped == 50 and abs(est.pct - 0.08) < 0.03


def test_ab_test_with_and_without_clusters():
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"g": np.repeat(["A", "B"], 2000), "y": np.r_[rng.normal(10, 2, 2000), rng.normal(10.5, 2, 2000)],
                       "c": np.tile(np.arange(200), 20)})
    r = ab_test(df, "y", "g", treatment="B", control="A")
    assert r.contains(0.5) and not r.contains(0.0)
    assert r.mean_treatment - r.mean_control == pytest.approx(r.estimate)
    rc = ab_test(df, "y", "g", treatment="B", control="A", cluster="c")
    assert rc.n_clusters == 200


def test_clear_errors():
    with pytest.raises(DataError, match="缺少列"):
        did(pd.DataFrame({"x": [1]}))
    with pytest.raises(DataError, match="处理组"):
        ab_test(pd.DataFrame({"y": [1.0, 2.0], "g": ["A", "A"]}), "y", "g", treatment="B", control="A")


def test_t_quantiles():
    assert t_ppf(0.975, 1e9) == pytest.approx(1.959964, abs=1e-5)
    assert t_ppf(0.975, 10) == pytest.approx(2.228139, abs=2e-3)
    assert t_ppf(0.975, 30) == pytest.approx(2.042272, abs=1e-4)


def test_pilot_effect_planted_in_the_dataset(dataset):
    from o2o.scenes import pilot_panel

    est = did(pilot_panel(dataset))
    truth = dataset.meta["pilot_truth"]["sales_effect"]
    # the pilot stores' extra squad scenes add a little on top of the planted effect
    assert abs(est.pct - truth) < 0.015, est
    assert est.pct_low > 0.0
