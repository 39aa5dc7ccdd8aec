"""The array engine behind :func:`o2o.scenes.simulate` and :func:`o2o.scenes.history.simulate_history`.

Everything is laid out as ``groups x stores`` (``G x S``) arrays and stepped day by day.
A *group* is one Monte Carlo draw of one scene. For a designed scene the groups are the draws
(scene inputs of shape ``(1, S)`` broadcast over them); for the historical scenes each group is
one scene with its own stores (inputs of shape ``(G, S)``). The mechanisms and every parameter
are documented in ``docs/simulation-model.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .catalog import BATTLE_PROFILES, TIERS
from .params import ModelParams
from .world import N_DAYS, World

#: Metrics of the day-by-day log, in the order of the ``scene_daily`` table.
METRICS: tuple[str, ...] = ("reach_broadcast", "reach_p2p", "shares", "visits", "conversions", "redemptions",
                            "incremental_sales_yuan", "incremental_margin_yuan", "new_members", "tier_upgrades",
                            "cost_yuan")
#: Further arrays kept by a simulation (costs by kind, shares made by people reached through a share).
EXTRA: tuple[str, ...] = ("shares_cascade", "cost_ads", "cost_incentive", "cost_ops")
COUNT_METRICS = ("reach_broadcast", "reach_p2p", "shares", "visits", "conversions", "redemptions",
                 "new_members", "tier_upgrades")

# columns of the per-channel coefficient stacks
_K = ("visits", "conversions", "redemptions", "sales", "margin", "new_members", "tier_upgrades")
_NK = len(_K)


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


#: Scenes over more stores than this (times draws) run their share cascade on super-stores.
CLUSTER_ABOVE = 200_000
#: Number of super-stores: 16 bins of forwarding probability x 16 bins of closeness to saturation.
CLUSTERS = 256


def _rank_bins(v: np.ndarray, n: int) -> np.ndarray:
    """Equal-count bins 0..n-1 of ``v`` (ties broken by position, deterministic)."""
    order = np.argsort(v, kind="stable")
    ranks = np.empty(len(v), dtype=np.int64)
    ranks[order] = np.arange(len(v))
    return ranks * n // max(len(v), 1)


def _cluster(p_w, p_wo, pool_c, cc, seed_share, audience):
    """Group stores whose cascades behave alike into super-stores (exact when the grouped stores are identical).

    Extensive inputs (seed reach, pools) are summed; intensive ones (forwarding probabilities,
    per-person rates) are averaged with the weight each store has in the cascade. Returns the
    store -> super-store labels, each store's share of its super-store's cascade, the grouped
    arrays (with a leading axis of 1) and the number of stores in each super-store.
    """
    side = int(np.sqrt(CLUSTERS))
    w = seed_share.sum(-1) + 1e-12
    sat = w * audience * p_w / np.maximum(pool_c, 1e-9)
    key = _rank_bins(p_w, side) * side + _rank_bins(sat, side)
    uniq, labels = np.unique(key, return_inverse=True)
    C = len(uniq)

    order = np.argsort(labels, kind="stable")
    starts = np.searchsorted(labels[order], np.arange(C))

    def ssum(a: np.ndarray) -> np.ndarray:
        return np.add.reduceat(np.asarray(a, dtype=float)[order], starts, axis=0)

    wp = w * p_w + 1e-15
    n_in = ssum(np.ones(len(labels)))
    p_w_c = ssum(w * p_w) / ssum(w)
    p_wo_c = ssum(w * p_wo) / ssum(w)
    cc_c = ssum(wp[:, None] * cc) / ssum(wp)[:, None]
    alloc = wp / ssum(wp)[labels]
    grouped = (p_w_c[None], p_wo_c[None], ssum(pool_c)[None], cc_c[None], ssum(seed_share)[None], n_in)
    return labels, alloc, grouped


def _battle_arrays(battle: np.ndarray) -> dict[str, np.ndarray]:
    names = ("forward", "visit", "conversion", "basket", "join", "upgrade", "pool", "incentive_cost")
    flat = battle.ravel()
    out = {}
    for n in names:
        out[n] = np.array([getattr(BATTLE_PROFILES[b], n) for b in flat], dtype=float).reshape(battle.shape)
    return out


def _saturate(cum_exposure: np.ndarray, pool: np.ndarray) -> np.ndarray:
    """Unique people reached after ``cum_exposure`` exposures in a pool: pool * (1 - exp(-x / pool))."""
    pool = np.maximum(pool, 1e-12)
    return pool * -np.expm1(-cum_exposure / pool)


def _round_daily(daily: np.ndarray) -> np.ndarray:
    """Whole numbers per day whose running totals are the rounded running totals of ``daily``."""
    cum = np.floor(np.cumsum(daily, axis=-1) + 0.5)
    return np.diff(cum, axis=-1, prepend=0.0)


def _new_from_cum(cum_unique: np.ndarray) -> np.ndarray:
    """Daily new reach from cumulative reach along the last axis."""
    return np.diff(cum_unique, axis=-1, prepend=0.0)


def run(world: World, x: Inputs, G: int, rng: np.random.Generator, prm: ModelParams,
        keep_store_totals: bool = False, cluster: bool | None = None) -> dict[str, np.ndarray]:
    """Simulate ``G`` groups; returns metric -> (G, T) arrays (T = longest duration) and extras."""
    Gp, S = x.pos.shape
    T = int(x.dur.max())
    t = np.arange(T)
    active = (t[None, :] < x.dur[:, None])                        # (Gp, T)
    day = np.clip(x.start[:, None] + t[None, :], 0, N_DAYS - 1)   # (Gp, T)
    valid = x.valid.astype(float)
    pos = x.pos

    # --- store data ---------------------------------------------------------------------
    traffic = world.tickets[pos[:, :, None], day[:, None, :]] * active[:, None, :] * valid[:, :, None]
    mean_t = world.mean_tickets[pos] * valid
    ticket = world.ticket_size[pos]
    mrate = world.margin_rate[pos]
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

    b = _battle_arrays(x.battle)

    # --- who runs it: squad capability and profit, or HQ ------------------------------------
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

    ratio = x.incentive_yuan * x.perceived / np.maximum(ticket, 1e-9)
    attract = ratio / (ratio + prm.attractiveness_half)                   # (Gp, S); 0 without incentive
    has_inc = (x.unit_cost > 0) | (x.incentive_yuan > 0)
    eng_w = prm.engagement_base + prm.engagement_incentive * attract + prm.engagement_personal * rho
    eng_wo = prm.engagement_base + prm.engagement_personal * rho
    p_common = prm.forward_prob_max * tier_eng * b["forward"] * common
    p_w = np.minimum(p_common * eng_w, 1.0) * valid
    p_wo = np.minimum(p_common * eng_wo, 1.0) * valid

    # --- seed reach by channel (deterministic given the scene) --------------------------------
    novelty = np.exp(-t / prm.novelty_days)                               # (T,)
    act3 = act[:, :, None]
    e_f = f_target[:, :, None] * prm.moments_daily_coverage * act3 * novelty * active[:, None, :] \
        * x.ch_moments[:, :, None]
    new_f = _new_from_cum(_saturate(np.cumsum(e_f, -1), f_target[:, :, None]))
    pool_i = prm.instore_pool_per_ticket * mean_t
    e_i = traffic * prm.instore_exposure * act3 * x.ch_store[:, :, None]
    new_i = _new_from_cum(_saturate(np.cumsum(e_i, -1), pool_i[:, :, None]))
    wsum = np.maximum(mean_t.sum(1, keepdims=True), 1e-9)
    cpm = np.where(x.squad, prm.cpm_squad_yuan, prm.cpm_hq_yuan)
    ad_daily = np.where(x.ch_ads, x.ad_cash / np.maximum(x.dur[:, None], 1), 0.0)     # (Gp, 1)
    imp = (ad_daily * (mean_t / wsum) / cpm * 1000.0)[:, :, None] * active[:, None, :]
    pool_b = prm.area_pool_per_ticket * mean_t * b["pool"]
    new_b = _new_from_cum(_saturate(np.cumsum(imp, -1), pool_b[:, :, None]))
    pool_c = prm.cascade_pool_per_fan * f_total * b["pool"]

    # --- per-channel coefficients: reach -> visits, conversions, ... (Gp, S, K) -------------
    perso = 0.5 + 0.5 * rho
    conv_v = np.minimum(prm.conversion_visit * b["conversion"], 1.0) * np.ones_like(ticket)
    with np.errstate(divide="ignore", invalid="ignore"):
        member_b = np.where(pool_b > 0, np.minimum(f_total / pool_b, 1.0), 0.0)
        member_i = np.where(pool_i > 0, np.minimum(f_total / pool_i, 1.0), 0.0)
    join = prm.join_rate * b["join"]
    upg = prm.upgrade_rate * b["upgrade"] * up_share * perso

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
             member_b * target_frac * upg),
            ("F", vis_f, vis_f * conv_v, basket * (1 - prm.cannibal_fans), 0.0 * join, upg),
            ("I", 0.0 * vis_b, conv_i, ticket * b["basket"] * prm.instore_addon_share + topup, (1 - member_i) * join,
             member_i * target_frac * upg),
            ("C", vis_c, vis_c * conv_v, basket * (1 - prm.cannibal_others), prm.cascade_nonmember_share * join,
             (1 - prm.cascade_nonmember_share) * target_frac * upg),
        ):
            sales = conv * sale
            out[name] = np.stack(np.broadcast_arrays(vis, conv, conv * redeem, sales, sales * mrate,
                                                     conv * newm, conv * upm), axis=-1) * valid[:, :, None]
        return out

    cw = coefs(attract, has_inc.astype(float) * np.ones_like(ticket))
    cwo = coefs(np.zeros_like(attract), np.zeros_like(ticket))
    # seed reach of the three channels projected on their coefficients: one batched matrix product
    reach_all = np.concatenate([new_b, new_f, new_i], axis=1).transpose(0, 2, 1)          # (Gp, T, 3S)
    coef_all = np.concatenate([np.concatenate([cw[c], cwo[c]], axis=-1) for c in "BFI"], axis=1)  # (Gp, 3S, 2K)
    seed_both = np.matmul(reach_all, coef_all)
    seed_w, seed_wo = seed_both[..., :_NK], seed_both[..., _NK:]
    reach_b = new_b.sum(1)                                               # (Gp, T)
    reach_fi = (new_f + new_i).sum(1)
    cf = prm.channel_forward
    seed_share_w = cf["广告"] * new_b + cf["朋友圈"] * new_f + cf["店内"] * new_i   # (Gp, S, T)

    # --- the cascade's inputs per store, or per super-store for large chain-wide scenes --------
    p_w = np.broadcast_to(p_w, (Gp, S))
    p_wo = np.broadcast_to(p_wo, (Gp, S))
    pool_c = np.broadcast_to(pool_c, (Gp, S))
    cc = np.concatenate([cw["C"], cwo["C"]], axis=-1)                      # (Gp, S, 2K)
    shape = np.full((1, S), prm.store_shape)
    labels = None
    if cluster is None:
        cluster = G * S > CLUSTER_ABOVE
    if Gp == 1 and S > CLUSTERS and cluster:
        labels, alloc, (p_w, p_wo, pool_c, cc, seed_share_w, n_in) = _cluster(
            p_w[0], p_wo[0], pool_c[0], cc[0], seed_share_w[0], prm.audience_per_share)
        shape = (prm.store_shape * n_in)[None, :]
        S_run = p_w.shape[1]
    else:
        S_run = S

    # --- randomness (fixed order: same seed, same result) ---------------------------------------
    eps = rng.lognormal(-0.5 * prm.scene_sigma**2, prm.scene_sigma, (G, 1))
    xi = rng.gamma(shape, 1.0 / shape, (G, S_run))
    eta = rng.lognormal(-0.5 * prm.day_sigma**2, prm.day_sigma, (G, T))
    z = rng.standard_normal((5, G, T))

    # --- the day loop: cascade, incentive pool -----------------------------------------------
    shared = Gp == 1 and G > 1
    if shared:
        cc0 = np.ascontiguousarray(cc[0], dtype=np.float64)
    pc_w = p_w * (eps * xi)                                               # (G, S)
    pc_wo = p_wo * (eps * xi)
    dp = pc_w - pc_wo
    act_f = active.astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        pool_count = np.where(x.unit_cost[:, 0] > 0, x.pool_cash[:, 0] / x.unit_cost[:, 0], np.inf)
    remaining = np.broadcast_to(pool_count, (G,)).astype(float).copy()
    has_inc_g = np.broadcast_to(has_inc[:, 0], (G,))

    out_k = np.zeros((G, T, _NK))
    reach_c = np.zeros((G, T))
    shares = np.zeros((G, T))
    shares_c = np.zeros((G, T))
    new_c = np.zeros((G, S_run))
    cum_y = np.zeros((G, S_run))
    cum_c = np.zeros((G, S_run))
    store_c = np.zeros((G, S_run)) if keep_store_totals else None
    fsum = np.zeros(G)
    for k in range(T):
        e_k = eta[:, k:k + 1] * eps                                        # (G, 1)
        a_k = act_f[:, k:k + 1]                                           # (Gp, 1)
        if shared:
            pc = new_c @ cc0                                              # (G, 2K)
        else:
            pc = np.matmul(new_c[:, None, :], cc)[:, 0, :]
        dem_w = seed_w[:, k, :] * e_k + pc[:, :_NK]
        dem_wo = seed_wo[:, k, :] * e_k + pc[:, _NK:]
        red = dem_w[:, 2]
        with np.errstate(divide="ignore", invalid="ignore"):
            f = np.where(red > 0, np.clip(remaining / red, 0.0, 1.0), np.where(remaining > 0, 1.0, 0.0))
        f = np.where(has_inc_g, f, 1.0)
        remaining = np.maximum(remaining - f * red, 0.0)
        fsum += f * a_k[:, 0]
        out_k[:, k, :] = (f[:, None] * dem_w + (1 - f[:, None]) * dem_wo) * a_k
        reach_c[:, k] = new_c.sum(1) * a_k[:, 0]
        if store_c is not None:
            store_c += new_c * a_k
        # today's shares and tomorrow's cascade reach
        # no day shock here: weights on saturating reach must not rise over time (see docs, "monotonicity")
        p = (pc_wo + f[:, None] * dp) * (novelty[k] * a_k)
        np.minimum(p, 1.0, out=p)
        casc = p * new_c
        casc *= prm.cascade_forward
        sh = p * seed_share_w[:, :, k] + casc
        shares[:, k] = sh.sum(1)
        shares_c[:, k] = casc.sum(1)
        cum_y += prm.audience_per_share * sh
        c_now = _saturate(cum_y, pool_c)
        np.subtract(c_now, cum_c, out=new_c)
        cum_c = c_now

    res: dict[str, np.ndarray] = {}
    # round the running totals (not each day) so that totals keep the model's monotonicity
    res["reach_broadcast"] = _round_daily(np.broadcast_to(reach_b * act_f, (G, T)))
    res["reach_p2p"] = _round_daily(reach_fi * eps * act_f + reach_c)

    def noisy(lam: np.ndarray, zz: np.ndarray) -> np.ndarray:
        lam = np.maximum(lam, 0.0)
        return np.floor(np.maximum(lam + zz * np.sqrt(lam), 0.0) + 0.5)

    res["shares"] = noisy(shares, z[0])
    with np.errstate(divide="ignore", invalid="ignore"):
        res["shares_cascade"] = np.where(shares > 0, np.floor(res["shares"] * shares_c / shares + 0.5), 0.0)
    lam = {name: out_k[:, :, i] for i, name in enumerate(_K)}
    res["visits"] = noisy(lam["visits"], z[1])
    conv = noisy(lam["conversions"], z[2])
    res["conversions"] = conv
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(lam["conversions"] > 0, conv / lam["conversions"], 0.0)
        red_ratio = np.where(lam["conversions"] > 0, lam["redemptions"] / lam["conversions"], 0.0)
    red = np.floor(conv * red_ratio + 0.5)
    cap = np.floor(np.broadcast_to(pool_count, (G,))[:, None] + 1e-9)
    red_cum = np.minimum(np.cumsum(red, axis=1), cap)
    res["redemptions"] = np.diff(red_cum, axis=1, prepend=0.0)
    res["incremental_sales_yuan"] = lam["sales"] * scale
    res["incremental_margin_yuan"] = lam["margin"] * scale
    res["new_members"] = noisy(lam["new_members"], z[3])
    res["tier_upgrades"] = noisy(lam["tier_upgrades"], z[4])

    n_st = valid.sum(1)                                                  # (Gp,)
    cost_ads = np.broadcast_to(ad_daily * act_f, (G, T)).copy()
    cost_inc = res["redemptions"] * x.unit_cost
    ops = np.where(x.squad, prm.squad_ops_yuan_per_store_day * n_st[:, None] * act_f, 0.0)
    hq_first = np.zeros_like(act_f)
    hq_first[:, 0] = 1.0
    ops = ops + np.where(x.squad, 0.0, (prm.hq_setup_yuan + prm.hq_material_yuan_per_store * n_st[:, None]) * hq_first)
    cost_ops = np.broadcast_to(ops, (G, T)).copy()
    res["cost_ads"] = cost_ads
    res["cost_incentive"] = np.broadcast_to(cost_inc, (G, T)).copy()
    res["cost_ops"] = cost_ops
    res["cost_yuan"] = res["cost_ads"] + res["cost_incentive"] + res["cost_ops"]
    for kname in res:
        res[kname] = np.broadcast_to(res[kname], (G, T)).astype(float)
        res[kname] = res[kname] * np.broadcast_to(act_f, (G, T))

    if keep_store_totals:
        # expected totals per store (mean over draws), with the incentive mix of each draw averaged
        fmean = (fsum / np.maximum(x.dur.max(), 1)).mean()
        seed_store = sum((n_.sum(-1)[:, :, None] * (fmean * cw[c] + (1 - fmean) * cwo[c]))
                         for c, n_ in (("B", new_b), ("F", new_f), ("I", new_i)))[0] * eps.mean()
        casc_reach = store_c.mean(0)
        if labels is not None:
            casc_reach = casc_reach[labels] * alloc
        casc_store = casc_reach[:, None] * (fmean * cw["C"][0] + (1 - fmean) * cwo["C"][0])
        tot = seed_store + casc_store
        res["_store_reach_broadcast"] = new_b.sum(-1)[0]
        res["_store_reach_p2p"] = (new_f + new_i).sum(-1)[0] * eps.mean() + casc_reach
        for i, name in enumerate(_K):
            res[f"_store_{name}"] = tot[:, i]
    return res


def target_fans(world: World, pos: np.ndarray, start: int, tier: int) -> float:
    """Fans in the target tier (all tiers when ``tier < 0``) of the stores at the launch."""
    fans = world.fans_at(pos, np.full(len(pos), start))
    return float(fans.sum() if tier < 0 else fans[:, tier].sum())
