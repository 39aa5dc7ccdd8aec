"""Member- and ticket-level detail for the panel stores.

Each panel store is generated from its own random stream (``default_rng([seed, store_id])``),
so a store's rows do not depend on how many other stores are generated or in which chunk:
the 16x dataset contains the default dataset's panel stores byte for byte in its rows.

Identifiers are built from the store id so that they are unique without coordination:
``member_id = store_id * 100_000 + k``, ``tx_id = store_id * 10_000_000 + k``,
``coupon_id``/``share_id = store_id * 1_000_000 + k``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..data import calibration as cal
from .sales import DATES, member_visit_rates

_HOURS = {  # relative traffic by hour 0..23 per store format (assumption: commuting, meals, evenings)
    "社区": [0.4, 0.2, 0.1, 0.1, 0.1, 0.3, 1.2, 3.0, 4.0, 3.0, 3.0, 4.0, 5.0, 3.5, 3.0, 3.0, 3.5, 5.5,
             7.5, 8.0, 7.0, 5.0, 2.5, 1.0],
    "写字楼": [0.1, 0.0, 0.0, 0.0, 0.0, 0.1, 0.6, 4.0, 8.0, 4.0, 2.5, 5.0, 9.0, 5.0, 2.5, 3.0, 3.5, 5.5,
              6.0, 3.0, 1.5, 0.8, 0.4, 0.2],
    "学校": [0.1, 0.0, 0.0, 0.0, 0.0, 0.2, 2.0, 6.5, 3.0, 2.0, 2.5, 5.5, 7.5, 3.0, 2.0, 3.0, 5.5, 6.0,
             4.0, 3.5, 3.0, 2.0, 0.8, 0.2],
    "工业区": [0.6, 0.3, 0.2, 0.2, 0.2, 0.5, 3.5, 5.0, 2.5, 1.5, 1.5, 4.5, 6.0, 3.0, 1.5, 1.5, 2.0, 3.5,
              5.5, 6.5, 7.0, 6.0, 3.5, 1.5],
    "交通枢纽": [1.0, 0.6, 0.4, 0.3, 0.4, 1.0, 2.5, 4.5, 5.0, 4.0, 3.5, 4.0, 4.5, 4.0, 3.5, 3.5, 4.0, 5.0,
               5.5, 5.0, 4.5, 3.5, 2.5, 1.5],
    "商业街": [0.5, 0.3, 0.1, 0.1, 0.1, 0.2, 0.6, 1.5, 2.5, 3.0, 3.5, 4.5, 5.5, 5.0, 4.5, 4.5, 5.0, 6.0,
              7.0, 8.0, 8.0, 6.5, 3.5, 1.5],
}
HOURLY = {fmt: np.asarray(v) / np.sum(v) for fmt, v in _HOURS.items()}
#: Visit rate multiplier by join channel (assumption): members who signed up in the store come back
#: more often than those brought by a friend's share or a partner's offer.
CHANNEL_ENGAGEMENT = {"门店二维码": 1.25, "微信公众号": 1.0, "好友分享": 0.8, "异业合作": 0.6}
ITEMS_EXTRA_MEAN = 0.75         # items per ticket = 1 + Poisson(0.75), calibrated to the ~16-yuan ticket
MOBILE_BOOST_MEMBER = np.array([0.7, 1.4, 1.3, 1.0])
SHARE_CHANNELS = ("朋友圈", "微信群", "私聊")
SHARE_CHANNEL_P = (0.6, 0.3, 0.1)
COUPON_REDEMPTION_RATE = 0.35   # assumption: a third of issued coupons are used


@dataclass
class StoreInputs:
    """What the panel generator needs to know about one store."""

    store_id: int
    format: str
    open_day: int                 # index of the opening day in 2015 (0 if open before)
    opened_before_2015: bool
    fans0: int
    pilot: bool
    tickets_target: np.ndarray    # per day of 2015
    new_members: np.ndarray       # per day of 2015
    scene_days: pd.DataFrame      # scene_id, day, conversions, redemptions, shares, incentive_yuan, squad_scene
    squad_staff: np.ndarray       # staff ids of the store's squad (leader first)


def payment_mix(day: np.ndarray) -> np.ndarray:
    """days -> probability rows over :data:`cal.PAYMENTS`, linear from January to December."""
    t = (day / (len(DATES) - 1))[:, None]
    return (1 - t) * np.asarray(cal.PAYMENT_JAN)[None, :] + t * np.asarray(cal.PAYMENT_DEC)[None, :]


def _categorical(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One draw per row of ``probs`` (rows sum to 1)."""
    cdf = np.cumsum(probs, axis=1)
    u = rng.random(len(probs))[:, None]
    return np.minimum((u > cdf).sum(axis=1), probs.shape[1] - 1)


