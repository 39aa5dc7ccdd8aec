"""The commonest failure messages of a class, read from the autograded notebooks' test cells."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

import pandas as pd

from .gradebook import HIDDEN_FAILURE, ClassCourse


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

