"""What each graded assignment contains and is worth, read from its nbgrader source notebook.

The numbers come from the notebooks' own nbgrader metadata, so they cannot drift from
what ``nbgrader autograde`` and formgrader use:

>>> from o2o.assignments.catalog import marks
>>> m = marks("m1-o2o-basics")
>>> (m.auto, m.manual)
(10.0, 5.0)
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from o2o.assignments import ASSIGNMENTS
from o2o.errors import GradingError

__all__ = ["ASSIGNMENTS", "Marks", "GradeCell", "Precision", "source_dir", "source_notebook", "marks",
           "asked_precision"]


@dataclass(frozen=True)
class GradeCell:
    """One graded cell: its nbgrader grade id, points, and whether a person grades it."""

    grade_id: str
    points: float
    manual: bool


@dataclass(frozen=True)
class Marks:
    """The marks of one assignment: autograded and manually graded totals, cell by cell."""

    name: str
    cells: tuple[GradeCell, ...] = field(default_factory=tuple)

    @property
    def auto(self) -> float:
        """Points carried by autograded test cells (hidden tests)."""
        return float(sum(c.points for c in self.cells if not c.manual))

    @property
    def manual(self) -> float:
        """Points of written answers graded by the instructor in formgrader."""
        return float(sum(c.points for c in self.cells if c.manual))

    @property
    def total(self) -> float:
        return self.auto + self.manual


def source_dir() -> Path:
    """The course's ``assignments/source`` folder (repository checkout)."""
    here = Path(__file__).resolve()
    for d in here.parents:
        candidate = d / "assignments" / "source"
        if candidate.is_dir():
            return candidate
    raise GradingError(
        "找不到 assignments/source 目录:请在课程仓库中使用评分功能。",
        "No assignments/source folder found: grading runs from the course repository.",
    )


def source_notebook(name: str, root: Path | None = None) -> Path:
    """Path of an assignment's source notebook."""
    if name not in ASSIGNMENTS:
        raise GradingError(
            f"没有名为 {name!r} 的作业。可选:{'、'.join(ASSIGNMENTS)}",
            f"No assignment named {name!r}. Choose one of: {', '.join(ASSIGNMENTS)}",
        )
    base = Path(root) if root is not None else source_dir()
    return base / name / f"{name}.ipynb"


def marks(name: str, notebook: Path | None = None) -> Marks:
    """The graded cells of an assignment (from ``notebook`` or its source notebook)."""
    path = Path(notebook) if notebook is not None else source_notebook(name)
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = []
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade"):
            cells.append(
                GradeCell(
                    grade_id=str(meta["grade_id"]),
                    points=float(meta.get("points", 0)),
                    manual=bool(meta.get("solution")) or bool(meta.get("task")),
                )
            )
    return Marks(name=name, cells=tuple(cells))


_DIGITS = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4}
_ASKED = re.compile(r"保留([一两二三四])位小数")
_ANSWER_VAR = re.compile(r"^(\w+) = None", re.MULTILINE)
_TOLERANCE = re.compile(r"<= ([0-9.]+) \+ 1e-9")


@dataclass(frozen=True)
class Precision:
    """The precision a numeric question asks for, and the tolerance its hidden test grants."""

    grade_id: str           # the answer cell
    variable: str
    decimals: int           # "保留N位小数" in the question
    tolerance: float | None  # "<= T + 1e-9" in the hidden test (None: not found)


def _source(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def asked_precision(name: str, notebook: Path | None = None) -> tuple[Precision, ...]:
    """Every answer whose question asks for a number of decimals, with its hidden test's tolerance.

    A question that says 保留N位小数 must accept any answer within half a unit of the N-th decimal,
    so a correctly rounded answer gets full marks.
    """
    path = Path(notebook) if notebook is not None else source_notebook(name)
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    found = []
    for i, cell in enumerate(cells):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell["cell_type"] != "code" or not meta.get("solution") or i == 0 or i + 1 >= len(cells):
            continue
        asked = _ASKED.search(_source(cells[i - 1]))
        var = _ANSWER_VAR.search(_source(cell))
        if asked and var:
            tol = _TOLERANCE.search(_source(cells[i + 1]))
            found.append(Precision(str(meta["grade_id"]), var.group(1), _DIGITS[asked.group(1)],
                                   float(tol.group(1)) if tol else None))
    return tuple(found)
