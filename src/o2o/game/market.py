"""The market of the class game: neighbouring stores of the dataset, their fans by tier, Q4 2015 cut into rounds.

A :class:`Market` is a frozen snapshot (plain numbers, JSON-serialisable), so a stored game
replays the same way even if the dataset is rebuilt later. :func:`market_from_world` picks
``n_teams`` neighbouring stores that each have a squad: every store of one district, filled up
with the nearest stores of the same city when the district has too few.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from ..errors import O2OError
from ..scenes.catalog import TIERS
from ..scenes.world import World
from .params import DEFAULT_GAME_PARAMS, GameParams


class GameError(O2OError):
    """A game that cannot be set up or played as asked (bilingual message naming what to do)."""


@dataclass(frozen=True)
class Market:
    """Stores (one per team) and what the game needs of each, plus the rounds' calendar."""

    city: str
    district: str
    store_ids: tuple[int, ...]
    store_names: tuple[str, ...]
    squad_ids: tuple[int, ...]
    fans: tuple[tuple[float, ...], ...]     # fans per tier (沉睡, 普通, 活跃, 铁杆) at the end of September
    ticket_size: tuple[float, ...]
    margin_rate: tuple[float, ...]
    mean_tickets: tuple[float, ...]
    sales_sigma: tuple[float, ...]
    capability: tuple[float, ...]
    squad_factor: tuple[float, ...]         # min(size / full size, 1) x profit support
    nonmembers: float                       # shared pool of people in the trade area who are not members
    rounds: tuple[tuple[int, int], ...]     # (first day, last day) of each round, day of year 0-based

    @property
    def n_teams(self) -> int:
        return len(self.store_ids)

    @property
    def n_rounds(self) -> int:
        return len(self.rounds)

    def round_dates(self, r: int) -> tuple[date, date]:
        a, b = self.rounds[r]
        return day_to_date(a), day_to_date(b)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Market":
        conv = {k: tuple(tuple(x) if isinstance(x, list) else x for x in v) if isinstance(v, list) else v
                for k, v in d.items()}
        return cls(**conv)


def day_to_date(day: int) -> date:
    return date(2015, 1, 1) + timedelta(days=int(day))


def date_to_day(d: date) -> int:
    return (d - date(2015, 1, 1)).days


def round_calendar(n_rounds: int, params: GameParams = DEFAULT_GAME_PARAMS) -> tuple[tuple[int, int], ...]:
    """Q4 2015 cut into ``n_rounds`` consecutive rounds of (almost) equal length."""
    if not isinstance(n_rounds, int) or not 1 <= n_rounds <= 12:
        raise GameError(f"轮数必须是 1 到 12 之间的整数(现在是 {n_rounds!r})。",
                        f"The number of rounds must be a whole number from 1 to 12 (got {n_rounds!r}).")
    days = np.arange(params.first_day, params.last_day + 1)
    return tuple((int(c[0]), int(c[-1])) for c in np.array_split(days, n_rounds))


def market_from_world(world: World, stores: pd.DataFrame, n_teams: int, n_rounds: int, seed: int = 0,
                      district: str | None = None, params: GameParams = DEFAULT_GAME_PARAMS) -> Market:
    """``n_teams`` neighbouring stores with squads (a district, else drawn with ``seed``) as one market."""
    if not isinstance(n_teams, int) or not 2 <= n_teams <= 12:
        raise GameError(f"队伍数必须是 2 到 12 之间的整数(现在是 {n_teams!r})。",
                        f"The number of teams must be a whole number from 2 to 12 (got {n_teams!r}).")
    rounds = round_calendar(n_rounds, params)
    st = stores.set_index("store_id")
    # a squad and an established fan base (stores opened late in 2015 have almost no fans yet)
    has_squad = (world.store_squad >= 0) & (world.fans[:, 8].sum(-1) >= params.min_store_fans)
    ids = world.store_ids[has_squad]
    cand = st.loc[ids]
    if district is None:
        counts = cand.groupby(["city", "district"]).size()
        eligible = sorted(counts[counts >= min(n_teams, counts.max())].index)
        rng = np.random.default_rng([int(seed), 16])
        city, district = eligible[int(rng.integers(len(eligible)))]
    else:
        rows = cand[cand["district"] == district]
        if rows.empty:
            raise GameError(f"数据中没有带小分队门店的区/镇「{district}」:请从 stores 表的 district 中选择。",
                            f"No district '{district}' with squad stores in the data: pick one from stores.district.")
        city = rows["city"].iloc[0]
    in_d = cand[(cand["district"] == district) & (cand["city"] == city)]
    lat0, lon0 = float(in_d["lat"].mean()), float(in_d["lon"].mean())
    same_city = cand[cand["city"] == city].copy()
    same_city["_d"] = (same_city["lat"] - lat0) ** 2 + (same_city["lon"] - lon0) ** 2
    same_city["_in"] = same_city["district"] == district
    chosen = same_city.sort_values(["_in", "_d"], ascending=[False, True], kind="stable").head(n_teams)
    if len(chosen) < n_teams:
        raise GameError(f"{city}只有 {len(chosen)} 家带小分队的门店,不够 {n_teams} 支队伍:请减少队伍数或换一个区。",
                        f"{city} has only {len(chosen)} stores with squads, not enough for {n_teams} teams: "
                        "use fewer teams or another district.")
    sid = np.sort(chosen.index.to_numpy().astype(np.int64))
    pos = world.store_pos(sid)
    sp = world.scene_params if hasattr(world, "scene_params") else world.params
    fans = world.fans[pos, 8]                         # end of September
    size = np.minimum(world.squad_size[pos] / sp.squad_full_size, 1.0)
    nonmembers = params.nonmember_pool_per_ticket * float(world.mean_tickets[pos].sum())
    return Market(
        city=str(city), district=str(district), store_ids=tuple(int(i) for i in sid),
        store_names=tuple(str(st.loc[i, "store_name"]) for i in sid),
        squad_ids=tuple(int(world.squad_ids[world.store_squad[p]]) for p in pos),
        fans=tuple(tuple(float(round(x)) for x in row) for row in fans),
        ticket_size=_t(world.ticket_size[pos]), margin_rate=_t(world.margin_rate[pos]),
        mean_tickets=_t(world.mean_tickets[pos]), sales_sigma=_t(world.sales_sigma[pos]),
        capability=_t(world.capability[pos]), squad_factor=_t(size * world.profit_support[pos]),
        nonmembers=float(round(nonmembers)), rounds=rounds)


def _t(a: np.ndarray) -> tuple[float, ...]:
    return tuple(float(round(float(x), 6)) for x in a)


def market_from_dataset(ds: Any, n_teams: int, n_rounds: int, seed: int = 0, district: str | None = None,
                        params: GameParams = DEFAULT_GAME_PARAMS) -> Market:
    """The market of a loaded dataset (``o2o.load()``)."""
    return market_from_world(World.from_dataset(ds), ds.stores, n_teams, n_rounds, seed, district, params)


__all__ = ["Market", "GameError", "market_from_world", "market_from_dataset", "round_calendar", "day_to_date",
           "date_to_day", "TIERS"]
