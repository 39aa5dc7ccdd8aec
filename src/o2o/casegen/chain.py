"""The chain's static tables: stores, staff, squads and products.

All functions take a :class:`numpy.random.Generator` and return DataFrames in the
column order of :mod:`o2o.data.schema`.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from .. import i18n
from ..data import calibration as cal


def _days(d: date) -> np.datetime64:
    return np.datetime64(d, "D")


#: Approximate southern edge of the built-up land of coastal cities (latitude; south of it is sea or
#: Hong Kong). Rounded from public maps.
COASTLINE_LAT = {"深圳": 22.50, "珠海": 22.15, "中山": 22.40, "汕头": 23.28, "湛江": 21.15, "江门": 22.35}


def make_stores(rng: np.random.Generator) -> pd.DataFrame:
    """About 7,000 stores across Guangdong, densest in Dongguan."""
    rows = []
    for city, lat, lon, n, spread, districts in cal.CITIES:
        k = len(districts)
        # each district a sub-centre around the city centroid
        dlat = lat + rng.normal(0, spread * 0.6, k)
        dlon = lon + rng.normal(0, spread * 0.6, k)
        weights = rng.dirichlet(np.full(k, 3.0))
        which = rng.choice(k, size=n, p=weights)
        rows.append(pd.DataFrame({
            "city": city,
            "district": np.asarray(districts, dtype=object)[which],
            "lat": dlat[which] + rng.normal(0, spread * 0.35, n),
            "lon": dlon[which] + rng.normal(0, spread * 0.35, n),
        }))
    stores = pd.concat(rows, ignore_index=True)
    # keep coastal cities on land: mirror points that fall south of the city's coastline back north
    for city, coast in COASTLINE_LAT.items():
        sea = (stores["city"] == city) & (stores["lat"] < coast)
        stores.loc[sea, "lat"] = 2 * coast - stores.loc[sea, "lat"]
    n = len(stores)
    is_dg = (stores["city"] == "东莞").to_numpy()
    fmt = np.where(
        is_dg,
        rng.choice(len(cal.FORMATS), size=n, p=cal.FORMAT_WEIGHTS_DONGGUAN),
        rng.choice(len(cal.FORMATS), size=n, p=cal.FORMAT_WEIGHTS),
    )
    stores["format"] = np.asarray(cal.FORMATS, dtype=object)[fmt]
    # direct-operated stores are more common at home in Dongguan
    p_direct = np.where(is_dg, cal.DIRECT_SHARE * 1.5, cal.DIRECT_SHARE * 0.7)
    stores["ownership"] = np.where(rng.random(n) < p_direct, "直营", "加盟")
    # opening dates: the chain grows from 1997 on; about 5% open during 2015
    start = np.datetime64("1997-06-01")
    span = (np.datetime64("2014-12-31") - start).astype(int)
    age = rng.beta(2.6, 1.0, n)  # more stores opened recently
    open_days = (age * span).astype(int)
    new2015 = rng.random(n) < 0.05
    open_2015 = rng.integers(0, 330, n)
    open_date = np.where(new2015, np.datetime64("2015-01-01") + open_2015, start + open_days)
    # direct stores in the pilot pool must have a full pre-period; keep them pre-2014
    stores["open_date"] = pd.to_datetime(open_date).astype("datetime64[s]")
    stores["area_m2"] = np.round(np.clip(rng.lognormal(np.log(75), 0.3, n), 30, 260), 1)
    rent = stores["city"].map(cal.CITY_RENT_PER_M2).fillna(cal.DEFAULT_RENT_PER_M2).to_numpy()
    stores["monthly_rent_yuan"] = np.round(stores["area_m2"] * rent * rng.lognormal(0, 0.2, n), 0)
    # order: Dongguan first, then by city and district, and number the stores
    city_rank = {c[0]: i for i, c in enumerate(cal.CITIES)}
    stores["_rank"] = stores["city"].map(city_rank)
    stores = stores.sort_values(["_rank", "district", "lat"], kind="stable").drop(columns="_rank").reset_index(drop=True)
    stores.insert(0, "store_id", np.arange(1, n + 1, dtype=np.int32))
    stores.insert(1, "store_name", [f"{c}{d}{i:04d}店" for c, d, i in zip(stores["city"], stores["district"], stores["store_id"])])
    stores.insert(3, "city_en", stores["city"].map(lambda c: i18n.label(c, "en")))
    stores["pilot_group"] = "无"
    stores["in_panel"] = False
    return stores


def assign_pilot(stores: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Pick the August-2015 pilot (direct Dongguan stores) and a matched control group.

    Control stores are matched on format and on the pilot stores' size class, drawn from the
    other direct-operated stores that opened before 2014, so that the two groups are
    comparable before August (the DiD's parallel-trends assumption holds by construction).
    """
    stores = stores.copy()
    eligible = (stores["ownership"] == "直营") & (stores["open_date"] < pd.Timestamp("2014-01-01"))
    pool_pilot = stores.index[eligible & (stores["city"] == "东莞")].to_numpy()
    pilot = rng.choice(pool_pilot, size=min(cal.N_PILOT, len(pool_pilot)), replace=False)
    stores.loc[pilot, "pilot_group"] = "试点"
    rest = stores[eligible & (stores["pilot_group"] == "无")]
    control: list[int] = []
    # match on format, within Dongguan first (same city, same Spring-Festival pattern), then elsewhere
    for fmt, count in stores.loc[pilot, "format"].value_counts().sort_index().items():
        for same_city in (True, False):
            need = count - int((stores.loc[control, "format"] == fmt).sum()) if control else count
            if need <= 0:
                break
            city_ok = (rest["city"] == "东莞") if same_city else (rest["city"] != "东莞")
            candidates = rest.index[(rest["format"] == fmt) & city_ok & ~rest.index.isin(control)].to_numpy()
            take = min(need, len(candidates))
            control.extend(rng.choice(candidates, size=take, replace=False).tolist())
    stores.loc[control, "pilot_group"] = "对照"
    return stores


