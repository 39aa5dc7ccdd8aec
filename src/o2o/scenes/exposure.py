"""What a scene does before chance: the stores it runs in, how willing people are to pass it on, whom each
seed channel reaches day by day, and what a person reached through each channel is worth.

The first steps of :func:`o2o.scenes.engine.run`; everything here is deterministic given the scene
(the engine draws the randomness and steps the share cascade). Arrays are ``groups x stores`` as in the
engine; the mechanisms and parameters are documented in ``docs/simulation-model.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .catalog import BATTLE_PROFILES, TIERS
from .params import ModelParams
from .world import N_DAYS, World

# columns of the per-channel coefficient stacks
K = ("visits", "conversions", "redemptions", "sales", "margin", "new_members", "tier_upgrades")
NK = len(K)


@dataclass
class Inputs:
    """Scene inputs for the engine. Scene-level arrays have shape (Gp, 1), store arrays (Gp, S); Gp is 1 or G."""

    pos: np.ndarray            # (Gp, S) store positions in the world
    valid: np.ndarray          # (Gp, S) bool: real store (False = padding)
    start: np.ndarray          # (Gp,) launch day of year
    dur: np.ndarray            # (Gp,) days
    squad: np.ndarray          # (Gp, 1) bool
    lead: np.ndarray           # (Gp, 1) days from idea to launch
    personalization: np.ndarray
    incentive_yuan: np.ndarray
    perceived: np.ndarray      # value felt per yuan of face value
    topup: np.ndarray          # extra basket per yuan of incentive (reaching a threshold)
    unit_cost: np.ndarray      # cost per redemption
    pool_cash: np.ndarray      # cash for incentives
    ad_cash: np.ndarray        # cash for ads
    ch_ads: np.ndarray
    ch_moments: np.ndarray
    ch_store: np.ndarray
    tier: np.ndarray           # (Gp, 1) int: 0..3, or -1 for all tiers
    battle: np.ndarray         # (Gp, 1) object: battle names
    fatigue_count: np.ndarray  # (Gp, S) weighted number of recent scenes


def battle_arrays(battle: np.ndarray) -> dict[str, np.ndarray]:
    names = ("forward", "visit", "conversion", "basket", "join", "upgrade", "pool", "incentive_cost", "ad_cost")
    flat = battle.ravel()
    out = {}
    for n in names:
        out[n] = np.array([getattr(BATTLE_PROFILES[b], n) for b in flat], dtype=float).reshape(battle.shape)
    return out


def saturate(cum_exposure: np.ndarray, pool: np.ndarray) -> np.ndarray:
    """Unique people reached after ``cum_exposure`` exposures in a pool: pool * (1 - exp(-x / pool))."""
    pool = np.maximum(pool, 1e-12)
    return pool * -np.expm1(-cum_exposure / pool)


def new_from_cum(cum_unique: np.ndarray) -> np.ndarray:
    """Daily new reach from cumulative reach along the last axis."""
    return np.diff(cum_unique, axis=-1, prepend=0.0)


@dataclass
class Stores:
    """The target stores over the scene's days: traffic, tickets, margins and fans at the launch."""

    T: int
    t: np.ndarray              # (T,) day of the scene
    active: np.ndarray         # (Gp, T) bool: the scene runs that day
    valid: np.ndarray          # (Gp, S) 1.0 for a real store, 0.0 for padding
    traffic: np.ndarray        # (Gp, S, T) tickets on the scene's days
    mean_t: np.ndarray         # (Gp, S) mean daily tickets
    ticket: np.ndarray
    mrate: np.ndarray
    f_total: np.ndarray        # (Gp, S) fans of all tiers
    f_target: np.ndarray       # (Gp, S) fans of the target tier
    tier_eng: np.ndarray
    up_share: np.ndarray
    target_frac: np.ndarray


@dataclass
class People:
    """Who runs the scene and how willing people are to pass it on (with and without an incentive)."""

    act: np.ndarray            # front-line activity
    rho: np.ndarray            # effective personalisation
    common: np.ndarray         # timeliness x fatigue
    attract: np.ndarray        # pull of the incentive
    has_inc: np.ndarray
    p_w: np.ndarray            # forwarding probability with the incentive
    p_wo: np.ndarray           # ... and once the incentive pool is spent


@dataclass
class Reach:
    """New people reached each day by the three seed channels, and the pools they are drawn from."""

    novelty: np.ndarray        # (T,)
    new_b: np.ndarray          # (Gp, S, T) ads
    new_f: np.ndarray          # (Gp, S, T) WeChat moments of the store's fans
    new_i: np.ndarray          # (Gp, S, T) in store
    pool_b: np.ndarray
    pool_i: np.ndarray
    pool_c: np.ndarray         # people a share can reach
    ad_daily: np.ndarray


