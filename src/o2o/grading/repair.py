"""Bring any submitted notebook back to a shape nbgrader can grade, and say what was wrong.

nbgrader stops a whole batch on some broken submissions (duplicated grade ids, stripped metadata,
changed cell types, corrupt JSON). Here every submission is rebuilt on the released skeleton:

* locked, test and task cells always come from the gradebook (trusted source, hidden tests included),
  like nbgrader's ``OverwriteCells`` does for locked cells;
* answer cells come from the student, found by grade id, or - when the student's copy lost or changed
  its nbgrader metadata - by the cell id it was released with;
* cells the student added stay where the student put them, as plain cells;
* duplicates keep the first copy; outputs are cleared; cell ids are made unique;
* a corrupt or missing notebook is graded as the released (blank) notebook.

Every repair adds a :class:`Flag` so the summary tells the instructor.
"""

from __future__ import annotations

import copy
import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .inert import inert
from .screen import Unsafe, read_bounded
from .spec import CellSpec, NotebookSpec
from .trusted import strip_hidden


@dataclass(frozen=True)
class Flag:
    code: str
    zh: str
    en: str

    def text(self) -> str:
        return f"{self.zh} / {self.en}"


def flag(code: str, zh: str, en: str) -> Flag:
    return Flag(code, zh, en)


def read_notebook(path: Path) -> tuple[dict[str, Any] | None, list[Flag]]:
    """Parse a submitted notebook without trusting it; None when it cannot be used at all."""
    name = inert(path.name)
    try:
        raw = read_bounded(path, 50_000_000)
    except Unsafe as e:
        if str(e) == "too_big":
            return None, [flag("too_big", f"{name} 过大", f"{name} is too large")]
        return None, [flag("refused", f"{name} 不是普通文件(链接、设备或管道),已拒绝",
                           f"{name} is not a plain file (link, device or FIFO); refused")]
    except OSError:
        return None, [flag("missing", f"缺少笔记本 {name}", f"notebook {name} is missing")]
    try:
        nb = json.loads(raw.decode("utf-8", errors="replace"))
    except ValueError:
        return None, [flag("corrupt_json", f"{name} 不是有效的 JSON,按空白作业评分",
                           f"{name} is not valid JSON; graded as blank")]
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list) or nb.get("nbformat") != 4:
        return None, [flag("corrupt_nb", f"{name} 不是 nbformat 4 笔记本,按空白作业评分",
                           f"{name} is not an nbformat 4 notebook; graded as blank")]
    return nb, []


def _source(cell: dict[str, Any]) -> str:
    s = cell.get("source", "")
    if isinstance(s, list):
        s = "".join(x for x in s if isinstance(x, str))
    return s if isinstance(s, str) else ""


def _nbmeta(cell: dict[str, Any]) -> dict[str, Any] | None:
    md = cell.get("metadata")
    if not isinstance(md, dict):
        return None
    nbmd = md.get("nbgrader")
    if not isinstance(nbmd, dict) or not isinstance(nbmd.get("grade_id"), str):
        return None
    return nbmd


def _plain(cell: dict[str, Any], used_ids: set[str]) -> dict[str, Any] | None:
    ctype = cell.get("cell_type")
    if ctype not in ("code", "markdown", "raw"):
        return None
    cid = cell.get("id")
    if not isinstance(cid, str) or cid in used_ids or not (1 <= len(cid) <= 64):
        cid = uuid.uuid4().hex[:12]
    used_ids.add(cid)
    out: dict[str, Any] = {"cell_type": ctype, "id": cid, "metadata": {}, "source": _source(cell)}
    if ctype == "code":
        out["outputs"] = []
        out["execution_count"] = None
    return out


def _canonical(spec: CellSpec, source: str, used_ids: set[str]) -> dict[str, Any]:
    cid = spec.cell_id if spec.cell_id and spec.cell_id not in used_ids else uuid.uuid4().hex[:12]
    used_ids.add(cid)
    md: dict[str, Any] = {"nbgrader": copy.deepcopy(spec.nbgrader)}
    if not spec.editable:
        md["editable"] = False
        md["deletable"] = False
    cell: dict[str, Any] = {"cell_type": spec.cell_type, "id": cid, "metadata": md, "source": source}
    if spec.cell_type == "code":
        cell["outputs"] = []
        cell["execution_count"] = None
    return cell


