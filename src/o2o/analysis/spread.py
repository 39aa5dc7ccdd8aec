"""Point-to-point spread and fan communities: cascades of shares, their reproduction ratio,
how concentrated sharing is, and community strength per store.

Used by lessons 15 and 16. A *cascade* is the tree of shares grown from one seed share
(``parent_share_id`` is null); every share reaches one receiver, so the number of shares in
generation g is the number of people reached in that generation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..errors import DataError
from ..i18n import label

__all__ = ["cascades", "generation_table", "r_of_generation", "size_distribution_figure", "compare_seeds",
           "cascade_figure", "sender_concentration", "top_share", "concentration_figure", "store_community",
           "sharer_profile", "join_channel_figure"]

SEED_STAFF, SEED_MEMBER = "店员", "会员"


def _shares(ds) -> pd.DataFrame:
    sh = ds.shares
    if len(sh) == 0:
        raise DataError("数据集中没有转发记录(shares 表为空)。", "The dataset has no shares (the shares table is empty).")
    return sh


def _roots(sh: pd.DataFrame) -> pd.Series:
    """The seed share id of every share (a Series indexed like ``sh``)."""
    parent = sh["parent_share_id"].astype("Int64")
    has_parent = parent.notna().to_numpy()
    parent_ids = parent.fillna(-1).astype("int64").to_numpy()
    ids = sh["share_id"].astype("int64").to_numpy()
    root = np.where(has_parent, -1, ids).astype("int64")
    pos = pd.Index(ids)
    for _ in range(int(sh["generation"].max()) + 2):
        todo = root < 0
        if not todo.any():
            break
        where = pos.get_indexer(parent_ids[todo])
        found = np.where(where >= 0, root[np.clip(where, 0, None)], -2)
        root[todo] = found
        if (root == -2).any():
            break
    if (root < 0).any():
        raise DataError("有转发记录的上级转发不存在,传播树无法还原。",
                        "Some shares point to a parent share that does not exist; the cascades cannot be rebuilt.")
    return pd.Series(root, index=sh.index)


def cascades(ds) -> pd.DataFrame:
    """One row per cascade: scene, seed type (店员/会员), the seed's channel, size (shares) and depth.

    ``depth`` counts generations below the seed (a seed nobody passed on has depth 0).
    """
    sh = _shares(ds)
    root = _roots(sh)
    frame = pd.DataFrame({"root": root.values, "generation": sh["generation"].astype(int).values})
    agg = frame.groupby("root").agg(size=("generation", "size"), gmin=("generation", "min"), gmax=("generation", "max"))
    seeds = sh[sh["parent_share_id"].isna()].set_index("share_id")
    out = pd.DataFrame({
        "scene_id": seeds["scene_id"].astype("int64"),
        "seed_type": np.where(seeds["sender_staff_id"].notna(), SEED_STAFF, SEED_MEMBER),
        "channel": seeds["channel"].astype(str),
    })
    out = out.join(agg, how="left")
    out["depth"] = (out["gmax"] - out["gmin"]).astype(int)
    out = out.drop(columns=["gmin", "gmax"]).sort_values("size", ascending=False)
    out.index.name = "seed_share_id"
    return out


def generation_table(ds) -> pd.DataFrame:
    """Shares per generation and the reproduction ratio R (next generation ÷ this generation)."""
    sh = _shares(ds)
    counts = sh["generation"].astype(int).value_counts().sort_index()
    table = pd.DataFrame({"转发次数": counts})
    table["传播系数R"] = (counts.shift(-1) / counts).round(4)
    table.index.name = "代数"
    return table


def r_of_generation(generations: pd.DataFrame, generation: int) -> float:
    """R of one generation from :func:`generation_table`."""
    if generation not in generations.index:
        raise DataError(f"没有第 {generation} 代的转发。可用的代数:{list(generations.index)}。",
                        f"There is no generation {generation}. Generations: {list(generations.index)}.")
    value = generations.loc[generation, "传播系数R"]
    return float(value) if pd.notna(value) else 0.0


def size_distribution_figure(casc: pd.DataFrame, lang: str = "zh") -> go.Figure:
    """How many cascades reach each size (log scale), by seed type: most are small, a few are large."""
    zh = lang != "en"
    fig = go.Figure()
    for seed_type, color in ((SEED_STAFF, "#c0392b"), (SEED_MEMBER, "#2e86c1")):
        sizes = casc.loc[casc["seed_type"] == seed_type, "size"]
        if sizes.empty:
            continue
        counts = sizes.value_counts().sort_index()
        fig.add_trace(go.Scatter(x=counts.index, y=counts.values, mode="markers+lines",
                                 name=("种子:" if zh else "seed: ") + label(seed_type, lang),
                                 marker={"color": color}, line={"width": 1}))
    fig.update_layout(
        title="传播树的规模分布(对数坐标)" if zh else "Cascade sizes (log scales)",
        xaxis={"title": "传播树规模(转发次数)" if zh else "cascade size (shares)", "type": "log"},
        yaxis={"title": "传播树个数" if zh else "number of cascades", "type": "log"},
        height=380, margin={"l": 60, "r": 20, "t": 50, "b": 50},
    )
    return fig


def compare_seeds(casc: pd.DataFrame) -> pd.DataFrame:
    """Cascades by seed type and the seed's channel: count, mean size, share reaching 3+ generations, largest."""
    g = casc.groupby(["seed_type", "channel"], observed=True)
    out = pd.DataFrame({
        "传播树个数": g.size(),
        "平均规模": g["size"].mean().round(2),
        "传到3代以上(%)": (g["depth"].apply(lambda d: (d >= 3).mean()) * 100).round(1),
        "最大规模": g["size"].max(),
    })
    out.index.names = ["种子", "首发渠道"]
    return out