def store_arrays(world: World, x: Inputs, prm: ModelParams) -> Stores:
    """Traffic, tickets and margins of the target stores on the scene's days, and their fans at the launch."""
    T = int(x.dur.max())
    t = np.arange(T)
    active = (t[None, :] < x.dur[:, None])                        # (Gp, T)
    day = np.clip(x.start[:, None] + t[None, :], 0, N_DAYS - 1)   # (Gp, T)
    valid = x.valid.astype(float)
    pos = x.pos
    traffic = world.tickets[pos[:, :, None], day[:, None, :]] * active[:, None, :] * valid[:, :, None]
    mean_t = world.mean_tickets[pos] * valid
    fans = world.fans_at(pos, x.start[:, None]) * valid[:, :, None]       # (Gp, S, 4)
    f_total = fans.sum(-1)
    tier = x.tier                                                         # (Gp, 1)
    all_tiers = tier < 0
    tier_c = np.clip(tier, 0, len(TIERS) - 1)
    f_target = np.where(all_tiers, f_total, np.take_along_axis(fans, np.broadcast_to(tier_c, f_total.shape)[..., None],
                                                              axis=-1)[..., 0])
    eng_vec = np.array([prm.tier_engagement[t_] for t_ in TIERS])
    with np.errstate(divide="ignore", invalid="ignore"):
        eng_all = np.where(f_total > 0, (fans * eng_vec).sum(-1) / f_total, eng_vec.mean())
        up_all = np.where(f_total > 0, fans[..., :-1].sum(-1) / f_total, 0.75)
    tier_eng = np.where(all_tiers, eng_all, eng_vec[tier_c])
    up_share = np.where(all_tiers, up_all, (tier_c < len(TIERS) - 1).astype(float))
    with np.errstate(divide="ignore", invalid="ignore"):
        target_frac = np.where(f_total > 0, f_target / f_total, 0.0)
    return Stores(T, t, active, valid, traffic, mean_t, world.ticket_size[pos], world.margin_rate[pos], f_total,
                   f_target, tier_eng, up_share, target_frac)


def people_of(world: World, x: Inputs, prm: ModelParams, st: Stores, b: dict[str, np.ndarray]) -> People:
    """Who runs it (squad capability and profit, or HQ), and the forwarding probabilities it earns."""
    pos = x.pos
    cap = world.capability[pos]
    support = world.profit_support[pos]
    size = np.minimum(world.squad_size[pos] / prm.squad_full_size, 1.0)
    squad_act = (prm.capability_floor + (1 - prm.capability_floor) * cap) * support * size
    act = np.where(x.squad, squad_act, prm.hq_frontline_activity)
    fit = np.where(x.squad, 0.5 + 0.5 * cap, prm.hq_fit)
    rho = x.personalization * fit                                         # effective personalisation
    timely = prm.timeliness_floor + (1 - prm.timeliness_floor) * np.exp(-x.lead / prm.timeliness_days)
    fatigue = 1.0 / (1.0 + prm.fatigue_per_scene * x.fatigue_count)
    common = timely * fatigue                                             # (Gp, S)

    ratio = x.incentive_yuan * x.perceived / np.maximum(st.ticket, 1e-9)
    attract = ratio / (ratio + prm.attractiveness_half)                   # (Gp, S); 0 without incentive
    has_inc = (x.unit_cost > 0) | (x.incentive_yuan > 0)
    eng_w = prm.engagement_base + prm.engagement_incentive * attract + prm.engagement_personal * rho
    eng_wo = prm.engagement_base + prm.engagement_personal * rho
    p_common = prm.forward_prob_max * st.tier_eng * b["forward"] * common
    p_w = np.minimum(p_common * eng_w, 1.0) * st.valid
    p_wo = np.minimum(p_common * eng_wo, 1.0) * st.valid
    return People(act, rho, common, attract, has_inc, p_w, p_wo)


def seed_reach(x: Inputs, prm: ModelParams, st: Stores, people: People, b: dict[str, np.ndarray]) -> Reach:
    """Seed reach by channel (deterministic given the scene): fans' moments, in store, ads."""
    active, mean_t = st.active, st.mean_t
    novelty = np.exp(-st.t / prm.novelty_days)                            # (T,)
    act3 = people.act[:, :, None]
    e_f = st.f_target[:, :, None] * prm.moments_daily_coverage * act3 * novelty * active[:, None, :] \
        * x.ch_moments[:, :, None]
    new_f = new_from_cum(saturate(np.cumsum(e_f, -1), st.f_target[:, :, None]))
    pool_i = prm.instore_pool_per_ticket * mean_t
    e_i = st.traffic * prm.instore_exposure * act3 * x.ch_store[:, :, None]
    new_i = new_from_cum(saturate(np.cumsum(e_i, -1), pool_i[:, :, None]))
    wsum = np.maximum(mean_t.sum(1, keepdims=True), 1e-9)
    cpm = np.where(x.squad, prm.cpm_squad_yuan, prm.cpm_hq_yuan)
    ad_daily = np.where(x.ch_ads, x.ad_cash / np.maximum(x.dur[:, None], 1), 0.0)     # (Gp, 1)
    imp = (ad_daily * (mean_t / wsum) / cpm * 1000.0)[:, :, None] * active[:, None, :]
    pool_b = prm.area_pool_per_ticket * mean_t * b["pool"]
    new_b = new_from_cum(saturate(np.cumsum(imp, -1), pool_b[:, :, None]))
    pool_c = prm.cascade_pool_per_fan * st.f_total * b["pool"]
    return Reach(novelty, new_b, new_f, new_i, pool_b, pool_i, pool_c, ad_daily)


