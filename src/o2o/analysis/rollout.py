"""Lesson 34, 从试点到全网 (from pilot to network): the pilot's effect and whether it differs by store,
the rollout targets and their risks, a projection of what a rollout is worth, and rollout waves.

Every function takes the dataset's tables (or the loaded dataset ``ds`` where several are needed)
and returns a table or a plotly figure for the lesson to show.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DataError
from ..scenes import did, pilot_panel
from ._frames import require, CONTROL, DIRECT, PILOT
from .organisation import store_profitability

__all__ = ["pilot_effect", "effect_by", "rollout_targets", "rollout_projection", "projection_summary",
    "scale_risks", "rollout_waves"]

def pilot_effect(ds: Any, outcome: str = "sales_yuan", stores: Iterable[int] | None = None, panel=None):
    """The pilot's DiD effect on ``outcome`` (log scale; :class:`o2o.scenes.DIDResult`), optionally for some stores.

    ``panel`` is the pilot panel (:func:`o2o.scenes.pilot_panel`) when it is already built.
    """
    if panel is None:
        panel = pilot_panel(ds, outcome)
    if stores is not None:
        keep = set(int(s) for s in stores)
        panel = panel[panel["store_id"].isin(keep)]
    return did(panel, outcome=outcome)


def effect_by(ds: Any, by: str = "format", outcome: str = "sales_yuan") -> pd.DataFrame:
    """The pilot's effect in subgroups of pilot and control stores, with 95 % intervals.

    ``by`` is a column of ``stores`` (e.g. ``format``) or ``"leader_capability"`` (split at the
    median of the pilot and control stores' squad leaders into ``能力较高`` / ``能力较低``).
    Subgroups without both pilot and control stores are skipped.
    """
    cols = ["store_id", "pilot_group"] + ([by] if by in ds.stores.columns and by not in ("store_id", "pilot_group")
                                          else [])
    st = ds.stores[ds.stores["pilot_group"].isin([PILOT, CONTROL])][cols]
    if by == "leader_capability":
        cap = st["store_id"].map(_leader_capability(ds))
        st = st.assign(leader_capability=np.where(cap >= cap.median(), "能力较高", "能力较低"))
    elif by not in st.columns:
        raise DataError(f"不能按“{by}”分组:stores 表里没有这一列。可用:format、city、leader_capability。",
                        f"Cannot split by {by!r}: no such column. Use format, city or leader_capability.")
    panel = pilot_panel(ds, outcome)
    rows = []
    for key, grp in st.groupby(by):
        n_p = int((grp["pilot_group"] == PILOT).sum())
        n_c = int((grp["pilot_group"] == CONTROL).sum())
        if n_p == 0 or n_c == 0:
            continue
        r = pilot_effect(ds, outcome, stores=grp["store_id"], panel=panel)
        rows.append({by: key, "pilot_stores": n_p, "control_stores": n_c, "effect": r.pct,
                     "ci_low": r.pct_low, "ci_high": r.pct_high})
    return pd.DataFrame(rows)


def _leader_capability(ds: Any) -> pd.Series:
    sq, staff = ds.squads, ds.staff
    require(sq, ["store_id", "leader_staff_id"], "squads")
    require(staff, ["staff_id", "capability"], "staff")
    cap = staff.set_index("staff_id")["capability"]
    s = sq.drop_duplicates("store_id").set_index("store_id")["leader_staff_id"].map(cap)
    return s.astype("float64")


def rollout_targets(ds: Any) -> pd.DataFrame:
    """The direct stores that would join a network-wide rollout (all direct stores except the pilot's own).

    Columns: ``store_id``, ``city``, ``format``, ``pilot_group``, ``sales_per_year`` and
    ``margin_per_year`` (2015 daily means × 365), ``leader_capability`` and ``in_pilot_city``.
    """
    st = ds.stores
    require(st, ["store_id", "ownership", "pilot_group", "city", "format"], "stores")
    t = st[(st["ownership"] == DIRECT) & (st["pilot_group"] != PILOT)][["store_id", "city", "format", "pilot_group"]]
    d = ds.daily_sales
    d = d[d["store_id"].isin(t["store_id"])].groupby("store_id")[["sales_yuan", "gross_margin_yuan"]].mean()
    t = t.merge(d, left_on="store_id", right_index=True, how="inner")
    t["sales_per_year"] = t.pop("sales_yuan") * 365
    t["margin_per_year"] = t.pop("gross_margin_yuan") * 365
    t["leader_capability"] = t["store_id"].map(_leader_capability(ds))
    pilot_cities = set(st.loc[st["pilot_group"] == PILOT, "city"])
    t["in_pilot_city"] = t["city"].isin(pilot_cities)
    return t.reset_index(drop=True)


def rollout_projection(targets: pd.DataFrame, effect: Any, transfer: float = 1.0, draws: int = 2000,
                       seed: int = 34) -> pd.DataFrame:
    """Simulated extra sales and margin per year if every target store got the pilot's effect.

    Each draw takes an effect from the DiD estimate's sampling distribution (normal on the log scale
    with its standard error). Stores outside the pilot's city get ``transfer`` × that effect: the
    pilot says nothing about them, so ``transfer`` (0..1.5) is the manager's assumption. One row
    per draw: ``effect`` (pilot-city stores), ``extra_sales_yuan``, ``extra_margin_yuan``.
    """
    require(targets, ["sales_per_year", "margin_per_year", "in_pilot_city"], "rollout targets")
    if isinstance(transfer, bool) or not isinstance(transfer, (int, float, np.floating)) \
            or not np.isfinite(transfer) or not 0 <= transfer <= 1.5:
        raise DataError(f"外地门店的效果折算 transfer 应在 0 到 1.5 之间(1 = 和试点一样),收到的是 {transfer!r}。",
                        f"transfer must be between 0 and 1.5 (1 = as in the pilot); got {transfer!r}.")
    if isinstance(draws, bool) or not isinstance(draws, (int, np.integer)) or not 1 <= draws <= 100_000:
        raise DataError("模拟次数 draws 应是 1 到 100000 之间的整数。", "draws must be a whole number from 1 to 100000.")
    rng = np.random.default_rng(seed)
    logs = rng.normal(float(effect.estimate), float(effect.se), size=int(draws))
    pct = np.expm1(logs)
    inside = targets["in_pilot_city"].to_numpy(bool)
    sales_in = float(targets.loc[inside, "sales_per_year"].sum())
    sales_out = float(targets.loc[~inside, "sales_per_year"].sum())
    margin_in = float(targets.loc[inside, "margin_per_year"].sum())
    margin_out = float(targets.loc[~inside, "margin_per_year"].sum())
    tr = float(transfer)
    return pd.DataFrame({"effect": pct,
                         "extra_sales_yuan": pct * (sales_in + tr * sales_out),
                         "extra_margin_yuan": pct * (margin_in + tr * margin_out)}).rename_axis("draw")


def projection_summary(projection: pd.DataFrame) -> pd.DataFrame:
    """Mean and 5 % / 95 % band of a :func:`rollout_projection` (yuan per year, and effect)."""
    require(projection, ["effect", "extra_sales_yuan", "extra_margin_yuan"], "projection")
    names = {"effect": "试点城市门店的效果", "extra_sales_yuan": "每年增加的销售额(元)",
             "extra_margin_yuan": "每年增加的毛利(元)"}
    rows = []
    for c, zh in names.items():
        v = projection[c].to_numpy(float)
        rows.append({"指标": zh, "metric": c, "mean": v.mean(), "p05": np.percentile(v, 5), "p95": np.percentile(v, 95)})
    return pd.DataFrame(rows).set_index("metric")


def scale_risks(ds: Any, targets: pd.DataFrame, capable: float = 0.7) -> pd.DataFrame:
    """What could break when the pilot goes network-wide, measured on the target stores against the pilot stores.

    Rows: stores outside the pilot's city, squad leaders below ``capable`` (the 5W evaluation's
    threshold for a leader who can decide on the spot), stores losing money before the pilot
    (gross margin − rent, January–July). Columns: ``试点门店`` and ``推广门店`` (shares), and ``风险`` (what it means).
    """
    require(targets, ["store_id", "in_pilot_city", "leader_capability"], "rollout targets")
    st = ds.stores
    pilot = st[st["pilot_group"] == PILOT]
    cap = _leader_capability(ds)
    prof = store_profitability(st[st["ownership"] == DIRECT], ds.daily_sales, end="2015-07-31")
    losing = prof.set_index("store_id")["profit_yuan"] <= 0
    pilot_cities = set(pilot["city"])

    def shares(ids: pd.Series, in_city: pd.Series) -> list[float]:
        return [float((~in_city).mean()), float((cap.reindex(ids) < capable).mean()),
                float(losing.reindex(ids).fillna(False).mean())]

    p = shares(pilot["store_id"], pilot["city"].isin(pilot_cities))
    t = shares(targets["store_id"], targets["in_pilot_city"])
    return pd.DataFrame({
        "风险": ["门店不在试点城市:试点的结果不一定适用", f"班长能力低于 {capable}:现场拍板的能力弱",
               "试点前(1–7月)毛利不够付租金:养不起“少将连长”"],
        "试点门店": p, "推广门店": t}, index=["outside_pilot_city", "weak_leader", "losing_money"])


def rollout_waves(targets: pd.DataFrame, n_waves: int = 3, capable: float = 0.7) -> pd.DataFrame:
    """Split the target stores into waves: pilot-city stores with capable leaders first, weakest last.

    Stores are ordered by (in the pilot city, leader capability ≥ ``capable``, capability) and cut
    into ``n_waves`` equal groups. Returns the targets with a ``wave`` column (1 = first).
    """
    require(targets, ["store_id", "in_pilot_city", "leader_capability"], "rollout targets")
    if isinstance(n_waves, bool) or not isinstance(n_waves, (int, np.integer)) or not 1 <= n_waves <= 12:
        raise DataError("批次数 n_waves 应是 1 到 12 之间的整数。", "n_waves must be a whole number from 1 to 12.")
    t = targets.copy()
    cap = t["leader_capability"].fillna(0.0)
    t["_k"] = t["in_pilot_city"].astype(int) * 2 + (cap >= capable).astype(int)
    t = t.assign(_cap=cap).sort_values(["_k", "_cap", "store_id"], ascending=[False, False, True])
    t["wave"] = (np.arange(len(t)) * int(n_waves) // max(1, len(t))) + 1
    return t.drop(columns=["_k", "_cap"]).reset_index(drop=True)
