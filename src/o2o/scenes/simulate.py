"""Simulate a designed scene day by day in the synthetic chain (Monte Carlo, seeded).

>>> res = simulate(scene, world, draws=200, seed=0)      # doctest: +SKIP
>>> res.daily()      # one row per day: mean and 5%/95% band of every metric
>>> res.summary()    # totals with bands, ROI, margin per yuan

The model (channels, share cascade, visits, conversions, members, costs) is described in
``docs/simulation-model.md``; the array engine is :mod:`o2o.scenes.engine`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from ..errors import SceneError
from ..i18n import label
from .catalog import BROADCAST, IN_STORE, MOMENTS, NO_INCENTIVE, SQUAD, TIERS
from .engine import EXTRA, METRICS, run, target_fans
from .exposure import Inputs
from .model import Scene
from .params import ModelParams
from .world import World

#: Chinese and English names of the metrics (for tables and figures).
METRIC_LABELS: dict[str, tuple[str, str]] = {
    "reach_broadcast": ("广告触达(点对面)", "reach by ads (point to surface)"),
    "reach_p2p": ("点对点触达", "point-to-point reach"),
    "shares": ("转发次数", "shares"),
    "visits": ("到店人次", "store visits"),
    "conversions": ("成交笔数", "conversions"),
    "redemptions": ("核销次数", "redemptions"),
    "incremental_sales_yuan": ("增量销售额(元)", "incremental sales (yuan)"),
    "incremental_margin_yuan": ("增量毛利(元)", "incremental gross margin (yuan)"),
    "new_members": ("新增会员", "new members"),
    "tier_upgrades": ("粉丝升级", "tier upgrades"),
    "cost_yuan": ("花费(元)", "cost (yuan)"),
    "shares_cascade": ("二次及以后转发", "shares by people reached through a share"),
    "cost_ads": ("广告花费(元)", "ad cost (yuan)"),
    "cost_incentive": ("激励花费(元)", "incentive cost (yuan)"),
    "cost_ops": ("人力与物料(元)", "staff time and material (yuan)"),
    "roi": ("投资回报率", "ROI ((margin - cost) / cost)"),
    "margin_per_yuan": ("每元花费带来的毛利", "margin per yuan spent"),
}


def scene_inputs(scene: Scene, world: World, params: ModelParams) -> tuple[Inputs, np.ndarray]:
    """Engine inputs of one scene (all arrays with a leading axis of 1) and its store positions."""
    pos = world.target_positions(scene)
    start = int((np.datetime64(scene.launch_date, "D") - np.datetime64("2015-01-01", "D")).astype(int))
    tier = -1 if scene.target_tier not in TIERS else TIERS.index(scene.target_tier)
    one = lambda v, dt=float: np.array([[v]], dtype=dt)  # noqa: E731
    fatigue = world.recent_scenes(pos, start)[None, :]
    x = Inputs(
        pos=pos[None, :], valid=np.ones((1, len(pos)), bool), start=np.array([start]),
        dur=np.array([int(scene.duration_days)]), squad=one(scene.initiator == SQUAD, bool),
        lead=one(scene.lead_days), personalization=one(scene.personalization),
        incentive_yuan=one(scene.incentive_yuan if scene.incentive_type != NO_INCENTIVE else 0.0),
        perceived=one(params.incentive_perceived.get(scene.incentive_type, 0.0)),
        topup=one(params.incentive_topup.get(scene.incentive_type, 0.0)),
        unit_cost=one(scene.unit_cost(params) if scene.incentive_type != NO_INCENTIVE else 0.0),
        pool_cash=one(scene.incentive_pool(params)), ad_cash=one(scene.ad_budget(params)),
        ch_ads=one(BROADCAST in scene.channels, float), ch_moments=one(MOMENTS in scene.channels, float),
        ch_store=one(IN_STORE in scene.channels, float), tier=one(tier, int),
        battle=np.array([[scene.battle]], dtype=object), fatigue_count=fatigue,
    )
    return x, pos


@dataclass
class SimResult:
    """The outcome of a scene: day-by-day arrays per draw (``arrays[metric]`` has shape draws x days)."""

    scene: Scene
    dates: pd.DatetimeIndex
    arrays: dict[str, np.ndarray]
    draws: int
    seed: Any
    context: dict[str, Any] = field(default_factory=dict)
    store_totals_: pd.DataFrame | None = None
    historical: bool = False

    def __getitem__(self, metric: str) -> np.ndarray:
        return self.arrays[metric]

    @property
    def n_days(self) -> int:
        return len(self.dates)

    def daily(self, lang: str | None = None) -> pd.DataFrame:
        """One row per day: the mean of each metric over draws and its 5% / 95% band (``<metric>_p05``, ``_p95``)."""
        cols: dict[str, Any] = {"day": np.arange(1, self.n_days + 1), "date": self.dates}
        for m in METRICS + EXTRA:
            a = self.arrays[m]
            cols[m] = a.mean(0)
            cols[f"{m}_p05"] = np.percentile(a, 5, axis=0)
            cols[f"{m}_p95"] = np.percentile(a, 95, axis=0)
        df = pd.DataFrame(cols)
        if lang in ("zh", "en"):
            i = 0 if lang == "zh" else 1
            df = df.rename(columns={m: METRIC_LABELS[m][i] for m in METRICS + EXTRA})
        return df

    def totals(self) -> pd.DataFrame:
        """One row per draw: totals over the scene's days, plus ROI and margin per yuan."""
        df = pd.DataFrame({m: self.arrays[m].sum(1) for m in METRICS + EXTRA})
        cost = df["cost_yuan"].to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            df["margin_per_yuan"] = np.where(cost > 0, df["incremental_margin_yuan"] / cost, np.nan)
            df["roi"] = np.where(cost > 0, (df["incremental_margin_yuan"] - cost) / cost, np.nan)
        df.index.name = "draw"
        return df

    def summary(self) -> pd.DataFrame:
        """Totals of the scene: mean and 5% / 95% band over draws, with Chinese and English names."""
        tot = self.totals()
        rows = []
        for m in tot.columns:
            v = tot[m].to_numpy(dtype=float)
            v = v[np.isfinite(v)]
            zh, en = METRIC_LABELS[m]
            rows.append({"metric": m, "zh": zh, "en": en,
                         "mean": float(v.mean()) if len(v) else np.nan,
                         "p05": float(np.percentile(v, 5)) if len(v) else np.nan,
                         "p95": float(np.percentile(v, 95)) if len(v) else np.nan})
        return pd.DataFrame(rows).set_index("metric")

    def cumulative(self, metric: str) -> np.ndarray:
        """Cumulative sum over days of a metric, per draw."""
        return np.cumsum(self.arrays[metric], axis=1)

    def store_totals(self) -> pd.DataFrame:
        """Expected totals per target store (means over draws; for maps). Empty for historical scenes."""
        if self.store_totals_ is None:
            return pd.DataFrame(columns=["store_id"])
        return self.store_totals_

    def to_scene_daily(self, scene_id: int = 0, draw: int = 0) -> pd.DataFrame:
        """One draw as rows of the dataset's ``scene_daily`` table."""
        df = pd.DataFrame({"scene_id": np.int32(scene_id), "date": self.dates.astype("datetime64[s]")})
        for m in METRICS:
            a = self.arrays[m][draw]
            df[m] = a if m.endswith("_yuan") else a.astype(np.int64)
        return df


