"""Daily sales of every store for 2015, new members, and fans per tier per month.

The model is multiplicative: a store's base level x format x season x weekday x
Spring-Festival effect x pilot effect x noise. Panel stores (with transaction detail)
are later re-aggregated from their transactions so that both views agree exactly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..data import calibration as cal

DATES = pd.date_range(cal.YEAR_START, cal.YEAR_END, freq="D")


def store_levels(stores: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Per-store constants: base daily sales, ticket size, margin rate, member share, fan base."""
    n = len(stores)
    fmt = stores["format"].map(cal.FORMAT_SALES).to_numpy()
    size = (stores["area_m2"].to_numpy() / 75.0) ** 0.3
    base = cal.MEAN_DAILY_SALES * fmt * size * rng.lognormal(-0.5 * 0.3**2, 0.3, n)
    return pd.DataFrame({
        "store_id": stores["store_id"].to_numpy(),
        "base_sales": base,
        "ticket": cal.MEAN_TICKET * rng.lognormal(0, 0.08, n),
        "margin_rate": np.clip(rng.normal(0.25, 0.015, n), 0.2, 0.3),
        "member_share0": np.clip(rng.normal(0.20, 0.04, n), 0.08, 0.35),
        "fans0": np.round(cal.MEMBERS_AT_START * (base / cal.MEAN_DAILY_SALES) ** 0.7).astype(np.int64),
    })


def day_factors(stores: pd.DataFrame) -> np.ndarray:
    """stores x days multiplier of season, weekday and holidays (no noise)."""
    doy = np.arange(len(DATES))
    season = 1.0 + 0.08 * np.sin(2 * np.pi * (doy - 105) / 365.0)
    weekend = np.isin(DATES.day_of_week, (5, 6))
    fmt = stores["format"].to_numpy()
    wk = np.array([cal.FORMAT_WEEKEND[f] for f in fmt])
    f = np.outer(np.ones(len(stores)), season)
    f[:, weekend] *= wk[:, None]
    # Spring Festival: factory districts and Dongguan empty out; transport hubs busy before it
    sf = pd.Timestamp(cal.SPRING_FESTIVAL)
    d = (DATES - sf).days.to_numpy()
    dip = np.exp(-0.5 * ((d - 3) / 7.0) ** 2)  # centred a few days after new year's day
    depth = np.where(fmt == "工业区", 0.45, 0.15) + np.where(stores["city"].to_numpy() == "东莞", 0.1, 0.0)
    f *= 1.0 - depth[:, None] * dip[None, :]
    rush = np.exp(-0.5 * ((d + 6) / 4.0) ** 2)
    f[fmt == "交通枢纽"] *= 1.0 + 0.5 * rush
    # school holidays
    school = ((DATES >= "2015-01-24") & (DATES <= "2015-03-01")) | ((DATES >= "2015-07-11") & (DATES <= "2015-08-31"))
    f[np.ix_(fmt == "学校", school)] *= 0.55
    return f


def open_mask(stores: pd.DataFrame) -> np.ndarray:
    """stores x days: True when the store is open that day."""
    od = stores["open_date"].to_numpy().astype("datetime64[D]")
    return DATES.to_numpy().astype("datetime64[D]")[None, :] >= od[:, None]


def pilot_post(stores: pd.DataFrame) -> np.ndarray:
    """stores x days: True for pilot stores from the pilot start."""
    post = DATES >= pd.Timestamp(cal.PILOT_START)
    return (stores["pilot_group"].to_numpy() == "试点")[:, None] & post[None, :]


