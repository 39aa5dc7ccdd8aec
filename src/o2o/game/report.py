"""The war report (战报) of a round and the final debrief, as plain data and generated sentences (no UI).

``war_report(record, rnd, names)`` returns the leaderboard, each team's share of the market's
fans, each team's 5W for the radar and a few sentences saying what happened and why, all
computed from the model's results (the browser test compares the page with these numbers).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np

from ..scenes.catalog import TIERS
from ..scenes.fivew import DIMENSION_ZH, DIMENSIONS
from .game import GameRecord
from .params import DEFAULT_GAME_PARAMS, EVENT_EN, GameParams
from .scoring import cumulative_score


def leaderboard(record: GameRecord, upto: int, names: list[str], params: GameParams = DEFAULT_GAME_PARAMS
                ) -> list[dict[str, Any]]:
    """Teams by cumulative score after round ``upto`` (0-based), first to last."""
    res = record.results[record.results["round"] <= upto]
    sc = cumulative_score(record.market, res, params)
    last = res[res["round"] == upto].set_index("team")
    rows = []
    for _, r in sc.sort_values("rank").iterrows():
        t = int(r["team"])
        rows.append({"rank": int(r["rank"]), "team": t, "name": names[t], "score": float(r["score"]),
                     "profit": float(r["profit"]), "equity_gain": float(r["equity_gain"]),
                     "round_profit": float(last.loc[t, "profit"]), "fans": float(last.loc[t, "fans"])})
    return rows


def fan_shares(record: GameRecord, rnd: int) -> list[dict[str, Any]]:
    """Each team's share of the market's fans (all tiers and per tier) at the end of round ``rnd``."""
    f = record.outcomes[rnd].fans_after
    tot = f.sum()
    per_tier = f.sum(0)
    return [{"team": t, "share": float(f[t].sum() / tot) if tot > 0 else 0.0,
             "tiers": {TIERS[k]: float(f[t, k] / per_tier[k]) if per_tier[k] > 0 else 0.0 for k in range(len(TIERS))}}
            for t in range(f.shape[0])]


def radar_points(scores: dict[str, float], cx: float = 60, cy: float = 60, r: float = 50) -> str:
    """SVG polygon points of a 5W radar (0–100 on each axis, Who at the top, clockwise)."""
    pts = []
    for i, d in enumerate(DIMENSIONS):
        a = -np.pi / 2 + 2 * np.pi * i / len(DIMENSIONS)
        v = max(0.0, min(100.0, scores.get(d, 0.0))) / 100.0 * r
        pts.append(f"{cx + v * np.cos(a):.1f},{cy + v * np.sin(a):.1f}")
    return " ".join(pts)


def sentences(record: GameRecord, rnd: int, names: list[str], params: GameParams = DEFAULT_GAME_PARAMS
              ) -> list[tuple[str, str]]:
    """What happened in round ``rnd`` and why, as (Chinese, English) sentences computed from the results."""
    res = record.results[record.results["round"] == rnd].set_index("team")
    out = record.outcomes[rnd]
    board = leaderboard(record, rnd, names, params)
    top = board[0]
    lines = [(f"领先的是「{top['name']}」:累计利润 {top['profit']:,.0f} 元,粉丝资产变化 {top['equity_gain']:+,.0f} 元。",
              f"{top['name']} leads: cumulative profit {top['profit']:,.0f} yuan, fan equity {top['equity_gain']:+,.0f} yuan.")]
    best = int(res["profit"].idxmax())
    lines.append((f"本轮利润最高的是「{names[best]}」({res.loc[best, 'profit']:,.0f} 元,花费 {res.loc[best, 'cost']:,.0f} 元)。",
                  f"{names[best]} made the round's best profit ({res.loc[best, 'profit']:,.0f} yuan on "
                  f"{res.loc[best, 'cost']:,.0f} spent)."))
    if res["fans_won"].max() > 0.5:
        w = int(res["fans_won"].idxmax())
        lines.append((f"「{names[w]}」的场景从对手那里争取到约 {res.loc[w, 'fans_won']:,.0f} 位粉丝——转发链触达了对手的粉丝。",
                       f"{names[w]}'s scenes won about {res.loc[w, 'fans_won']:,.0f} fans from rivals: its shares reached "
                       "their fans."))
    tiers = Counter(r.scene.target_tier for r in out.runs if r.scene is not None)
    if tiers:
        tier, n = tiers.most_common(1)[0]
        teams = len({r.team for r in out.runs if r.scene is not None and r.scene.target_tier == tier})
        if teams >= 2:
            lines.append((f"{teams} 支队伍的 {n} 个场景都瞄准了「{tier}」:同一批粉丝的注意力被分流,疲劳也算在每一支队伍头上。",
                          f"{n} scenes of {teams} teams aimed at {tier}: the same fans' attention was split, and the "
                          "fatigue counts against every team."))
    idle = [names[t] for t in res.index if not any(r.team == t and r.scene is not None for r in out.runs)]
    if idle:
        lines.append((f"本轮没有场景的队伍:{'、'.join(idle)};粉丝在自然流失({params.fan_drift_per_30d:.0%}/30天降一档)。",
                      f"No scene this round: {', '.join(idle)}; their fans drift down "
                      f"({params.fan_drift_per_30d:.0%} per 30 days slip a tier)."))
    for e in out.events:
        lines.append((f"本轮事件:{e}。", f"Event this round: {EVENT_EN[e]}."))
    return lines


def war_report(record: GameRecord, rnd: int, names: list[str], params: GameParams = DEFAULT_GAME_PARAMS
               ) -> dict[str, Any]:
    """Everything the war report page shows for round ``rnd`` (0-based)."""
    res = record.results[record.results["round"] == rnd].set_index("team")
    shares = fan_shares(record, rnd)
    teams = []
    for t in range(record.market.n_teams):
        r = res.loc[t]
        w5 = {d: float(r[d]) for d in DIMENSIONS}
        teams.append({"team": t, "name": names[t], "share": shares[t]["share"], "tiers": shares[t]["tiers"],
                      "fivew": w5, "radar": radar_points(w5),
                      **{k: float(r[k]) for k in ("reach", "visits", "sales", "margin", "new_members",
                                                   "tier_upgrades", "fans_won", "cost", "profit", "fans")}})
    return {"round": rnd, "leaderboard": leaderboard(record, rnd, names, params), "teams": teams,
            "sentences": sentences(record, rnd, names, params), "dimensions": [(d, DIMENSION_ZH[d]) for d in DIMENSIONS],
            "events": list(record.outcomes[rnd].events)}


__all__ = ["war_report", "leaderboard", "fan_shares", "radar_points", "sentences"]
