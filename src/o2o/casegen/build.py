"""Build a dataset directory: the whole chain's tables plus the panel stores' detail.

``build(out_dir, scale=1, seed=2015)`` is deterministic: the same (scale, seed) gives the same
bytes. Panel tables are streamed store chunk by store chunk into ``<table>/part-NNNNN.parquet``
so that memory stays bounded at any scale; the small chain tables are single files.
The directory is written next to its final place and renamed at the end, so an interrupted
build never leaves a half-written dataset behind.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..data import calibration as cal
from ..data import mapped
from ..data.check import _sha256
from ..data.load import validate_table
from ..data.schema import DATASET_VERSION, PANEL_TABLES, TABLES, arrow_schema
from ..errors import DataError
from ..safeio import fresh_folder
from ..scenes.history import simulate_history
from ..scenes.world import World
from .chain import (assign_pilot, choose_panel, make_products, make_staff_and_squads, make_stores, plant_weak_leaders,
                    product_popularity)
from .panel import StoreInputs, generate_store
from .sales import (DATES, assemble_daily, baseline_daily, chain_tier_shares, fans_monthly_aggregate,
                    store_levels)
from .fingerprint import generator_fingerprint
from .scenes_gen import make_scenes

PANEL_STORES_PER_SCALE = 6
CHUNK_STORES = 8
#: the largest scale and seed accepted (scale 64 is ~4x `make data-big`: tens of GB and hours)
MAX_SCALE = 256
MAX_SEED = 2**32 - 1


#: Parquet codec per table: LZ4 decodes fastest; daily_sales (2.5 M rows of noisy amounts) uses zstd,
#: which halves its size, to keep the Parquet files of the default dataset under 50 MB (see docs/benchmarks.md;
#: the memory-mapped copies in mapped/ add about 200 MB, uncompressed by design).
CODEC = {"daily_sales": "zstd"}


def _write(df: pd.DataFrame, path: Path, name: str | None = None) -> None:
    """Validate ``df`` against its table's schema, then write it (so every shipped file passed the schema)."""
    if name is not None:
        validate_table(name, df, path.parent)
    path.parent.mkdir(parents=True, exist_ok=True)
    # one explicit schema per table: every part of a partitioned table gets the same Arrow types
    schema = arrow_schema(name) if name is not None else None
    table = pa.Table.from_pandas(df, schema=schema, preserve_index=False)
    pq.write_table(table, path, compression=CODEC.get(name or "", "lz4"), row_group_size=1_000_000)


def build(out_dir: str | os.PathLike, scale: int = 1, seed: int = 2015, progress: bool = True,
          full: bool = False, replace: bool = False) -> Path:
    """Generate the dataset into ``out_dir`` and return its path.

    ``out_dir`` must be new, empty or a dataset this kit built (see :mod:`o2o.safeio`);
    ``replace=True`` moves any other folder aside (kept, never deleted).

    ``scale`` multiplies the number of panel stores (6 per unit of scale) and so the number of
    transactions; ``full=True`` gives every store transaction detail (the whole chain at
    full-year scale, hundreds of millions of rows: streamed, takes hours).
    """
    scale, seed = check_scale_seed(scale, seed)
    with fresh_folder(out_dir, command="data build", replace=replace) as tmp:
        _build_into(tmp, scale, seed, progress, full)
    return Path(out_dir).resolve()


def check_scale_seed(scale, seed) -> tuple[int, int]:
    """``scale`` and ``seed`` as Python ints in range, or a :class:`DataError` naming the argument."""
    out = []
    for name, value, low, high in (("scale", scale, 1, MAX_SCALE), ("seed", seed, 0, MAX_SEED)):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or not low <= value <= high:
            raise DataError(f"{name} 必须是 {low} 到 {high} 之间的整数,得到 {value!r}。",
                            f"{name} must be a whole number from {low} to {high}, got {value!r}.")
        out.append(int(value))
    return out[0], out[1]


