"""Make graded notebooks safe to show: no hidden tests, no student HTML or script.

Used twice: the grading worker sanitizes every autograded notebook it writes (so formgrader and
``nbgrader generate_feedback`` only ever see safe content), and :class:`SanitizeFeedback` is an
nbgrader preprocessor the course configuration adds to ``GenerateFeedback.preprocessors`` so that
feedback made from notebooks graded by plain ``nbgrader autograde`` is safe too.
"""

from __future__ import annotations

import html
import re
from typing import Any

from nbgrader.preprocessors import NbGraderPreprocessor

from .trusted import hidden_ranges

HIDDEN_NOTE = "# (隐藏测试不向学生显示 / hidden tests are not shown)"
SAFE_IMAGE = re.compile(r"^[A-Za-z0-9+/=\s]*$")


def remove_hidden(source: str) -> str:
    """Replace every hidden-test region with a one-line note."""
    ranges = hidden_ranges(source)
    if not ranges:
        return source
    lines = source.split("\n")
    out: list[str] = []
    for i, line in enumerate(lines, 1):
        r = next((r for r in ranges if r[0] <= i <= r[1]), None)
        if r is None:
            out.append(line)
        elif i == r[0]:
            out.append(HIDDEN_NOTE)
    return "\n".join(out)


def sanitize_output(out: dict[str, Any]) -> dict[str, Any]:
    """Keep text, plain-text reprs and raster images; drop HTML, JavaScript, SVG, widgets."""
    kind = out.get("output_type")
    if kind == "stream":
        return {"output_type": "stream", "name": out.get("name") if out.get("name") in ("stdout", "stderr") else "stdout",
                "text": str(out.get("text", ""))}
    if kind == "error":
        return {"output_type": "error", "ename": str(out.get("ename", "")), "evalue": str(out.get("evalue", "")),
                "traceback": [str(t) for t in out.get("traceback", [])]}
    data = out.get("data", {}) if isinstance(out.get("data"), dict) else {}
    safe: dict[str, Any] = {}
    text = data.get("text/plain")
    if isinstance(text, list):
        text = "".join(map(str, text))
    if isinstance(text, str):
        safe["text/plain"] = text
    for mime in ("image/png", "image/jpeg"):
        img = data.get(mime)
        if isinstance(img, str) and SAFE_IMAGE.match(img):
            safe[mime] = img
    dropped = [m for m in data if m not in safe]
    if not safe:
        safe["text/plain"] = "[输出含有网页内容,已省略 / rich output omitted]" if dropped else ""
    res = {"output_type": kind if kind in ("display_data", "execute_result") else "display_data",
           "data": safe, "metadata": {}}
    if res["output_type"] == "execute_result":
        res["execution_count"] = out.get("execution_count")
    return res


def escape_markdown(source: str) -> str:
    """Neutralise raw HTML and script links in a student's markdown (renders the same text)."""
    s = source.replace("&", "&amp;").replace("<", "&lt;")
    # a space inside the scheme stops it being a URL scheme at all (an entity would be decoded back)
    return re.sub(r"(?i)\b(java|vb)(script)\s*:", r"\1 \2 :", s)


def sanitize_notebook(nb: dict[str, Any], release_sources: dict[str, str] | None = None) -> dict[str, Any]:
    """Sanitize in place: hidden tests out of sources, outputs reduced to safe types, student markdown escaped."""
    release_sources = release_sources or {}
    for cell in nb.get("cells", []):
        src = cell.get("source", "")
        if isinstance(src, list):
            src = "".join(src)
        cell["source"] = remove_hidden(src)
        if cell.get("cell_type") == "code":
            cell["outputs"] = [sanitize_output(o) for o in cell.get("outputs", [])]
        elif cell.get("cell_type") == "markdown":
            md = cell.get("metadata", {}).get("nbgrader", {})
            student_owned = not md or md.get("solution")
            gid = md.get("grade_id") if md else None
            if student_owned and (gid is None or cell["source"] != release_sources.get(gid)):
                cell["source"] = escape_markdown(cell["source"])
        cell.pop("attachments", None)
    return nb


class SanitizeFeedback(NbGraderPreprocessor):
    """nbgrader preprocessor for ``GenerateFeedback``: hidden tests out, student HTML/script escaped."""

    def preprocess(self, nb: Any, resources: Any) -> tuple[Any, Any]:
        from nbformat import from_dict

        cleaned = sanitize_notebook(_to_plain(nb))
        return from_dict(cleaned), resources


def _to_plain(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _to_plain(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_to_plain(v) for v in obj]
    return obj
