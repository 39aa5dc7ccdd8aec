"""The array engine behind :func:`o2o.scenes.simulate` and :func:`o2o.scenes.history.simulate_history`.

Everything is laid out as ``groups x stores`` (``G x S``) arrays and stepped day by day.
A *group* is one Monte Carlo draw of one scene. For a designed scene the groups are the draws
(scene inputs of shape ``(1, S)`` broadcast over them); for the historical scenes each group is
one scene with its own stores (inputs of shape ``(G, S)``). The mechanisms and every parameter
are documented in ``docs/simulation-model.md``.

:func:`run` goes step by step: the scene's deterministic side (:mod:`o2o.scenes.exposure`: stores, people,
seed reach, coefficients), the cascade's inputs, the random draws, the day loop, the counted outcomes,
the costs and, on request, the totals per store.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .exposure import (K, NK, Inputs, People, Reach, Stores, battle_arrays, coefficients, people_of, saturate,
                       seed_outcomes, seed_reach, store_arrays)
from .params import ModelParams
from .world import World

#: Metrics of the day-by-day log, in the order of the ``scene_daily`` table.
METRICS: tuple[str, ...] = ("reach_broadcast", "reach_p2p", "shares", "visits", "conversions", "redemptions",
                            "incremental_sales_yuan", "incremental_margin_yuan", "new_members", "tier_upgrades",
                            "cost_yuan")
#: Further arrays kept by a simulation (costs by kind, shares made by people reached through a share).
EXTRA: tuple[str, ...] = ("shares_cascade", "cost_ads", "cost_incentive", "cost_ops")
COUNT_METRICS = ("reach_broadcast", "reach_p2p", "shares", "visits", "conversions", "redemptions",
                 "new_members", "tier_upgrades")

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


def _round_daily(daily: np.ndarray) -> np.ndarray:
    """Whole numbers per day whose running totals are the rounded running totals of ``daily``."""
    cum = np.floor(np.cumsum(daily, axis=-1) + 0.5)
    return np.diff(cum, axis=-1, prepend=0.0)


@dataclass
class _Cascade:
    """The share cascade's inputs per store, or per super-store for large chain-wide scenes."""

    p_w: np.ndarray
    p_wo: np.ndarray
    pool_c: np.ndarray
    cc: np.ndarray             # (Gp, S, 2K) coefficients of cascade reach, with and without incentive
    seed_share: np.ndarray     # (Gp, S, T) shares made by people the seed channels reached
    shape: np.ndarray          # gamma shape of the store shocks
    S_run: int
    labels: np.ndarray | None = None
    alloc: np.ndarray | None = None


@dataclass
class _Days:
    """What the day loop produced: expected outcomes per day and the cascade's own counts."""

    out_k: np.ndarray          # (G, T, K)
    reach_c: np.ndarray
    shares: np.ndarray
    shares_c: np.ndarray
    store_c: np.ndarray | None
    fsum: np.ndarray           # share of demand served with the incentive, summed over days
    pool_count: np.ndarray     # redemptions the incentive pool pays for


def run(world: World, x: Inputs, G: int, rng: np.random.Generator, prm: ModelParams,
        keep_store_totals: bool = False, cluster: bool | None = None) -> dict[str, np.ndarray]:
    """Simulate ``G`` groups; returns metric -> (G, T) arrays (T = longest duration) and extras."""
    st = store_arrays(world, x, prm)
    b = battle_arrays(x.battle)
    people = people_of(world, x, prm, st, b)
    reach = seed_reach(x, prm, st, people, b)
    cw, cwo = coefficients(x, prm, st, people, reach, b)
    seed_w, seed_wo, reach_b, reach_fi, seed_share_w = seed_outcomes(prm, reach, cw, cwo)
    casc = _cascade_inputs(x, G, prm, people, reach, cw, cwo, seed_share_w, cluster)
    # randomness (fixed order: same seed, same result)
    eps = rng.lognormal(-0.5 * prm.scene_sigma**2, prm.scene_sigma, (G, 1))
    xi = rng.gamma(casc.shape, 1.0 / casc.shape, (G, casc.S_run))
    eta = rng.lognormal(-0.5 * prm.day_sigma**2, prm.day_sigma, (G, st.T))
    z = rng.standard_normal((5, G, st.T))
    days = _day_loop(x, G, prm, st, people, reach, casc, seed_w, seed_wo, eps, xi, eta, keep_store_totals)
    act_f = st.active.astype(float)
    res = _outcomes(G, st.T, days, act_f, reach_b, reach_fi, eps, z)
    _costs(res, x, G, prm, st, reach, act_f, b["ad_cost"])
    if keep_store_totals:
        res.update(_store_totals(x, st, reach, casc, days, cw, cwo, eps))
    return res