def generate_store(inp: StoreInputs, products: pd.DataFrame, popularity: np.ndarray, seed: int) -> dict[str, pd.DataFrame]:
    """All panel tables for one store."""
    rng = np.random.default_rng([seed, 1729, inp.store_id])
    n_days = len(DATES)
    days = np.arange(n_days)
    sid = inp.store_id

    # ---- members: the fan base on 1 January and the daily joins --------------------------------
    n0 = inp.fans0 if inp.opened_before_2015 else 0
    join0 = -rng.integers(1, 730, n0)                       # days before 2015-01-01
    join_new = np.repeat(days, inp.new_members)
    join = np.concatenate([np.sort(join0), join_new])
    n_mem = len(join)
    member_id = sid * 100_000 + np.arange(1, n_mem + 1, dtype=np.int64)
    squad_day = np.zeros(n_days, dtype=bool)
    sq = inp.scene_days[inp.scene_days["squad_scene"]]
    squad_day[sq["day"].to_numpy()] = True
    w = np.tile(np.asarray(cal.JOIN_CHANNEL_WEIGHTS), (n_mem, 1))
    boosted = (join >= 0) & squad_day[np.clip(join, 0, n_days - 1)]
    w[boosted, 2] = 0.30
    w /= w.sum(axis=1, keepdims=True)
    channel = np.asarray(cal.JOIN_CHANNELS, dtype=object)[_categorical(rng, w)]
    join_dates = np.datetime64(cal.YEAR_START, "D") + join
    members = pd.DataFrame({"member_id": member_id, "home_store_id": np.int32(sid),
                            "join_date": join_dates.astype("datetime64[s]"), "join_channel": channel})

    # ---- member visits month by month -> tiers ---------------------------------------------------
    lam = member_visit_rates(rng, n_mem) * np.array([CHANNEL_ENGAGEMENT[c] for c in channel])
    month_of_day = DATES.month.to_numpy() - 1
    month_start = np.array([np.nonzero(month_of_day == m)[0][0] for m in range(12)])
    month_len = np.bincount(month_of_day, minlength=12)
    first_active = np.maximum(join[:, None], month_start[None, :])            # members x months
    active_days = np.clip(month_start[None, :] + month_len[None, :] - first_active, 0, None)
    boost = np.ones(12)
    if inp.pilot:
        boost[month_start >= (np.datetime64(cal.PILOT_START) - np.datetime64(cal.YEAR_START)).astype(int)] = 1.15
    visits = rng.poisson(lam[:, None] * active_days / 30.4 * boost[None, :])
    tier_idx = np.searchsorted(np.asarray(cal.TIER_VISIT_BOUNDS[1:]), visits, side="right")
    joined_by_end = join[:, None] <= (month_start + month_len - 1)[None, :]
    mi, mm = np.nonzero(joined_by_end)
    months = pd.date_range(cal.YEAR_START, periods=12, freq="MS").to_numpy().astype("datetime64[s]")
    member_tiers = pd.DataFrame({"member_id": member_id[mi], "month": months[mm],
                                 "tier": np.asarray(cal.TIERS, dtype=object)[tier_idx[mi, mm]]})
    # visit days
    vi, vm = np.nonzero(visits)
    reps = visits[vi, vm]
    v_member = np.repeat(vi, reps)
    v_first = np.repeat(first_active[vi, vm], reps)
    v_len = np.repeat(active_days[vi, vm], reps)
    v_day = v_first + (rng.random(len(v_member)) * v_len).astype(np.int64)

    # ---- tickets: member visits plus walk-in customers up to the day's target --------------------
    m_per_day = np.bincount(v_day, minlength=n_days)
    open_ = days >= inp.open_day
    walk_in = np.where(open_, np.maximum(inp.tickets_target - m_per_day, 0), 0)
    t_day = np.concatenate([v_day, np.repeat(days, walk_in)])
    t_member = np.concatenate([member_id[v_member], np.zeros(walk_in.sum(), dtype=np.int64)])
    n_tx = len(t_day)
    secs = rng.choice(24, size=n_tx, p=HOURLY[inp.format]) * 3600 + rng.integers(0, 3600, n_tx)
    order = np.lexsort((secs, t_day))
    t_day, t_member, secs = t_day[order], t_member[order], secs[order]
    ts = (np.datetime64(cal.YEAR_START, "s") + t_day.astype("timedelta64[D]") + secs.astype("timedelta64[s]"))
    tx_id = sid * 10_000_000 + np.arange(1, n_tx + 1, dtype=np.int64)
    is_member = t_member > 0

    # payment method: the month's mix, members lean to mobile payment
    probs = payment_mix(t_day)
    probs[is_member] *= MOBILE_BOOST_MEMBER
    probs /= probs.sum(axis=1, keepdims=True)
    pay = np.asarray(cal.PAYMENTS, dtype=object)[_categorical(rng, probs)]

    # basket
    n_items = np.minimum(1 + rng.poisson(ITEMS_EXTRA_MEAN, n_tx), 12).astype(np.int16)
    item_tx = np.repeat(np.arange(n_tx), n_items)
    sku_idx = rng.choice(len(products), size=len(item_tx), p=popularity)
    qty = rng.choice(np.array([1, 2, 3], dtype=np.int16), size=len(item_tx), p=[0.85, 0.12, 0.03])
    price = products["price_yuan"].to_numpy()[sku_idx]
    cost = products["unit_cost_yuan"].to_numpy()[sku_idx]
    line = np.round(price * qty, 2)
    starts = np.concatenate([[0], np.cumsum(n_items)[:-1]])
    gross = np.add.reduceat(line, starts) if n_tx else np.zeros(0)
    line_cost = np.add.reduceat(cost * qty, starts) if n_tx else np.zeros(0)

    # ---- scenes: tag converted tickets, redeem coupons -------------------------------------------
    scene_id = np.zeros(n_tx, dtype=np.int64)
    coupon_id = np.zeros(n_tx, dtype=np.int64)
    discount = np.zeros(n_tx)
    day_start = np.searchsorted(t_day, days, side="left")
    day_end = np.searchsorted(t_day, days, side="right")
    coupon_rows = []
    next_coupon = sid * 1_000_000 + 1
    sd = inp.scene_days.sort_values(["day", "scene_id"], kind="stable")
    for row in sd.itertuples(index=False):
        a, b = day_start[row.day], day_end[row.day]
        free = np.nonzero(scene_id[a:b] == 0)[0] + a
        conv = int(np.floor(row.conversions + rng.random()))   # expected -> whole tickets
        n_red = int(np.floor(row.redemptions + rng.random()))
        if len(free) == 0 or conv <= 0:
            continue
        mem_first = free[np.argsort(~is_member[free], kind="stable")]
        k = min(conv, len(free))
        pick = np.sort(rng.permutation(mem_first[: max(k * 2, k)])[:k])
        scene_id[pick] = row.scene_id
        red = pick[is_member[pick]][:n_red]
        for t in red:
            coupon_id[t] = next_coupon
            discount[t] = min(float(row.incentive_yuan), round(0.5 * gross[t], 2))
            coupon_rows.append((next_coupon, row.scene_id, t_member[t], row.day, float(row.incentive_yuan), True,
                                tx_id[t], row.day))
            next_coupon += 1
    # unredeemed coupons issued to members who had joined by the scene's first day at this store
    if len(sd):
        first_day = sd.groupby("scene_id")["day"].min()
        redeemed = pd.Series([r[1] for r in coupon_rows], dtype=np.int64).value_counts()
        inc = sd.groupby("scene_id")["incentive_yuan"].first()
        last_day = sd.groupby("scene_id")["day"].max()
        for scn, d0 in first_day.items():
            r = int(redeemed.get(scn, 0))
            extra = int(round(r / COUPON_REDEMPTION_RATE)) - r
            eligible = np.nonzero(join <= d0)[0]
            if extra <= 0 or len(eligible) == 0:
                continue
            who = member_id[rng.choice(eligible, size=extra)]
            when = rng.integers(d0, last_day[scn] + 1, extra)
            for mbr, d in zip(who, when):
                coupon_rows.append((next_coupon, scn, mbr, d, float(inc[scn]), False, 0, -1))
                next_coupon += 1

    amount = np.round(gross - discount, 2)
    transactions = pd.DataFrame({
        "tx_id": tx_id, "store_id": np.int32(sid), "ts": ts,
        "member_id": pd.array(np.where(is_member, t_member, 0), dtype="Int64"),
        "payment_method": pay, "amount_yuan": amount, "discount_yuan": np.round(discount, 2), "n_items": n_items,
        "scene_id": pd.array(scene_id, dtype="Int32"), "coupon_id": pd.array(coupon_id, dtype="Int64"),
    })
    transactions.loc[~is_member, "member_id"] = pd.NA
    transactions.loc[scene_id == 0, "scene_id"] = pd.NA
    transactions.loc[coupon_id == 0, "coupon_id"] = pd.NA
    items = pd.DataFrame({
        "tx_id": tx_id[item_tx], "sku_id": products["sku_id"].to_numpy()[sku_idx].astype(np.int32),
        "qty": qty, "unit_price_yuan": price, "line_amount_yuan": line,
    })
    coupons = _coupons_frame(coupon_rows)
    shares = _shares(inp, rng, member_id, join)

    # ---- the store's daily_sales rows, aggregated from its tickets --------------------------------
    margin = gross - line_cost - discount
    agg = pd.DataFrame({"day": t_day, "sales": amount, "margin": margin, "member": is_member})
    g = agg.groupby("day").agg(sales=("sales", "sum"), margin=("margin", "sum"), tickets=("sales", "size"),
                               member_tickets=("member", "sum"))
    g = g.reindex(days[open_], fill_value=0)
    daily = pd.DataFrame({
        "store_id": np.int32(sid), "date": DATES.to_numpy()[g.index.to_numpy()].astype("datetime64[s]"),
        "sales_yuan": np.round(g["sales"].to_numpy(), 2), "gross_margin_yuan": np.round(g["margin"].to_numpy(), 2),
        "tickets": g["tickets"].to_numpy().astype(np.int32), "member_tickets": g["member_tickets"].to_numpy().astype(np.int32),
        "new_members": inp.new_members[g.index.to_numpy()].astype(np.int32),
    })
    counts = member_tiers.groupby(["month", "tier"]).size()
    idx = pd.MultiIndex.from_product([months, cal.TIERS], names=["month", "tier"])
    counts = counts.reindex(idx, fill_value=0)
    fans = pd.DataFrame({"store_id": np.int32(sid), "month": idx.get_level_values(0),
                         "tier": idx.get_level_values(1).astype(object), "fans": counts.to_numpy().astype(np.int64)})
    return {"members": members, "member_tiers": member_tiers, "transactions": transactions,
            "transaction_items": items, "coupons": coupons, "shares": shares, "daily_sales": daily,
            "store_fans_monthly": fans}


