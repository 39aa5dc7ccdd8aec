"""The vocabulary of a scene: types and battles (lecture 18), channels, initiators, incentives, tiers.

Lecture 18 (张波, 第18讲) sorts the scenes that activate the front line into three types —
promotion (促销), transaction (交易) and payment (支付) — each fought as a handful of named
"battles" (战争). :data:`SCENE_CATALOG` is that list. The per-battle multipliers in
:data:`BATTLE_PROFILES` are the kit's assumptions (documented in ``docs/simulation-model.md``).
"""

from __future__ import annotations

from dataclasses import dataclass

#: scene type -> battles, as lecture 18 names them.
SCENE_CATALOG: dict[str, tuple[str, ...]] = {
    "促销": ("品牌推广", "客户回馈", "引流入店", "新品推广", "粉丝分层"),
    "交易": ("营业员激励", "二次购买", "自团购", "微商", "异业联盟采购"),
    "支付": ("告知巨头优惠", "付满送", "附近异业"),
}

#: battle -> its scene type.
BATTLE_TYPE: dict[str, str] = {b: t for t, bs in SCENE_CATALOG.items() for b in bs}

BROADCAST = "广告"      # "点对面": point to surface
MOMENTS = "朋友圈"      # the squad's fans' WeChat moments: point to point
IN_STORE = "店内"       # the store floor: point to point
CHANNELS: tuple[str, ...] = (BROADCAST, MOMENTS, IN_STORE)
P2P_CHANNELS: frozenset[str] = frozenset({MOMENTS, IN_STORE})

HQ = "总部市场部"
SQUAD = "一线小分队"
INITIATORS: tuple[str, ...] = (HQ, SQUAD)

INCENTIVE_TYPES: tuple[str, ...] = ("满减", "折扣", "赠品", "积分", "无")
NO_INCENTIVE = "无"

TIERS: tuple[str, ...] = ("沉睡粉", "普通粉", "活跃粉", "铁杆粉")   # low -> high
ALL_TIERS = "全部"
TARGET_TIERS: tuple[str, ...] = TIERS + (ALL_TIERS,)

#: The year the dataset covers; scenes launch and end inside it.
YEAR = 2015


@dataclass(frozen=True)
class BattleProfile:
    """Multipliers a battle applies to the baseline mechanisms (all assumptions, 1.0 = neutral).

    forward: forwarding probability; visit: visit rate of people reached; conversion: share of
    visitors/in-store customers who buy in the scene; basket: size of the scene purchase relative
    to the store's ticket; join: rate at which non-members join; upgrade: tier-upgrade rate;
    pool: size of the reachable population (partners bring their own customers);
    incentive_cost: share of the incentive's face value the chain pays (partners or payment
    platforms fund the rest); ad_cost: share of the ad spend the chain pays (a payment platform
    co-funds the media that announces its own offer).
    """

    forward: float = 1.0
    visit: float = 1.0
    conversion: float = 1.0
    basket: float = 1.0
    join: float = 1.0
    upgrade: float = 1.0
    pool: float = 1.0
    incentive_cost: float = 1.0
    ad_cost: float = 1.0


BATTLE_PROFILES: dict[str, BattleProfile] = {
    # promotion: the customer does not pay to take part
    "品牌推广": BattleProfile(forward=1.2, visit=0.6, conversion=0.8, join=1.2, upgrade=0.8),
    "客户回馈": BattleProfile(forward=1.0, visit=1.0, join=0.8, upgrade=1.5),
    "引流入店": BattleProfile(forward=1.0, visit=1.5, conversion=0.9),
    "新品推广": BattleProfile(forward=1.1, visit=0.9, basket=1.2),
    "粉丝分层": BattleProfile(forward=0.9, visit=1.0, join=0.8, upgrade=2.0),
    # transaction: the customer buys
    "营业员激励": BattleProfile(forward=0.8, visit=0.8, conversion=1.4, basket=1.1),
    "二次购买": BattleProfile(forward=0.8, visit=1.2, conversion=1.1, join=0.5, upgrade=1.3),
    "自团购": BattleProfile(forward=1.5, visit=0.9, basket=1.6),
    "微商": BattleProfile(forward=1.3, visit=0.7, basket=1.3),
    "异业联盟采购": BattleProfile(forward=1.0, visit=0.9, join=1.4, pool=1.5, incentive_cost=0.7),
    # payment: mobile payment as a second scene
    "告知巨头优惠": BattleProfile(forward=0.8, visit=0.9, conversion=1.1, incentive_cost=0.2, ad_cost=0.2),
    "付满送": BattleProfile(forward=0.9, visit=1.0, basket=1.4),
    "附近异业": BattleProfile(forward=1.0, visit=1.0, join=1.3, pool=1.3, incentive_cost=0.5),
}


def battles_of(scene_type: str) -> tuple[str, ...]:
    """The battles of a scene type (empty for an unknown type)."""
    return SCENE_CATALOG.get(scene_type, ())
