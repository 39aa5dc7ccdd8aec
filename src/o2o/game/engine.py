"""One round of the class game, simulated for every team at once (pure numpy, deterministic for a seed).

Arrays are ``scenes x stores x tiers`` (``M x n x 4``) and stepped day by day. Every formula
and parameter is in ``docs/game-model.md``; the scene mechanics reuse the kit's scene model
(:class:`o2o.scenes.ModelParams`, :data:`o2o.scenes.BATTLE_PROFILES`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from ..scenes.catalog import BATTLE_PROFILES, BROADCAST, IN_STORE, MOMENTS, NO_INCENTIVE, TIERS
from ..scenes.engine import EXTRA, METRICS
from ..scenes.model import Scene
from .decisions import TeamPlan, org_cost
from .market import Market, date_to_day
from .params import (DEFAULT_GAME_PARAMS, EVENT_HQ, EVENT_RIVAL, EVENT_SUBSIDY, ORG_FIREPOWER, ORG_SCHEME, ORG_TRAIN,
                     GameParams)

K = len(TIERS)
PAYMENT = "支付"


@dataclass
class MarketState:
    """What carries from one round to the next."""

    fans: np.ndarray            # (n, 4) fans of each store per tier
    nonmembers: float           # shared pool of non-members
    capability: np.ndarray      # (n,) squad leaders' capability
    scheme: np.ndarray          # (n,) bool: share scheme in force
    firepower: np.ndarray       # (n,) bool: HQ ads granted for this round
    fatigue: np.ndarray         # (4,) remembered scenes per tier (all teams)

    @classmethod
    def initial(cls, market: Market) -> "MarketState":
        n = market.n_teams
        return cls(fans=np.array(market.fans, dtype=float), nonmembers=float(market.nonmembers),
                   capability=np.array(market.capability, dtype=float), scheme=np.zeros(n, bool),
                   firepower=np.zeros(n, bool), fatigue=np.zeros(K))

    def copy(self) -> "MarketState":
        return replace(self, fans=self.fans.copy(), capability=self.capability.copy(), scheme=self.scheme.copy(),
                       firepower=self.firepower.copy(), fatigue=self.fatigue.copy())


@dataclass
class SceneRun:
    """Day-by-day arrays of one scene in the round (the kit's metrics, shape (1, days))."""

    team: int
    scene: Scene | None          # None: HQ's fire support for the team (paid by HQ)
    arrays: dict[str, np.ndarray]
    fans_won: float = 0.0        # rivals' fans who switched to the team through this scene


@dataclass
class RoundOutcome:
    """Everything one round produced (before scoring)."""

    rnd: int
    runs: list[SceneRun]
    fans_before: np.ndarray
    fans_after: np.ndarray
    nonmembers_before: float
    nonmembers_after: float
    org_costs: np.ndarray
    scheme_payout: np.ndarray
    fans_lost_to_rival_chain: np.ndarray
    drift: np.ndarray
    events: tuple[str, ...] = field(default_factory=tuple)


def _scene_rows(market: Market, state: MarketState, plans: list[TeamPlan], rnd: int, prm: GameParams, luck):
    """Flatten every team's scenes (and HQ fire support) into per-scene parameter arrays."""
    sp = prm.scene
    a0, a1 = market.rounds[rnd]
    T = a1 - a0 + 1
    rows = []
    for t, plan in enumerate(plans):
        for i, s in enumerate(plan.scenes):
            rows.append((t, s, luck[t, i]))
        if state.firepower[t]:
            rows.append((t, None, 1.0))
    M = len(rows)
    z = lambda: np.zeros(M)  # noqa: E731
    r = {k: z() for k in ("start", "dur", "lead", "pers", "inc", "perceived", "topup", "unit", "pool", "adcash",
                          "cpm", "moments", "store", "luck", "hq_paid", "payment")}
    r["team"] = np.zeros(M, int)
    r["mask"] = np.zeros((M, K))
    prof_names = ("forward", "visit", "conversion", "basket", "join", "upgrade", "ad_cost")
    for n_ in prof_names:
        r["b_" + n_] = z()
    for m, (t, s, lk) in enumerate(rows):
        r["team"][m], r["luck"][m] = t, lk
        if s is None:  # HQ buys ads for the squad: all tiers, whole round, 引流入店, no incentive
            s = Scene(name="总部炮火", battle="引流入店", channels=(BROADCAST,), incentive_type=NO_INCENTIVE,
                      incentive_yuan=0.0, budget_yuan=prm.firepower_ad_yuan, target_tier="全部",
                      personalization=0.0, squad_id=market.squad_ids[t])
            r["start"][m], r["dur"][m], r["lead"][m], r["hq_paid"][m] = 0, T, 0, 1.0
            r["cpm"][m] = sp.cpm_hq_yuan
        else:
            r["start"][m] = date_to_day(s.launch_date) - a0
            r["dur"][m], r["lead"][m], r["cpm"][m] = s.duration_days, s.lead_days, sp.cpm_squad_yuan
        prof = BATTLE_PROFILES[s.battle]
        for n_ in prof_names:
            r["b_" + n_][m] = getattr(prof, n_)
        has_inc = s.incentive_type != NO_INCENTIVE
        r["pers"][m] = float(s.personalization)
        r["inc"][m] = float(s.incentive_yuan) if has_inc else 0.0
        r["perceived"][m] = sp.incentive_perceived.get(s.incentive_type, 0.0)
        r["topup"][m] = sp.incentive_topup.get(s.incentive_type, 0.0)
        r["unit"][m] = s.unit_cost(sp) if has_inc else 0.0
        r["pool"][m] = s.incentive_pool(sp)
        r["adcash"][m] = s.ad_budget(sp)
        r["moments"][m] = MOMENTS in s.channels
        r["store"][m] = IN_STORE in s.channels
        r["payment"][m] = s.scene_type == PAYMENT
        if s.target_tier in TIERS:
            r["mask"][m, TIERS.index(s.target_tier)] = 1.0
        else:
            r["mask"][m, :] = prm.all_tier_focus
    return rows, r, T


def _start_events(st: MarketState, events: tuple[str, ...], prm: GameParams) -> tuple[np.ndarray, float]:
    """The events that act when the round starts: the rival chain takes fans, HQ's campaign adds fatigue."""
    lost = np.zeros(len(st.fans))
    resp = 1.0
    if EVENT_RIVAL in events:
        loss = st.fans * np.array(prm.rival_fan_loss)
        lost = loss.sum(1)
        st.fans -= loss
        st.nonmembers *= 1.0 - prm.rival_nonmember_loss
        resp = prm.rival_response
    if EVENT_HQ in events:
        st.fatigue += prm.hq_fatigue
    return lost, resp


def _coefficients(r: dict, market: Market, st: MarketState, prm: GameParams) -> None:
    """Per-scene constants of the round (the kit's scene mechanics), added to ``r``."""
    sp, team, n = prm.scene, r["team"], market.n_teams
    cap = st.capability[team]
    r["ticket"] = np.array(market.ticket_size)[team]
    r["mrate"] = np.array(market.margin_rate)[team]
    act = (sp.capability_floor + (1 - sp.capability_floor) * cap) * np.array(market.squad_factor)[team]
    r["act"] = np.where(st.scheme[team], act * prm.scheme_activity, act)
    rho = r["pers"] * (0.5 + 0.5 * cap)
    r["perso"] = 0.5 + 0.5 * rho
    ratio = r["inc"] * r["perceived"] / np.maximum(r["ticket"], 1e-9)
    attract = ratio / (ratio + sp.attractiveness_half)
    r["app"] = 0.3 + 0.7 * attract
    r["timely"] = sp.timeliness_floor + (1 - sp.timeliness_floor) * np.exp(-r["lead"] / sp.timeliness_days)
    eng_w = sp.engagement_base + sp.engagement_incentive * attract + sp.engagement_personal * rho
    cf = sp.channel_forward
    r["cf_p2p"] = np.maximum(r["moments"] * cf[MOMENTS], r["store"] * cf[IN_STORE])
    r["fwd"] = sp.forward_prob_max * r["b_forward"] * eng_w * np.where(st.scheme[team], prm.scheme_forward, 1.0)
    r["conv_rate"] = np.minimum(sp.conversion_visit * r["b_conversion"], 1.0)
    r["own"] = (team[:, None] == np.arange(n)[None, :]).astype(float)                 # (M, n)
    r["reach_w"] = np.where(r["own"] > 0, 1.0, prm.fan_overlap)


def _attention(d: int, r: dict, st: MarketState, prev_shares: np.ndarray, hq: float, prm: GameParams):
    """Who notices which scene on day ``d``: split shares of each cell's noticing people (fans and non-members)."""
    sp = prm.scene
    active = (r["start"] <= d) & (d < r["start"] + r["dur"])
    nov = np.exp(-(d - r["start"]) / sp.novelty_days) * active
    w_p2p = r["act"] * (r["moments"] * sp.moments_daily_coverage + r["store"] * prm.instore_weight) * nov
    pop = max(st.fans.sum() + st.nonmembers, 1.0)
    w_ad = r["adcash"] / np.maximum(r["dur"], 1) / r["cpm"] * 1000.0 * active / pop
    w_c = prev_shares * sp.audience_per_share / pop * active
    i_p2p = w_p2p[:, None, None] * r["reach_w"][:, :, None] * r["mask"][:, None, :]      # (M, n, 4)
    tot = i_p2p.sum(0) + (w_ad + w_c).sum() + hq                                      # (n, 4)
    tot_non = (w_ad + w_c).sum() + 0.5 * hq
    with np.errstate(divide="ignore", invalid="ignore"):
        cell = np.where(tot > 0, st.fans * -np.expm1(-tot) / tot, 0.0)                  # noticed per unit intensity
    cell_non = st.nonmembers * -np.expm1(-tot_non) / tot_non if tot_non > 0 else 0.0
    return active, i_p2p * cell, w_ad[:, None, None] * cell, w_c[:, None, None] * cell, w_ad * cell_non, w_c * cell_non


def _step(d: int, r: dict, st: MarketState, carry: dict, events: tuple[str, ...], resp_event: float,
          prm: GameParams) -> dict[str, np.ndarray]:
    """One day for every scene: attention, visits, money, shares; fans move. Returns the day's metrics."""
    sp = prm.scene
    tier_eng = np.array([sp.tier_engagement[t] for t in TIERS])
    cf = sp.channel_forward
    hq = prm.hq_intensity if EVENT_HQ in events else 0.0
    active, n_p2p, n_ad, n_c, nn_ad, nn_c = _attention(d, r, st, carry["shares"], hq, prm)
    own = r["own"]
    fat = 1.0 / (1.0 + prm.fatigue_per_scene * st.fatigue)                              # (4,)
    subsidy = EVENT_SUBSIDY in events and d < prm.subsidy_days
    mult = r["app"] * r["perso"] * r["b_visit"] * r["timely"] * r["luck"] * resp_event
    if subsidy:
        mult = mult * np.where(r["payment"] > 0, 1.0 + prm.subsidy_boost, 1.0)
    pull = np.where(own > 0, 1.0, prm.rival_pull)[:, :, None]
    rate = n_p2p * sp.visit_rate_fans * tier_eng * pull + n_ad * sp.visit_rate_broadcast + n_c * sp.visit_rate_cascade
    vis = np.minimum(rate * (mult[:, None, None] * fat), n_p2p + n_ad + n_c)
    vis_non = np.minimum((nn_ad * sp.visit_rate_broadcast + nn_c * sp.visit_rate_cascade) * mult, nn_ad + nn_c)
    conv, conv_non = vis * r["conv_rate"][:, None, None], vis_non * r["conv_rate"]
    c_tot = conv.sum((1, 2)) + conv_non
    red = np.minimum(c_tot, carry["pool"]) * (r["unit"] > 0)
    carry["pool"] = carry["pool"] - red
    red_frac = np.where(c_tot > 0, red / np.maximum(c_tot, 1e-12), 0.0)
    basket = r["ticket"] * r["b_basket"] + red_frac * r["inc"] * r["topup"]
    c_own = (conv * own[:, :, None]).sum((1, 2))
    sales = basket * (c_own * (1 - sp.cannibal_fans) + (c_tot - c_own) * (1 - sp.cannibal_others))
    unit = r["unit"] * np.where((r["payment"] > 0) & subsidy, 1.0 - prm.subsidy_cost_share, 1.0)
    paid = active * (1 - r["hq_paid"])
    cost_ad = r["adcash"] / np.maximum(r["dur"], 1) * r["b_ad_cost"] * paid  # the chain's share of the ad spend
    cost_ops = sp.squad_ops_yuan_per_store_day * paid
    newm = conv_non * sp.join_rate * r["b_join"]
    switch = conv * (1 - own[:, :, None]) * prm.switch_rate
    up = conv * own[:, :, None] * (sp.upgrade_rate * r["b_upgrade"] * r["perso"])[:, None, None]
    up[:, :, K - 1] = 0.0
    shares_f = (n_p2p * r["cf_p2p"][:, None, None] + n_ad * cf[BROADCAST]) * tier_eng * fat
    shares_c = (n_c * tier_eng * fat).sum((1, 2)) + nn_c * tier_eng[1]
    shares = r["fwd"] * (shares_f.sum((1, 2)) + nn_ad * cf[BROADCAST] * tier_eng[1] + sp.cascade_forward * shares_c)
    carry["shares"] = shares
    # fans move: switches to the scene's team, upgrades one tier up, new members join as 普通粉
    st.fans -= switch.sum(0) + up.sum(0)
    np.add.at(st.fans, r["team"], switch.sum(1))
    st.fans[:, 1:] += up.sum(0)[:, :-1]
    np.add.at(st.fans[:, 1], r["team"], newm)
    st.nonmembers -= newm.sum()
    carry["won"] += switch.sum((1, 2))
    return {"reach_broadcast": n_ad.sum((1, 2)) + nn_ad, "reach_p2p": (n_p2p + n_c).sum((1, 2)) + nn_c,
            "shares": shares, "visits": vis.sum((1, 2)) + vis_non, "conversions": c_tot, "redemptions": red,
            "incremental_sales_yuan": sales, "incremental_margin_yuan": sales * r["mrate"], "new_members": newm,
            "tier_upgrades": up.sum((1, 2)), "cost_yuan": cost_ad + red * unit + cost_ops,
            "shares_cascade": r["fwd"] * sp.cascade_forward * shares_c, "cost_ads": cost_ad,
            "cost_incentive": red * unit, "cost_ops": cost_ops}


def simulate_round(market: Market, state: MarketState, plans: list[TeamPlan], rnd: int, seed: int,
                   events: tuple[str, ...] = (), params: GameParams = DEFAULT_GAME_PARAMS
                   ) -> tuple[RoundOutcome, MarketState]:
    """Simulate round ``rnd`` for all teams together; returns its outcome and the state after it."""
    prm = params
    n = market.n_teams
    st = state.copy()
    rng = np.random.default_rng([int(seed), 1016, int(rnd)])
    luck = rng.lognormal(-0.5 * prm.luck_sigma**2, prm.luck_sigma, (n, prm.max_scenes + 1))
    fans_before, non_before = st.fans.copy(), st.nonmembers
    lost, resp_event = _start_events(st, events, prm)
    rows, r, T = _scene_rows(market, st, plans, rnd, prm, luck)
    M = len(rows)
    _coefficients(r, market, st, prm)
    daily = {k: np.zeros((M, T)) for k in METRICS + EXTRA}
    carry = {"pool": np.where(r["unit"] > 0, r["pool"] / np.maximum(r["unit"], 1e-12), 0.0),
             "shares": np.zeros(M), "won": np.zeros(M)}
    decay = np.exp(-1.0 / prm.fatigue_days)
    for d in range(T):
        launch = r["start"] == d
        st.fatigue += (r["mask"][launch & (r["hq_paid"] == 0)] > 0).sum(0)
        for k, v in _step(d, r, st, carry, events, resp_event, prm).items():
            daily[k][:, d] = v
        st.fatigue *= decay
    drift = st.fans[:, 1:] * prm.fan_drift_per_30d * T / 30.0
    st.fans[:, 1:] -= drift
    st.fans[:, :-1] += drift
    st.fans = np.maximum(st.fans, 0.0)
    margin = np.zeros(n)
    np.add.at(margin, r["team"], daily["incremental_margin_yuan"].sum(1))
    payout = np.where(st.scheme, prm.scheme_payout * np.maximum(margin, 0.0), 0.0)
    runs = [SceneRun(team=int(t), scene=s, arrays={k: v[m:m + 1].copy() for k, v in daily.items()},
                     fans_won=float(carry["won"][m])) for m, (t, s, _) in enumerate(rows)]
    out = RoundOutcome(rnd=rnd, runs=runs, fans_before=fans_before, fans_after=st.fans.copy(),
                       nonmembers_before=non_before, nonmembers_after=st.nonmembers,
                       org_costs=np.array([org_cost(p.org, prm) for p in plans]), scheme_payout=payout,
                       fans_lost_to_rival_chain=lost, drift=drift.sum(1), events=tuple(events))
    # organisational choices act from the next round
    st.firepower = np.array([p.org == ORG_FIREPOWER for p in plans])
    st.capability = np.minimum(st.capability + prm.train_gain * np.array([p.org == ORG_TRAIN for p in plans]), 1.0)
    st.scheme = st.scheme | np.array([p.org == ORG_SCHEME for p in plans])
    return out, st


__all__ = ["MarketState", "SceneRun", "RoundOutcome", "simulate_round"]