def _cascade_inputs(x: Inputs, G: int, prm: ModelParams, people: People, reach: Reach, cw: dict[str, np.ndarray],
                    cwo: dict[str, np.ndarray], seed_share_w: np.ndarray, cluster: bool | None) -> _Cascade:
    """The cascade's inputs per store, or per super-store for large chain-wide scenes."""
    Gp, S = x.pos.shape
    p_w = np.broadcast_to(people.p_w, (Gp, S))
    p_wo = np.broadcast_to(people.p_wo, (Gp, S))
    pool_c = np.broadcast_to(reach.pool_c, (Gp, S))
    cc = np.concatenate([cw["C"], cwo["C"]], axis=-1)                      # (Gp, S, 2K)
    shape = np.full((1, S), prm.store_shape)
    if cluster is None:
        cluster = G * S > CLUSTER_ABOVE
    if Gp == 1 and S > CLUSTERS and cluster:
        labels, alloc, (p_w, p_wo, pool_c, cc, seed_share_w, n_in) = _cluster(
            p_w[0], p_wo[0], pool_c[0], cc[0], seed_share_w[0], prm.audience_per_share)
        shape = (prm.store_shape * n_in)[None, :]
        return _Cascade(p_w, p_wo, pool_c, cc, seed_share_w, shape, p_w.shape[1], labels, alloc)
    return _Cascade(p_w, p_wo, pool_c, cc, seed_share_w, shape, S)


def _day_loop(x: Inputs, G: int, prm: ModelParams, st: Stores, people: People, reach: Reach, casc: _Cascade,
              seed_w: np.ndarray, seed_wo: np.ndarray, eps: np.ndarray, xi: np.ndarray, eta: np.ndarray,
              keep_store_totals: bool) -> _Days:
    """Day by day: demand from the seed channels and yesterday's cascade, the incentive pool spent on it,
    today's shares and the reach they bring tomorrow."""
    T, S_run, Gp = st.T, casc.S_run, x.pos.shape[0]
    shared = Gp == 1 and G > 1
    cc = casc.cc
    if shared:
        cc0 = np.ascontiguousarray(cc[0], dtype=np.float64)
    pc_w = casc.p_w * (eps * xi)                                          # (G, S)
    pc_wo = casc.p_wo * (eps * xi)
    dp = pc_w - pc_wo
    act_f = st.active.astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        pool_count = np.where(x.unit_cost[:, 0] > 0, x.pool_cash[:, 0] / x.unit_cost[:, 0], np.inf)
    remaining = np.broadcast_to(pool_count, (G,)).astype(float).copy()
    has_inc_g = np.broadcast_to(people.has_inc[:, 0], (G,))

    out_k = np.zeros((G, T, NK))
    reach_c, shares, shares_c = np.zeros((G, T)), np.zeros((G, T)), np.zeros((G, T))
    new_c, cum_y, cum_c = np.zeros((G, S_run)), np.zeros((G, S_run)), np.zeros((G, S_run))
    store_c = np.zeros((G, S_run)) if keep_store_totals else None
    fsum = np.zeros(G)
    for k in range(T):
        e_k = eta[:, k:k + 1] * eps                                        # (G, 1)
        a_k = act_f[:, k:k + 1]                                           # (Gp, 1)
        pc = new_c @ cc0 if shared else np.matmul(new_c[:, None, :], cc)[:, 0, :]      # (G, 2K)
        dem_w = seed_w[:, k, :] * e_k + pc[:, :NK]
        dem_wo = seed_wo[:, k, :] * e_k + pc[:, NK:]
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
        p = (pc_wo + f[:, None] * dp) * (reach.novelty[k] * a_k)
        np.minimum(p, 1.0, out=p)
        cascade = p * new_c
        cascade *= prm.cascade_forward
        sh = p * casc.seed_share[:, :, k] + cascade
        shares[:, k] = sh.sum(1)
        shares_c[:, k] = cascade.sum(1)
        cum_y += prm.audience_per_share * sh
        c_now = saturate(cum_y, casc.pool_c)
        np.subtract(c_now, cum_c, out=new_c)
        cum_c = c_now
    return _Days(out_k, reach_c, shares, shares_c, store_c, fsum, pool_count)


