"""Every number of the scene simulator in one place.

Each field of :class:`ModelParams` is described in ``docs/simulation-model.md``: the claim of
lecture 18 it encodes and where its value comes from (almost all are teaching assumptions of
a plausible order of magnitude, not measurements). Pass ``params=ModelParams(...)`` to
:func:`o2o.scenes.simulate` to explore another assumption.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .catalog import HQ, SQUAD  # noqa: F401  (re-exported for documentation links)


def _perceived() -> dict[str, float]:
    return {"满减": 1.0, "折扣": 0.9, "赠品": 1.1, "积分": 0.5, "无": 0.0}


def _unit_cost() -> dict[str, float]:
    return {"满减": 1.0, "折扣": 1.0, "赠品": 0.6, "积分": 0.4, "无": 0.0}


def _topup() -> dict[str, float]:
    return {"满减": 3.0, "折扣": 1.5, "赠品": 2.0, "积分": 1.0, "无": 0.0}


def _tier_engagement() -> dict[str, float]:
    return {"沉睡粉": 0.3, "普通粉": 0.7, "活跃粉": 1.0, "铁杆粉": 1.5}


@dataclass(frozen=True)
class ModelParams:
    """Parameters of the scene model (see ``docs/simulation-model.md`` for each one)."""

    # --- budget and cost -------------------------------------------------------------
    ad_share_with_incentive: float = 0.5     # share of the budget spent on ads when there is also an incentive
    min_redemptions_per_store: int = 3       # validation: the incentive pool must pay this many per target store
    min_ad_budget_yuan: float = 100.0        # validation: smallest ad spend that buys any placement
    incentive_perceived: dict[str, float] = field(default_factory=_perceived)   # value felt per yuan of face value
    incentive_unit_cost: dict[str, float] = field(default_factory=_unit_cost)   # cost to the chain per yuan of face value
    incentive_topup: dict[str, float] = field(default_factory=_topup)  # extra basket (yuan) per yuan of incentive
    squad_ops_yuan_per_store_day: float = 15.0   # about half a staff hour a day spent running the scene
    hq_setup_yuan: float = 15000.0               # design, approval, printing of an HQ campaign (day 1)
    hq_material_yuan_per_store: float = 30.0     # posters and display material sent to each store (day 1)

    # --- broadcast ads ("点对面") -----------------------------------------------------
    cpm_hq_yuan: float = 25.0          # cost per 1,000 impressions when HQ buys media at scale
    cpm_squad_yuan: float = 60.0       # cost per 1,000 impressions of a small local placement
    area_pool_per_ticket: float = 20.0 # people living/working in the trade area per daily ticket

    # --- WeChat moments (squad's fans, point to point) ----------------------------------
    moments_daily_coverage: float = 0.35   # share of target fans who see the squad's post on a day
    hq_frontline_activity: float = 0.5     # how actively stores pass on HQ material (moments / floor)

    # --- store floor (point to point) -----------------------------------------------
    instore_exposure: float = 0.5          # share of a day's customers who notice the scene in store
    instore_pool_per_ticket: float = 5.0   # distinct regular customers per daily ticket

    # --- squads: capability and profit ("少将连长" needs profit) ------------------------
    squad_full_size: int = 4               # a squad of this size or more posts at full strength
    capability_floor: float = 0.3          # activity of a squad whose leader has capability 0
    profit_full_ratio: float = 0.3         # monthly profit / gross margin at which support is full
    profit_floor: float = 0.3              # support of a loss-making store's squad
    staff_cost_yuan_month: float = 3000.0  # cost of one staff member per month (for store profit)
    hq_fit: float = 0.45                   # how well a plan written at HQ fits each neighbourhood

    # --- engagement and the share cascade ------------------------------------------------
    forward_prob_max: float = 0.12         # forwarding probability per reached person, best case
    audience_per_share: float = 12.0       # new people in the trade area one share reaches
    attractiveness_half: float = 0.25      # incentive/ticket at which attractiveness is one half
    engagement_base: float = 0.15          # engagement of a scene with no incentive and no personalisation
    engagement_incentive: float = 0.45     # weight of attractiveness in engagement
    engagement_personal: float = 0.40      # weight of (effective) personalisation in engagement
    channel_forward: dict[str, float] = field(default_factory=lambda: {"广告": 0.1, "朋友圈": 1.0, "店内": 0.6})
    cascade_forward: float = 0.8           # friends of fans forward a little less than fans
    tier_engagement: dict[str, float] = field(default_factory=_tier_engagement)
    cascade_pool_per_fan: float = 6.0      # friends-of-fans reachable in the trade area, per fan
    novelty_days: float = 4.0              # e-folding time of a scene's novelty (create fast, end fast)
    timeliness_days: float = 7.0           # e-folding time of the occasion that prompted the idea
    timeliness_floor: float = 0.6          # appeal a stale scene keeps
    fatigue_per_scene: float = 0.4         # loss of engagement per recent scene at the same store
    fatigue_days: float = 14.0             # e-folding time of fans' memory of a past scene

    # --- visits, conversions, members -------------------------------------------------
    visit_rate_broadcast: float = 0.01     # visits per person reached by an ad (full appeal)
    visit_rate_fans: float = 0.50          # visits per fan reached by a personal post
    visit_rate_cascade: float = 0.10       # visits per friend-of-fan reached by a share
    conversion_visit: float = 0.8          # visitors who came for the scene and buy in it
    conversion_instore: float = 0.10       # in-store customers who take up the scene (full appeal)
    instore_addon_share: float = 0.3       # in-store take-up adds this share of a ticket
    cannibal_fans: float = 0.25            # fans' scene visits that would have happened anyway
    cannibal_others: float = 0.1           # same for everyone else
    join_rate: float = 0.3                 # non-member visitors/buyers who join
    upgrade_rate: float = 0.15             # buying target-tier members who move up a tier
    cascade_nonmember_share: float = 0.7   # friends of fans who are not yet members

    # --- noise (Monte Carlo) ---------------------------------------------------------------
    scene_sigma: float = 0.35              # how well the content lands (per draw, log scale)
    day_sigma: float = 0.15                # day-to-day shock (per draw and day, log scale)
    store_shape: float = 4.0               # gamma shape of store-to-store luck (per draw and store)


DEFAULT_PARAMS = ModelParams()
