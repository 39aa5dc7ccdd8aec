"""The capstone memos' analyses of a whole class side by side: each student's answers read back as data
(never by running their code) next to the answers of their own data variant."""

from __future__ import annotations

import ast
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from o2o.assignments import capstone as C
from o2o.data import variants as V

from .gradebook import ClassCourse, _gradebook

MAX_NOTEBOOK_BYTES = 20_000_000
MAX_ANSWER_CHARS = 20_000
COLUMNS = ["student", "版本", "区域", "第1题效果", "正确效果", "看未来", "就绪门店(答)", "就绪门店(应)", "批次(答)",
           "批次(应)", "权益", "复盘", "自动题答对", "与他人版本相符", "状态"]
VARIANT_QUESTIONS = ("q1-answer", "q2-answer")   # the answers a variant changes (q3 follows from q2)


def _literal(text: Any) -> Any:
    text = "".join(text) if isinstance(text, list) else text
    if not isinstance(text, str) or len(text) > MAX_ANSWER_CHARS:
        return None
    try:
        return ast.literal_eval(text.strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None


def _from_source(source: Any, var: str) -> Any:
    """The literal a cell's code assigns to ``var`` last (the code is parsed, never run)."""
    src = "".join(source) if isinstance(source, list) else source
    if not isinstance(src, str) or len(src) > MAX_ANSWER_CHARS:
        return None
    try:
        tree = ast.parse(src)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None
    found = None
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == var for t in node.targets):
            try:
                found = ast.literal_eval(node.value)
            except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
                found = None
    return found


def _read(path: Path) -> dict | None:
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_NOTEBOOK_BYTES:
            return None
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    return nb if isinstance(nb, dict) and isinstance(nb.get("cells"), list) else None


def student_answers(course: ClassCourse, student: str, assignment: str = "capstone") -> dict[str, Any]:
    """A student's capstone answers by answer cell: the value the cell displayed when it was graded, else a
    literal its code assigns; ``None`` when neither can be read."""
    out: dict[str, Any] = {gid: None for gid in C.VARIABLES}
    for path in (course.autograded_notebook(student, assignment, assignment),
                 course.submitted_notebook(student, assignment, assignment)):
        nb = _read(path)
        for cell in (nb or {}).get("cells", []):
            meta = cell.get("metadata", {}) if isinstance(cell, dict) else {}
            gid = meta.get("nbgrader", {}).get("grade_id") if isinstance(meta.get("nbgrader"), dict) else None
            if gid not in out or out[gid] is not None:
                continue
            for o in reversed(cell.get("outputs") or []):
                if isinstance(o, dict) and o.get("output_type") == "execute_result" and isinstance(o.get("data"), dict):
                    out[gid] = _literal(o["data"].get("text/plain"))
                    break
            if out[gid] is None:
                out[gid] = _from_source(cell.get("source", ""), C.VARIABLES[gid])
    return out


def class_rollouts(course: ClassCourse, ds: Any = None, assignment: str = "capstone",
                   students: Iterable[str] | None = None, secret_file: str | Path | None = None,
                   data: str | Path | None = None) -> pd.DataFrame:
    """The class's capstone analyses side by side, each against the student's own variant (with
    ``secret_file``) or the shared case ``ds``: the effect they estimated and whether it looked ahead,
    how many stores they found ready and the waves they planned, their two judgments, and how many
    autograded answers the hidden tests' rules accept."""
    if students is None:
        with _gradebook(course) as gb:
            students = sorted(s.student.id for s in gb.assignment_submissions(assignment))
    secret = V.read_secret(secret_file) if secret_file is not None else None
    base = ds if ds is not None else V.VariantDataset(data, validate=False)
    facts = {}
    for s in students:   # one variant at a time: each holds its own copy of daily_sales
        own = base if secret is None else V.VariantDataset(validate=False, base=base,
                                                           variant=V.from_key(V.variant_key(secret, s)))
        facts[s] = {"expected": C.answers(own), "region": C.region(own),
                    "label": getattr(getattr(own, "variant", None), "label", "base"),
                    "late": float(C.pilot_effect(own, lookahead=True).pct)}
    expected = {s: f["expected"] for s, f in facts.items()}
    rows = []
    for s, f in facts.items():
        given = student_answers(course, s, assignment)
        ok = C.marked(given, f["expected"])
        rows.append(_row(s, f, given, ok, _matches(s, given, ok, expected)))
    df = pd.DataFrame(rows, columns=COLUMNS)
    return df.sort_values(["自动题答对", "student"], ascending=[False, True]).reset_index(drop=True)


def _matches(student: str, given: dict, ok: dict, expected: dict[str, dict]) -> str:
    """Answers wrong for the student's own variant but right for a classmate's: evidence to talk about,
    never a penalty (two variants can share an answer by chance)."""
    found = []
    for other, exp in expected.items():
        if other == student:
            continue
        theirs = C.marked(given, exp)
        found += [f"{other}({gid[:2]})" for gid in VARIANT_QUESTIONS if theirs[gid] and not ok[gid]]
    return " ".join(found)


def _row(s: str, f: dict, given: dict, ok: dict, matches: str) -> dict:
    exp = f["expected"]
    q1, q2, q3 = given["q1-answer"], given["q2-answer"], given["q3-answer"]
    blank = all(v is None for v in given.values())
    ahead = C.ahead_of(q1, float(exp["q1-answer"]), f["late"])
    return {
        "student": s, "版本": f["label"], "区域": f["region"],
        "第1题效果": float(q1) if type(q1) is float else np.nan, "正确效果": round(float(exp["q1-answer"]), 4),
        "看未来": ahead,
        "就绪门店(答)": len(q2) if isinstance(q2, list) else np.nan, "就绪门店(应)": len(exp["q2-answer"]),
        "批次(答)": " ".join(map(str, q3)) if isinstance(q3, list) else "",
        "批次(应)": " ".join(map(str, exp["q3-answer"])),
        "权益": given["q4-answer"] if isinstance(given["q4-answer"], str) else "",
        "复盘": given["q5-answer"] if isinstance(given["q5-answer"], str) else "",
        "自动题答对": int(sum(ok.values())), "与他人版本相符": matches,
        "状态": "没有可读取的答案" if blank else ("用了方案日期以后的数据" if ahead else "已读取"),
    }


def rollouts_figure(rollouts: pd.DataFrame,
                    title: str = "第1题:各人估计的效果与自己版本的正确值 / q1: estimate vs own variant"):
    """Each student's q1 estimate next to their own variant's right value (look-ahead answers marked)."""
    import plotly.graph_objects as go

    d = rollouts.sort_values("student")
    fig = go.Figure()
    fig.add_trace(go.Bar(name="学员的估计 / answer", x=d["student"], y=d["第1题效果"],
                         marker_color=np.where(d["看未来"], "#d62728", "#1f77b4").tolist(),
                         hovertemplate="%{x}: %{y:+.2%}<extra></extra>"))
    fig.add_trace(go.Scatter(name="正确值 / right value", x=d["student"], y=d["正确效果"], mode="markers",
                             marker=dict(symbol="diamond", size=11, color="#111")))
    fig.update_layout(title=title, yaxis=dict(title="对日销售额的效果 / effect", tickformat="+.0%"), height=420,
                      margin=dict(l=60, r=20, t=60, b=80), legend=dict(orientation="h", y=-0.2))
    return fig
