"""A marketing scene as a typed object, checked against the designs the kit rejects.

A :class:`Scene` is what a student designs (or what the dataset's ``scenes`` table records):
who starts it, which battle of lecture 18 it fights, when it is thought of and launched, how
long it runs, through which channels, how personal the content is, what incentive it offers,
with what budget, for which fans and in which stores.

``scene.check(world)`` lists every problem as a bilingual sentence that says what to change
(found by :mod:`o2o.scenes.problems`); ``scene.validate(world)`` raises :class:`o2o.errors.SceneError`
with all of them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, replace
from datetime import date, timedelta
from typing import Any

import numpy as np

from ..errors import SceneError
from .catalog import ALL_TIERS, BATTLE_PROFILES, BROADCAST, NO_INCENTIVE, SQUAD, BattleProfile
from .dates import to_date as _to_date
from .params import DEFAULT_PARAMS, ModelParams
from .problems import Problem, scene_problems
from .world import World


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        import pandas as pd

        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


@dataclass(frozen=True)
class Scene:
    """A marketing scene (营销场景), lecture 18's unit of front-line marketing.

    Parameters
    ----------
    name: a name for the scene.
    scene_type: 促销 / 交易 / 支付.
    battle: one of the battles of that type (see :data:`o2o.scenes.SCENE_CATALOG`).
    initiator: 总部市场部 (HQ marketing) or 一线小分队 (a front-line squad).
    squad_id: the squad that runs it (required for a squad, empty for HQ).
    store_ids: target stores. A squad works in its own store only (empty = its store).
        For HQ: explicit stores, or empty for every store of ``target_city`` (or of the chain).
    target_city: HQ only: one city, or None for the whole chain.
    idea_date, launch_date: when the idea came up and when the scene went live.
    duration_days: days the scene runs, launch day included.
    channels: any of 广告 (ads, point to surface), 朋友圈 (the squad's fans' moments) and
        店内 (the store floor), both point to point.
    personalization: 0 (one message for all) to 1 (written for these customers).
    incentive_type: 满减 / 折扣 / 赠品 / 积分 / 无; incentive_yuan: value per redemption.
    budget_yuan: cash for ads and incentives.
    target_tier: 沉睡粉 / 普通粉 / 活跃粉 / 铁杆粉 / 全部.

    >>> s = Scene(name="周末饮料满减", scene_type="促销", battle="引流入店", initiator="一线小分队",
    ...           squad_id=1, idea_date="2015-09-01", launch_date="2015-09-03", duration_days=5)
    >>> s.lead_days, s.end_date.isoformat()
    (2, '2015-09-07')
    """

    name: str = "我的场景"
    scene_type: str = "促销"
    battle: str = "引流入店"
    initiator: str = SQUAD
    squad_id: int | None = None
    store_ids: tuple[int, ...] = ()
    target_city: str | None = None
    idea_date: date = date(2015, 9, 1)
    launch_date: date = date(2015, 9, 3)
    duration_days: int = 7
    channels: tuple[str, ...] = ("朋友圈", "店内")
    personalization: float = 0.7
    incentive_type: str = "满减"
    incentive_yuan: float = 5.0
    budget_yuan: float = 3000.0
    target_tier: str = "活跃粉"
    scene_id: int | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        for f in fields(self):  # numpy numbers (np.int64(5), np.float64(0.7)) count as Python numbers
            v = getattr(self, f.name)
            if isinstance(v, (np.number, np.bool_)):
                set_(self, f.name, v.item())
        ch = self.channels
        if isinstance(ch, str):
            ch = tuple(c.strip() for c in ch.split("|") if c.strip())
        elif ch is None:
            ch = ()
        else:
            ch = tuple(ch)
        set_(self, "channels", ch)
        ids = self.store_ids
        if ids is None or isinstance(ids, str):
            ids = () if not ids else (ids,)
        elif isinstance(ids, (int, float)) or type(ids).__module__ == "numpy" and getattr(ids, "ndim", 1) == 0:
            ids = () if _is_missing(ids) else (ids,)
        else:
            ids = tuple(ids)
        out = []
        for i in ids:
            try:
                out.append(int(i))
            except (TypeError, ValueError):
                out.append(i)
        set_(self, "store_ids", tuple(out))
        set_(self, "squad_id", None if _is_missing(self.squad_id) else self._int_or_raw(self.squad_id))
        tc = self.target_city
        set_(self, "target_city", None if (_is_missing(tc) or tc == "") else tc)
        set_(self, "idea_date", _to_date(self.idea_date))
        set_(self, "launch_date", _to_date(self.launch_date))
        dur = self.duration_days
        if isinstance(dur, float) and math.isfinite(dur) and dur.is_integer():
            set_(self, "duration_days", int(dur))

    @staticmethod
    def _int_or_raw(v: Any) -> Any:
        try:
            f = float(v)
            return int(f) if f.is_integer() else v
        except (TypeError, ValueError):
            return v

    # ------------------------------------------------------------------ derived
    @property
    def end_date(self) -> date | None:
        """Last day of the scene (inclusive)."""
        if isinstance(self.launch_date, date) and isinstance(self.duration_days, int):
            return self.launch_date + timedelta(days=self.duration_days - 1)
        return None

    @property
    def lead_days(self) -> int | None:
        """Days from idea to launch."""
        if isinstance(self.launch_date, date) and isinstance(self.idea_date, date):
            return (self.launch_date - self.idea_date).days
        return None

    @property
    def is_squad(self) -> bool:
        return self.initiator == SQUAD

    def with_changes(self, **changes: Any) -> "Scene":
        """A copy with some fields changed (the scene itself is immutable)."""
        return replace(self, **changes)

    def ad_budget(self, params: ModelParams = DEFAULT_PARAMS) -> float:
        """Cash for ads: all of the budget without an incentive, a fixed share with one, none without ads."""
        if BROADCAST not in self.channels:
            return 0.0
        b = float(self.budget_yuan)
        return b if self.incentive_type == NO_INCENTIVE else b * params.ad_share_with_incentive

    def incentive_pool(self, params: ModelParams = DEFAULT_PARAMS) -> float:
        """Cash left for incentives after the ads."""
        if self.incentive_type == NO_INCENTIVE:
            return 0.0
        return float(self.budget_yuan) - self.ad_budget(params)

    def unit_cost(self, params: ModelParams = DEFAULT_PARAMS) -> float:
        """What one redemption costs the chain (face value x type factor x battle factor)."""
        prof = BATTLE_PROFILES.get(self.battle, BattleProfile())
        return float(self.incentive_yuan) * params.incentive_unit_cost.get(self.incentive_type, 1.0) * prof.incentive_cost

    def minimum_budget(self, n_stores: int, params: ModelParams = DEFAULT_PARAMS) -> float:
        """Smallest budget that pays ``min_redemptions_per_store`` redemptions in each target store.

        With ads as well, the ads take their share first, so the budget must be larger by that share.
        """
        need = self.unit_cost(params) * params.min_redemptions_per_store * max(1, n_stores)
        if need <= 0:
            return 0.0
        if BROADCAST in self.channels:
            need = max(need / (1.0 - params.ad_share_with_incentive),
                       params.min_ad_budget_yuan / params.ad_share_with_incentive)
        return need

    # ------------------------------------------------------------------ validation
    def problems(self, world: "World | None" = None, params: ModelParams = DEFAULT_PARAMS) -> list[Problem]:
        """Everything wrong with this design (empty when it can run). ``world`` adds the checks that need data."""
        return scene_problems(self, world, params)

    def check(self, world: "World | None" = None, lang: str | None = None,
              params: ModelParams = DEFAULT_PARAMS) -> list[str]:
        """The problems as sentences: ``"zh\\nen"`` each, or one language with ``lang="zh"``/``"en"``."""
        probs = self.problems(world, params)
        if lang in ("zh", "en"):
            return [p.message(lang) for p in probs]
        return [str(p) for p in probs]

    def validate(self, world: "World | None" = None, params: ModelParams = DEFAULT_PARAMS) -> "Scene":
        """Raise :class:`SceneError` listing every problem; return the scene when it is valid."""
        probs = self.problems(world, params)
        if probs:
            zh = "场景设计需要修改:\n" + "\n".join(f"- {p.zh}" for p in probs)
            en = "The scene design needs changes:\n" + "\n".join(f"- {p.en}" for p in probs)
            err = SceneError(zh, en)
            err.problems = probs  # type: ignore[attr-defined]
            raise err
        return self


__all__ = ["Scene", "ALL_TIERS"]
