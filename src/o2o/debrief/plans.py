"""The capstone plans of a whole class, read back as data and re-simulated with the kit's simulator."""

from __future__ import annotations

import ast
import json
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from o2o.assignments.plans import (PLAN_SIZE, PlanRules, margin_ratio, plan_from_text, plan_table, rule_failures)
from o2o.scenes import Scene

from .failures import _test_cells
from .gradebook import ClassCourse, _gradebook


def _plan_from_source(source: str, var: str = "capstone_plan") -> list[dict] | None:
    """The plan when the answer cell assigns a literal list to ``var`` (no code is run)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    found = None
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == var for t in node.targets):
            try:
                found = ast.literal_eval(node.value)
            except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
                found = None
    if isinstance(found, list) and all(isinstance(p, dict) for p in found):
        return found
    return None


def student_plan(course: ClassCourse, student: str, assignment: str = "capstone",
                 grade_id: str = "q1-test", answer_id: str = "q1-answer") -> list[dict] | None:
    """A student's capstone plan as data: printed by the public check, else a literal in the answer cell."""
    path = course.autograded_notebook(student, assignment, assignment)
    if path.is_file():
        try:
            nb = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            nb = {}
        for gid, cell in _test_cells(nb):
            if gid == grade_id:
                for o in cell.get("outputs", []):
                    if o.get("output_type") == "stream":
                        text = o.get("text", "")
                        plan = plan_from_text("".join(text) if isinstance(text, list) else text)
                        if plan is not None:
                            return plan
    for path in (course.submitted_notebook(student, assignment, assignment),
                 course.autograded_notebook(student, assignment, assignment)):
        if path.is_file():
            try:
                nb = json.loads(path.read_text(encoding="utf-8"))
            except ValueError:
                continue
            for cell in nb.get("cells", []):
                if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == answer_id:
                    src = cell.get("source", "")
                    plan = _plan_from_source("".join(src) if isinstance(src, list) else src)
                    if plan is not None:
                        return plan
    return None


def class_plans(course: ClassCourse, world: Any, assignment: str = "capstone", students: Iterable[str] | None = None,
                store: int | None = None, max_total_budget: float = 6000.0) -> pd.DataFrame:
    """The class's capstone plans side by side, re-simulated with the kit's simulator (grading settings).

    One row per student: the three battles, the total budget, the mean 5W score of each W over the
    three scenes, the plan's 5W mean and margin per yuan — or why the plan could not be evaluated.
    """
    if students is None:
        with _gradebook(course) as gb:
            students = sorted(s.student.id for s in gb.assignment_submissions(assignment))
    rows = []
    for student in students:
        row: dict[str, Any] = {"student": student}
        plan = student_plan(course, student, assignment)
        if plan is None:
            rows.append({**row, "状态": "没有可读取的方案"})
            continue
        try:
            scenes = [Scene(**{"name": f"{student}-{i + 1}", **{k: v for k, v in p.items() if k != "scene_id"}})
                      for i, p in enumerate(plan)]
            problems = [p.zh for s in scenes for p in s.problems(world)]
        except Exception as exc:  # noqa: BLE001 - a student's data that is not a scene: report, don't crash
            rows.append({**row, "状态": f"方案无法读成场景:{exc}"})
            continue
        if problems:
            rows.append({**row, "状态": "场景无效:" + problems[0]})
            continue
        table = plan_table(scenes, world)
        plan_store = store if store is not None else int(pd.Series([i for s in scenes for i in s.store_ids]).mode()[0])
        rules_broken = rule_failures(scenes, PlanRules(store=plan_store, max_total_budget=max_total_budget), world)
        if len(scenes) != PLAN_SIZE:
            rules_broken.insert(0, (f"方案有 {len(scenes)} 个场景,要求 {PLAN_SIZE} 个", "wrong number of scenes"))
        row.update({
            "状态": "有效" if not rules_broken else "违反约束:" + rules_broken[0][0],
            "战役": " → ".join(table["战役"]),
            "总预算": float(table["预算(元)"].sum()),
            **{w: round(float(table[w].mean()), 1) for w in ("Who", "What", "Way", "Why", "Worth")},
            "5W平均": round(float(table["5W平均"].mean()), 1),
            "最弱场景5W": round(float(table["5W平均"].min()), 1),
            "每元毛利": round(margin_ratio(table), 2),
        })
        rows.append(row)
    cols = ["student", "状态", "战役", "总预算", "Who", "What", "Way", "Why", "Worth", "5W平均", "最弱场景5W", "每元毛利"]
    df = pd.DataFrame(rows)
    for c in cols:
        if c not in df:
            df[c] = np.nan
    return df[cols].sort_values(["5W平均"], ascending=False, na_position="last").reset_index(drop=True)


def plans_figure(plans: pd.DataFrame, title: str = "全班结业方案的 5W / the class's capstone plans on the 5W"):
    """Grouped bars: each evaluated plan's mean score on every W, plus its margin per yuan on hover."""
    import plotly.graph_objects as go

    ok = plans.dropna(subset=["5W平均"])
    fig = go.Figure()
    for w in ("Who", "What", "Way", "Why", "Worth"):
        fig.add_trace(go.Bar(name=w, x=ok["student"], y=ok[w],
                             customdata=np.stack([ok["战役"], ok["每元毛利"]], axis=-1) if len(ok) else None,
                             hovertemplate="%{x} " + w + " %{y:.0f}<br>%{customdata[0]}<br>每元毛利 %{customdata[1]}<extra></extra>"))
    fig.update_layout(barmode="group", title=title, yaxis=dict(title="得分 / score (0–100)", range=[0, 100]),
                      height=440, margin=dict(l=60, r=20, t=60, b=80), legend=dict(orientation="h", y=-0.2))
    return fig


# ------------------------------------------------------------------------------ demo class
