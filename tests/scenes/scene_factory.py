"""Small synthetic chains for the scene tests (no dataset needed)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from o2o.scenes import World

CITIES = ("东莞", "深圳", "广州")


def make_frames(n_stores: int = 12, seed: int = 1, fans_scale: float = 1.0, rent: float = 9000.0,
                capability: float | None = None) -> dict[str, pd.DataFrame]:
    """Tables shaped like the dataset's for ``n_stores`` stores (every store has a squad of 4)."""
    rng = np.random.default_rng(seed)
    ids = np.arange(1, n_stores + 1, dtype=np.int32)
    stores = pd.DataFrame({
        "store_id": ids,
        "city": [CITIES[i % len(CITIES)] for i in range(n_stores)],
        "monthly_rent_yuan": np.full(n_stores, rent),
        "ownership": "直营",
    })
    staff_rows = []
    sid = 1
    for s in ids:
        for k in range(5):
            cap = capability if capability is not None else float(rng.uniform(0.2, 0.95))
            staff_rows.append({"staff_id": sid, "store_id": int(s), "capability": cap})
            sid += 1
    staff = pd.DataFrame(staff_rows)
    leaders = staff.sort_values(["store_id", "capability"], ascending=[True, False]).groupby("store_id").head(1)
    squads = pd.DataFrame({
        "squad_id": np.arange(101, 101 + n_stores, dtype=np.int32),
        "store_id": leaders["store_id"].to_numpy(),
        "leader_staff_id": leaders["staff_id"].to_numpy(),
        "size": np.full(n_stores, 4),
    })
    dates = pd.date_range("2015-01-01", "2015-12-31", freq="D")
    level = rng.lognormal(np.log(260), 0.25, n_stores)
    wk = np.where(dates.day_of_week >= 5, 1.1, 1.0)
    tickets = np.round(level[:, None] * wk[None, :] * rng.lognormal(0, 0.08, (n_stores, len(dates))))
    ticket_size = rng.uniform(14, 18, n_stores)
    sales = tickets * ticket_size[:, None]
    daily = pd.DataFrame({
        "store_id": np.repeat(ids, len(dates)),
        "date": np.tile(dates.to_numpy(), n_stores),
        "sales_yuan": sales.ravel(),
        "gross_margin_yuan": (sales * 0.25).ravel(),
        "tickets": tickets.ravel().astype(np.int32),
    })
    months = pd.date_range("2015-01-01", periods=12, freq="MS")
    tiers = ("沉睡粉", "普通粉", "活跃粉", "铁杆粉")
    base = np.array([500, 350, 220, 80]) * fans_scale
    rows = []
    for s in ids:
        for m in months:
            for t, f in zip(tiers, base):
                rows.append({"store_id": int(s), "month": m, "tier": t, "fans": int(round(f))})
    fans = pd.DataFrame(rows)
    return {"stores": stores, "squads": squads, "staff": staff, "daily_sales": daily, "store_fans_monthly": fans}


def make_world(**kw) -> World:
    scenes = kw.pop("scenes", None)
    return World.from_frames(**make_frames(**kw), scenes=scenes)
