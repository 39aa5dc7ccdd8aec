"""Every problem of a scene design, found step by step: identity, initiator, dates, channels, money, stores, budget.

:meth:`o2o.scenes.model.Scene.problems` calls :func:`scene_problems`; each step reads the scene by its
fields and adds bilingual :class:`Problem` sentences that say what to change, in a fixed order.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..errors import SceneError
from .catalog import (BATTLE_TYPE, BROADCAST, CHANNELS, HQ, INCENTIVE_TYPES, INITIATORS, NO_INCENTIVE, SCENE_CATALOG,
                      SQUAD, TARGET_TIERS, YEAR)
from .dates import ambiguous_date
from .params import ModelParams
from .world import World

#: Longest scene the kit accepts (a scene is a short battle, not a season).
MAX_DURATION_DAYS = 120
#: Longest time from idea to launch the kit accepts.
MAX_LEAD_DAYS = 180


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scene design: a code and a sentence in Chinese and English."""

    code: str
    zh: str
    en: str

    def __str__(self) -> str:
        return f"{self.zh}\n{self.en}"

    def message(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh


#: How a step reports a problem: ``add(code, zh, en)``.
Add = Callable[[str, str, str], None]


class _Found(list):
    """The problems found so far, in the order the steps find them."""

    def add(self, code: str, zh: str, en: str) -> None:
        self.append(Problem(code, zh, en))


@dataclass(frozen=True)
class _Money:
    """The scene's amounts as numbers, and whether each is usable."""

    inc: float | None
    inc_ok: bool
    bud: float | None
    bud_ok: bool


def _as_number(value: Any) -> float | None:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x


def scene_problems(s: Any, world: World | None, params: ModelParams) -> list[Problem]:
    """Everything wrong with the design ``s`` (a :class:`~o2o.scenes.model.Scene`); ``world`` adds the data checks."""
    found = _Found()
    _identity(s, found.add)
    _initiator(s, found.add)
    _dates(s, found.add)
    _channels(s, found.add)
    money = _money(s, found.add)
    n_stores = _stores(s, world, found.add)
    _budget(s, params, money, n_stores, found.add)
    return list(found)


def _identity(s: Any, add: Add) -> None:
    """Name, scene type and battle (a battle of lecture 18, of the scene's type)."""
    if not isinstance(s.name, str) or not s.name.strip():
        add("name_empty", "场景没有名称:请给场景起一个名字。", "The scene has no name: give it one.")
    types = "、".join(SCENE_CATALOG)
    if s.scene_type not in SCENE_CATALOG:
        add("scene_type_unknown", f"场景类型「{s.scene_type}」不存在:请选 {types} 之一。",
            f"Unknown scene type '{s.scene_type}': choose one of {', '.join(SCENE_CATALOG)}.")
    if s.battle not in BATTLE_TYPE:
        add("battle_unknown", f"战争「{s.battle}」不在第18讲的清单里:请从场景目录中选择(例如 引流入店、二次购买、付满送)。",
            f"Battle '{s.battle}' is not in lecture 18's list: pick one from the scene catalog "
            "(e.g. 引流入店, 二次购买, 付满送).")
    elif s.scene_type in SCENE_CATALOG and BATTLE_TYPE[s.battle] != s.scene_type:
        right = BATTLE_TYPE[s.battle]
        ok = "、".join(SCENE_CATALOG[s.scene_type])
        add("battle_wrong_type", f"「{s.battle}」属于{right}场景,不属于{s.scene_type}场景:请把类型改为「{right}」,"
            f"或改选 {ok} 之一。",
            f"'{s.battle}' is a {right} scene, not a {s.scene_type} scene: set the type to '{right}' "
            f"or choose one of {', '.join(SCENE_CATALOG[s.scene_type])}.")


def _initiator(s: Any, add: Add) -> None:
    """HQ or a squad; a squad scene names its squad and no city, an HQ scene no squad."""
    if s.initiator not in INITIATORS:
        add("initiator_unknown", f"发起方「{s.initiator}」不存在:请选「总部市场部」或「一线小分队」。",
            f"Unknown initiator '{s.initiator}': choose 总部市场部 (HQ) or 一线小分队 (a squad).")
    elif s.initiator == SQUAD:
        if s.squad_id is None:
            add("squad_missing", "一线小分队发起的场景必须指定 squad_id:请填写发起场景的小分队编号。",
                "A squad scene needs a squad_id: fill in the number of the squad that runs it.")
        if s.target_city is not None:
            add("squad_target_city", "小分队只在自己的门店作战,不能指定目标城市:请删除 target_city(留空)。",
                "A squad fights in its own store only: remove target_city (leave it empty).")
    elif s.initiator == HQ and s.squad_id is not None:
        add("hq_with_squad", "总部市场部发起的场景不属于某个小分队:请删除 squad_id,或把发起方改为「一线小分队」。",
            "An HQ scene belongs to no squad: remove squad_id, or make the initiator 一线小分队.")


def _dates(s: Any, add: Add) -> None:
    """Idea and launch dates, duration, lead time, and the year the data covers."""
    dates_ok = True
    for fld, zh_name in (("idea_date", "创意日期"), ("launch_date", "上线日期")):
        v = getattr(s, fld)
        both = ambiguous_date(v)
        if both is not None:
            dates_ok = False
            add("date_ambiguous", f"{zh_name}({fld})「{v}」有歧义:可能是 {both[0]:%Y-%m-%d},也可能是 {both[1]:%Y-%m-%d}。"
                "请写成 2015-09-01 这样的日期(年-月-日)。",
                f"{fld} '{v}' is ambiguous: it may mean {both[0]:%Y-%m-%d} or {both[1]:%Y-%m-%d}. Write it as "
                "year-month-day, like 2015-09-01.")
        elif not isinstance(v, date):
            dates_ok = False
            add("date_invalid", f"{zh_name}({fld})「{v}」不是日期:请写成 2015-09-01 这样的日期。",
                f"{fld} '{v}' is not a date: write it like 2015-09-01.")
    dur = s.duration_days
    dur_ok = isinstance(dur, int) and not isinstance(dur, bool)
    if not dur_ok:
        add("duration_invalid", f"持续天数「{dur}」不是整数:请填写场景持续的天数(例如 7)。",
            f"Duration '{dur}' is not a whole number: give the number of days the scene runs (e.g. 7).")
    elif dur <= 0:
        add("duration_nonpositive", f"持续天数为 {dur}:结束日早于上线日。请把持续天数设为至少 1 天。",
            f"Duration is {dur}: the scene would end before it starts. Make it at least 1 day.")
    elif dur > MAX_DURATION_DAYS:
        add("duration_too_long", f"持续 {dur} 天太长了:场景是一场短仗,请设为不超过 {MAX_DURATION_DAYS} 天。",
            f"{dur} days is too long: a scene is a short battle; make it at most {MAX_DURATION_DAYS} days.")
    if dates_ok:
        lead = s.lead_days
        assert lead is not None
        if lead < 0:
            add("launch_before_idea", f"上线日期({s.launch_date})早于创意日期({s.idea_date}):"
                "请把上线日期改到创意日期当天或之后。",
                f"The launch ({s.launch_date}) is before the idea ({s.idea_date}): launch on or after the idea date.")
        elif lead > MAX_LEAD_DAYS:
            add("lead_too_long", f"从创意到上线 {lead} 天,超过 {MAX_LEAD_DAYS} 天:请把创意日期改得更近。",
                f"{lead} days from idea to launch is more than {MAX_LEAD_DAYS}: move the idea date closer.")
        end = s.end_date
        outside = s.launch_date.year != YEAR or (dur_ok and dur > 0 and end is not None and end.year != YEAR)
        if outside:
            add("date_outside_year", f"场景必须在 {YEAR} 年内上线和结束(数据只覆盖 {YEAR} 年):"
                f"请调整上线日期或持续天数(目前 {s.launch_date} 至 {end})。",
                f"The scene must launch and end within {YEAR} (the data covers {YEAR} only): "
                f"change the launch date or the duration (now {s.launch_date} to {end}).")


def _channels(s: Any, add: Add) -> None:
    """At least one known channel, each once."""
    if not s.channels:
        add("channels_empty", "没有选择渠道:请至少选一个(广告、朋友圈、店内)。",
            "No channel chosen: pick at least one (广告 ads, 朋友圈 moments, 店内 in store).")
    unknown = [c for c in s.channels if c not in CHANNELS]
    if unknown:
        add("channel_unknown", f"渠道「{'、'.join(map(str, unknown))}」不存在:只能选 广告、朋友圈、店内。",
            f"Unknown channel(s) {', '.join(map(str, unknown))}: choose from 广告, 朋友圈, 店内.")
    if len(set(s.channels)) != len(s.channels):
        add("channel_duplicate", "渠道重复了:每个渠道只选一次。", "A channel is listed twice: list each channel once.")


def _money(s: Any, add: Add) -> _Money:
    """Personalisation, incentive, budget and target tier; returns the amounts for the budget step."""
    p = _as_number(s.personalization)
    if p is None or not math.isfinite(p) or not 0.0 <= p <= 1.0:
        add("personalization_range", f"个性化程度「{s.personalization}」必须在 0 到 1 之间:"
            "0 表示人人同一条信息,1 表示为这群顾客量身定做。",
            f"Personalisation '{s.personalization}' must be between 0 and 1 "
            "(0 = one message for all, 1 = written for these customers).")
    inc = _as_number(s.incentive_yuan)
    inc_ok = inc is not None and math.isfinite(inc)
    if s.incentive_type not in INCENTIVE_TYPES:
        add("incentive_type_unknown", f"激励方式「{s.incentive_type}」不存在:请选 {'、'.join(INCENTIVE_TYPES)} 之一。",
            f"Unknown incentive '{s.incentive_type}': choose one of {', '.join(INCENTIVE_TYPES)}.")
    if not inc_ok or inc < 0:
        add("incentive_negative", f"单次激励价值「{s.incentive_yuan}」必须是不小于 0 的金额:请改为 0 或正数(元)。",
            f"The incentive value '{s.incentive_yuan}' must be an amount of 0 or more: use 0 or a positive number of yuan.")
    elif s.incentive_type == NO_INCENTIVE and inc > 0:
        add("incentive_value_without_type", f"激励方式为「无」,但单次激励价值是 {inc:g} 元:"
            "请把价值改为 0,或选择一种激励方式(满减、折扣、赠品、积分)。",
            f"The incentive is 'none' but its value is {inc:g} yuan: set the value to 0 or choose an incentive type.")
    elif s.incentive_type in INCENTIVE_TYPES and s.incentive_type != NO_INCENTIVE and inc == 0:
        add("incentive_missing_value", f"激励方式为「{s.incentive_type}」,但单次激励价值是 0 元:"
            "请填写每次核销给顾客的价值,或把激励方式改为「无」。",
            f"The incentive is '{s.incentive_type}' but worth 0 yuan: give its value per redemption, "
            "or set the incentive to 无 (none).")
    bud = _as_number(s.budget_yuan)
    bud_ok = bud is not None and math.isfinite(bud) and bud >= 0
    if not bud_ok:
        add("budget_negative", f"预算「{s.budget_yuan}」必须是不小于 0 的金额:请填写 0 或正数(元)。",
            f"The budget '{s.budget_yuan}' must be an amount of 0 or more yuan.")
    if s.target_tier not in TARGET_TIERS:
        add("target_tier_unknown", f"目标粉丝层级「{s.target_tier}」不存在:请选 {'、'.join(TARGET_TIERS)} 之一。",
            f"Unknown target tier '{s.target_tier}': choose one of {', '.join(TARGET_TIERS)}.")
    return _Money(inc, inc_ok, bud, bud_ok)


def _stores(s: Any, world: World | None, add: Add) -> int:
    """Store ids, and with the data: known stores, the squad's own store, the city; returns the number of target stores."""
    n_stores = max(1, len(s.store_ids))
    bad_ids = [i for i in s.store_ids if not isinstance(i, int)]
    if bad_ids:
        add("store_unknown", f"门店编号「{'、'.join(map(str, bad_ids))}」不是数字:请填写数据中的 store_id。",
            f"Store id(s) {', '.join(map(str, bad_ids))} are not numbers: use store_id values from the data.")
    if world is not None:
        ids = [i for i in s.store_ids if isinstance(i, int)]
        unknown_ids = world.unknown_stores(ids)
        if unknown_ids:
            shown = "、".join(map(str, unknown_ids[:5])) + ("…" if len(unknown_ids) > 5 else "")
            add("store_unknown", f"数据中没有这些门店:{shown}。请从 stores 表中选择 store_id。",
                f"These stores are not in the data: {', '.join(map(str, unknown_ids[:5]))}. "
                "Pick store_id values from the stores table.")
        if s.initiator == SQUAD and s.squad_id is not None:
            home = world.squad_store(s.squad_id)
            if home is None:
                add("squad_unknown", f"数据中没有编号为 {s.squad_id} 的小分队:请从 squads 表中选择 squad_id。",
                    f"There is no squad {s.squad_id} in the data: pick a squad_id from the squads table.")
            elif s.store_ids and tuple(s.store_ids) != (home,):
                others = [i for i in s.store_ids if i != home]
                add("squad_other_store", f"小分队 {s.squad_id} 属于门店 {home},不能在门店 "
                    f"{'、'.join(map(str, others)) or home} 作战:请把 store_ids 改为 ({home},) 或留空,"
                    "或换成该门店自己的小分队。",
                    f"Squad {s.squad_id} belongs to store {home} and cannot run a scene in store(s) "
                    f"{', '.join(map(str, others)) or home}: set store_ids to ({home},) or leave it empty, "
                    "or use that store's own squad.")
        if s.initiator == HQ and s.target_city is not None:
            if s.target_city not in world.cities:
                add("city_unknown", f"数据中没有城市「{s.target_city}」:请从 stores 表的 city 中选择,"
                    "或留空表示全网。",
                    f"There is no city '{s.target_city}' in the data: choose a city from the stores table, "
                    "or leave it empty for the whole chain.")
            elif ids and not unknown_ids:
                outside = world.stores_outside_city(ids, s.target_city)
                if outside:
                    add("store_not_in_city", f"门店 {'、'.join(map(str, outside[:5]))} 不在{s.target_city}:"
                        "请删除这些门店,或清空 target_city。",
                        f"Store(s) {', '.join(map(str, outside[:5]))} are not in {s.target_city}: "
                        "remove them or clear target_city.")
        try:
            n_stores = max(1, len(world.target_positions(s)))
        except SceneError:
            pass
    return n_stores


def _budget(s: Any, params: ModelParams, money: _Money, n_stores: int, add: Add) -> None:
    """Enough budget for the incentive in every target store, and for any ads at all."""
    inc, bud = money.inc, money.bud
    if money.bud_ok and money.inc_ok and inc >= 0 and s.incentive_type in INCENTIVE_TYPES and s.battle in BATTLE_TYPE \
            and all(c in CHANNELS for c in s.channels):
        if s.incentive_type != NO_INCENTIVE and inc > 0:
            need = s.minimum_budget(n_stores, params)
            if bud < need - 1e-9:
                k = params.min_redemptions_per_store
                cheaper = bud / need * inc if need > 0 else 0.0
                add("budget_below_incentive",
                    f"预算 {bud:,.0f} 元不够支付激励:{n_stores} 家目标门店每家至少 {k} 次核销"
                    f"{'(另有一半预算用于广告)' if BROADCAST in s.channels else ''},需要至少 {need:,.0f} 元。"
                    f"请把预算提高到 {need:,.0f} 元以上,或把单次激励降到 {cheaper:.1f} 元以下,或减少目标门店。",
                    f"A budget of {bud:,.0f} yuan cannot pay for the incentive: {k} redemptions in each of "
                    f"{n_stores} target store(s){' (half the budget goes to ads)' if BROADCAST in s.channels else ''} "
                    f"need at least {need:,.0f} yuan. Raise the budget to {need:,.0f} yuan or more, lower the "
                    f"incentive below {cheaper:.1f} yuan, or target fewer stores.")
        if BROADCAST in s.channels and s.ad_budget(params) < params.min_ad_budget_yuan:
            add("ad_budget_too_small", f"选了广告渠道,但广告预算只有 {s.ad_budget(params):,.0f} 元,"
                f"买不到任何投放(至少 {params.min_ad_budget_yuan:,.0f} 元):请提高预算,或去掉「广告」渠道。",
                f"Ads are chosen but their budget is only {s.ad_budget(params):,.0f} yuan, which buys no placement "
                f"(at least {params.min_ad_budget_yuan:,.0f}): raise the budget or drop the 广告 channel.")


#: Every problem code :func:`Scene.problems` can report (the tests check each one).
PROBLEM_CODES: tuple[str, ...] = (
    "name_empty", "scene_type_unknown", "battle_unknown", "battle_wrong_type", "initiator_unknown",
    "squad_missing", "squad_target_city", "hq_with_squad", "date_invalid", "date_ambiguous", "duration_invalid",
    "duration_nonpositive", "duration_too_long", "launch_before_idea", "lead_too_long", "date_outside_year",
    "channels_empty", "channel_unknown", "channel_duplicate", "personalization_range", "incentive_type_unknown",
    "incentive_negative", "incentive_value_without_type", "incentive_missing_value", "budget_negative",
    "target_tier_unknown", "store_unknown", "squad_unknown", "squad_other_store", "city_unknown",
    "store_not_in_city", "budget_below_incentive", "ad_budget_too_small",
)

__all__ = ["Problem", "PROBLEM_CODES", "MAX_DURATION_DAYS", "MAX_LEAD_DAYS", "scene_problems"]
