"""The simulator's outputs for fixed seeds, held against committed values (``golden_simulation.json``).

A refactoring of the engine must leave every number where it was; a deliberate change of the model
rewrites the file (``python tests/scenes/test_scene_golden.py --write``) and says why in its commit.
Totals are compared to 1e-9 relative: tight enough for any change of logic, loose enough for the last
bit of a matrix product on another CPU.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scene_factory import make_world  # noqa: E402

from o2o.scenes import Scene, evaluate, simulate, simulate_history  # noqa: E402

GOLDEN = Path(__file__).with_name("golden_simulation.json")

SQUAD = dict(name="周末满减", scene_type="促销", battle="引流入店", initiator="一线小分队", squad_id=103,
             idea_date=date(2015, 9, 1), launch_date=date(2015, 9, 3), duration_days=7, channels=("朋友圈", "店内"),
             personalization=0.7, incentive_type="满减", incentive_yuan=5.0, budget_yuan=3000.0, target_tier="活跃粉")
HQ = dict(SQUAD, name="全城广告", initiator="总部市场部", squad_id=None, target_city="东莞",
          channels=("广告", "朋友圈", "店内"), budget_yuan=50000.0, target_tier="全部")
CASES = {
    "squad": (SQUAD, 0),
    "squad_pool_runs_out": (dict(SQUAD, budget_yuan=400.0, incentive_yuan=8.0, duration_days=12), 3),
    "hq_city": (HQ, 1),
    "hq_chain_no_incentive": (dict(HQ, target_city=None, incentive_type="无", incentive_yuan=0.0,
                                   battle="付满送", scene_type="支付", target_tier="铁杆粉"), 7),
}


def _round(x: float) -> float:
    return float(f"{x:.12g}")


def outputs() -> dict[str, dict[str, float]]:
    """Totals of every metric (over draws and days), the 5W scores, and a history of a few scenes."""
    world = make_world(n_stores=12, seed=1)
    out = {}
    for name, (kw, seed) in CASES.items():
        result = simulate(Scene(**kw), world, draws=25, seed=seed)
        report = evaluate(result)
        totals = {m: _round(a.sum()) for m, a in sorted(result.arrays.items())}
        totals.update({f"day1_{m}": _round(result.arrays[m][:, 0].sum()) for m in ("visits", "cost_yuan")})
        totals.update({f"5w_{w}": _round(v) for w, v in sorted(dict(report.scores).items())})
        totals["store_totals"] = _round(result.store_totals().select_dtypes("number").to_numpy().sum())
        out[name] = totals
    rows = [dict(SQUAD, scene_id=1, store_id=3), dict(HQ, scene_id=2, store_id=None),
            dict(SQUAD, scene_id=3, squad_id=105, store_id=5, launch_date=date(2015, 9, 5))]
    scenes = pd.DataFrame(rows)
    scenes["channels"] = scenes["channels"].map("|".join)
    for c in ("idea_date", "launch_date"):
        scenes[c] = pd.to_datetime(scenes[c])
    scenes["end_date"] = scenes["launch_date"] + pd.to_timedelta(scenes["duration_days"] - 1, unit="D")
    daily = simulate_history(scenes, world, seed=11)
    out["history"] = {c: _round(daily[c].sum()) for c in sorted(daily.columns) if c not in ("scene_id", "date")}
    return out


def test_simulator_outputs_match_the_committed_values():
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    now = outputs()
    assert set(now) == set(golden)
    for case, values in golden.items():
        assert set(now[case]) == set(values), case
        for key, want in values.items():
            assert now[case][key] == pytest.approx(want, rel=1e-9, abs=1e-9), f"{case}: {key}"


def test_the_golden_cases_are_not_trivial():
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert all(v["visits"] > 0 and v["cost_yuan"] > 0 for k, v in golden.items() if k != "history")
    pool = golden["squad_pool_runs_out"]           # the incentive pool runs out: not every conversion redeems
    assert pool["redemptions"] < pool["conversions"]
    assert golden["history"]["conversions"] > 0
    assert np.isfinite(list(golden["hq_chain_no_incentive"].values())).all()


if __name__ == "__main__" and "--write" in sys.argv:
    GOLDEN.write_text(json.dumps(outputs(), indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
