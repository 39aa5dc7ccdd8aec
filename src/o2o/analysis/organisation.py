"""Organisation and rights (module 5): decision speed, store profitability and captains,
the shareholder pilot, convection posts and back-office firepower.

Every function takes dataset tables (as ``o2o.load()`` gives them) and returns a small
DataFrame. Money is in yuan. "Profit" here is *store contribution*: gross margin minus
rent, and minus staff cost only when a monthly cost per employee is given — the dataset
holds no wages, so that number is always an explicit assumption of the caller.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from o2o.errors import DataError

PILOT_START = pd.Timestamp("2015-08-01")
HQ, SQUAD = "总部市场部", "一线小分队"


# --------------------------------------------------------------------------- helpers

def _need(df: object, name: str, cols: Iterable[str]) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise DataError(f"{name} 应是一张表(DataFrame),收到的是 {type(df).__name__}。",
                        f"{name} must be a DataFrame; got {type(df).__name__}.")
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise DataError(f"{name} 表缺少列:{', '.join(missing)}。请用 o2o.load() 读入的原表。",
                        f"Table {name} lacks column(s) {', '.join(missing)}; pass the table from o2o.load().")
    return df


def _dt(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s)


def _window(df: pd.DataFrame, col: str, start: object, end: object) -> pd.DataFrame:
    if start is None and end is None:
        return df
    d = _dt(df[col])
    mask = pd.Series(True, index=df.index)
    if start is not None:
        mask &= d >= pd.Timestamp(start)
    if end is not None:
        mask &= d <= pd.Timestamp(end)
    return df.loc[mask]


def _ratio(num: pd.Series | float, den: pd.Series | float):
    if isinstance(den, pd.Series):
        return num / den.where(den != 0)
    return float(num) / den if den else float("nan")


# --------------------------------------------------------------------------- lesson 25

def scene_speed(scenes: pd.DataFrame) -> pd.DataFrame:
    """Per scene: ``lead_days`` (idea → launch) and ``duration_days`` (launch → end, inclusive)."""
    _need(scenes, "scenes", ["scene_id", "initiator", "idea_date", "launch_date", "end_date"])
    out = scenes.copy()
    out["lead_days"] = (_dt(out["launch_date"]) - _dt(out["idea_date"])).dt.days.astype("int64")
    out["duration_days"] = (_dt(out["end_date"]) - _dt(out["launch_date"])).dt.days.astype("int64") + 1
    return out


def scene_totals(scenes: pd.DataFrame, scene_daily: pd.DataFrame) -> pd.DataFrame:
    """Scenes with their whole-run totals from ``scene_daily`` (reach, margin, cost, members) and speed."""
    _need(scene_daily, "scene_daily", ["scene_id", "reach_broadcast", "reach_p2p", "incremental_margin_yuan",
                                       "cost_yuan", "new_members"])
    cols = ["reach_broadcast", "reach_p2p", "incremental_sales_yuan", "incremental_margin_yuan", "cost_yuan",
            "new_members"]
    cols = [c for c in cols if c in scene_daily.columns]
    totals = scene_daily.groupby("scene_id", sort=True)[cols].sum()
    out = scene_speed(scenes).merge(totals, left_on="scene_id", right_index=True, how="left")
    out[cols] = out[cols].fillna(0)
    return out


def decision_speed(scenes: pd.DataFrame, scene_daily: pd.DataFrame) -> pd.DataFrame:
    """Who decides, how fast, how well: one row per initiator (HQ marketing vs front-line squads).

    Columns: ``scenes`` (count), ``median_lead_days``, ``median_duration_days``,
    ``p2p_share`` (point-to-point share of all reach), ``margin_per_yuan`` (incremental
    margin ÷ cost over all the group's scenes) and ``new_members_per_scene``.
    """
    t = scene_totals(scenes, scene_daily)
    g = t.groupby("initiator", sort=True)
    out = pd.DataFrame({
        "scenes": g.size(),
        "median_lead_days": g["lead_days"].median(),
        "median_duration_days": g["duration_days"].median(),
        "p2p_share": _ratio(g["reach_p2p"].sum(), g["reach_p2p"].sum() + g["reach_broadcast"].sum()),
        "margin_per_yuan": _ratio(g["incremental_margin_yuan"].sum(), g["cost_yuan"].sum()),
        "new_members_per_scene": g["new_members"].sum() / g.size(),
    })
    out.index.name = "initiator"
    return out


# --------------------------------------------------------------------------- lesson 26

def store_profitability(stores: pd.DataFrame, daily_sales: pd.DataFrame, staff: pd.DataFrame | None = None,
                        start: object = None, end: object = None,
                        staff_cost_per_month: float | None = None) -> pd.DataFrame:
    """Store contribution over a period: one row per store.

    Columns: ``store_id``, ``city``, ``format``, ``ownership``, ``pilot_group``, ``days``,
    ``sales_yuan``, ``gross_margin_yuan``, ``rent_yuan`` (monthly rent × days/30.4),
    ``staff`` (head count, when ``staff`` is given), ``staff_cost_yuan`` (head count × the
    assumed monthly cost × days/30.4; 0 unless ``staff_cost_per_month`` is given),
    ``profit_yuan`` (margin − rent − staff cost), ``profit_per_day`` and ``margin_rate``.
    """
    _need(stores, "stores", ["store_id", "monthly_rent_yuan"])
    _need(daily_sales, "daily_sales", ["store_id", "date", "sales_yuan", "gross_margin_yuan"])
    if staff_cost_per_month is not None:
        if isinstance(staff_cost_per_month, bool) or not isinstance(staff_cost_per_month, (int, float)) \
                or not np.isfinite(staff_cost_per_month) or staff_cost_per_month < 0:
            raise DataError(f"每人每月人工成本应是不小于 0 的数字(元),收到的是 {staff_cost_per_month!r}。",
                            f"Staff cost per month must be a number ≥ 0 (yuan); got {staff_cost_per_month!r}.")
        if staff is None:
            raise DataError("要扣除人工成本,需要同时传入 staff 表。", "To subtract staff cost, pass the staff table too.")
    ds = _window(daily_sales, "date", start, end)
    g = ds.groupby("store_id", sort=True).agg(days=("date", "size"), sales_yuan=("sales_yuan", "sum"),
                                               gross_margin_yuan=("gross_margin_yuan", "sum"))
    keep = [c for c in ["store_id", "store_name", "city", "format", "ownership", "pilot_group", "monthly_rent_yuan"]
            if c in stores.columns]
    out = stores[keep].merge(g, left_on="store_id", right_index=True, how="inner")
    months = out["days"] / 30.4
    out["rent_yuan"] = out["monthly_rent_yuan"] * months
    if staff is not None:
        _need(staff, "staff", ["staff_id", "store_id"])
        heads = staff.groupby("store_id").size()
        out["staff"] = out["store_id"].map(heads).fillna(0).astype("int64")
    out["staff_cost_yuan"] = (out["staff"] * float(staff_cost_per_month) * months) if staff_cost_per_month else 0.0
    out["profit_yuan"] = out["gross_margin_yuan"] - out["rent_yuan"] - out["staff_cost_yuan"]
    out["profit_per_day"] = out["profit_yuan"] / out["days"]
    out["margin_rate"] = _ratio(out["gross_margin_yuan"], out["sales_yuan"])
    return out.drop(columns=["monthly_rent_yuan"]).reset_index(drop=True)


def captain_readiness(stores: pd.DataFrame, staff: pd.DataFrame, squads: pd.DataFrame,
                      daily_sales: pd.DataFrame, scenes: pd.DataFrame, scene_daily: pd.DataFrame | None = None,
                      profit_end: object = "2015-07-31", scenes_from: object = None,
                      staff_cost_per_month: float | None = None, capability_cut: float = 0.6) -> pd.DataFrame:
    """Is a store ready to "sink to the front line"? One row per store that has a squad.

    Lecture 18 says a "major-general captain" needs a profitable base and a capable leader.
    Profit is measured up to ``profit_end`` (before the pilot, by default); squad scenes are
    counted from ``scenes_from`` on. Columns add to :func:`store_profitability`'s:
    ``leader_capability``, ``squad_scenes``, ``squad_margin_yuan`` / ``squad_cost_yuan``
    (when ``scene_daily`` is given), ``profitable`` (profit > 0), ``capable``
    (leader capability ≥ ``capability_cut``) and ``quadrant`` — one of
    ``具备条件`` (both), ``有利润缺班长`` , ``有班长缺利润``, ``都不具备``.
    """
    _need(squads, "squads", ["squad_id", "store_id", "leader_staff_id"])
    _need(staff, "staff", ["staff_id", "store_id", "capability"])
    _need(scenes, "scenes", ["scene_id", "initiator", "squad_id", "launch_date"])
    if isinstance(capability_cut, bool) or not isinstance(capability_cut, (int, float)) or not 0 <= capability_cut <= 1:
        raise DataError(f"班长能力的门槛应在 0 到 1 之间,收到的是 {capability_cut!r}。",
                        f"The capability cut must be between 0 and 1; got {capability_cut!r}.")
    prof = store_profitability(stores, daily_sales, staff=staff, end=profit_end,
                               staff_cost_per_month=staff_cost_per_month)
    cap = staff.set_index("staff_id")["capability"]
    sq = squads[["squad_id", "store_id", "leader_staff_id"]].copy()
    sq["leader_capability"] = sq["leader_staff_id"].map(cap).astype("float64")
    sq = sq.drop_duplicates("store_id")
    out = prof.merge(sq[["store_id", "squad_id", "leader_capability"]], on="store_id", how="inner")
    own = scenes[scenes["initiator"] == SQUAD]
    own = _window(own, "launch_date", scenes_from, None)
    counts = own.groupby("squad_id").size()
    out["squad_scenes"] = out["squad_id"].map(counts).fillna(0).astype("int64")
    if scene_daily is not None:
        _need(scene_daily, "scene_daily", ["scene_id", "incremental_margin_yuan", "cost_yuan"])
        per_scene = scene_daily.groupby("scene_id")[["incremental_margin_yuan", "cost_yuan"]].sum()
        own_tot = own[["scene_id", "squad_id"]].merge(per_scene, left_on="scene_id", right_index=True, how="left")
        by_squad = own_tot.groupby("squad_id")[["incremental_margin_yuan", "cost_yuan"]].sum()
        out["squad_margin_yuan"] = out["squad_id"].map(by_squad["incremental_margin_yuan"]).fillna(0.0)
        out["squad_cost_yuan"] = out["squad_id"].map(by_squad["cost_yuan"]).fillna(0.0)
    out["profitable"] = out["profit_yuan"] > 0
    out["capable"] = out["leader_capability"] >= capability_cut
    out["quadrant"] = np.select(
        [out["profitable"] & out["capable"], out["profitable"], out["capable"]],
        ["具备条件", "有利润缺班长", "有班长缺利润"], default="都不具备")
    return out


QUADRANTS = ("具备条件", "有利润缺班长", "有班长缺利润", "都不具备")
QUADRANTS_EN = {"具备条件": "ready", "有利润缺班长": "profit, no captain", "有班长缺利润": "captain, no profit",
                "都不具备": "neither"}


def readiness_summary(readiness: pd.DataFrame) -> pd.DataFrame:
    """Per quadrant: stores, share, mean squad scenes per store, mean profit per day, margin per yuan."""
    _need(readiness, "readiness", ["quadrant", "squad_scenes", "profit_per_day", "leader_capability"])
    g = readiness.groupby("quadrant")
    out = pd.DataFrame({
        "stores": g.size(),
        "squad_scenes_per_store": g["squad_scenes"].mean(),
        "profit_per_day": g["profit_per_day"].mean(),
        "leader_capability": g["leader_capability"].mean(),
    }).reindex(list(QUADRANTS))
    out["stores"] = out["stores"].fillna(0).astype("int64")
    out["share"] = out["stores"] / max(1, int(out["stores"].sum()))
    if {"squad_margin_yuan", "squad_cost_yuan"} <= set(readiness.columns):
        out["margin_per_yuan"] = _ratio(g["squad_margin_yuan"].sum(), g["squad_cost_yuan"].sum()).reindex(out.index)
    out.index.name = "quadrant"
    return out


# --------------------------------------------------------------------------- lesson 27

def shareholder_share(stores: pd.DataFrame, staff: pd.DataFrame, on: object = "2015-12-31") -> pd.DataFrame:
    """Share of staff who are shareholders on date ``on``, by pilot group and role."""
    _need(stores, "stores", ["store_id", "pilot_group"])
    _need(staff, "staff", ["store_id", "role", "is_shareholder", "shareholder_since"])
    s = staff.merge(stores[["store_id", "pilot_group"]], on="store_id", how="left")
    since = _dt(s["shareholder_since"])
    s["holder"] = s["is_shareholder"].astype(bool) & (since.isna() | (since <= pd.Timestamp(on)))
    out = s.pivot_table(index="pilot_group", columns="role", values="holder", aggfunc="mean")
    return out.reindex([g for g in ("试点", "对照", "无") if g in out.index])


def pilot_monthly(stores: pd.DataFrame, daily_sales: pd.DataFrame, scenes: pd.DataFrame | None = None,
                  groups: tuple[str, ...] = ("试点", "对照")) -> pd.DataFrame:
    """Month by month, per pilot group: mean daily sales and new members per store, squad scenes per store.

    Columns: ``month`` (first day), ``pilot_group``, ``stores``, ``sales_per_store_day``,
    ``new_members_per_store_day`` and — with ``scenes`` — ``squad_scenes_per_store``.
    """
    _need(stores, "stores", ["store_id", "pilot_group"])
    _need(daily_sales, "daily_sales", ["store_id", "date", "sales_yuan", "new_members"])
    grp = stores.set_index("store_id")["pilot_group"]
    ids = grp.index[grp.isin(groups)]
    ds = daily_sales.loc[daily_sales["store_id"].isin(ids), ["store_id", "date", "sales_yuan", "new_members"]].copy()
    ds["pilot_group"] = ds["store_id"].map(grp)
    ds["month"] = _dt(ds["date"]).dt.to_period("M").dt.to_timestamp()
    out = ds.groupby(["month", "pilot_group"]).agg(
        stores=("store_id", "nunique"), sales_per_store_day=("sales_yuan", "mean"),
        new_members_per_store_day=("new_members", "mean")).reset_index()
    if scenes is not None:
        _need(scenes, "scenes", ["initiator", "store_id", "launch_date"])
        sc = scenes[(scenes["initiator"] == SQUAD) & scenes["store_id"].notna()].copy()
        sc["pilot_group"] = sc["store_id"].astype("int64").map(grp)
        sc = sc[sc["pilot_group"].isin(groups)]
        sc["month"] = _dt(sc["launch_date"]).dt.to_period("M").dt.to_timestamp()
        n = sc.groupby(["month", "pilot_group"]).size().rename("squad_scenes")
        out = out.merge(n, left_on=["month", "pilot_group"], right_index=True, how="left")
        out["squad_scenes_per_store"] = out["squad_scenes"].fillna(0) / out["stores"]
        out = out.drop(columns="squad_scenes")
    return out


def before_after(monthly: pd.DataFrame, value: str, start: object = PILOT_START) -> pd.DataFrame:
    """A 2×2 table of mean ``value`` before/after ``start`` per pilot group, with the difference in differences.

    Rows: pilot groups; columns ``before``, ``after``, ``change``; ``attrs["did"]`` holds
    (pilot change − control change) and ``attrs["did_pct"]`` that change relative to the
    pilot's counterfactual (before × control growth).
    """
    _need(monthly, "monthly", ["month", "pilot_group", value])
    m = monthly.assign(period=np.where(_dt(monthly["month"]) >= pd.Timestamp(start), "after", "before"))
    t = m.pivot_table(index="pilot_group", columns="period", values=value, aggfunc="mean")
    t = t.reindex(columns=["before", "after"])
    t["change"] = t["after"] - t["before"]
    if {"试点", "对照"} <= set(t.index):
        did = float(t.loc["试点", "change"] - t.loc["对照", "change"])
        counterfactual = float(t.loc["试点", "before"] * t.loc["对照", "after"] / t.loc["对照", "before"])
        t.attrs["did"] = did
        t.attrs["did_pct"] = float(t.loc["试点", "after"] / counterfactual - 1.0)
    return t


# --------------------------------------------------------------------------- lessons 28–29

def convection_by_store(stores: pd.DataFrame, staff: pd.DataFrame, daily_sales: pd.DataFrame,
                        start: object = None, end: object = None) -> pd.DataFrame:
    """The convection posts' work per store: new members per front-line employee per day.

    Columns: ``store_id``, ``city``, ``format``, ``ownership``, ``pilot_group``, ``staff``,
    ``days``, ``new_members``, ``new_members_per_staff_day``, ``member_ticket_share``.
    """
    _need(stores, "stores", ["store_id"])
    _need(staff, "staff", ["staff_id", "store_id"])
    _need(daily_sales, "daily_sales", ["store_id", "date", "tickets", "member_tickets", "new_members"])
    ds = _window(daily_sales, "date", start, end)
    g = ds.groupby("store_id").agg(days=("date", "size"), new_members=("new_members", "sum"),
                                   tickets=("tickets", "sum"), member_tickets=("member_tickets", "sum"))
    keep = [c for c in ["store_id", "city", "format", "ownership", "pilot_group"] if c in stores.columns]
    out = stores[keep].merge(g, left_on="store_id", right_index=True, how="inner")
    out["staff"] = out["store_id"].map(staff.groupby("store_id").size()).fillna(0).astype("int64")
    out["new_members_per_staff_day"] = _ratio(out["new_members"], out["staff"] * out["days"])
    out["member_ticket_share"] = _ratio(out["member_tickets"], out["tickets"])
    return out.drop(columns=["tickets", "member_tickets"]).reset_index(drop=True)


def target_attainment(convection: pd.DataFrame, target: float, by: str | None = None) -> pd.DataFrame | float:
    """Share of stores whose new members per front-line employee per day reach ``target``."""
    _need(convection, "convection", ["new_members_per_staff_day"])
    if isinstance(target, bool) or not isinstance(target, (int, float)) or not np.isfinite(target) or target < 0:
        raise DataError(f"目标应是不小于 0 的数字(每人每天新增会员数),收到的是 {target!r}。",
                        f"The target must be a number ≥ 0 (new members per person per day); got {target!r}.")
    hit = convection["new_members_per_staff_day"] >= target
    if by is None:
        return float(hit.mean())
    _need(convection, "convection", [by])
    return hit.groupby(convection[by]).mean().rename("share_meeting_target").to_frame()


def join_channel_mix(members: pd.DataFrame, stores: pd.DataFrame | None = None, by: str | None = None) -> pd.DataFrame:
    """Share of new members by join channel (overall, or per ``by`` column of ``stores``, e.g. pilot_group)."""
    _need(members, "members", ["home_store_id", "join_channel"])
    m = members
    if by is not None:
        if stores is None:
            raise DataError("按门店属性分组需要同时传入 stores 表。", "Grouping by a store column needs the stores table.")
        _need(stores, "stores", ["store_id", by])
        m = members.merge(stores[["store_id", by]], left_on="home_store_id", right_on="store_id", how="left")
        return pd.crosstab(m[by], m["join_channel"], normalize="index")
    return m["join_channel"].value_counts(normalize=True).rename("share").to_frame()


# --------------------------------------------------------------------------- lesson 30

def firepower_menu(scenes: pd.DataFrame, scene_daily: pd.DataFrame) -> pd.DataFrame:
    """The back office's "ammunition list": one row per (scene type, battle).

    Columns: ``scenes``, ``squad_share`` (share started by squads), ``median_lead_days``,
    ``margin_per_yuan``, ``new_members_per_1000_yuan`` and ``p2p_share``; sorted by
    margin per yuan, best first.
    """
    t = scene_totals(scenes, scene_daily)
    _need(t, "scenes", ["scene_type", "battle"])
    g = t.groupby(["scene_type", "battle"], sort=True)
    out = pd.DataFrame({
        "scenes": g.size(),
        "squad_share": g["initiator"].apply(lambda s: float((s == SQUAD).mean())),
        "median_lead_days": g["lead_days"].median(),
        "margin_per_yuan": _ratio(g["incremental_margin_yuan"].sum(), g["cost_yuan"].sum()),
        "new_members_per_1000_yuan": 1000 * _ratio(g["new_members"].sum(), g["cost_yuan"].sum()),
        "p2p_share": _ratio(g["reach_p2p"].sum(), g["reach_p2p"].sum() + g["reach_broadcast"].sum()),
    })
    return out.sort_values("margin_per_yuan", ascending=False)


def resource_matrix(scenes: pd.DataFrame, scene_daily: pd.DataFrame, rows: str = "battle",
                    cols: str = "target_tier", value: str = "margin_per_yuan", min_scenes: int = 3) -> pd.DataFrame:
    """A pivot of the "many-to-many" marketing resources: e.g. battle × target tier → margin per yuan.

    ``value`` is ``"margin_per_yuan"`` or ``"scenes"``; cells with fewer than ``min_scenes``
    scenes are left empty (too few to judge).
    """
    t = scene_totals(scenes, scene_daily)
    _need(t, "scenes", [rows, cols])
    if value not in ("margin_per_yuan", "scenes"):
        raise DataError(f"value 只能是 'margin_per_yuan' 或 'scenes',收到的是 {value!r}。",
                        f"value must be 'margin_per_yuan' or 'scenes'; got {value!r}.")
    g = t.groupby([rows, cols])
    n = g.size().unstack(cols)
    if value == "scenes":
        return n.fillna(0).astype("int64")
    mpy = _ratio(g["incremental_margin_yuan"].sum(), g["cost_yuan"].sum()).unstack(cols)
    return mpy.where(n >= min_scenes)


def lead_time_by_month(scenes: pd.DataFrame) -> pd.DataFrame:
    """Median idea → launch days per launch month and initiator (how fast the back office lets scenes start)."""
    t = scene_speed(scenes)
    t["month"] = _dt(t["launch_date"]).dt.to_period("M").dt.to_timestamp()
    return t.groupby(["month", "initiator"])["lead_days"].median().unstack("initiator")


def captain_affordability(profit: pd.DataFrame, premiums: Iterable[float] = (0, 1000, 2000, 3000, 4000, 5000, 6000)
                          ) -> pd.DataFrame:
    """Can the store pay for a "major-general captain"? Share of stores still profitable after a pay premium.

    ``profit`` is a table with ``profit_per_day`` (e.g. from :func:`store_profitability` or
    :func:`captain_readiness`); each premium is extra pay in yuan per month for a stronger
    captain. Columns: ``premium_per_month``, ``stores_profitable`` and ``share_profitable``.
    """
    _need(profit, "profit", ["profit_per_day"])
    rows = []
    for p in premiums:
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not np.isfinite(p) or p < 0:
            raise DataError(f"津贴应是不小于 0 的数字(元/月),收到的是 {p!r}。",
                            f"A premium must be a number ≥ 0 (yuan per month); got {p!r}.")
        ok = profit["profit_per_day"] - float(p) / 30.4 > 0
        rows.append({"premium_per_month": float(p), "stores_profitable": int(ok.sum()),
                     "share_profitable": float(ok.mean()) if len(ok) else float("nan")})
    return pd.DataFrame(rows)
