"""FanTiers: members by tier, month by month, and how they move between two months."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from o2o.errors import DataError
from o2o.i18n import label
from o2o.widgets.figure import figure
from o2o.widgets.base import FieldSpec, FrozenHBox, FrozenHTML, Panel, Problem, guarded, safe, tr

TIERS = ("沉睡粉", "普通粉", "活跃粉", "铁杆粉")  # low -> high
TIER_COLOURS = ("#98a2b3", "#84caff", "#2e90fa", "#f79009")
NEW = "未入会"  # not yet a member in month A


def transition_matrix(codes_a: np.ndarray, codes_b: np.ndarray) -> np.ndarray:
    """Counts ``m[i, j]`` of members in state ``i`` in month A and tier ``j`` in month B.

    States of month A are ``0`` = not yet a member, ``1..4`` = the tiers; members absent
    in month B are left out. ``codes_*`` hold ``-1`` for absent, ``0..3`` for the tiers.
    """
    present_b = codes_b >= 0
    a = codes_a[present_b] + 1  # -1 -> 0 (new), tiers -> 1..4
    b = codes_b[present_b]
    flat = np.bincount(a * len(TIERS) + b, minlength=(len(TIERS) + 1) * len(TIERS))
    return flat.reshape(len(TIERS) + 1, len(TIERS))


class FanTiers(Panel):
    """Members by tier over the months, and a Sankey of moves from month A to month B."""

    def __init__(self, member_tiers: pd.DataFrame, lang: str = "zh", **kwargs: Any) -> None:
        super().__init__(lang=lang, **kwargs)
        self._months, self._codes = self._prepare(member_tiers)
        self.matrix = np.zeros((len(TIERS) + 1, len(TIERS)), dtype=np.int64)
        self._build_controls()
        self._build_figure()
        self._summary = FrozenHTML()
        self.children = [FrozenHBox([self._month_a, self._month_b]), self._summary, self._messages, self._fig]
        self.update()

    # ------------------------------------------------------------------ builders

    @staticmethod
    def _prepare(member_tiers: pd.DataFrame) -> tuple[list[str], np.ndarray]:
        needed = ("member_id", "month", "tier")
        missing = [c for c in needed if c not in getattr(member_tiers, "columns", [])]
        if missing:
            raise DataError(f"会员分层表缺少这些列:{', '.join(missing)}。",
                            f"The member_tiers table lacks columns: {', '.join(missing)}.")
        if len(member_tiers) == 0:
            raise DataError("会员分层表是空的。", "The member_tiers table is empty.")
        months = pd.to_datetime(member_tiers["month"]).dt.strftime("%Y-%m")
        month_list = sorted(months.unique())
        m_idx = pd.Index(month_list).get_indexer(months)
        member_codes, _ = pd.factorize(member_tiers["member_id"], sort=False)
        tier_codes = pd.Index(TIERS).get_indexer(member_tiers["tier"].astype(str))
        if (tier_codes < 0).any():
            bad = sorted(set(member_tiers["tier"].astype(str)) - set(TIERS))[:5]
            raise DataError(f"会员分层表里有未知的层级:{', '.join(bad)}。", f"Unknown tiers in member_tiers: {', '.join(bad)}.")
        codes = np.full((member_codes.max() + 1, len(month_list)), -1, dtype=np.int8)
        codes[member_codes, m_idx] = tier_codes
        return month_list, codes

    def _build_controls(self) -> None:
        months = tuple(self._months)
        self._spec_a = FieldSpec("month_a", "起始月份 A", "From month A", "choice", options=months)
        self._spec_b = FieldSpec("month_b", "对比月份 B", "To month B", "choice", options=months)
        self._month_a = guarded(self._spec_a, self._refused, lang=self.lang, value=months[max(0, len(months) - 4)])
        self._month_b = guarded(self._spec_b, self._refused, lang=self.lang, value=months[-1])
        for w in (self._month_a, self._month_b):
            w.observe(self._on_change, names="value")

    def _build_figure(self) -> None:
        fig = make_subplots(rows=1, cols=2, column_widths=[0.45, 0.55], horizontal_spacing=0.08,
                            specs=[[{"type": "xy"}, {"type": "domain"}]])
        counts = self.counts_by_month()
        for j, tier in enumerate(TIERS):
            fig.add_trace(go.Bar(x=self._months, y=counts[:, j].tolist(), name=tier, marker_color=TIER_COLOURS[j],
                                 hovertemplate="%{x}: %{y:,}<extra>%{fullData.name}</extra>"), row=1, col=1)
        # the Sankey starts with real nodes and links: an empty one breaks plotly's front end
        nodes, links = self._sankey_data()
        fig.add_trace(go.Sankey(arrangement="fixed", node={"pad": 12, "thickness": 14, **nodes}, link=links),
                      row=1, col=2)
        fig.update_layout(barmode="stack", height=460, margin={"l": 40, "r": 10, "t": 50, "b": 40},
                          legend={"orientation": "h", "y": -0.12})
        self._fig = figure(fig)

    # ------------------------------------------------------------------ behaviour

    def counts_by_month(self) -> np.ndarray:
        """``(months, tiers)`` member counts."""
        out = np.zeros((len(self._months), len(TIERS)), dtype=np.int64)
        for m in range(len(self._months)):
            col = self._codes[:, m]
            out[m] = np.bincount(col[col >= 0], minlength=len(TIERS))
        return out

    def set_months(self, month_a: str, month_b: str) -> None:
        """Compare ``month_a`` with ``month_b`` (``"YYYY-MM"``)."""
        for spec, value in ((self._spec_a, month_a), (self._spec_b, month_b)):
            problem = spec.problem(value)
            if problem is not None:
                self._messages.show(problem, "error", self.lang)
                return
        self._quiet = True
        try:
            self._month_a.value, self._month_b.value = month_a, month_b
        finally:
            self._quiet = False
        self.update()

    @safe
    def _on_change(self, change: dict) -> None:
        if not self._quiet:
            self.update()

    def order_problem(self) -> Problem | None:
        """Month B must come after month A."""
        if self._month_b.value <= self._month_a.value:
            return Problem("对比月份 B 必须晚于起始月份 A。", "Month B must come after month A.")
        return None

    @safe
    def update(self) -> None:
        """Redraw the bars (labels) and the Sankey of moves from month A to month B."""
        lang = self.lang
        problem = self.order_problem()
        if problem is not None:
            self._messages.show(problem, "warning", lang)
            return
        nodes, links = self._sankey_data()
        with self._fig.batch_update():
            for j, tier in enumerate(TIERS):
                self._fig.data[j].name = label(tier, lang)
            sk = self._fig.data[len(TIERS)]
            sk.node.label, sk.node.color = nodes["label"], nodes["color"]
            sk.link.source, sk.link.target = links["source"], links["target"]
            sk.link.value, sk.link.color = links["value"], links["color"]
            ma, mb = self._month_a.value, self._month_b.value
            self._fig.layout.title = tr(f"粉丝分层(合成数据):各月人数,与 {ma} → {mb} 的流动",
                                        f"Fan tiers (synthetic data): members by month, and moves {ma} → {mb}", lang)
        self._summary.value = self._summary_html()
        self._messages.clear()

    def _sankey_data(self) -> tuple[dict, dict]:
        """Nodes and links of the moves from month A to month B (also sets :attr:`matrix`)."""
        lang = self.lang
        ia, ib = self._months.index(self._month_a.value), self._months.index(self._month_b.value)
        self.matrix = transition_matrix(self._codes[:, ia], self._codes[:, ib])
        a_labels = [tr(NEW, "not yet members", lang)] + [label(t, lang) for t in TIERS]
        b_labels = [label(t, lang) for t in TIERS]
        src, tgt, val, col = [], [], [], []
        for i in range(len(TIERS) + 1):
            for j in range(len(TIERS)):
                if self.matrix[i, j] > 0:
                    src.append(i)
                    tgt.append(len(TIERS) + 1 + j)
                    val.append(int(self.matrix[i, j]))
                    up = i == 0 or j > i - 1
                    same = i > 0 and j == i - 1
                    col.append("rgba(152,162,179,0.35)" if same else ("rgba(46,144,250,0.45)" if up else "rgba(240,68,56,0.45)"))
        ma, mb = self._month_a.value, self._month_b.value
        nodes = {"label": [f"{s} ({ma})" for s in a_labels] + [f"{s} ({mb})" for s in b_labels],
                 "color": ["#d0d5dd"] + list(TIER_COLOURS) + list(TIER_COLOURS)}
        if not val:  # nobody in month B: one empty link keeps the diagram drawable
            src, tgt, val, col = [1], [len(TIERS) + 1], [0], ["rgba(0,0,0,0)"]
        return nodes, {"source": src, "target": tgt, "value": val, "color": col}

    def moves(self) -> dict[str, int]:
        """Members who moved up, down, stayed, or joined between month A and month B."""
        m = self.matrix
        stay = int(sum(m[i + 1, i] for i in range(len(TIERS))))
        up = int(sum(m[i + 1, j] for i in range(len(TIERS)) for j in range(len(TIERS)) if j > i))
        down = int(sum(m[i + 1, j] for i in range(len(TIERS)) for j in range(len(TIERS)) if j < i))
        return {"up": up, "down": down, "stay": stay, "new": int(m[0].sum())}

    def _summary_html(self) -> str:
        mv = self.moves()
        return tr(
            f"升级 <b>{mv['up']:,}</b> 人,降级 <b>{mv['down']:,}</b> 人,不变 {mv['stay']:,} 人,新入会 <b>{mv['new']:,}</b> 人。",
            f"Moved up <b>{mv['up']:,}</b>, moved down <b>{mv['down']:,}</b>, stayed {mv['stay']:,}, "
            f"new members <b>{mv['new']:,}</b>.", self.lang)

    def _relabel(self) -> None:
        self._month_a.description = self._spec_a.name(self.lang)
        self._month_b.description = self._spec_b.name(self.lang)