def _noisy(lam: np.ndarray, zz: np.ndarray) -> np.ndarray:
    """Whole counts around ``lam`` (normal approximation of Poisson noise, never below 0)."""
    lam = np.maximum(lam, 0.0)
    return np.floor(np.maximum(lam + zz * np.sqrt(lam), 0.0) + 0.5)


def _outcomes(G: int, T: int, days: _Days, act_f: np.ndarray, reach_b: np.ndarray, reach_fi: np.ndarray,
              eps: np.ndarray, z: np.ndarray) -> dict[str, np.ndarray]:
    """The day-by-day counts and amounts of every draw: rounded reach, noisy counts, redemptions capped by
    the incentive pool."""
    res: dict[str, np.ndarray] = {}
    # round the running totals (not each day) so that totals keep the model's monotonicity
    res["reach_broadcast"] = _round_daily(np.broadcast_to(reach_b * act_f, (G, T)))
    res["reach_p2p"] = _round_daily(reach_fi * eps * act_f + days.reach_c)
    shares = days.shares
    res["shares"] = _noisy(shares, z[0])
    with np.errstate(divide="ignore", invalid="ignore"):
        res["shares_cascade"] = np.where(shares > 0, np.floor(res["shares"] * days.shares_c / shares + 0.5), 0.0)
    lam = {name: days.out_k[:, :, i] for i, name in enumerate(K)}
    res["visits"] = _noisy(lam["visits"], z[1])
    conv = _noisy(lam["conversions"], z[2])
    res["conversions"] = conv
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(lam["conversions"] > 0, conv / lam["conversions"], 0.0)
        red_ratio = np.where(lam["conversions"] > 0, lam["redemptions"] / lam["conversions"], 0.0)
    red = np.floor(conv * red_ratio + 0.5)
    cap = np.floor(np.broadcast_to(days.pool_count, (G,))[:, None] + 1e-9)
    red_cum = np.minimum(np.cumsum(red, axis=1), cap)
    res["redemptions"] = np.diff(red_cum, axis=1, prepend=0.0)
    res["incremental_sales_yuan"] = lam["sales"] * scale
    res["incremental_margin_yuan"] = lam["margin"] * scale
    res["new_members"] = _noisy(lam["new_members"], z[3])
    res["tier_upgrades"] = _noisy(lam["tier_upgrades"], z[4])
    return res


def _costs(res: dict[str, np.ndarray], x: Inputs, G: int, prm: ModelParams, st: Stores, reach: Reach,
           act_f: np.ndarray, ad_cost: np.ndarray) -> None:
    """Adds the costs (ads: the chain's share ``ad_cost`` of the spend; incentives paid; operations) and zeroes
    every metric outside the scene's days."""
    T = st.T
    n_st = st.valid.sum(1)                                               # (Gp,)
    cost_ads = np.broadcast_to(reach.ad_daily * ad_cost * act_f, (G, T)).copy()
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


def _store_totals(x: Inputs, st: Stores, reach: Reach, casc: _Cascade, days: _Days, cw: dict[str, np.ndarray],
                  cwo: dict[str, np.ndarray], eps: np.ndarray) -> dict[str, np.ndarray]:
    """Expected totals per store (mean over draws), with the incentive mix of each draw averaged."""
    new_b, new_f, new_i = reach.new_b, reach.new_f, reach.new_i
    fmean = (days.fsum / np.maximum(x.dur.max(), 1)).mean()
    seed_store = sum((n_.sum(-1)[:, :, None] * (fmean * cw[c] + (1 - fmean) * cwo[c]))
                     for c, n_ in (("B", new_b), ("F", new_f), ("I", new_i)))[0] * eps.mean()
    casc_reach = days.store_c.mean(0)
    if casc.labels is not None:
        casc_reach = casc_reach[casc.labels] * casc.alloc
    casc_store = casc_reach[:, None] * (fmean * cw["C"][0] + (1 - fmean) * cwo["C"][0])
    tot = seed_store + casc_store
    out = {"_store_reach_broadcast": new_b.sum(-1)[0],
           "_store_reach_p2p": (new_f + new_i).sum(-1)[0] * eps.mean() + casc_reach}
    for i, name in enumerate(K):
        out[f"_store_{name}"] = tot[:, i]
    return out


def target_fans(world: World, pos: np.ndarray, start: int, tier: int) -> float:
    """Fans in the target tier (all tiers when ``tier < 0``) of the stores at the launch."""
    fans = world.fans_at(pos, np.full(len(pos), start))
    return float(fans.sum() if tier < 0 else fans[:, tier].sum())
