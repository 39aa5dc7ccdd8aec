"""A graded class read from nbgrader's own gradebook: the course, every question's scores."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from o2o.errors import GradingError


HIDDEN_FAILURE = "隐藏测试未通过(数值或类型与要求不符)"
NOT_RUN = "没有输出(单元格未运行或超时)"


@dataclass(frozen=True)
class ClassCourse:
    """An nbgrader course folder: ``gradebook.db`` plus ``submitted/`` and ``autograded/``."""

    root: Path

    @property
    def db_url(self) -> str:
        return f"sqlite:///{(self.root / 'gradebook.db').resolve()}"

    def autograded_notebook(self, student: str, assignment: str, notebook: str) -> Path:
        return self.root / "autograded" / student / assignment / f"{notebook}.ipynb"

    def submitted_notebook(self, student: str, assignment: str, notebook: str) -> Path:
        return self.root / "submitted" / student / assignment / f"{notebook}.ipynb"


def open_class(root: str | Path) -> ClassCourse:
    """Open a graded class; a clear message when the folder has no gradebook."""
    path = Path(root).expanduser()
    if not (path / "gradebook.db").is_file():
        raise GradingError(
            f"{path} 里没有 gradebook.db:请指向课程根目录(nbgrader 的 CourseDirectory.root),并先完成自动评分。",
            f"No gradebook.db in {path}: point to the course root (nbgrader's CourseDirectory.root) after autograding.",
        )
    return ClassCourse(path)


def _gradebook(course: ClassCourse):
    from nbgrader.api import Gradebook

    return Gradebook(course.db_url)


@contextlib.contextmanager
def _alembic_on_path() -> Iterator[None]:
    """nbgrader runs the ``alembic`` command when it creates a gradebook: find it next to Python."""
    old = os.environ.get("PATH", "")
    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + old
    try:
        yield
    finally:
        os.environ["PATH"] = old


# ------------------------------------------------------------------------------ scores
def score_table(course: ClassCourse, assignment: str) -> pd.DataFrame:
    """One row per student and graded question: score, max score, kind (自动/人工), still to grade."""
    from nbgrader.api import MissingEntry

    rows = []
    with _gradebook(course) as gb:
        try:
            a = gb.find_assignment(assignment)
        except MissingEntry:
            raise GradingError(
                f"成绩册中没有作业 {assignment!r}。", f"The gradebook has no assignment {assignment!r}."
            ) from None
        written = {nb.name: {c.name for c in nb.solution_cells} for nb in a.notebooks}
        for sub in gb.assignment_submissions(assignment):
            for nb in sub.notebooks:
                for g in nb.grades:
                    rows.append({
                        "student": sub.student.id, "notebook": nb.name, "question": g.name,
                        "score": float(g.score), "max_score": float(g.max_score),
                        "kind": "人工" if g.name in written.get(nb.name, set()) else "自动",
                        "to_grade": bool(g.needs_manual_grade),
                    })
    return pd.DataFrame(rows, columns=["student", "notebook", "question", "score", "max_score", "kind", "to_grade"])


def score_distribution(scores: pd.DataFrame) -> pd.DataFrame:
    """Per question: students, mean, median, share with full marks and with zero, still to grade."""
    cols = ["题目", "类型", "满分", "人数", "平均分", "中位数", "满分率", "零分率", "待人工评分"]
    if scores.empty:
        return pd.DataFrame(columns=cols)
    d = scores.assign(full=(scores["score"] >= scores["max_score"]).astype(float),
                      zero=(scores["score"] <= 0).astype(float))
    g = d.groupby(["notebook", "question"], sort=False)
    out = pd.DataFrame({
        "类型": g["kind"].first(),
        "满分": g["max_score"].first(),
        "人数": g["student"].nunique(),
        "平均分": g["score"].mean().round(2),
        "中位数": g["score"].median(),
        "满分率": g["full"].mean().round(3),
        "零分率": g["zero"].mean().round(3),
        "待人工评分": g["to_grade"].sum().astype(int),
    })
    return out.reset_index().rename(columns={"question": "题目"})[cols]


def score_figure(scores: pd.DataFrame, title: str = "各题得分分布 / score distribution per question"):
    """A strip-and-box plot of every question's scores (plotly)."""
    import plotly.graph_objects as go

    fig = go.Figure()
    for q, d in scores.groupby("question", sort=False):
        frac = d["score"] / d["max_score"].where(d["max_score"] > 0, 1.0)
        fig.add_trace(go.Box(
            y=frac, name=str(q), boxpoints="all", jitter=0.4, pointpos=0,
            text=d["student"], hovertemplate="%{text}: %{y:.0%}<extra>" + str(q) + "</extra>",
        ))
    fig.update_layout(title=title, yaxis=dict(title="得分率 / share of marks", tickformat=".0%", range=[-0.05, 1.05]),
                      showlegend=False, height=420, margin=dict(l=60, r=20, t=60, b=60))
    return fig


# ------------------------------------------------------------------------------ failures
