"""The instructor's cohort debrief (班级复盘): a class's results, read from nbgrader's own gradebook.

After an assignment is autograded (``o2o grade`` or ``nbgrader autograde``) and the written answers
are graded in formgrader, the debrief shows, for the class discussion:

* :func:`score_table` / :func:`score_distribution` / :func:`score_figure` — every question's
  score distribution, from the gradebook (nbgrader's ``Gradebook`` API, read only);
* :func:`common_failures` — the commonest failure messages, read from the error outputs of the
  test cells in the autograded notebooks (the public checks' Chinese sentences; a hidden test
  that failed is counted as such, its code never shown);
* :func:`class_plans` / :func:`plans_figure` — the capstone plans of the whole class side by side:
  each student's plan is read back as *data* from their graded notebook (never by running their
  code) and re-simulated with the kit's own simulator and 5W evaluation.

:func:`demo_class` builds a small seeded class (a real gradebook and autograded notebooks) from
the capstone's solution with variations, so the debrief notebook runs without a real cohort.
"""

from __future__ import annotations

import ast
import contextlib
import copy
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import o2o
from o2o.assignments import checks
from o2o.assignments.catalog import marks, source_notebook
from o2o.assignments.checks import AnswerError
from o2o.assignments.plans import (PLAN_SIZE, PlanRules, capstone_store, margin_ratio, plan_from_text, plan_table,
                                   rule_failures)
from o2o.errors import GradingError
from o2o.scenes import Scene, World

__all__ = [
    "ClassCourse", "open_class", "score_table", "score_distribution", "score_figure", "failure_messages",
    "common_failures", "class_plans", "plans_figure", "demo_class", "HIDDEN_FAILURE",
]

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
_NUMBER = re.compile(r"(?<![A-Za-z_\d])-?\d+(?:\.\d+)?(?![A-Za-z_\d])")


def _first_line(text: str) -> str:
    for line in str(text).splitlines():
        if line.strip():
            return line.strip()
    return ""


def _headline(evalue: str) -> str:
    """The first line of a message, with its first bullet when the line only announces a list."""
    lines = [ln.strip() for ln in str(evalue).splitlines() if ln.strip()]
    if not lines:
        return ""
    head = lines[0]
    if head.endswith((":", ":")) and len(lines) > 1 and lines[1].startswith(("-", "·")):
        head = f"{head}{lines[1].lstrip('-· ')}"
    return head


def normalise_message(ename: str, evalue: str) -> str:
    """A failure message reduced to its kind: the Chinese sentence, numbers replaced by ``#``."""
    text = _headline(evalue)
    if not text or ename == "AssertionError" or "隐藏测试" in text:
        return HIDDEN_FAILURE
    text = re.sub("^第\\d+题([(\uff08][^)\uff09]*[)\uff09])?[:\uff1a]", "", text)  # the question is its own column
    return _NUMBER.sub("#", text)[:160]


def _test_cells(nb: dict) -> Iterable[tuple[str, dict]]:
    for cell in nb.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.get("cell_type") == "code" and meta.get("grade") and not meta.get("solution"):
            yield str(meta.get("grade_id")), cell


def failure_messages(course: ClassCourse, assignment: str, notebook: str | None = None) -> pd.DataFrame:
    """One row per failed autograded test cell: student, question, error kind and message."""
    notebook = notebook or assignment
    rows = []
    base = course.root / "autograded"
    for path in sorted(base.glob(f"*/{assignment}/{notebook}.ipynb")):
        student = path.parent.parent.name
        try:
            nb = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            rows.append({"student": student, "question": "(整个笔记本)", "ename": "CorruptNotebook",
                         "message": "评分后的笔记本无法读取", "example": ""})
            continue
        for gid, cell in _test_cells(nb):
            errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
            if errors:
                e = errors[0]
                rows.append({"student": student, "question": gid, "ename": str(e.get("ename", "")),
                             "message": normalise_message(str(e.get("ename", "")), str(e.get("evalue", ""))),
                             "example": _headline(str(e.get("evalue", "")))[:200]})
    return pd.DataFrame(rows, columns=["student", "question", "ename", "message", "example"])