def simulate(scene: Scene, world: World, draws: int = 200, seed: Any = 0, params: ModelParams | None = None,
             validate: bool = True) -> SimResult:
    """Simulate ``scene`` in ``world``: ``draws`` Monte Carlo runs from ``np.random.default_rng(seed)``.

    Raises :class:`o2o.errors.SceneError` (Chinese + English, saying what to change) for an
    invalid design. The same seed gives identical arrays.
    """
    _check_arguments(scene, world)
    prm = params or world.params
    if not isinstance(draws, (int, np.integer)) or isinstance(draws, bool) or draws < 1 or draws > 100_000:
        raise SceneError(f"模拟次数 draws 必须是 1 到 100000 之间的整数(现在是 {draws!r})。",
                         f"draws must be a whole number from 1 to 100000 (got {draws!r}).")
    if validate:
        scene.validate(world, prm)
    x, pos = scene_inputs(scene, world, prm)
    rng = np.random.default_rng(seed)
    arrays = run(world, x, int(draws), rng, prm, keep_store_totals=True)
    store_cols = {k[len("_store_"):]: arrays.pop(k) for k in list(arrays) if k.startswith("_store_")}
    store_df = pd.DataFrame({"store_id": world.store_ids[pos], "city": world.city[pos], **store_cols})
    dates = pd.date_range(pd.Timestamp(scene.launch_date), periods=int(scene.duration_days), freq="D")
    tier = -1 if scene.target_tier not in TIERS else TIERS.index(scene.target_tier)
    context = _context(scene, world, pos, int(x.start[0]), tier, float(x.fatigue_count.mean()))
    return SimResult(scene=scene, dates=dates, arrays=arrays, draws=int(draws), seed=seed, context=context,
                     store_totals_=store_df)