def cascade_figure(ds, casc: pd.DataFrame, rank: int = 1, lang: str = "zh") -> go.Figure:
    """Sunburst of the ``rank``-th largest cascade (1 = largest): the seed in the centre, one ring per generation."""
    if not isinstance(rank, (int, np.integer)) or isinstance(rank, bool) or rank < 1 or rank > len(casc):
        raise DataError(f"rank 应是 1 到 {len(casc)} 之间的整数。", f"rank must be a whole number from 1 to {len(casc)}.")
    seed_id = int(casc.index[int(rank) - 1])
    sh = _shares(ds)
    root = _roots(sh)
    tree = sh[root.values == seed_id]
    ids = tree["share_id"].astype("int64").astype(str)
    parents = tree["parent_share_id"].astype("Int64").astype(str).replace("<NA>", "")
    labels = [f"{label(c, lang)} · {'第' if lang != 'en' else 'gen '}{g}{'代' if lang != 'en' else ''}"
              for c, g in zip(tree["channel"].astype(str), tree["generation"].astype(int))]
    scene = int(casc.iloc[int(rank) - 1]["scene_id"])
    fig = go.Figure(go.Sunburst(ids=ids, parents=parents, labels=labels, branchvalues="remainder",
                                hovertemplate="%{label}<br>下游转发 %{value}<extra></extra>" if lang != "en"
                                else "%{label}<br>shares below: %{value}<extra></extra>",
                                maxdepth=6))
    title = (f"第 {rank} 大的传播树(场景 {scene},共 {len(tree)} 次转发)" if lang != "en"
             else f"Cascade #{rank} (scene {scene}, {len(tree)} shares)")
    fig.update_layout(title=title, height=480, margin={"l": 10, "r": 10, "t": 50, "b": 10})
    return fig