def _build_into(tmp: Path, scale: int, seed: int, progress: bool, full: bool) -> None:
    rng = np.random.default_rng([seed, 0])

    stores = make_stores(rng)
    stores = assign_pilot(stores, rng)
    staff, squads = make_staff_and_squads(stores, rng)
    products = make_products(rng)
    popularity = product_popularity(products, rng)
    n_panel = len(stores) if full else min(len(stores), PANEL_STORES_PER_SCALE * scale)
    panel_ids = choose_panel(stores, n_panel, rng)
    stores["in_panel"] = stores["store_id"].isin(panel_ids)

    levels = store_levels(stores, rng)
    base = baseline_daily(stores, levels, rng)
    base_daily = assemble_daily(stores, levels, base["sales"], base["open"], base["new_members"],
                                np.random.default_rng([seed, 1]))
    tier_shares = chain_tier_shares(rng)
    fans_agg = fans_monthly_aggregate(stores, levels, base["new_members"], tier_shares, rng)

    # historical scenes, simulated with the course's own scene model
    scenes = make_scenes(stores, squads, rng, staff=staff, levels=levels)
    world = World.from_frames(stores=stores, squads=squads, staff=staff, daily_sales=base_daily,
                              store_fans_monthly=fans_agg)
    # planted: weak leaders in well-earning stores (their scene schedule is their peers'; only how they run differs)
    support = world.profit_support[world.store_pos(squads["store_id"].to_numpy())]
    staff, weak_squads = plant_weak_leaders(stores, squads, staff, support, np.random.default_rng([seed, 2601]))
    world = World.from_frames(stores=stores, squads=squads, staff=staff, daily_sales=base_daily,
                              store_fans_monthly=fans_agg)
    scene_daily = simulate_history(scenes, world, seed=seed)
    inc_sales, _inc_margin, scene_store_days = _spread_scenes(stores, levels, scenes, scene_daily)

    sales = base["sales"] + inc_sales
    scene_contribution = _did_of_log_share(stores, base["sales"], inc_sales, base["open"])
    daily = assemble_daily(stores, levels, sales, base["open"], base["new_members"], np.random.default_rng([seed, 1]))

    # panel detail, streamed chunk by chunk
    store_pos = pd.Series(np.arange(len(stores)), index=stores["store_id"].to_numpy())
    ticket_target = _pivot_tickets(daily, store_pos, len(stores))
    sq_staff = staff.dropna(subset=["squad_id"]).sort_values(["squad_id", "is_squad_leader"], ascending=[True, False])
    staff_of_store = {int(s): g["staff_id"].to_numpy() for s, g in sq_staff.groupby("store_id")}
    open_day = np.clip((stores["open_date"].to_numpy().astype("datetime64[D]")
                        - np.datetime64(cal.YEAR_START, "D")).astype(np.int64), 0, None)
    panel_daily, panel_fans = [], []
    counts = {t: 0 for t in PANEL_TABLES}
    chunks = [panel_ids[i:i + CHUNK_STORES] for i in range(0, len(panel_ids), CHUNK_STORES)]
    bar = _progress(len(chunks), progress)
    for c, chunk in enumerate(chunks):
        parts: dict[str, list[pd.DataFrame]] = {t: [] for t in PANEL_TABLES}
        for sid in chunk:
            p = int(store_pos[sid])
            inp = StoreInputs(
                store_id=int(sid), format=str(stores["format"].iat[p]), open_day=int(open_day[p]),
                opened_before_2015=bool(stores["open_date"].iat[p] < pd.Timestamp(cal.YEAR_START)),
                fans0=int(levels["fans0"].iat[p]), pilot=stores["pilot_group"].iat[p] == "试点",
                tickets_target=ticket_target[p], new_members=base["new_members"][p],
                scene_days=scene_store_days.get(int(sid), _EMPTY_SCENE_DAYS),
                squad_staff=staff_of_store.get(int(sid), np.array([], dtype=np.int32)),
            )
            tables = generate_store(inp, products, popularity, seed)
            for t in PANEL_TABLES:
                parts[t].append(tables[t])
            panel_daily.append(tables["daily_sales"])
            panel_fans.append(tables["store_fans_monthly"])
        for t in PANEL_TABLES:
            df = pd.concat(parts[t], ignore_index=True)
            counts[t] += len(df)
            _write(df, tmp / t / f"part-{c:05d}.parquet", t)
        bar.update(1)
    bar.close()

    # replace the panel stores' aggregate rows by their ticket-level truth
    is_panel_row = daily["store_id"].isin(panel_ids)
    daily = pd.concat([daily[~is_panel_row], *panel_daily], ignore_index=True)
    daily = daily.sort_values(["store_id", "date"], kind="stable").reset_index(drop=True)
    fans = pd.concat([fans_agg[~fans_agg["store_id"].isin(panel_ids)], *panel_fans], ignore_index=True)
    fans = fans.sort_values(["store_id", "month", "tier"], key=_tier_key, kind="stable").reset_index(drop=True)

    chain_tables = {"stores": stores, "staff": staff, "squads": squads, "products": products,
                    "daily_sales": daily, "store_fans_monthly": fans, "scenes": _scenes_out(scenes),
                    "scene_daily": scene_daily}
    for name, df in chain_tables.items():
        df = df[list(TABLES[name].columns)]
        counts[name] = len(df)
        _write(df, tmp / f"{name}.parquet", name)

    mapped_meta = _write_mapped(tmp, chain_tables)
    files = sorted(p for p in tmp.rglob("*") if p.suffix in (".parquet", ".arrow", ".npy"))
    meta = {
        "dataset": "o2o-meiyijia-style-synthetic",
        "synthetic": True,
        "notice_zh": "本数据为合成数据,仅供教学,不是任何公司的真实记录。",
        "notice_en": "Synthetic data for teaching; not any company's records.",
        "version": DATASET_VERSION,
        "seed": seed, "scale": scale, "full": full, "generator": generator_fingerprint(),
        "panel_store_ids": [int(s) for s in panel_ids],
        "pilot_truth": {
            "start": cal.PILOT_START.isoformat(),
            "sales_effect": cal.PILOT_SALES_EFFECT,
            "sales_effect_from_extra_scenes": round(scene_contribution, 5),
            "sales_effect_total": round((1 + cal.PILOT_SALES_EFFECT) * np.exp(scene_contribution) - 1, 5),
            "new_member_effect": cal.PILOT_MEMBER_EFFECT,
            "squad_scene_rate_ratio": cal.PILOT_SCENE_RATE_RATIO,
            "pilot_stores": int((stores["pilot_group"] == "试点").sum()),
            "control_stores": int((stores["pilot_group"] == "对照").sum()),
        },
        "planted_truth": {"weak_leader_squads": [int(s) for s in weak_squads]},
        "row_counts": counts,
        "mapped": mapped_meta,
        "files": {str(p.relative_to(tmp)): _sha256(p) for p in files},
    }
    (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def _write_mapped(tmp: Path, tables: dict[str, pd.DataFrame]) -> dict:
    """The memory-mapped copies (see :mod:`o2o.data.mapped`): the big chain tables and the
    simulator's world arrays, computed from the tables exactly as written."""
    for name in mapped.MAPPED_TABLES:
        mapped.write_table(tables[name][list(TABLES[name].columns)], tmp / mapped.table_file(name))
    world = World.from_frames(stores=tables["stores"], squads=tables["squads"], staff=tables["staff"],
                              daily_sales=tables["daily_sales"], store_fans_monthly=tables["store_fans_monthly"],
                              scenes=tables["scenes"])
    arrays = world.shared_arrays()
    mapped.write_arrays(arrays, (tmp / mapped.array_file("world", "x")).parent)
    return {"tables": list(mapped.MAPPED_TABLES), "arrays": {"world": list(arrays)}}


_EMPTY_SCENE_DAYS = pd.DataFrame({"scene_id": pd.Series(dtype=np.int64), "day": pd.Series(dtype=np.int64),
                                  "conversions": pd.Series(dtype=float), "redemptions": pd.Series(dtype=float),
                                  "shares": pd.Series(dtype=np.int64), "incentive_yuan": pd.Series(dtype=float),
                                  "squad_scene": pd.Series(dtype=bool)})


def _did_of_log_share(stores: pd.DataFrame, base_sales: np.ndarray, inc_sales: np.ndarray,
                      is_open: np.ndarray) -> float:
    """How much the pilot's extra scenes add to a log-sales DiD (pilot vs control, post vs pre).

    The planted effect multiplies baseline sales by 1 + PILOT_SALES_EFFECT; the pilot's squads
    also run more scenes, whose incremental sales come on top. The total effect a DiD on log
    sales should find is therefore (1 + planted) x exp(this number) - 1; both go in meta.json."""
    lift = np.log1p(np.divide(inc_sales, base_sales, out=np.zeros_like(inc_sales), where=base_sales > 0))
    post = np.asarray(DATES >= pd.Timestamp(cal.PILOT_START))
    out = {}
    for g in ("试点", "对照"):
        rows = stores["pilot_group"].to_numpy() == g
        o = is_open[rows]
        pre_m = np.nanmean(np.where(o[:, ~post], lift[rows][:, ~post], np.nan), axis=1)
        post_m = np.nanmean(np.where(o[:, post], lift[rows][:, post], np.nan), axis=1)
        out[g] = float(np.nanmean(post_m - pre_m))
    return out["试点"] - out["对照"]


def _tier_key(s: pd.Series) -> pd.Series:
    if s.name == "tier":
        return s.map({t: i for i, t in enumerate(cal.TIERS)})
    return s


def _pivot_tickets(daily: pd.DataFrame, store_pos: pd.Series, n_stores: int) -> np.ndarray:
    out = np.zeros((n_stores, len(DATES)), dtype=np.int64)
    s = store_pos.loc[daily["store_id"].to_numpy()].to_numpy()
    d = (daily["date"].to_numpy().astype("datetime64[D]") - np.datetime64(cal.YEAR_START, "D")).astype(np.int64)
    out[s, d] = daily["tickets"].to_numpy()
    return out


def _scenes_out(scenes: pd.DataFrame) -> pd.DataFrame:
    out = scenes.copy()
    for c in ("idea_date", "launch_date", "end_date"):
        out[c] = pd.to_datetime(out[c]).astype("datetime64[s]")
    out["target_city"] = out["target_city"].astype(object).where(out["target_city"].notna(), None)
    return out


def _target_stores(stores: pd.DataFrame, scene) -> np.ndarray:
    """Positions of the stores a scene reaches: the squad's store, a city, or the whole chain."""
    if not pd.isna(scene.store_id):
        return np.nonzero(stores["store_id"].to_numpy() == int(scene.store_id))[0]
    if scene.target_city is not None and not pd.isna(scene.target_city):
        return np.nonzero(stores["city"].to_numpy() == scene.target_city)[0]
    return np.arange(len(stores))


def _spread_scenes(stores: pd.DataFrame, levels: pd.DataFrame, scenes: pd.DataFrame, scene_daily: pd.DataFrame):
    """Distribute each scene's daily outcome over the stores it targets (by their base sales).

    Returns stores x days arrays of incremental sales and margin, and per panel store the
    scene-days it takes part in (expected conversions, redemptions, shares)."""
    n, n_days = len(stores), len(DATES)
    inc_sales = np.zeros((n, n_days))
    inc_margin = np.zeros((n, n_days))
    base = levels["base_sales"].to_numpy()
    panel = stores["in_panel"].to_numpy()
    per_store: dict[int, list[pd.DataFrame]] = {}
    sd = scene_daily.copy()
    sd["day"] = (sd["date"].to_numpy().astype("datetime64[D]") - np.datetime64(cal.YEAR_START, "D")).astype(np.int64)
    by_scene = dict(tuple(sd.groupby("scene_id", sort=False)))
    opened = stores["open_date"].to_numpy().astype("datetime64[D]")
    for sc in scenes.itertuples(index=False):
        g = by_scene.get(sc.scene_id)
        if g is None or g.empty:
            continue
        pos = _target_stores(stores, sc)
        pos = pos[opened[pos] <= np.datetime64(sc.launch_date, "D")]
        if len(pos) == 0:
            continue
        w = base[pos] / base[pos].sum()
        days = g["day"].to_numpy()
        inc_sales[np.ix_(pos, days)] += np.outer(w, g["incremental_sales_yuan"].to_numpy())
        inc_margin[np.ix_(pos, days)] += np.outer(w, g["incremental_margin_yuan"].to_numpy())
        squad = not pd.isna(sc.store_id)
        for j in np.nonzero(panel[pos])[0]:
            p = pos[j]
            per_store.setdefault(int(stores["store_id"].iat[p]), []).append(pd.DataFrame({
                "scene_id": sc.scene_id, "day": days,
                "conversions": g["conversions"].to_numpy() * w[j],
                "redemptions": g["redemptions"].to_numpy() * w[j],
                "shares": g["shares"].to_numpy() if squad else np.zeros(len(days), dtype=np.int64),
                "incentive_yuan": float(sc.incentive_yuan), "squad_scene": squad,
            }))
    return inc_sales, inc_margin, {k: pd.concat(v, ignore_index=True) for k, v in per_store.items()}


class _NoBar:
    def update(self, n: int = 1) -> None:  # noqa: D401 - trivial
        pass

    def close(self) -> None:
        pass


def _progress(total: int, enabled: bool):
    if not enabled:
        return _NoBar()
    from tqdm.auto import tqdm
    return tqdm(total=total, desc="生成门店明细 / panel stores", unit="chunk")