def _check_arguments(scene: Any, world: Any) -> None:
    """A kit error naming the argument when a dataset or something else is passed by mistake."""
    if not isinstance(scene, Scene):
        raise SceneError(f"simulate(scene, world) 的第一个参数 scene 需要一个场景 Scene(...),得到的是 "
                         f"{type(scene).__name__}。",
                         f"The first argument of simulate(scene, world), scene, must be a Scene(...); got a "
                         f"{type(scene).__name__}.")
    if not isinstance(world, World):
        is_ds = hasattr(world, "tables") and hasattr(world, "meta")
        got_zh = "数据集(o2o.load() 的结果)" if is_ds else type(world).__name__
        got_en = "a dataset (what o2o.load() returns)" if is_ds else f"a {type(world).__name__}"
        raise SceneError(f"simulate(scene, world) 的第二个参数 world 需要一个 World,得到的是{got_zh}。"
                         "请先写 world = World.from_dataset(ds),再 simulate(scene, world)。",
                         f"The second argument of simulate(scene, world), world, must be a World; got {got_en}. "
                         "Write world = World.from_dataset(ds) first, then simulate(scene, world).")


def _context(scene: Scene, world: World, pos: np.ndarray, start: int, tier: int, fatigue: float) -> dict[str, Any]:
    """Facts about the scene's stores that the 5W evaluation cites (fans, noise, leader, profit)."""
    base_days = slice(max(0, start - 28), max(start, 1))
    sigma = float(np.sqrt((world.sales_sigma[pos] ** 2).sum()))
    squad = scene.initiator == SQUAD
    return {
        "n_stores": int(len(pos)),
        "store_ids": world.store_ids[pos],
        "target_fans": target_fans(world, pos, start, tier),
        "all_fans": target_fans(world, pos, start, -1),
        "sales_sigma": sigma,
        "baseline_sales_per_day": float(world.sales[pos, base_days].sum(0).mean()) if len(pos) else 0.0,
        "leader_capability": float(world.capability[pos].mean()) if squad else None,
        "profit_support": float(world.profit_support[pos].mean()) if squad else None,
        "monthly_profit": float(world.monthly_profit[pos].mean()),
        "recent_scenes": fatigue,
    }


def end_date(launch: date, duration: int) -> date:
    return launch + timedelta(days=duration - 1)


__all__ = ["simulate", "SimResult", "METRIC_LABELS", "METRICS", "EXTRA", "label"]
