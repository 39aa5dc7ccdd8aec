"""Plotly figures for the maturity model: one result's stage bars, and faction profiles."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from o2o.errors import O2OError
from o2o.maturity.analysis import mastery_profile
from o2o.maturity.assessment import MaturityResult
from o2o.maturity.stages import FACTIONS_EN, STAGES

_COLOURS = {"passed": "#2a9d8f", "current": "#e9c46a", "not reached": "#c9ccd1"}
_STATUS_EN = {"已过关": "passed", "当前阶段": "current", "未到达": "not reached"}


def mastery_figure(result: MaturityResult, lang: str = "zh") -> go.Figure:
    """Bars of the five stages' mastery with the 80 % line; colour says passed / current / not reached."""
    if not isinstance(result, MaturityResult):
        raise O2OError(f"需要 assess() 的结果,收到的是 {type(result).__name__}。",
                       f"Expected a result of assess(); got {type(result).__name__}.")
    df = result.to_frame(lang)
    status_en = [s if lang == "en" else _STATUS_EN[s] for s in df["status"]]
    labels = [f"{n}<br>{k}+{i}" for n, k, i in zip(df["name"], df["kpa"], df["kpi"])]
    fig = go.Figure(go.Bar(
        x=labels, y=df["mastery"], marker_color=[_COLOURS[s] for s in status_en],
        text=[f"{m:.0f}%<br>{s}" for m, s in zip(df["mastery"], df["status"])], textposition="outside",
        hovertemplate="%{x}<br>%{y:.0f}%<extra></extra>",
    ))
    line = "过关线 “八成纯熟”" if lang != "en" else "pass line (80 % mastered)"
    fig.add_hline(y=result.threshold, line_dash="dash", line_color="#d62828",
                  annotation_text=f"{line} {result.threshold:.0f}%", annotation_position="top left")
    title = (f"成熟度自测:已到达第{result.reached_stage}阶段「{result.stage.name_zh}」" if lang != "en"
             else f"Maturity self-test: reached stage {result.reached_stage}, {result.stage.name_en}")
    fig.update_layout(title=title, yaxis=dict(range=[0, 115], title="掌握度 %" if lang != "en" else "mastery %"),
                      height=420, margin=dict(t=60, b=40), showlegend=False)
    return fig


def faction_profile_figure(df: pd.DataFrame, lang: str = "zh", threshold: float = 80.0) -> go.Figure:
    """Mean mastery per stage, one line per faction, with the pass line (from :func:`example_assessments`)."""

    prof = mastery_profile(df)
    names = [s.name_en if lang == "en" else s.name_zh for s in STAGES]
    fig = go.Figure()
    for faction, row in prof.iterrows():
        label = FACTIONS_EN.get(faction, faction) if lang == "en" else faction
        fig.add_trace(go.Scatter(x=names, y=row.to_numpy(), mode="lines+markers", name=label,
                                 hovertemplate=f"{label}<br>%{{x}}: %{{y:.0f}}%<extra></extra>"))
    fig.add_hline(y=threshold, line_dash="dash", line_color="#d62828")
    fig.update_layout(
        title="三个派别的平均掌握度(合成示例数据)" if lang != "en" else "Mean mastery by faction (synthetic examples)",
        yaxis=dict(range=[0, 100], title="掌握度 %" if lang != "en" else "mastery %"), height=420)
    return fig