def sender_concentration(ds) -> pd.DataFrame:
    """Concentration curve of sharing among member senders: cumulative % of senders vs cumulative % of shares."""
    sh = _shares(ds)
    per = sh["sender_member_id"].dropna().value_counts().sort_values(ascending=False)
    if per.empty:
        raise DataError("没有会员发出的转发。", "No shares were sent by members.")
    out = pd.DataFrame({
        "转发者累计占比(%)": np.arange(1, len(per) + 1) / len(per) * 100,
        "转发累计占比(%)": per.cumsum().to_numpy() / per.sum() * 100,
    })
    return out


def top_share(conc: pd.DataFrame, fraction: float) -> float:
    """Share (%) of all shares sent by the top ``fraction`` (0–1) of senders."""
    if not isinstance(fraction, (int, float)) or not 0 < fraction <= 1:
        raise DataError("fraction 应是 0 到 1 之间的比例,例如 0.1 表示前 10%。",
                        "fraction must be a proportion between 0 and 1, e.g. 0.1 for the top 10%.")
    x = conc["转发者累计占比(%)"].to_numpy()
    y = conc["转发累计占比(%)"].to_numpy()
    return float(np.interp(fraction * 100, np.concatenate([[0.0], x]), np.concatenate([[0.0], y])))


def concentration_figure(conc: pd.DataFrame, lang: str = "zh") -> go.Figure:
    zh = lang != "en"
    step = max(1, len(conc) // 500)
    c = conc.iloc[::step]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=[0, *c.iloc[:, 0]], y=[0, *c.iloc[:, 1]], mode="lines", name="集中度曲线" if zh else "curve",
                             line={"color": "#c0392b", "width": 3},
                             hovertemplate="前 %{x:.1f}% 的转发者 → %{y:.1f}% 的转发<extra></extra>" if zh
                             else "top %{x:.1f}% of senders → %{y:.1f}% of shares<extra></extra>"))
    fig.add_trace(go.Scatter(x=[0, 100], y=[0, 100], mode="lines", name="完全平均" if zh else "perfect equality",
                             line={"dash": "dash", "color": "grey"}))
    fig.update_layout(title="转发有多集中?" if zh else "How concentrated is sharing?",
                      xaxis={"title": "转发者累计占比(%,按转发次数从多到少)" if zh else "senders, most active first (cum. %)"},
                      yaxis={"title": "转发次数累计占比(%)" if zh else "shares (cum. %)"},
                      height=400, margin={"l": 60, "r": 20, "t": 50, "b": 50})
    return fig


def store_community(ds) -> pd.DataFrame:
    """Community indicators of every panel store, with its member share of tickets.

    Columns: 好友分享加入占比(%), 转发会员占比(%), 每百会员转发数, 会员小票占比(%).
    """
    members = ds.members[["member_id", "home_store_id", "join_channel"]]
    sh = _shares(ds)
    senders = set(sh["sender_member_id"].dropna().astype("int64"))
    m = members.assign(friend=members["join_channel"].astype(str) == "好友分享",
                       sender=members["member_id"].astype("int64").isin(senders))
    per_sender = sh["sender_member_id"].dropna().astype("int64").value_counts()
    m["n_shares"] = m["member_id"].astype("int64").map(per_sender).fillna(0)
    g = m.groupby("home_store_id")
    comm = pd.DataFrame({
        "会员数": g.size(),
        "好友分享加入占比(%)": g["friend"].mean() * 100,
        "转发会员占比(%)": g["sender"].mean() * 100,
        "每百会员转发数": g["n_shares"].sum() / g.size() * 100,
    })
    sales = ds.daily_sales
    sales = sales[sales["store_id"].isin(comm.index)]
    t = sales.groupby("store_id")[["member_tickets", "tickets"]].sum()
    comm["会员小票占比(%)"] = t["member_tickets"] / t["tickets"].where(t["tickets"] > 0) * 100
    stores = ds.stores.set_index("store_id")[["store_name", "city", "format"]]
    comm = comm.join(stores, how="left")
    comm.index.name = "store_id"
    return comm.round(2)