def _coupons_frame(rows: list) -> pd.DataFrame:
    base = np.datetime64(cal.YEAR_START, "D")
    if not rows:
        rows_arr = [[] for _ in range(8)]
    else:
        rows_arr = list(zip(*rows))
    cid, scn, mbr, issued, face, redeemed, txid, rday = (np.asarray(c) for c in rows_arr)
    df = pd.DataFrame({
        "coupon_id": cid.astype(np.int64), "scene_id": scn.astype(np.int32), "member_id": mbr.astype(np.int64),
        "issued_date": (base + issued.astype(np.int64)).astype("datetime64[s]"),
        "face_value_yuan": face.astype(float), "redeemed": redeemed.astype(bool),
        "redeemed_tx_id": pd.array(np.where(redeemed.astype(bool), txid, 0).astype(np.int64), dtype="Int64"),
        "redeemed_date": pd.Series((base + np.where(rday.astype(np.int64) >= 0, rday, 0).astype(np.int64)
                                    ).astype("datetime64[s]")),
    })
    df.loc[~df["redeemed"], "redeemed_tx_id"] = pd.NA
    df.loc[~df["redeemed"], "redeemed_date"] = pd.NaT
    return df.sort_values("coupon_id", kind="stable").reset_index(drop=True)


def _shares(inp: StoreInputs, rng: np.random.Generator, member_id: np.ndarray, join: np.ndarray) -> pd.DataFrame:
    """Point-to-point share cascades of the store's own squad scenes, as trees of forwards."""
    sq = inp.scene_days[inp.scene_days["squad_scene"] & (inp.scene_days["shares"] > 0)]
    cols = {k: [] for k in ("scene_id", "day", "sender_member", "sender_staff", "receiver", "parent", "gen")}
    next_id = inp.store_id * 1_000_000 + 1
    ids = []
    for scn, g in sq.groupby("scene_id", sort=True):
        g = g.sort_values("day")
        per_day = g["shares"].to_numpy().astype(np.int64)
        day = np.repeat(g["day"].to_numpy(), per_day)
        total = len(day)
        n_seed = max(1, int(round(0.15 * total)))
        eligible = np.nonzero(join <= g["day"].min())[0]
        first = len(ids)
        gen = np.zeros(total, dtype=np.int16)
        parent = np.full(total, -1, dtype=np.int64)
        receiver = np.where(rng.random(total) < 0.45,
                            member_id[rng.choice(eligible, size=total)] if len(eligible) else 0, 0)
        sender_m = np.zeros(total, dtype=np.int64)
        sender_s = np.zeros(total, dtype=np.int64)
        staff = inp.squad_staff if len(inp.squad_staff) else np.array([0])
        for i in range(total):
            if i < n_seed:
                sender_s[i] = staff[i % len(staff)]
            else:
                p = int(rng.integers(0, i))
                parent[i] = first + p
                gen[i] = gen[p] + 1
                sender_m[i] = receiver[p] if receiver[p] else (member_id[rng.choice(eligible)] if len(eligible) else 0)
        ids.extend(range(next_id, next_id + total))
        next_id += total
        cols["scene_id"].append(np.full(total, scn))
        cols["day"].append(day)
        cols["sender_member"].append(sender_m)
        cols["sender_staff"].append(sender_s)
        cols["receiver"].append(receiver)
        cols["parent"].append(np.where(parent >= 0, parent, -1))
        cols["gen"].append(gen)
    if not ids:
        return pd.DataFrame({
            "share_id": pd.Series(dtype=np.int64), "scene_id": pd.Series(dtype=np.int32),
            "ts": pd.Series(dtype="datetime64[s]"), "sender_member_id": pd.Series(dtype="Int64"),
            "sender_staff_id": pd.Series(dtype="Int32"), "receiver_member_id": pd.Series(dtype="Int64"),
            "channel": pd.Series(dtype=object), "parent_share_id": pd.Series(dtype="Int64"),
            "generation": pd.Series(dtype=np.int16)})
    share_id = np.asarray(ids, dtype=np.int64)
    cat = {k: np.concatenate(v) for k, v in cols.items()}
    n = len(share_id)
    secs = rng.integers(7 * 3600, 23 * 3600, n)
    order = np.lexsort((secs, cat["day"]))  # keep trees valid: parents never later than children
    ts = np.datetime64(cal.YEAR_START, "s") + cat["day"].astype("timedelta64[D]") + secs.astype("timedelta64[s]")
    # a child must not precede its parent: bump to the parent's time + 1..600 s when it would
    ts = ts.copy()
    for i in range(n):
        p = cat["parent"][i]
        if p >= 0 and ts[i] <= ts[p]:
            ts[i] = ts[p] + np.timedelta64(int(rng.integers(1, 600)), "s")
    del order
    parent_id = np.where(cat["parent"] >= 0, share_id[np.maximum(cat["parent"], 0)], 0)
    df = pd.DataFrame({
        "share_id": share_id, "scene_id": cat["scene_id"].astype(np.int32), "ts": ts,
        "sender_member_id": pd.array(cat["sender_member"], dtype="Int64"),
        "sender_staff_id": pd.array(cat["sender_staff"], dtype="Int32"),
        "receiver_member_id": pd.array(cat["receiver"], dtype="Int64"),
        "channel": np.asarray(SHARE_CHANNELS, dtype=object)[rng.choice(3, size=n, p=SHARE_CHANNEL_P)],
        "parent_share_id": pd.array(parent_id, dtype="Int64"),
        "generation": cat["gen"].astype(np.int16),
    })
    for c in ("sender_member_id", "sender_staff_id", "receiver_member_id", "parent_share_id"):
        df.loc[df[c] == 0, c] = pd.NA
    return df
