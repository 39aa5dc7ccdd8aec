"""The chain as the scene simulator sees it: stores x days arrays built once from the dataset.

:class:`World` turns the dataset's tables into dense numpy arrays (traffic, sales, margin and
fans of every store on every day of 2015; each store's squad, its leader's capability and the
store's profit; the calendar of past scenes) so that a simulation is array arithmetic only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DataError, SceneError
from .catalog import HQ, SQUAD, TIERS, YEAR
from .params import DEFAULT_PARAMS, ModelParams

N_DAYS = 365
YEAR_START = np.datetime64(f"{YEAR}-01-01", "D")
#: month (0..11) of each day of the year
MONTH_OF_DAY = pd.date_range(f"{YEAR}-01-01", periods=N_DAYS, freq="D").month.to_numpy() - 1


def day_index(values: Any) -> np.ndarray:
    """Days since 1 January of the data year for dates/timestamps (array or scalar)."""
    arr = np.atleast_1d(np.asarray(values))
    if arr.dtype.kind != "M":
        arr = pd.to_datetime(pd.Series(arr.astype(object))).to_numpy()
    return (arr.astype("datetime64[D]") - YEAR_START).astype(np.int64)


def _doy(d: date) -> int:
    return int((np.datetime64(d, "D") - YEAR_START).astype(np.int64))


def _require(frame: pd.DataFrame, name: str, cols: tuple[str, ...]) -> None:
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        raise DataError(f"表 {name} 缺少列:{', '.join(missing)}。请重新生成数据集(make data)。",
                        f"Table {name} lacks column(s) {', '.join(missing)}. Rebuild the dataset (make data).")


@dataclass
class World:
    """Dense arrays of the chain for the simulator (build it with :meth:`from_dataset` or :meth:`from_frames`)."""

    store_ids: np.ndarray          # (S,) int64, sorted
    city: np.ndarray               # (S,) object
    tickets: np.ndarray            # (S, 365) float64: baseline tickets per day
    sales: np.ndarray              # (S, 365) float64
    margin: np.ndarray             # (S, 365) float64
    fans: np.ndarray               # (S, 12, 4) float64: fans per tier at each month end
    ticket_size: np.ndarray        # (S,) yuan per ticket
    margin_rate: np.ndarray        # (S,) gross margin / sales
    mean_tickets: np.ndarray       # (S,) average tickets per open day
    sales_sigma: np.ndarray        # (S,) day-to-day noise of daily sales (yuan)
    squad_ids: np.ndarray          # (Q,) int64
    squad_home: np.ndarray         # (Q,) int64 store_id of each squad
    store_squad: np.ndarray        # (S,) index into squad_ids, -1 without a squad
    capability: np.ndarray         # (S,) capability of the squad leader (0 without a squad)
    squad_size: np.ndarray         # (S,) members of the store's squad (0 without)
    monthly_profit: np.ndarray     # (S,) gross margin - rent - staff cost, yuan per month
    profit_support: np.ndarray     # (S,) 0..1: what the store's profit lets the squad do
    calendar: np.ndarray           # (S, 365) int16: scene launches covering each store each day
    params: ModelParams = DEFAULT_PARAMS

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_dataset(cls, ds: Any, params: ModelParams = DEFAULT_PARAMS) -> "World":
        """The world of a loaded dataset (``o2o.load()``), with its historical scenes as fatigue history.

        A dataset that carries the world's arrays (written by the generator, see
        :mod:`o2o.data.mapped`) gives a world whose big arrays are read-only views of the mapped
        files, shared by every process; otherwise the arrays are built from the tables."""
        cached = _CACHE.get(id(ds))
        if cached is not None and cached[0] is ds and cached[1].params == params:
            return cached[1]
        arrays = ds.arrays("world") if callable(getattr(ds, "arrays", None)) else None
        if arrays is not None:
            w = cls.from_arrays(arrays, stores=ds.stores, squads=ds.squads, staff=ds.staff, params=params)
        else:
            w = cls.from_frames(stores=ds.stores, squads=ds.squads, staff=ds.staff, daily_sales=ds.daily_sales,
                                store_fans_monthly=ds.store_fans_monthly, scenes=getattr(ds, "scenes", None),
                                params=params)
        _CACHE.clear()
        _CACHE[id(ds)] = (ds, w)
        return w

    @classmethod
    def from_frames(cls, *, stores: pd.DataFrame, squads: pd.DataFrame, staff: pd.DataFrame,
                    daily_sales: pd.DataFrame, store_fans_monthly: pd.DataFrame,
                    scenes: pd.DataFrame | None = None, params: ModelParams = DEFAULT_PARAMS) -> "World":
        """Build from the dataset's tables (columns as in the data dictionary)."""
        _require(daily_sales, "daily_sales", ("store_id", "date", "sales_yuan", "gross_margin_yuan", "tickets"))
        _require(store_fans_monthly, "store_fans_monthly", ("store_id", "month", "tier", "fans"))
        ids = _sorted_ids(stores)
        tickets, sales, margin = _daily_arrays(ids, daily_sales)
        fans = _fans_array(ids, store_fans_monthly)
        world = cls._assemble(stores, squads, staff, tickets, sales, margin, fans,
                              np.zeros((len(ids), N_DAYS), dtype=np.int16), params)
        if scenes is not None and len(scenes):
            world.calendar = world.scene_calendar(scenes)
        return world

    #: the arrays a dataset stores for the world (see :meth:`shared_arrays`)
    SHARED = ("store_ids", "tickets", "sales", "margin", "fans", "calendar", "fatigue", "fatigue_days")

    def shared_arrays(self) -> dict[str, np.ndarray]:
        """The big arrays that do not depend on model parameters (plus the fatigue stock of this
        world's ``fatigue_days``), for the generator to store beside the tables."""
        return {"store_ids": self.store_ids, "tickets": self.tickets, "sales": self.sales, "margin": self.margin,
                "fans": self.fans, "calendar": self.calendar, "fatigue": self._stock,
                "fatigue_days": np.array([float(self.params.fatigue_days)])}

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], *, stores: pd.DataFrame, squads: pd.DataFrame,
                    staff: pd.DataFrame, params: ModelParams = DEFAULT_PARAMS) -> "World":
        """A world over stored arrays (:meth:`shared_arrays`; memory-mapped ones stay mapped)."""
        ids = _sorted_ids(stores)
        if not np.array_equal(np.asarray(arrays["store_ids"]), ids):
            raise DataError("模拟器的数组和 stores 表不一致。请重新生成数据集(make data)。",
                            "The simulator's arrays do not match the stores table. Rebuild the dataset (make data).")
        world = cls._assemble(stores, squads, staff, arrays["tickets"], arrays["sales"], arrays["margin"],
                              arrays["fans"], arrays["calendar"], params)
        if float(np.asarray(arrays["fatigue_days"]).reshape(-1)[0]) == float(params.fatigue_days):
            world._stock_cache = arrays["fatigue"]
            world._stock_key = (id(world.calendar), params.fatigue_days)
        return world

    @classmethod
    def _assemble(cls, stores: pd.DataFrame, squads: pd.DataFrame, staff: pd.DataFrame, tickets: np.ndarray,
                  sales: np.ndarray, margin: np.ndarray, fans: np.ndarray, calendar: np.ndarray,
                  params: ModelParams) -> "World":
        """The world from its stores x days arrays and the small tables (per-store figures, squads, profit)."""
        _require(stores, "stores", ("store_id", "city", "monthly_rent_yuan"))
        _require(squads, "squads", ("squad_id", "store_id", "leader_staff_id", "size"))
        _require(staff, "staff", ("staff_id", "store_id", "capability"))
        order = np.argsort(stores["store_id"].to_numpy(), kind="stable")
        ids = stores["store_id"].to_numpy().astype(np.int64)[order]
        city = stores["city"].to_numpy().astype(object)[order]
        rent = stores["monthly_rent_yuan"].to_numpy().astype(float)[order]
        n = len(ids)
        tot_t, tot_s, tot_m = tickets.sum(1), sales.sum(1), margin.sum(1)
        open_days = np.maximum((tickets > 0).sum(1), 1)
        ticket_size = np.where(tot_t > 0, tot_s / np.maximum(tot_t, 1), 15.0)
        margin_rate = np.where(tot_s > 0, tot_m / np.maximum(tot_s, 1e-9), 0.25)
        mean_tickets = tot_t / open_days
        diffs = sales[:, 7:] - sales[:, :-7]          # same weekday a week apart: no weekly pattern
        both_open = (sales[:, 7:] > 0) & (sales[:, :-7] > 0)
        cnt = np.maximum(both_open.sum(1), 1)
        sales_sigma = np.sqrt((np.where(both_open, diffs, 0.0) ** 2).sum(1) / cnt / 2.0)
        del diffs, both_open

        # squads and leaders
        sq = squads.sort_values("squad_id")
        squad_ids = sq["squad_id"].to_numpy().astype(np.int64)
        squad_store = sq["store_id"].to_numpy().astype(np.int64)
        cap_of = pd.Series(staff["capability"].to_numpy(dtype=float), index=staff["staff_id"].to_numpy())
        leader_cap = cap_of.reindex(sq["leader_staff_id"].to_numpy()).fillna(0.0).to_numpy()
        store_squad = np.full(n, -1, dtype=np.int64)
        capability = np.zeros(n)
        squad_size = np.zeros(n)
        if len(sq):
            sp = _positions(ids, squad_store)
            store_squad[sp] = np.arange(len(sq))
            capability[sp] = np.clip(leader_cap, 0.0, 1.0)
            squad_size[sp] = sq["size"].to_numpy().astype(float)

        # profit: "少将连长" needs a store that makes money
        staff_count = np.zeros(n)
        if len(staff):
            np.add.at(staff_count, _positions(ids, staff["store_id"].to_numpy()), 1.0)
        monthly_margin = tot_m / open_days * 30.0
        monthly_profit = monthly_margin - rent - staff_count * params.staff_cost_yuan_month
        ratio = np.where(monthly_margin > 0, monthly_profit / np.maximum(monthly_margin, 1e-9), -1.0)
        support = np.clip(params.profit_floor + (1 - params.profit_floor) * ratio / params.profit_full_ratio,
                          params.profit_floor, 1.0)

        return cls(store_ids=ids, city=city, tickets=tickets, sales=sales, margin=margin, fans=fans,
                   ticket_size=ticket_size, margin_rate=margin_rate, mean_tickets=mean_tickets,
                   sales_sigma=sales_sigma, squad_ids=squad_ids, squad_home=squad_store,
                   store_squad=store_squad, capability=capability, squad_size=squad_size,
                   monthly_profit=monthly_profit, profit_support=support, calendar=calendar, params=params)

    # ------------------------------------------------------------------ lookups
    @property
    def n_stores(self) -> int:
        return len(self.store_ids)

    @property
    def cities(self) -> frozenset[str]:
        return frozenset(self.city.tolist())

    def store_pos(self, store_ids: Any) -> np.ndarray:
        """Positions of store ids (raises SceneError for unknown ones)."""
        v = np.atleast_1d(np.asarray(store_ids, dtype=np.int64))
        p = np.clip(np.searchsorted(self.store_ids, v), 0, max(self.n_stores - 1, 0))
        bad = v[self.store_ids[p] != v] if self.n_stores else v
        if len(bad):
            raise SceneError(f"数据中没有门店 {', '.join(map(str, bad[:5]))}。",
                             f"No store {', '.join(map(str, bad[:5]))} in the data.")
        return p

    def unknown_stores(self, store_ids: Any) -> list[int]:
        v = np.atleast_1d(np.asarray(list(store_ids), dtype=np.int64))
        if not len(v):
            return []
        if not self.n_stores:
            return v.tolist()
        p = np.clip(np.searchsorted(self.store_ids, v), 0, self.n_stores - 1)
        return v[self.store_ids[p] != v].tolist()

    def squad_store(self, squad_id: Any) -> int | None:
        """The store id of a squad, or None when the squad does not exist."""
        try:
            sid = int(squad_id)
        except (TypeError, ValueError):
            return None
        i = np.searchsorted(self.squad_ids, sid)
        if i < len(self.squad_ids) and self.squad_ids[i] == sid:
            return int(self.squad_home[i])
        return None

    def squad_of_store(self, store_id: int) -> int | None:
        """The squad id of a store (None for a store without a squad, e.g. a franchised one)."""
        k = self.store_squad[self.store_pos(store_id)[0]]
        return None if k < 0 else int(self.squad_ids[k])

    def stores_outside_city(self, store_ids: Any, city: str) -> list[int]:
        ids = list(store_ids)
        if not ids:
            return []
        p = self.store_pos(ids)
        return [int(i) for i, c in zip(ids, self.city[p]) if c != city]

    def target_positions(self, scene: Any) -> np.ndarray:
        """Positions of the stores a scene runs in: the squad's store, given stores, a city or the chain.

        ``scene`` is an :class:`o2o.scenes.model.Scene` (read by its fields: the world sits below the scene
        model, which validates designs against it)."""
        if scene.initiator == SQUAD:
            if scene.store_ids:
                return self.store_pos(scene.store_ids)
            home = self.squad_store(scene.squad_id)
            if home is None:
                raise SceneError(f"数据中没有编号为 {scene.squad_id} 的小分队。", f"No squad {scene.squad_id} in the data.")
            return self.store_pos([home])
        if scene.store_ids:
            return self.store_pos(scene.store_ids)
        if scene.target_city is not None:
            pos = np.nonzero(self.city == scene.target_city)[0]
            if not len(pos):
                raise SceneError(f"数据中没有城市「{scene.target_city}」的门店。", f"No stores in '{scene.target_city}'.")
            return pos
        return np.arange(self.n_stores)

    # ------------------------------------------------------------------ scene history
    def scene_calendar(self, scenes: pd.DataFrame) -> np.ndarray:
        """Stores x days counts of scene launches that covered each store (squad: its store; HQ: city or chain)."""
        cal = np.zeros((self.n_stores, N_DAYS), dtype=np.int16)
        launch = day_index(scenes["launch_date"].to_numpy())
        inside = (launch >= 0) & (launch < N_DAYS)
        store = scenes["store_id"].to_numpy(dtype=object) if "store_id" in scenes else np.full(len(scenes), None)
        has_store = ~pd.isna(pd.Series(store)).to_numpy()
        sel = inside & has_store
        if sel.any():
            p = self.store_pos(np.asarray(store[sel], dtype=np.int64))
            np.add.at(cal, (p, launch[sel]), 1)
        cities = scenes["target_city"].to_numpy(dtype=object) if "target_city" in scenes else np.full(len(scenes), None)
        for i in np.nonzero(inside & ~has_store)[0]:
            c = cities[i]
            if c is None or (isinstance(c, float) and np.isnan(c)) or c is pd.NA:
                cal[:, launch[i]] += 1
            else:
                cal[self.city == c, launch[i]] += 1
        return cal

    def recent_scenes(self, pos: np.ndarray, launch_day: np.ndarray, calendar: np.ndarray | None = None) -> np.ndarray:
        """Weighted count of scenes launched at the stores before ``launch_day`` (``pos`` and days broadcast).

        A scene launched ``k >= 1`` days earlier weighs exp(-k / fatigue_days): fans' memory of it fades
        geometrically. ``calendar`` defaults to the world's own scene calendar.
        """
        if calendar is None:
            stock = self._stock
        elif calendar.dtype.kind == "f":
            stock = calendar          # already a fatigue stock
        else:
            stock = fatigue_stock(calendar, self.params.fatigue_days)
        day = np.clip(np.asarray(launch_day, dtype=np.int64), 0, N_DAYS - 1)
        return stock[np.asarray(pos), day]

    @property
    def _stock(self) -> np.ndarray:
        key = (id(self.calendar), self.params.fatigue_days)
        if getattr(self, "_stock_key", None) != key:
            self._stock_cache = fatigue_stock(self.calendar, self.params.fatigue_days)
            self._stock_key = key
        return self._stock_cache

    def fans_at(self, pos: np.ndarray, launch_day: np.ndarray) -> np.ndarray:
        """Fans per tier (..., 4) at the end of the month before the launch (January: end of January)."""
        day = np.clip(np.asarray(launch_day, dtype=np.int64), 0, N_DAYS - 1)
        month = np.maximum(MONTH_OF_DAY[day] - 1, 0)
        return self.fans[pos, month]