def common_failures(course: ClassCourse, assignment: str, top: int = 10, notebook: str | None = None) -> pd.DataFrame:
    """The ``top`` commonest failure messages: question, message, how many students, one example."""
    f = failure_messages(course, assignment, notebook)
    cols = ["题目", "问题", "人数", "学员", "示例"]
    if f.empty:
        return pd.DataFrame(columns=cols)
    g = f.groupby(["question", "message"], sort=False)
    out = pd.DataFrame({
        "人数": g["student"].nunique(),
        "学员": g["student"].agg(lambda s: "、".join(sorted(set(s)))),
        "示例": g["example"].first(),
    }).reset_index().rename(columns={"question": "题目", "message": "问题"})
    return out.sort_values(["人数", "题目"], ascending=[False, True], kind="stable").head(top).reset_index(drop=True)[cols]


# ------------------------------------------------------------------------------ capstone plans
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
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
_GIVEN = ("伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "艳", "杰", "涛", "明", "超", "霞", "平", "刚")


def _variant_plan(solution: list[dict], kind: str, rng: np.random.Generator) -> Any:
    """The solution plan changed the way real students go wrong (or right)."""
    plan = copy.deepcopy(solution)
    pick = int(rng.integers(0, len(plan)))
    if kind == "tuned":  # a different but sound design
        for p in plan:
            p["personalization"] = float(round(rng.uniform(0.75, 0.95), 2))
            p["budget_yuan"] = float(rng.choice([1500.0, 1800.0, 2000.0]))
            p["target_tier"] = str(rng.choice(["全部", "活跃粉"]))
    elif kind == "over_budget":
        for p in plan:
            p["budget_yuan"] = 3000.0
    elif kind == "overlap":
        plan[1]["launch_date"] = plan[0]["launch_date"]
        plan[1]["idea_date"] = plan[0]["idea_date"]
    elif kind == "one_type":
        for p in plan:
            p["scene_type"], p["battle"] = "促销", "引流入店"
        for i, p in enumerate(plan):  # keep them apart in time
            p["name"] = f"引流{i + 1}"
    elif kind == "weak":  # slow, long, broadcast, for the dormant fans: valid but poor
        plan[pick].update(scene_type="交易", battle="二次购买", target_tier="沉睡粉", personalization=0.2,
                          channels=["广告"])
    elif kind == "wrong_squad":
        plan[pick]["squad_id"] = int(plan[pick]["squad_id"]) + 1
    elif kind == "two_scenes":
        plan = plan[:2]
    elif kind == "blank":
        return None
    return plan


DEMO_KINDS: tuple[str, ...] = (
    "solution", "tuned", "tuned", "tuned", "over_budget", "overlap", "one_type", "weak", "wrong_squad",
    "two_scenes", "blank", "tuned",
)


def _run_check(fn: Any, *args: Any, **kwargs: Any) -> tuple[bool, list[dict]]:
    """Run a public check as the notebook would; its outputs in nbformat's shape."""
    import io

    buf = io.StringIO()
    try:
        with contextlib.redirect_stdout(buf):
            fn(*args, **kwargs)
    except AnswerError as e:
        outs = [{"output_type": "stream", "name": "stdout", "text": buf.getvalue()}] if buf.getvalue() else []
        return False, outs + [{"output_type": "error", "ename": "AnswerError", "evalue": str(e),
                               "traceback": e._render_traceback_()}]
    return True, [{"output_type": "stream", "name": "stdout", "text": buf.getvalue()}]


def demo_class(root: str | Path, ds: Any = None, world: Any = None, seed: int = 2015,
               kinds: Iterable[str] = DEMO_KINDS) -> ClassCourse:
    """Build a small graded class for the capstone in ``root`` (seeded, deterministic).

    Each student's plan is the capstone solution changed in one typical way (``kinds``); the capstone's
    real public checks decide the autograded scores and write the outputs a graded notebook carries;
    the memo gets a seeded manual score. The gradebook is nbgrader's own (``gradebook.db``).
    """
    import warnings

    from nbgrader.api import Gradebook

    root = Path(root)
    rng = np.random.default_rng(seed)
    ds = ds if ds is not None else o2o.load()
    if world is None:
        world = World.from_dataset(ds)
    store = capstone_store(ds)
    squad = int(ds.squads.loc[ds.squads["store_id"] == store, "squad_id"].iloc[0])
    common = dict(initiator="一线小分队", squad_id=squad, store_ids=[store], channels=["朋友圈", "店内"],
                  personalization=0.9, incentive_type="满减", incentive_yuan=5.0, budget_yuan=2000.0, target_tier="全部")
    solution = [
        dict(name="自团购", scene_type="交易", battle="自团购", idea_date="2015-10-07", launch_date="2015-10-08",
             duration_days=7, **common),
        dict(name="附近异业", scene_type="支付", battle="附近异业", idea_date="2015-11-03", launch_date="2015-11-04",
             duration_days=7, **common),
        dict(name="引流入店", scene_type="促销", battle="引流入店", idea_date="2015-12-01", launch_date="2015-12-02",
             duration_days=5, **common),
    ]
    src_path = source_notebook("capstone")
    source = json.loads(src_path.read_text(encoding="utf-8"))
    m = marks("capstone", src_path)
    rules = dict(max_total_budget=6000.0, min_scene_types=2, launch_from="2015-10-01", launch_to="2015-12-20")

    root.mkdir(parents=True, exist_ok=True)
    db = root / "gradebook.db"
    if db.exists():
        db.unlink()
    course = ClassCourse(root)
    with _alembic_on_path(), warnings.catch_warnings(), Gradebook(course.db_url) as gb:
        warnings.simplefilter("ignore")  # nbgrader's add_submission trips an SQLAlchemy autoflush warning
        gb.add_assignment("capstone")
        gb.add_notebook("capstone", "capstone")
        for cell in m.cells:
            gb.add_grade_cell(cell.grade_id, "capstone", "capstone", max_score=cell.points,
                              cell_type="markdown" if cell.manual else "code")
            if cell.manual:
                gb.add_solution_cell(cell.grade_id, "capstone", "capstone")
        for i, kind in enumerate(kinds, 1):
            sid = f"s{i:02d}"
            surname = _SURNAMES[int(rng.integers(0, len(_SURNAMES)))]
            given = _GIVEN[int(rng.integers(0, len(_GIVEN)))]
            gb.add_student(sid, first_name=given, last_name=surname)
            gb.add_submission("capstone", sid)
            plan = solution if kind == "solution" else _variant_plan(solution, kind, rng)
            nb = copy.deepcopy(source)
            outputs: dict[str, tuple[bool, list[dict]]] = {}
            for gid, fn, kw in (("q1-test", checks.check_plan, rules),
                                ("q2-test", checks.check_plan_results,
                                 dict(max_total_budget=6000.0, min_overall=65.0, min_margin_ratio=1.2))):
                outputs[gid] = _run_check(fn, plan, "capstone_plan", "第1题" if gid == "q1-test" else "第2题",
                                          world, store=store, **kw)
            for cell in nb["cells"]:
                gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
                if gid == "q1-answer":
                    cell["source"] = "capstone_plan = " + (json.dumps(plan, ensure_ascii=False, indent=1)
                                                           if plan is not None else "None")
                if gid in outputs:
                    cell["outputs"] = outputs[gid][1]
            for cell in m.cells:
                grade = gb.find_grade(cell.grade_id, "capstone", "capstone", sid)
                if cell.manual:
                    grade.manual_score = 0.0 if plan is None else float(rng.integers(4, int(cell.points) + 1))
                    grade.needs_manual_grade = False
                else:
                    grade.auto_score = cell.points if outputs[cell.grade_id][0] else 0.0
                    grade.needs_manual_grade = False
            gb.db.commit()
            out = course.autograded_notebook(sid, "capstone", "capstone")
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")
    return course