def coefficients(x: Inputs, prm: ModelParams, st: Stores, people: People, reach: Reach,
                  b: dict[str, np.ndarray]) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Per-channel coefficients reach -> visits, conversions, ... ((Gp, S, K) for channels B, F, I, C),
    with the incentive and without it (once its pool is spent)."""
    ticket, valid, common, tier_eng = st.ticket, st.valid, people.common, st.tier_eng
    perso = 0.5 + 0.5 * people.rho
    conv_v = np.minimum(prm.conversion_visit * b["conversion"], 1.0) * np.ones_like(ticket)
    with np.errstate(divide="ignore", invalid="ignore"):
        member_b = np.where(reach.pool_b > 0, np.minimum(st.f_total / reach.pool_b, 1.0), 0.0)
        member_i = np.where(reach.pool_i > 0, np.minimum(st.f_total / reach.pool_i, 1.0), 0.0)
    join = prm.join_rate * b["join"]
    upg = prm.upgrade_rate * b["upgrade"] * st.up_share * perso

    def coefs(att: np.ndarray, redeem: np.ndarray) -> dict[str, np.ndarray]:
        app = 0.3 + 0.7 * att
        topup = redeem * x.incentive_yuan * x.topup          # extra basket to reach the incentive's threshold
        basket = ticket * b["basket"] + topup
        cv = b["visit"] * common
        out = {}
        vis_b = prm.visit_rate_broadcast * app * cv
        vis_f = prm.visit_rate_fans * app * perso * tier_eng * cv
        vis_c = prm.visit_rate_cascade * app * perso * cv
        conv_i = np.minimum(prm.conversion_instore * app * perso * b["conversion"] * common, 1.0)
        for name, vis, conv, sale, newm, upm in (
            ("B", vis_b, vis_b * conv_v, basket * (1 - prm.cannibal_others), (1 - member_b) * join,
             member_b * st.target_frac * upg),
            ("F", vis_f, vis_f * conv_v, basket * (1 - prm.cannibal_fans), 0.0 * join, upg),
            ("I", 0.0 * vis_b, conv_i, ticket * b["basket"] * prm.instore_addon_share + topup, (1 - member_i) * join,
             member_i * st.target_frac * upg),
            ("C", vis_c, vis_c * conv_v, basket * (1 - prm.cannibal_others), prm.cascade_nonmember_share * join,
             (1 - prm.cascade_nonmember_share) * st.target_frac * upg),
        ):
            sales = conv * sale
            out[name] = np.stack(np.broadcast_arrays(vis, conv, conv * redeem, sales, sales * st.mrate,
                                                     conv * newm, conv * upm), axis=-1) * valid[:, :, None]
        return out

    cw = coefs(people.attract, people.has_inc.astype(float) * np.ones_like(ticket))
    cwo = coefs(np.zeros_like(people.attract), np.zeros_like(ticket))
    return cw, cwo


def seed_outcomes(prm: ModelParams, reach: Reach, cw: dict[str, np.ndarray], cwo: dict[str, np.ndarray]):
    """Seed reach of the three channels projected on their coefficients (one batched matrix product), the
    seed reach itself, and the shares it starts."""
    new_b, new_f, new_i = reach.new_b, reach.new_f, reach.new_i
    reach_all = np.concatenate([new_b, new_f, new_i], axis=1).transpose(0, 2, 1)          # (Gp, T, 3S)
    coef_all = np.concatenate([np.concatenate([cw[c], cwo[c]], axis=-1) for c in "BFI"], axis=1)  # (Gp, 3S, 2K)
    seed_both = np.matmul(reach_all, coef_all)
    seed_w, seed_wo = seed_both[..., :NK], seed_both[..., NK:]
    reach_b = new_b.sum(1)                                               # (Gp, T)
    reach_fi = (new_f + new_i).sum(1)
    cf = prm.channel_forward
    seed_share_w = cf["广告"] * new_b + cf["朋友圈"] * new_f + cf["店内"] * new_i   # (Gp, S, T)
    return seed_w, seed_wo, reach_b, reach_fi, seed_share_w
