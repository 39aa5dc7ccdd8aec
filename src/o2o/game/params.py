"""Every number of the class game in one place (all of them are the kit's teaching assumptions).

The scene mechanics (channels, incentives, battles, engagement, visits, conversions, members)
reuse :class:`o2o.scenes.ModelParams`; :class:`GameParams` adds what only a shared market has:
attention split between rival scenes, market-wide fatigue, fans switching stores, the
organisational choices, the instructor's events and the score. ``docs/game-model.md`` gives
the formula each one enters.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..scenes.params import DEFAULT_PARAMS, ModelParams

#: Organisational choices a team can make in a round (one of them, or none).
ORG_NONE = "无"
ORG_TRAIN = "培训班长"
ORG_SCHEME = "改分成方案"
ORG_FIREPOWER = "要总部炮火"
ORG_CHOICES: tuple[str, ...] = (ORG_NONE, ORG_TRAIN, ORG_SCHEME, ORG_FIREPOWER)

#: Events the instructor can inject into a round.
EVENT_SUBSIDY = "支付巨头补贴周"
EVENT_RIVAL = "竞品开店"
EVENT_HQ = "总部活动"
EVENTS: tuple[str, ...] = (EVENT_SUBSIDY, EVENT_RIVAL, EVENT_HQ)
EVENT_EN = {EVENT_SUBSIDY: "payment giant's subsidy week", EVENT_RIVAL: "a rival chain opens nearby",
            EVENT_HQ: "HQ campaign"}
ORG_EN = {ORG_NONE: "none", ORG_TRAIN: "train the squad leader", ORG_SCHEME: "change the share scheme",
          ORG_FIREPOWER: "ask HQ for fire support"}

#: Game templates for the instructor's console: teams, rounds and the events planned for each round.
TEMPLATES: dict[str, dict] = {
    "标准课堂 · 6 队 4 轮": {"n_teams": 6, "n_rounds": 4,
                          "events": [[], ["支付巨头补贴周"], ["竞品开店"], ["总部活动"]]},
    "短课 · 4 队 3 轮": {"n_teams": 4, "n_rounds": 3, "events": [[], ["支付巨头补贴周"], ["竞品开店"]]},
    "大班 · 12 队 6 轮": {"n_teams": 12, "n_rounds": 6,
                        "events": [[], [], ["支付巨头补贴周"], [], ["竞品开店"], ["总部活动"]]},
}


def _fan_value() -> tuple[float, float, float, float]:
    return (5.0, 20.0, 50.0, 100.0)


@dataclass(frozen=True)
class GameParams:
    """Parameters of the game model (see ``docs/game-model.md``)."""

    scene: ModelParams = field(default_factory=lambda: DEFAULT_PARAMS)

    # --- market and calendar ---------------------------------------------------------
    first_day: int = 273                  # 2015-10-01, day of year (0-based)
    last_day: int = 364                   # 2015-12-31
    budget_per_round: float = 12_000.0    # cash a squad may commit in one round (yuan); unspent cash is not carried
    max_scenes: int = 3                   # scenes per team and round
    min_store_fans: float = 500.0         # a store joins a market only with at least this many fans (end of September)
    nonmember_pool_per_ticket: float = 4.0  # non-members in the shared trade area per daily ticket of the market

    # --- attention, reach and response ------------------------------------------------
    fan_overlap: float = 0.5              # share of a store's point-to-point weight that also lands on rivals' fans
    instore_weight: float = 0.25          # daily attention weight of the store floor on the store's own fans
    all_tier_focus: float = 0.6           # weight per tier of a scene aimed at all tiers (less personal)
    rival_pull: float = 0.5               # a rival's fan responds at this fraction of an own fan's rate
    switch_rate: float = 0.3              # a rival's fan who buys in your scene becomes your fan with this probability
    luck_sigma: float = 0.25              # how well a scene's content lands (per scene, log scale)

    # --- fatigue (market-wide, per tier) -----------------------------------------------
    fatigue_per_scene: float = 0.25       # loss of response per remembered scene aimed at the tier (any team)
    fatigue_days: float = 10.0            # e-folding time of fans' memory of a scene
    fan_drift_per_30d: float = 0.04       # share of each tier above 沉睡粉 that slips one tier per 30 days

    # --- organisational choices ------------------------------------------------------------
    train_cost: float = 3_000.0           # 培训班长: paid this round
    train_gain: float = 0.25              # leader capability gained, from the next round (capped at 1)
    scheme_cost: float = 1_000.0          # 改分成方案: paid this round
    scheme_payout: float = 0.10           # share of each later round's incremental margin paid to the squad
    scheme_activity: float = 1.3          # squad activity multiplier from the next round
    scheme_forward: float = 1.3           # forwarding multiplier from the next round
    firepower_cost: float = 3_000.0       # 要总部炮火: fee paid this round
    firepower_ad_yuan: float = 5_000.0    # ads HQ buys for the squad in the next round (at HQ's CPM, HQ pays)

    # --- instructor events ------------------------------------------------------------------
    subsidy_days: int = 7                 # the subsidy week: first days of the round
    subsidy_boost: float = 1.0            # payment scenes' appeal is multiplied by (1 + boost) that week
    subsidy_cost_share: float = 0.5       # share of a payment scene's incentive cost the platform pays that week
    rival_fan_loss: tuple[float, float, float, float] = (0.12, 0.08, 0.04, 0.02)  # fans leaving per tier at round start
    rival_nonmember_loss: float = 0.15    # non-members the rival captures at round start
    rival_response: float = 0.85          # response multiplier during the round (the rival's opening noise)
    hq_intensity: float = 0.15            # daily attention weight of the HQ campaign on every fan
    hq_fatigue: float = 1.0               # remembered scenes the HQ campaign adds to every tier at round start

    # --- score ---------------------------------------------------------------------------------
    fan_value: tuple[float, float, float, float] = field(default_factory=_fan_value)  # yuan per fan of each tier
    score_base: float = 1000.0            # the index starts here


DEFAULT_GAME_PARAMS = GameParams()

__all__ = ["TEMPLATES", "GameParams", "DEFAULT_GAME_PARAMS", "ORG_CHOICES", "ORG_NONE", "ORG_TRAIN", "ORG_SCHEME",
           "ORG_FIREPOWER", "EVENTS", "EVENT_SUBSIDY", "EVENT_RIVAL", "EVENT_HQ", "EVENT_EN", "ORG_EN"]
