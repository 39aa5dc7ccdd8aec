"""Feedback without test code: error tracebacks of test cells reduced to their message.

A failing hidden test raises inside the test cell, and IPython's traceback quotes the lines around
the failing one — the hidden test's own code. nbgrader copies that traceback into the feedback
students receive. :class:`ShortTestErrors`, listed in ``GenerateFeedback.preprocessors`` by the
course configuration, replaces the traceback of every error in a test cell by one line: the public
checks' own bilingual message (``AnswerError`` already renders without frames) or, for anything
else, a note that a hidden test did not pass, with the error's name.
"""

from __future__ import annotations

from typing import Any

from nbgrader.preprocessors import NbGraderPreprocessor

HIDDEN_FAIL_ZH = "❌ 隐藏测试未通过:答案的数值或类型与题目要求不符(测试内容不向学生显示)。"
HIDDEN_FAIL_EN = "   A hidden test did not pass: the answer's value or type does not meet the question (tests are not shown)."


def short_traceback(output: dict[str, Any]) -> list[str]:
    """The lines a student may see for an error output of a test cell."""
    ename = str(output.get("ename", ""))
    evalue = str(output.get("evalue", ""))
    if ename == "AnswerError":
        lines = evalue.splitlines() or [ename]
        return [f"❌ {lines[0]}", *(f"   {line}" for line in lines[1:])]
    detail = f"({ename}: {evalue.splitlines()[0][:200]})" if evalue.strip() else f"({ename})"
    return [HIDDEN_FAIL_ZH, HIDDEN_FAIL_EN, f"   {detail}"]


def is_test_cell(cell: Any) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


class ShortTestErrors(NbGraderPreprocessor):
    """nbgrader preprocessor: test cells' error tracebacks become one or two plain lines."""

    def preprocess_cell(self, cell: Any, resources: Any, index: int) -> tuple[Any, Any]:
        if is_test_cell(cell):
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error":
                    out["traceback"] = short_traceback(out)
        return cell, resources