def _sorted_ids(stores: pd.DataFrame) -> np.ndarray:
    _require(stores, "stores", ("store_id", "city", "monthly_rent_yuan"))
    return np.sort(stores["store_id"].to_numpy().astype(np.int64), kind="stable")


def _positions(ids: np.ndarray, values: Any) -> np.ndarray:
    """Positions of store ids in the sorted ``ids`` (a DataError for an id that is not there)."""
    n = len(ids)
    v = np.asarray(values, dtype=np.int64)
    p = np.clip(np.searchsorted(ids, v), 0, max(n - 1, 0))
    if n == 0 or not np.all(ids[p] == v):
        if n == 0 and len(v) == 0:
            return p
        raise DataError("数据中出现了 stores 表里没有的门店编号。请重新生成数据集(make data)。",
                        "The data mentions store ids missing from the stores table. Rebuild the dataset.")
    return p


def _daily_arrays(ids: np.ndarray, daily_sales: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stores x days tickets, sales and gross margin (zero where a store has no row)."""
    n = len(ids)
    p = _positions(ids, daily_sales["store_id"].to_numpy())
    d = day_index(daily_sales["date"].to_numpy()) if len(daily_sales) else np.zeros(0, np.int64)
    ok = (d >= 0) & (d < N_DAYS)
    p, d = p[ok], d[ok]
    out = []
    for col in ("tickets", "sales_yuan", "gross_margin_yuan"):
        a = np.zeros((n, N_DAYS))
        a[p, d] = daily_sales[col].to_numpy().astype(float)[ok]
        out.append(a)
    return out[0], out[1], out[2]


def _fans_array(ids: np.ndarray, store_fans_monthly: pd.DataFrame) -> np.ndarray:
    """Stores x 12 months x tiers: fans at each month end."""
    fans = np.zeros((len(ids), 12, len(TIERS)))
    if len(store_fans_monthly):
        fp = _positions(ids, store_fans_monthly["store_id"].to_numpy())
        month = pd.to_datetime(store_fans_monthly["month"]).dt.month.to_numpy() - 1
        tier = store_fans_monthly["tier"].map({t: i for i, t in enumerate(TIERS)}).to_numpy()
        good = ~pd.isna(tier)
        fans[fp[good], month[good], tier[good].astype(int)] = store_fans_monthly["fans"].to_numpy()[good]
    return fans


def fatigue_stock(calendar: np.ndarray, fatigue_days: float) -> np.ndarray:
    """Stores x days: sum over earlier launches of exp(-days since / fatigue_days) (excluding the same day)."""
    decay = np.exp(-1.0 / fatigue_days)
    cal = np.ascontiguousarray(calendar.T, dtype=float)          # days x stores: rows are contiguous
    stock = np.zeros_like(cal)
    for d in range(1, cal.shape[0]):
        np.add(stock[d - 1], cal[d - 1], out=stock[d])
        stock[d] *= decay
    return np.ascontiguousarray(stock.T)


_CACHE: dict[int, tuple[Any, World]] = {}

__all__ = ["World", "day_index", "N_DAYS", "HQ", "SQUAD"]