def repair(nb: dict[str, Any] | None, spec: NotebookSpec) -> tuple[dict[str, Any], list[Flag]]:
    """A gradable notebook built from ``nb`` (or the blank release when ``nb`` is None)."""
    flags: list[Flag] = []
    wanted = spec.by_id()
    order = {c.grade_id: i for i, c in enumerate(spec.cells)}
    release_ids = {c.cell_id: c.grade_id for c in spec.cells if c.cell_id}
    student_cells = [c for c in (nb or {}).get("cells", []) if isinstance(c, dict)] if nb else []

    anchors: dict[str, dict[str, Any]] = {}
    buckets: dict[int, list[dict[str, Any]]] = {-1: []}
    current = -1
    seen_dup: set[str] = set()
    changed: set[str] = set()
    for cell in student_cells:
        nbmd = _nbmeta(cell)
        gid = nbmd["grade_id"] if nbmd else None
        if gid in wanted and gid not in anchors:
            anchors[gid] = cell
            current = order[gid]
            continue
        if gid in wanted:
            if gid not in seen_dup:
                seen_dup.add(gid)
                flags.append(flag("duplicate", f"重复的单元格 {gid}:只保留第一个", f"duplicate cell {gid}: kept the first"))
            continue
        # recover an answer cell whose nbgrader metadata was stripped or whose grade id changed
        cid = cell.get("id")
        rec = release_ids.get(cid) if isinstance(cid, str) else None
        if rec and rec not in anchors and wanted[rec].editable:
            anchors[rec] = cell
            current = order[rec]
            changed.add(rec)
            continue
        if gid is not None:
            flags.append(flag("unknown_id", f"未知的 grade id {inert(gid, 40)}:当作普通单元格",
                              f"unknown grade id {inert(gid, 40)}: treated as a plain cell"))
        buckets.setdefault(current, []).append(cell)

    for gid in sorted(changed, key=order.get):
        flags.append(flag("metadata_repaired", f"单元格 {gid} 的 nbgrader 元数据被改动,已按发布版本恢复",
                          f"cell {gid} had its nbgrader metadata changed; restored from the release"))

    used: set[str] = set()
    out_cells: list[dict[str, Any]] = []

    def emit_bucket(i: int) -> None:
        for c in buckets.get(i, []):
            p = _plain(c, used)
            if p is not None:
                out_cells.append(p)

    emit_bucket(-1)
    for i, spec_cell in enumerate(spec.cells):
        got = anchors.get(spec_cell.grade_id)
        if spec_cell.editable:
            if got is None:
                if nb is not None:
                    flags.append(flag("missing_cell", f"缺少答题单元格 {spec_cell.grade_id},按未作答处理",
                                      f"answer cell {spec_cell.grade_id} is missing; treated as unanswered"))
                source = spec_cell.source
            else:
                source = _source(got)
            out_cells.append(_canonical(spec_cell, source, used))
        else:
            if nb is not None:
                if got is None:
                    flags.append(flag("restored_cell", f"单元格 {spec_cell.grade_id} 被删除,已从源文件恢复",
                                      f"cell {spec_cell.grade_id} was deleted; restored from the source"))
                elif spec_cell.kind != "test" and _source(got) != spec_cell.source:
                    flags.append(flag("edited_locked", f"只读单元格 {spec_cell.grade_id} 被修改,已恢复",
                                      f"read-only cell {spec_cell.grade_id} was edited; restored"))
                elif spec_cell.kind == "test" and _source(got).strip() not in _public_forms(spec_cell.source):
                    flags.append(flag("edited_test", f"测试单元格 {spec_cell.grade_id} 被修改,已恢复",
                                      f"test cell {spec_cell.grade_id} was edited; restored"))
            out_cells.append(_canonical(spec_cell, spec_cell.source, used))
        emit_bucket(i)

    metadata = copy.deepcopy(spec.metadata)
    repaired = {"cells": out_cells, "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}
    return repaired, flags


def _public_forms(source: str) -> set[str]:
    return {source.strip(), strip_hidden(source).strip()}
