"""Summaries of many assessments: stage distribution, mastery profile, bottleneck stage.

They work on any frame with the columns :func:`~o2o.maturity.assessment.assess_frame`
returns (``mastery_1`` … ``mastery_5``, ``reached_stage``, ``gate_stage``, ``completed``)
plus a grouping column — e.g. :func:`~o2o.maturity.examples.example_assessments` or a
class's own answers.
"""

from __future__ import annotations

import pandas as pd

from o2o.errors import O2OError
from o2o.maturity.stages import STAGE_BY_NUMBER, STAGES

_NEEDED = [f"mastery_{s.number}" for s in STAGES] + ["reached_stage", "gate_stage", "completed"]


def _check(df: object, by: str | None) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise O2OError(f"需要一个 DataFrame,收到的是 {type(df).__name__}。",
                       f"Expected a DataFrame; got {type(df).__name__}.")
    cols = _NEEDED + ([by] if by else [])
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise O2OError(
            f"表里缺少这些列:{', '.join(missing)}。请先用 assess_frame() 或 example_assessments() 得到评估结果。",
            f"The table lacks column(s) {', '.join(missing)}; get results from assess_frame() or "
            "example_assessments() first.",
        )
    return df


def stage_distribution(df: pd.DataFrame, by: str = "faction", normalize: bool = False) -> pd.DataFrame:
    """How many organisations (or what share, ``normalize=True``) of each group reached each stage.

    Rows: groups; columns: stage names 1–5 (every stage present, zeros included).
    """
    _check(df, by)
    table = pd.crosstab(df[by], df["reached_stage"]).reindex(columns=[s.number for s in STAGES], fill_value=0)
    if normalize:
        table = table.div(table.sum(axis=1), axis=0)
    table.columns = [STAGE_BY_NUMBER[k].label() for k in table.columns]
    table.columns.name = "到达阶段"
    return table


def mastery_profile(df: pd.DataFrame, by: str = "faction") -> pd.DataFrame:
    """Mean mastery (%) of each stage per group; columns are stage names."""
    _check(df, by)
    cols = [f"mastery_{s.number}" for s in STAGES]
    out = df.groupby(by, sort=True)[cols].mean()
    out.columns = [s.name_zh for s in STAGES]
    return out


def bottleneck_stage(df: pd.DataFrame, by: str = "faction") -> pd.DataFrame:
    """The stage that most often blocks each group (its most frequent gate), with the share blocked there.

    Columns: ``bottleneck_stage`` (int, 0 if no organisation in the group is blocked),
    ``name_zh``, ``name_en``, ``share_blocked`` (share of the group's organisations blocked
    at that gate) and ``n``. Ties go to the earlier stage: the groundwork comes first.
    """
    _check(df, by)
    rows = []
    for group, part in df.groupby(by, sort=True):
        gates = part["gate_stage"].dropna().astype(int)
        if len(gates):
            counts = gates.value_counts()
            best = int(min(counts[counts == counts.max()].index))
            share = float(counts[best] / len(part))
            rows.append({by: group, "bottleneck_stage": best, "name_zh": STAGE_BY_NUMBER[best].name_zh,
                         "name_en": STAGE_BY_NUMBER[best].name_en, "share_blocked": share, "n": len(part)})
        else:
            rows.append({by: group, "bottleneck_stage": 0, "name_zh": "无", "name_en": "none",
                         "share_blocked": 0.0, "n": len(part)})
    return pd.DataFrame(rows).set_index(by)