def sharer_profile(ds) -> pd.DataFrame:
    """Members who ever shared vs members who never did: how many, their tier mix in the last month, and spending.

    Panel stores only. Spending is the mean amount per member over the year (transactions).
    """
    sh = _shares(ds)
    members = ds.members[["member_id"]].copy()
    members["member_id"] = members["member_id"].astype("int64")
    senders = set(sh["sender_member_id"].dropna().astype("int64"))
    members["组别"] = np.where(members["member_id"].isin(senders), "转发过的会员", "没有转发过的会员")
    mt = ds.member_tiers
    last = mt[mt["month"] == mt["month"].max()][["member_id", "tier"]].copy()
    last["member_id"] = last["member_id"].astype("int64")
    con = ds.duckdb()
    try:
        spend = con.execute("SELECT member_id, SUM(amount_yuan) AS spend, COUNT(*) AS visits FROM transactions "
                            "WHERE member_id IS NOT NULL GROUP BY 1").df()
    finally:
        con.close()
    spend["member_id"] = spend["member_id"].astype("int64")
    m = members.merge(last, on="member_id", how="left").merge(spend, on="member_id", how="left")
    m[["spend", "visits"]] = m[["spend", "visits"]].fillna(0)
    g = m.groupby("组别")
    out = pd.DataFrame({"会员数": g.size(), "全年人均消费(元)": g["spend"].mean().round(1),
                        "全年人均到店(次)": g["visits"].mean().round(1)})
    tiers = pd.crosstab(m["组别"], m["tier"].astype(str), normalize="index") * 100
    for t in ("沉睡粉", "普通粉", "活跃粉", "铁杆粉"):
        out[f"{t}占比(%)"] = tiers[t].round(1) if t in tiers.columns else 0.0
    return out.reindex(["转发过的会员", "没有转发过的会员"])


def join_channel_figure(ds, lang: str = "zh") -> go.Figure:
    """New members per month by join channel, for all panel stores or one store (drop-down)."""
    zh = lang != "en"
    mem = ds.members.copy()
    mem["month"] = pd.to_datetime(mem["join_date"]).dt.to_period("M").dt.to_timestamp()
    mem = mem[mem["month"] >= pd.Timestamp("2015-01-01")]
    if mem.empty:
        raise DataError("2015 年没有新加入的会员。", "No members joined in 2015.")
    names = ds.stores.set_index("store_id")["store_name"]
    scopes = [("全部样本门店" if zh else "all panel stores", mem)]
    for sid, d in mem.groupby("home_store_id"):
        scopes.append((str(names.get(sid, sid)), d))
    channels = ["门店二维码", "微信公众号", "好友分享", "异业合作"]
    colors = {"门店二维码": "#5d6d7e", "微信公众号": "#28b463", "好友分享": "#c0392b", "异业合作": "#d68910"}
    fig = go.Figure()
    for i, (_, d) in enumerate(scopes):
        counts = d.groupby(["month", "join_channel"]).size().unstack(fill_value=0)
        for ch in channels:
            fig.add_trace(go.Bar(x=counts.index, y=counts[ch] if ch in counts.columns else [0] * len(counts),
                                 name=label(ch, lang), marker_color=colors[ch], visible=(i == 0), legendgroup=ch,
                                 showlegend=True))
    n = len(channels)
    buttons = [{"label": name, "method": "update",
                "args": [{"visible": [j // n == i for j in range(len(scopes) * n)]}]} for i, (name, _) in enumerate(scopes)]
    fig.update_layout(barmode="stack", title="每月新会员从哪里来?(好友分享 = 社群带来的会员)" if zh else "Where new members come from",
                      yaxis={"title": "新会员数" if zh else "new members"},
                      updatemenus=[{"buttons": buttons, "direction": "down", "x": 1.0, "xanchor": "right", "y": 1.2,
                                    "yanchor": "top"}],
                      height=420, margin={"l": 60, "r": 20, "t": 80, "b": 40})
    return fig
