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
from o2o.assignments import checks
from o2o.assignments.catalog import marks, source_notebook
from o2o.assignments.checks import AnswerError
from o2o.assignments.plans import capstone_store
from o2o.errors import GradingError
from o2o.scenes import World

from .gradebook import ClassCourse, _alembic_on_path


DEMO_MARKER = ".o2o-demo-class"  # written into a demo class's folder; a rebuild checks it

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
    if db.exists():  # only a demo class this function made is rebuilt: a real course's gradebook is never touched
        if not (root / DEMO_MARKER).is_file():
            raise GradingError(f"{root} 里已有成绩库 gradebook.db,不是示例班级:请给示例班级换一个新文件夹。",
                               f"{root} already holds a gradebook.db that is not a demo class's: "
                               "give the demo class a new folder.")
        db.unlink()
    (root / DEMO_MARKER).write_text("o2o.debrief.demo_class\n", encoding="utf-8")
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