def baseline_daily(stores: pd.DataFrame, levels: pd.DataFrame, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Expected and realised baseline sales (stores x days) before any scene, with the pilot effect."""
    f = day_factors(stores)
    is_open = open_mask(stores)
    # a new store ramps up over its first ~60 days
    od = stores["open_date"].to_numpy().astype("datetime64[D]")
    age = (DATES.to_numpy().astype("datetime64[D]")[None, :] - od[:, None]).astype(np.int64)
    ramp = np.clip(0.6 + 0.4 * age / 60.0, 0.6, 1.0)
    pp = pilot_post(stores)
    expected = levels["base_sales"].to_numpy()[:, None] * f * ramp * np.where(pp, 1.0 + cal.PILOT_SALES_EFFECT, 1.0)
    noise = rng.lognormal(-0.5 * 0.12**2, 0.12, expected.shape)
    sales = np.where(is_open, expected * noise, 0.0)
    # new members per day (pilot effect on member growth)
    lam = cal.NEW_MEMBERS_PER_DAY * (levels["base_sales"].to_numpy()[:, None] / cal.MEAN_DAILY_SALES) * f
    lam = lam * np.where(pp, 1.0 + cal.PILOT_MEMBER_EFFECT, 1.0)
    new_members = np.where(is_open, rng.poisson(lam), 0)
    return {"sales": sales, "open": is_open, "new_members": new_members}


def member_share(levels: pd.DataFrame) -> np.ndarray:
    """stores x days: share of tickets paid by members, rising through the year."""
    t = np.arange(len(DATES)) / (len(DATES) - 1)
    return np.clip(levels["member_share0"].to_numpy()[:, None] * (1.0 + 0.45 * t[None, :]), 0.0, 0.6)


def assemble_daily(stores: pd.DataFrame, levels: pd.DataFrame, sales: np.ndarray, is_open: np.ndarray,
                   new_members: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    """Long daily_sales table from stores x days arrays (only open days)."""
    ticket = levels["ticket"].to_numpy()[:, None] * rng.lognormal(0, 0.05, sales.shape)
    tickets = np.where(is_open, np.maximum(np.round(sales / ticket), 1), 0).astype(np.int64)
    ms = member_share(levels)
    member_tickets = rng.binomial(tickets, ms)
    margin = sales * levels["margin_rate"].to_numpy()[:, None] * rng.lognormal(0, 0.02, sales.shape)
    s_idx, d_idx = np.nonzero(is_open)
    return pd.DataFrame({
        "store_id": stores["store_id"].to_numpy()[s_idx].astype(np.int32),
        "date": DATES.to_numpy()[d_idx].astype("datetime64[s]"),
        "sales_yuan": np.round(sales[s_idx, d_idx], 2),
        "gross_margin_yuan": np.round(margin[s_idx, d_idx], 2),
        "tickets": tickets[s_idx, d_idx].astype(np.int32),
        "member_tickets": member_tickets[s_idx, d_idx].astype(np.int32),
        "new_members": new_members[s_idx, d_idx].astype(np.int32),
    })


def chain_tier_shares(rng: np.random.Generator, n: int = 20000) -> np.ndarray:
    """Typical month-end tier shares implied by the member visit model (a quick Monte Carlo)."""
    lam = member_visit_rates(rng, n)
    visits = rng.poisson(lam)
    tier = np.searchsorted(np.asarray(cal.TIER_VISIT_BOUNDS[1:]), visits, side="right")
    return np.bincount(tier, minlength=len(cal.TIERS)) / n


def member_visit_rates(rng: np.random.Generator, n: int) -> np.ndarray:
    """Latent visits per month of ``n`` members (log-normal: most members rarely come)."""
    return rng.lognormal(np.log(0.8), 1.0, n)


def fans_monthly_aggregate(stores: pd.DataFrame, levels: pd.DataFrame, new_members: np.ndarray,
                           shares: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    """Fans per tier at each month end for stores without member-level detail."""
    months = pd.date_range(cal.YEAR_START, periods=12, freq="MS")
    month_idx = DATES.month.to_numpy() - 1
    cum = np.cumsum(new_members, axis=1)
    month_end_cols = np.array([np.nonzero(month_idx == m)[0][-1] for m in range(12)])
    fans = levels["fans0"].to_numpy()[:, None] * (stores["open_date"].to_numpy() < np.datetime64("2015-01-01"))[:, None]
    total = fans + cum[:, month_end_cols]
    n = len(stores)
    store_shares = rng.dirichlet(shares * 80 + 0.5, n)
    pp = (stores["pilot_group"].to_numpy() == "试点")
    rows = []
    for m, month in enumerate(months):
        sh = store_shares.copy()
        if month >= pd.Timestamp(cal.PILOT_START):
            # the pilot moves fans up: fewer dormant, more active and core (planted, documented)
            shift = np.array([-0.06, 0.0, 0.04, 0.02])
            sh[pp] = np.clip(sh[pp] + shift, 0.001, None)
            sh[pp] /= sh[pp].sum(axis=1, keepdims=True)
        counts = np.floor(total[:, m][:, None] * sh).astype(np.int64)
        counts[:, 0] += total[:, m] - counts.sum(axis=1)
        rows.append(pd.DataFrame({
            "store_id": np.repeat(stores["store_id"].to_numpy(), len(cal.TIERS)).astype(np.int32),
            "month": np.datetime64(month.date(), "s"),
            "tier": np.tile(np.asarray(cal.TIERS, dtype=object), n),
            "fans": counts.reshape(-1),
        }))
    return pd.concat(rows, ignore_index=True)