def choose_panel(stores: pd.DataFrame, n_panel: int, rng: np.random.Generator) -> np.ndarray:
    """Store ids with transaction-level detail: half pilot, half control, then other Dongguan stores, then all."""
    ids = []
    pilot = stores.loc[stores["pilot_group"] == "试点", "store_id"].to_numpy()
    control = stores.loc[stores["pilot_group"] == "对照", "store_id"].to_numpy()
    half = n_panel // 2
    ids.extend(rng.permutation(pilot)[: min(half, len(pilot))].tolist())
    ids.extend(rng.permutation(control)[: min(n_panel - len(ids), len(control))].tolist())
    if len(ids) < n_panel:
        taken = set(ids)
        order = stores.assign(dg=stores["city"] != "东莞").sort_values(["dg", "store_id"])["store_id"].to_numpy()
        rest = [s for s in rng.permutation(order[: max(n_panel * 2, 1)]) if s not in taken] + [s for s in order]
        for s in rest:
            if len(ids) >= n_panel:
                break
            if s not in taken:
                ids.append(int(s))
                taken.add(int(s))
    return np.sort(np.asarray(ids, dtype=np.int32))


def make_staff_and_squads(stores: pd.DataFrame, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A manager and 3-7 clerks per store; one front-line squad (小分队) in every direct store."""
    n = len(stores)
    n_clerks = rng.integers(3, 8, n)
    per_store = n_clerks + 1
    store_id = np.repeat(stores["store_id"].to_numpy(), per_store)
    first = np.zeros(per_store.sum(), dtype=bool)
    first[np.concatenate([[0], np.cumsum(per_store)[:-1]])] = True
    staff = pd.DataFrame({
        "staff_id": np.arange(1, len(store_id) + 1, dtype=np.int32),
        "store_id": store_id.astype(np.int32),
        "role": np.where(first, "店长", "店员"),
    })
    m = len(staff)
    hire = np.datetime64("2015-12-31") - rng.integers(30, 3650, m)
    opened = np.repeat(stores["open_date"].to_numpy().astype("datetime64[D]"), per_store)
    staff["hire_date"] = pd.to_datetime(np.maximum(hire, opened)).astype("datetime64[s]")
    staff["capability"] = np.round(np.clip(rng.beta(4, 3, m) + np.where(first, 0.08, 0.0), 0, 1), 3)
    group = np.repeat(stores["pilot_group"].to_numpy(), per_store)
    direct = np.repeat((stores["ownership"] == "直营").to_numpy(), per_store)
    pilot_start = pd.Timestamp(cal.PILOT_START)
    staff["is_shareholder"] = group == "试点"
    staff["shareholder_since"] = pd.Series(np.where(group == "试点", pilot_start, pd.NaT)).astype("datetime64[s]")
    staff.loc[staff["hire_date"] > pilot_start, "shareholder_since"] = staff.loc[staff["hire_date"] > pilot_start, "hire_date"]

    # squads: one per direct store; the leader (班长) is the most capable clerk or the manager
    ds = staff[direct].copy()
    leader_idx = ds.sort_values(["store_id", "capability"], ascending=[True, False]).groupby("store_id").head(1)
    sq_store = leader_idx["store_id"].to_numpy()
    squads = pd.DataFrame({
        "squad_id": np.arange(1, len(sq_store) + 1, dtype=np.int32),
        "store_id": sq_store.astype(np.int32),
    })
    names = stores.set_index("store_id").loc[sq_store, "store_name"].to_numpy()
    squads["squad_name"] = [f"{nm}1班" for nm in names]
    squads["leader_staff_id"] = leader_idx["staff_id"].to_numpy().astype(np.int32)
    store_open = stores.set_index("store_id").loc[sq_store, "open_date"].to_numpy().astype("datetime64[D]")
    formed = np.maximum(np.datetime64("2014-09-01") + rng.integers(0, 120, len(sq_store)), store_open)
    squads["formed_date"] = pd.to_datetime(formed).astype("datetime64[s]")
    sizes = staff[direct].groupby("store_id").size().loc[sq_store].to_numpy()
    squads["size"] = np.minimum(sizes, rng.integers(3, 6, len(sq_store))).astype(np.int64)
    # membership: the leader plus size-1 other staff of the store
    staff["squad_id"] = pd.array([pd.NA] * m, dtype="Int32")
    staff["is_squad_leader"] = False
    sq_of_store = dict(zip(squads["store_id"], squads["squad_id"]))
    size_of = dict(zip(squads["squad_id"], squads["size"]))
    order = staff[direct].sort_values(["store_id", "capability"], ascending=[True, False])
    rank = order.groupby("store_id").cumcount().to_numpy()
    sq = order["store_id"].map(sq_of_store).to_numpy()
    in_squad = rank < np.array([size_of[s] for s in sq])
    idx = order.index[in_squad]
    staff.loc[idx, "squad_id"] = sq[in_squad]
    staff.loc[staff["staff_id"].isin(squads["leader_staff_id"]), "is_squad_leader"] = True
    return staff, squads


def make_products(rng: np.random.Generator) -> pd.DataFrame:
    """A convenience-store assortment: SKUs by category with price and unit cost."""
    rows = []
    sku = 1
    for cat, n, lo, hi, margin, _w in cal.CATEGORIES:
        prices = np.round(np.exp(rng.uniform(np.log(lo), np.log(hi), n)) * 2) / 2  # half-yuan steps
        prices = np.maximum(prices, lo)
        m = np.clip(rng.normal(margin, 0.05, n), 0.05, 0.6)
        for i in range(n):
            rows.append((sku, f"{cat}{i + 1:03d}", cat, float(prices[i]), float(np.round(prices[i] * (1 - m[i]), 2))))
            sku += 1
    return pd.DataFrame(rows, columns=["sku_id", "sku_name", "category", "price_yuan", "unit_cost_yuan"]).astype(
        {"sku_id": np.int32})


def product_popularity(products: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Probability of each SKU being picked in a basket (category weight x Zipf within category)."""
    w = np.zeros(len(products))
    cat_w = {c[0]: c[5] for c in cal.CATEGORIES}
    for cat, idx in products.groupby("category").indices.items():
        z = 1.0 / np.arange(1, len(idx) + 1) ** 0.9
        z = rng.permutation(z)
        w[idx] = cat_w[cat] * z / z.sum()
    return w / w.sum()


def plant_weak_leaders(stores: pd.DataFrame, squads: pd.DataFrame, staff: pd.DataFrame, profit_support: np.ndarray,
                       rng: np.random.Generator) -> tuple[pd.DataFrame, np.ndarray]:
    """The planted weak leaders: in ``cal.WEAK_LEADER_SQUADS`` squads of stores that earn well (full profit
    support), outside the pilot and its control group and outside the panel, the leader was appointed by
    seniority; his capability is drawn from ``cal.WEAK_LEADER_CAPABILITY``. Returns the staff table with
    those capabilities and the squads' ids (sorted). Uses only ``rng`` (a stream of its own), so every other
    draw of the generator stays the same.

    ``profit_support`` is per row of ``squads`` (the simulator's support of each squad's store)."""
    group = squads["store_id"].map(stores.set_index("store_id")["pilot_group"]).to_numpy()
    panel = squads["store_id"].map(stores.set_index("store_id")["in_panel"]).fillna(False).to_numpy(dtype=bool)
    ok = (group == "无") & ~panel & (np.asarray(profit_support) >= 1.0)
    candidates = squads["squad_id"].to_numpy()[ok]
    n = min(cal.WEAK_LEADER_SQUADS, len(candidates))
    chosen = np.sort(rng.choice(candidates, size=n, replace=False)) if n else np.array([], dtype=np.int32)
    lo, hi = cal.WEAK_LEADER_CAPABILITY
    cap = np.round(rng.uniform(lo, hi, n), 3)
    leaders = squads.set_index("squad_id").loc[chosen, "leader_staff_id"].to_numpy()
    out = staff.copy()
    pos = pd.Series(np.arange(len(out)), index=out["staff_id"].to_numpy()).loc[leaders].to_numpy()
    col = out["capability"].to_numpy(dtype=float).copy()
    col[pos] = cap
    out["capability"] = col
    return out, chosen.astype(np.int32)
