"""A small seeded demo class (real gradebook, autograded notebooks) so the debrief runs without a cohort."""

from __future__ import annotations

import contextlib
import copy
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

import o2o
from o2o.assignments import capstone as C
from o2o.assignments.catalog import marks, source_notebook
from o2o.assignments.checks import AnswerError
from o2o.errors import GradingError

from .gradebook import ClassCourse, _alembic_on_path


DEMO_MARKER = ".o2o-demo-class"  # written into a demo class's folder; a rebuild checks it

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
_GIVEN = ("伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "艳", "杰", "涛", "明", "超", "霞", "平", "刚")


def _demo_answers(ds: Any, kind: str, expected: dict[str, Any]) -> dict[str, Any]:
    """The capstone's answers, changed the way real students go wrong (or right)."""
    ans = copy.deepcopy(expected)
    if kind == "blank":
        return {gid: None for gid in ans}
    if kind == "rounded":      # rounded as the question asks: still right
        ans["q1-answer"] = round(ans["q1-answer"], C.EFFECT_DECIMALS)
    elif kind == "lookahead":  # the whole year's data in a memo dated 2015-10-01
        ans["q1-answer"] = round(float(C.pilot_effect(ds, lookahead=True).pct), C.EFFECT_DECIMALS)
    elif kind == "rule_slip":  # forgot the fan test: more stores, and waves planned for them
        t = C.store_facts(ds)
        ok = t[(t["leader_capability"] >= C.CAPABLE) & (t["profit_yuan"] > 0)]
        ans["q2-answer"] = [int(x) for x in ok.sort_values(["leader_capability", "store_id"],
                                                            ascending=[False, True])["store_id"]]
        ans["q3-answer"] = C.wave_sizes(len(ans["q2-answer"]))
    elif kind == "big_bang":   # every store at once: no control group, more than the back office can coach
        ans["q3-answer"] = [len(ans["q2-answer"])]
    elif kind == "decree":     # power by decree
        ans["q4-answer"] = "A"
    elif kind == "before_after":
        ans["q5-answer"] = "B"
    return ans


DEMO_KINDS: tuple[str, ...] = (
    "solution", "rounded", "lookahead", "rule_slip", "big_bang", "decree", "before_after", "solution",
    "lookahead", "blank", "decree", "rounded",
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


def _checks(ds: Any) -> dict[str, tuple[Any, tuple]]:
    return {"q1-test": (C.check_effect, (ds, "q1_effect", "第1题")), "q2-test": (C.check_ready, (ds, "q2_ready", "第2题")),
            "q3-test": (C.check_waves, ("q3_waves", "第3题")),
            "q4-test": (C.check_choice, (C.rights_judgment(), "q4_rights", "第4题")),
            "q5-test": (C.check_choice, (C.watch_judgment(), "q5_watch", "第5题"))}


def _graded_outputs(gid: str, fn: Any, args: tuple, answers: dict, right: dict) -> tuple[bool, list[dict]]:
    """A test cell's outputs as grading leaves them: the public check's, then (when it passed) the hidden
    tests' — the judgment's reason for q4/q5, and a failed assertion when they reject the answer."""
    aid = gid.replace("-test", "-answer")
    passed, outs = _run_check(fn, answers[aid], *args)
    if not passed:
        return False, outs
    if gid in ("q4-test", "q5-test"):
        _, said = _run_check(args[0].check, answers[aid])
        outs = outs + said
    if not right[aid]:
        outs = outs + [{"output_type": "error", "ename": "AssertionError", "evalue": "", "traceback": []}]
    return bool(right[aid]), outs


def demo_class(root: str | Path, ds: Any = None, seed: int = 2015, kinds: Iterable[str] = DEMO_KINDS) -> ClassCourse:
    """Build a small graded class for the capstone in ``root`` (seeded, deterministic).

    Each student's answers are the capstone's expected answers changed in one typical way (``kinds``);
    the capstone's real public checks write the outputs a graded notebook carries, and a question scores
    when its public check passes and the hidden tests' rules (:func:`o2o.assignments.capstone.marked`)
    accept the answer; the memo gets a seeded manual score. The gradebook is nbgrader's own (``gradebook.db``).
    """
    import warnings

    from nbgrader.api import Gradebook

    root = Path(root)
    rng = np.random.default_rng(seed)
    ds = ds if ds is not None else o2o.load()
    expected = C.answers(ds)
    src_path = source_notebook("capstone")
    source = json.loads(src_path.read_text(encoding="utf-8"))
    m = marks("capstone", src_path)

    root.mkdir(parents=True, exist_ok=True)
    db = root / "gradebook.db"
    if db.exists():  # only a demo class this function made is rebuilt: a real course's gradebook is never touched
        if not (root / DEMO_MARKER).is_file():
            raise GradingError(f"{root} 里已有成绩库 gradebook.db,不是示例班级:请给示例班级换一个新文件夹。",
                               f"{root} already holds a gradebook.db that is not a demo class's: "
                               "give the demo class a new folder.")
        db.unlink()
    (root / DEMO_MARKER).write_text("o2o.debrief.demo_class\n", encoding="utf-8")
    course = ClassCourse(root)
    checks = _checks(ds)
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
            given_name = _GIVEN[int(rng.integers(0, len(_GIVEN)))]
            gb.add_student(sid, first_name=given_name, last_name=surname)
            gb.add_submission("capstone", sid)
            answers = _demo_answers(ds, kind, expected)
            right = C.marked(answers, expected)
            outputs = {gid: _graded_outputs(gid, fn, args, answers, right) for gid, (fn, args) in checks.items()}
            nb = copy.deepcopy(source)
            for cell in nb["cells"]:
                gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
                if gid in C.VARIABLES:
                    value = answers[gid]
                    cell["source"] = f"{C.VARIABLES[gid]} = {value!r}\n{C.VARIABLES[gid]}"
                    cell["outputs"] = [] if value is None else [
                        {"output_type": "execute_result", "execution_count": None, "metadata": {},
                         "data": {"text/plain": repr(value)}}]
                if gid in outputs:
                    cell["outputs"] = outputs[gid][1]
            for cell in m.cells:
                grade = gb.find_grade(cell.grade_id, "capstone", "capstone", sid)
                if cell.manual:
                    grade.manual_score = 0.0 if kind == "blank" else float(rng.integers(4, int(cell.points) + 1))
                else:
                    grade.auto_score = cell.points if outputs[cell.grade_id][0] else 0.0
                grade.needs_manual_grade = False
            gb.db.commit()
            out = course.autograded_notebook(sid, "capstone", "capstone")
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")
    return course
