"""The dataset's historical scenes: simulate their day-by-day log, read them back as scenes, evaluate them.

:func:`simulate_history` is what the dataset generator calls to write the ``scene_daily`` table:
the same model a student's design runs through, one Monte Carlo draw per scene, so a design and
what the squads actually did are comparable. :func:`historical_scene` turns a row of
``ds.scenes`` back into a :class:`Scene`; :func:`evaluate_history` gives the 5W report of what
actually happened, from ``ds.scene_daily`` (and the share log where there is one).
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import numpy as np
import pandas as pd

from ..errors import SceneError
from .catalog import BATTLE_PROFILES, BROADCAST, IN_STORE, MOMENTS, NO_INCENTIVE, SQUAD, TIERS
from .engine import METRICS, run, target_fans
from .exposure import Inputs
from .fivew import evaluate
from .model import Scene
from .params import ModelParams
from .simulate import SimResult, _context
from .world import N_DAYS, World, day_index, fatigue_stock

SCENE_DAILY_COLUMNS: tuple[str, ...] = ("scene_id", "date") + METRICS


def _col(df: pd.DataFrame, name: str) -> np.ndarray:
    return df[name].to_numpy()


def _scene_arrays(df: pd.DataFrame, world: World, prm: ModelParams, calendar: np.ndarray,
                  pos: np.ndarray) -> Inputs:
    """Engine inputs for scenes ``df`` (one row per group) running in stores ``pos`` (G, S)."""
    n = len(df)
    start = day_index(_col(df, "launch_date"))
    end = day_index(_col(df, "end_date"))
    idea = day_index(_col(df, "idea_date"))
    dur = np.clip(end - start + 1, 1, None)
    col = lambda a, dt=float: np.asarray(a, dtype=dt).reshape(n, 1)  # noqa: E731
    inc_type = df["incentive_type"].astype(str).to_numpy()
    no_inc = inc_type == NO_INCENTIVE
    inc = np.where(no_inc, 0.0, df["incentive_yuan"].to_numpy(dtype=float))
    battle = df["battle"].astype(str).to_numpy()
    cost_factor = np.array([BATTLE_PROFILES[b].incentive_cost for b in battle])
    unit_cost = inc * np.array([prm.incentive_unit_cost.get(t, 1.0) for t in inc_type]) * cost_factor
    ch = df["channels"].astype(str)
    ads = ch.str.contains(BROADCAST, regex=False).to_numpy()
    budget = df["budget_yuan"].to_numpy(dtype=float)
    ad_cash = np.where(ads, np.where(no_inc, budget, budget * prm.ad_share_with_incentive), 0.0)
    pool_cash = np.where(no_inc, 0.0, budget - ad_cash)
    tier = df["target_tier"].map({t: i for i, t in enumerate(TIERS)}).fillna(-1).to_numpy(dtype=int)
    fatigue = _recent(world, calendar, pos, start[:, None])
    return Inputs(
        pos=pos, valid=np.ones(pos.shape, bool), start=start, dur=dur,
        squad=col(df["initiator"].astype(str).to_numpy() == SQUAD, bool), lead=col(np.maximum(start - idea, 0)),
        personalization=col(df["personalization"].to_numpy(dtype=float)), incentive_yuan=col(inc),
        perceived=col([prm.incentive_perceived.get(t, 0.0) for t in inc_type]),
        topup=col([prm.incentive_topup.get(t, 0.0) for t in inc_type]),
        unit_cost=col(unit_cost), pool_cash=col(pool_cash), ad_cash=col(ad_cash),
        ch_ads=col(ads), ch_moments=col(ch.str.contains(MOMENTS, regex=False).to_numpy()),
        ch_store=col(ch.str.contains(IN_STORE, regex=False).to_numpy()), tier=col(tier, int),
        battle=battle.reshape(n, 1).astype(object), fatigue_count=fatigue,
    )


def _recent(world: World, calendar: np.ndarray, pos: np.ndarray, launch: np.ndarray) -> np.ndarray:
    return world.recent_scenes(pos, launch, calendar=calendar)


def _rows(df: pd.DataFrame, out: dict[str, np.ndarray], dur: np.ndarray, start: np.ndarray) -> pd.DataFrame:
    G, T = out["cost_yuan"].shape
    t = np.arange(T)
    g_idx, t_idx = np.nonzero(t[None, :] < dur[:, None])
    day = start[g_idx] + t_idx
    keep = (day >= 0) & (day < N_DAYS)
    g_idx, t_idx, day = g_idx[keep], t_idx[keep], day[keep]
    frame = {"scene_id": df["scene_id"].to_numpy().astype(np.int32)[g_idx],
             "date": (np.datetime64("2015-01-01", "D") + day).astype("datetime64[s]")}
    for m in METRICS:
        v = out[m][g_idx, t_idx]
        frame[m] = v.astype(float) if m.endswith("_yuan") else np.rint(v).astype(np.int64)
    return pd.DataFrame(frame)


def simulate_history(scenes: pd.DataFrame, world: World, seed: int) -> pd.DataFrame:
    """The ``scene_daily`` table of ``scenes``: one row per scene per active day, one Monte Carlo draw each.

    Deterministic for ``seed``. Squad scenes run together as one batch (one store each); each HQ
    scene runs over its city or the whole chain. A scene's fans are tired by the scenes of the same
    table launched at its stores in the weeks before.
    """
    prm = world.params
    empty = pd.DataFrame({c: pd.Series(dtype=t) for c, t in (
        [("scene_id", np.int32), ("date", "datetime64[s]")]
        + [(m, float if m.endswith("_yuan") else np.int64) for m in METRICS])})
    if scenes is None or len(scenes) == 0:
        return empty
    df = scenes.reset_index(drop=True)
    start = day_index(_col(df, "launch_date"))
    end = day_index(_col(df, "end_date"))
    ok = (end >= start) & (start >= 0) & (start < N_DAYS)
    df = df[ok].reset_index(drop=True)
    if not len(df):
        return empty

    calendar = fatigue_stock(world.scene_calendar(df), prm.fatigue_days)
    store = pd.array(df["store_id"], dtype="Int64") if "store_id" in df else pd.array([pd.NA] * len(df), "Int64")
    is_store = ~np.asarray(pd.isna(store))
    parts = []
    cities = df["target_city"].astype(object).where(df["target_city"].notna(), None).to_numpy() \
        if "target_city" in df else np.full(len(df), None)
    hq_keys = sorted({("" if c is None else str(c)) for c in cities[~is_store]})
    children = np.random.SeedSequence([int(seed), 18]).spawn(1 + len(hq_keys))
    # squad (single-store) scenes: one batch, one group per scene
    if is_store.any():
        sub = df[is_store].reset_index(drop=True)
        pos = world.store_pos(np.asarray(store[is_store], dtype=np.int64))[:, None]
        x = _scene_arrays(sub, world, prm, calendar, pos)
        out = run(world, x, len(sub), np.random.default_rng(children[0]), prm)
        parts.append(_rows(sub, out, x.dur, x.start))
    # HQ scenes: one at a time over their city or the whole chain, the cascade on super-stores
    hq_city = np.array(["" if c is None else str(c) for c in cities], dtype=object)
    for k, key in enumerate(hq_keys):
        pos = np.arange(world.n_stores) if key == "" else np.nonzero(world.city == key)[0]
        if not len(pos):
            continue
        rng = np.random.default_rng(children[1 + k])
        sub = df[~is_store & (hq_city == key)].reset_index(drop=True)
        xs = _scene_arrays(sub, world, prm, calendar, np.broadcast_to(pos, (len(sub), len(pos))))
        for i in range(len(sub)):
            x = Inputs(**{f.name: getattr(xs, f.name)[i:i + 1] for f in fields(Inputs)})
            out = run(world, x, 1, rng, prm, cluster=True)
            parts.append(_rows(sub.iloc[[i]], out, x.dur, x.start))
    if not parts:
        return empty
    res = pd.concat(parts, ignore_index=True).sort_values(["scene_id", "date"], kind="stable")
    return res.reset_index(drop=True)[list(SCENE_DAILY_COLUMNS)]


# ---------------------------------------------------------------------- reading history back
def scene_from_row(row: Any) -> Scene:
    """A :class:`Scene` from one row of the ``scenes`` table (a Series or namedtuple)."""
    get = (lambda k: row[k]) if isinstance(row, (pd.Series, dict)) else (lambda k: getattr(row, k))
    launch = pd.Timestamp(get("launch_date")).date()
    end = pd.Timestamp(get("end_date")).date()
    squad = get("squad_id")
    store = get("store_id")
    return Scene(
        name=str(get("scene_name")), scene_type=str(get("scene_type")), battle=str(get("battle")),
        initiator=str(get("initiator")), squad_id=None if pd.isna(squad) else int(squad),
        store_ids=() if pd.isna(store) else (int(store),),
        target_city=None if pd.isna(get("target_city")) else str(get("target_city")),
        idea_date=pd.Timestamp(get("idea_date")).date(), launch_date=launch,
        duration_days=(end - launch).days + 1, channels=str(get("channels")),
        personalization=float(get("personalization")), incentive_type=str(get("incentive_type")),
        incentive_yuan=float(get("incentive_yuan")), budget_yuan=float(get("budget_yuan")),
        target_tier=str(get("target_tier")), scene_id=int(get("scene_id")),
    )


def _scene_row(ds: Any, scene_id: Any) -> pd.Series:
    scenes = ds.scenes
    try:
        sid = int(scene_id)
    except (TypeError, ValueError):
        sid = None
    hit = scenes[scenes["scene_id"] == sid] if sid is not None else scenes.iloc[0:0]
    if hit.empty:
        lo, hi = (int(scenes["scene_id"].min()), int(scenes["scene_id"].max())) if len(scenes) else (0, 0)
        raise SceneError(f"没有编号为 {scene_id} 的历史场景:请用 {lo} 到 {hi} 之间的 scene_id(见 ds.scenes)。",
                         f"There is no historical scene {scene_id}: use a scene_id from {lo} to {hi} (see ds.scenes).")
    return hit.iloc[0]


def historical_scene(ds: Any, scene_id: Any) -> Scene:
    """The scene of a row of ``ds.scenes`` (raises SceneError for an unknown id)."""
    return scene_from_row(_scene_row(ds, scene_id))


def history_result(ds: Any, scene_id: Any):
    """What actually happened in a historical scene, as a one-draw :class:`~o2o.scenes.SimResult`."""

    row = _scene_row(ds, scene_id)
    scene = scene_from_row(row)
    daily = ds.scene_daily
    log = daily[daily["scene_id"] == int(row["scene_id"])].sort_values("date")
    dates = pd.DatetimeIndex(pd.to_datetime(log["date"]))
    arrays = {m: log[m].to_numpy(dtype=float)[None, :] for m in METRICS}
    arrays["cost_ads"] = np.full_like(arrays["cost_yuan"], np.nan)
    arrays["cost_incentive"] = np.full_like(arrays["cost_yuan"], np.nan)
    arrays["cost_ops"] = np.full_like(arrays["cost_yuan"], np.nan)
    arrays["shares_cascade"] = np.full_like(arrays["shares"], np.nan)
    world = World.from_dataset(ds)
    pos = world.target_positions(scene)
    start = int(day_index([row["launch_date"]])[0])
    tier = TIERS.index(scene.target_tier) if scene.target_tier in TIERS else -1
    context = _context(scene, world, pos, start, tier, float(world.recent_scenes(pos, start).mean()))
    context["share_log"] = _share_log(ds, int(row["scene_id"]))
    return SimResult(scene=scene, dates=dates, arrays=arrays, draws=1, seed=None, context=context, historical=True)


def _share_log(ds: Any, scene_id: int) -> dict[str, float] | None:
    """Counts from the ``shares`` table for a scene (panel stores only): total shares and re-shares."""
    try:
        shares = ds.shares
    except Exception:  # noqa: BLE001 - the share log is optional
        return None
    if shares is None or "scene_id" not in shares:
        return None
    s = shares[shares["scene_id"] == scene_id]
    if s.empty:
        return None
    reshares = int(s["parent_share_id"].notna().sum())
    return {"shares": float(len(s)), "reshares": float(reshares),
            "max_generation": float(s["generation"].max()) if "generation" in s else np.nan}


def evaluate_history(ds: Any, scene_id: Any, lang: str = "zh"):
    """The 5W report of a historical scene, from what the dataset recorded."""

    return evaluate(history_result(ds, scene_id))


__all__ = ["simulate_history", "historical_scene", "evaluate_history", "history_result", "scene_from_row",
           "SCENE_DAILY_COLUMNS", "target_fans"]
