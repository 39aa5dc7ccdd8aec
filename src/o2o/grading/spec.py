"""What a notebook of an assignment should contain, read from nbgrader's gradebook and release.

The trusted content of every graded, locked and test cell comes from the gradebook (where
``nbgrader generate_assignment`` stored it, hidden tests included); the order of cells and their
metadata come from the released notebook.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class CellSpec:
    grade_id: str
    cell_type: str
    kind: str  # "answer" (autograded answer), "manual" (graded answer), "test", "locked", "task"
    source: str  # trusted source (gradebook); for answers the released template
    checksum: str | None
    cell_id: str | None
    nbgrader: dict[str, Any]  # metadata.nbgrader as released (checksum from the gradebook)
    points: float | None = None

    @property
    def editable(self) -> bool:
        return self.kind in ("answer", "manual")


@dataclass
class NotebookSpec:
    name: str
    cells: list[CellSpec]
    metadata: dict[str, Any]
    release_nb: dict[str, Any] = field(repr=False, default_factory=dict)

    def by_id(self) -> dict[str, CellSpec]:
        return {c.grade_id: c for c in self.cells}


def _kind(md: dict[str, Any]) -> str:
    if md.get("task"):
        return "task"
    grade, solution = bool(md.get("grade")), bool(md.get("solution"))
    if solution and grade:
        return "manual"
    if solution:
        return "answer"
    if grade:
        return "test"
    return "locked"


def build_specs(gb: Any, assignment_id: str, release_dir: Path) -> dict[str, NotebookSpec]:
    """One :class:`NotebookSpec` per notebook of the assignment (nbgrader ``Gradebook`` ``gb``)."""
    assignment = gb.find_assignment(assignment_id)
    specs: dict[str, NotebookSpec] = {}
    for notebook in assignment.notebooks:
        release_path = release_dir / f"{notebook.name}.ipynb"
        release = json.loads(release_path.read_text(encoding="utf-8"))
        sources = {c.name: c for c in notebook.source_cells}
        graded = {c.name: c for c in notebook.grade_cells}
        cells: list[CellSpec] = []
        for cell in release["cells"]:
            md = cell.get("metadata", {}).get("nbgrader")
            if not md or "grade_id" not in md or md["grade_id"] not in sources:
                continue
            sc = sources[md["grade_id"]]
            nbmd = copy.deepcopy(md)
            nbmd["checksum"] = sc.checksum
            gc = graded.get(sc.name)
            cells.append(CellSpec(
                grade_id=sc.name, cell_type=sc.cell_type, kind=_kind(md),
                source=sc.source, checksum=sc.checksum, cell_id=cell.get("id"), nbgrader=nbmd,
                points=float(gc.max_score) if gc is not None else None))
        specs[notebook.name] = NotebookSpec(notebook.name, cells, release.get("metadata", {}), release)
    return specs


def spec_to_dict(spec: NotebookSpec) -> dict[str, Any]:
    return {"name": spec.name, "metadata": spec.metadata, "release_nb": spec.release_nb,
            "cells": [c.__dict__ for c in spec.cells]}


def spec_from_dict(d: dict[str, Any]) -> NotebookSpec:
    return NotebookSpec(d["name"], [CellSpec(**c) for c in d["cells"]], d["metadata"], d["release_nb"])
