"""Public checks of the graded assignments: immediate feedback in Chinese (and English).

Each autograded question of an assignment ends with a read-only test cell. Its visible
part calls one function of this module on the student's answer; the function either
prints one ``✅`` line or raises :class:`AnswerError`, which Jupyter shows as a short
bilingual message instead of a traceback. The checks look at the *form* of an answer —
its exact type, the keys a table must have, the constraints the question states — never
at the expected value: the marks are carried by the hidden tests of the same cell, which
compute the expected value from the dataset when the notebook is graded.

Types are checked exactly (``type(x) is float``, not ``isinstance``): ``numpy.float64``
and pandas scalars are subclasses or look-alikes that a student converts with
``float(...)``/``int(...)``; an object that pretends to be a number or claims to equal
everything is rejected with a message, not accepted.

>>> check_int(7012, "q1_n_stores", "第1题")
✅ 第1题:格式正确(整数)。最终是否正确由评分时的隐藏测试决定。 / Format OK; hidden tests decide at grading time.
>>> check_float(None, "q3_share", "第3题")
Traceback (most recent call last):
...
o2o.assignments.checks.AnswerError: 第3题:还没有作答,请在上面的单元格里给 q3_share 赋值。
Question not answered yet: assign a value to q3_share in the cell above.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Iterable
from typing import Any

from o2o.assignments.plans import (PLAN_MARKER, PLAN_SIZE, PlanRules, margin_ratio, performance_failures, plan_json,
                                   plan_table, rule_failures)
from o2o.assignments.simulation import GRADING_DRAWS, GRADING_SEED, SCENE_KEYS, SCENE_OPTIONAL, simulate_answer
from o2o.errors import O2OError
from o2o.scenes import Scene
from o2o.scenes.fivew import DIMENSION_ZH

__all__ = [
    "AnswerError",
    "check_int",
    "check_float",
    "check_str",
    "check_dict",
    "ok",
]

_OK_EN = "Format OK; hidden tests decide at grading time."


class AnswerError(O2OError):
    """An answer that the public check can already tell is not acceptable.

    IPython calls ``_render_traceback_`` instead of printing the frames, so the student
    sees the two sentences and nothing else; nbgrader records the cell as failed.
    """

    def _render_traceback_(self) -> list[str]:  # noqa: D401 - IPython hook
        lines = [f"\x1b[0;31m❌ {self.zh}\x1b[0m"]
        if self.en:
            lines.append(f"   {self.en}")
        return lines


def ok(question: str, what: str = "") -> None:
    """Print the success line of a public check (returns ``None``: no partial credit)."""
    detail = f"({what})" if what else ""
    print(f"✅ {question}:格式正确{detail}。最终是否正确由评分时的隐藏测试决定。 / {_OK_EN}")


def _type_name(value: Any) -> str:
    t = type(value)
    mod = t.__module__
    return t.__qualname__ if mod == "builtins" else f"{mod}.{t.__qualname__}"


def require(value: Any, name: str, question: str) -> None:
    """Raise when the answer is still ``None`` or ``...`` (not answered)."""
    if value is None or value is Ellipsis:
        raise AnswerError(
            f"{question}:还没有作答,请在上面的单元格里给 {name} 赋值。",
            f"Question not answered yet: assign a value to {name} in the cell above.",
        )


def _numeric_hint(value: Any, want: str) -> str:
    """Why a number-like value is not accepted, and how to convert it."""
    return f"请用 {want}(...) 把它转换成 Python 的{'整数' if want == 'int' else '小数'}"


def check_int(value: Any, name: str, question: str, lo: int | None = None, hi: int | None = None) -> None:
    """An exact ``int`` (not ``bool``, not a numpy integer), optionally within ``[lo, hi]``."""
    require(value, name, question)
    if type(value) is not int:
        raise AnswerError(
            f"{question}:{name} 应是整数 int,现在是 {_type_name(value)}。{_numeric_hint(value, 'int')}。",
            f"{name} must be a plain int, got {_type_name(value)}; wrap it in int(...).",
        )
    _check_range(int(value), name, question, lo, hi)
    ok(question, "整数")


def check_float(
    value: Any, name: str, question: str, lo: float | None = None, hi: float | None = None
) -> None:
    """An exact, finite ``float`` (not a numpy float, not a string), optionally within ``[lo, hi]``."""
    require(value, name, question)
    if type(value) is not float:
        raise AnswerError(
            f"{question}:{name} 应是小数 float,现在是 {_type_name(value)}。{_numeric_hint(value, 'float')}。",
            f"{name} must be a plain float, got {_type_name(value)}; wrap it in float(...).",
        )
    x = float(value)
    if not math.isfinite(x):
        raise AnswerError(
            f"{question}:{name} 是 {x},不是一个有限的数。检查是否除以了零或用了空表。",
            f"{name} is {x}, not a finite number: a division by zero or an empty table?",
        )
    _check_range(x, name, question, lo, hi)
    ok(question, "小数")


def _check_range(x: float, name: str, question: str, lo: float | None, hi: float | None) -> None:
    if lo is not None and x < lo:
        raise AnswerError(
            f"{question}:{name} = {x} 小于合理的下限 {lo},请检查计算(单位、筛选条件、分子分母)。",
            f"{name} = {x} is below the plausible minimum {lo}: check units, filters, numerator/denominator.",
        )
    if hi is not None and x > hi:
        raise AnswerError(
            f"{question}:{name} = {x} 大于合理的上限 {hi},请检查计算(单位、筛选条件、分子分母)。",
            f"{name} = {x} is above the plausible maximum {hi}: check units, filters, numerator/denominator.",
        )


def check_str(value: Any, name: str, question: str, choices: Iterable[str] | None = None) -> None:
    """An exact ``str``; when ``choices`` is given, one of them (the data's own Chinese values)."""
    require(value, name, question)
    if type(value) is not str:
        raise AnswerError(
            f"{question}:{name} 应是文字 str(例如 \"深圳\"),现在是 {_type_name(value)}。"
            "如果你得到的是一个表格或 Series,请取出其中的那个值。",
            f"{name} must be a str, got {_type_name(value)}; take the single value out of the table or Series.",
        )
    if choices is not None:
        options = [str(c) for c in choices]
        if str(value) not in options:
            shown = "、".join(options[:12]) + ("……" if len(options) > 12 else "")
            raise AnswerError(
                f"{question}:{name} = \"{value}\" 不是可选的值。应是数据中出现的值之一:{shown}",
                f"{name} = {value!r} is not one of the values in the data.",
            )
    ok(question, "文字")


def check_dict(
    value: Any,
    name: str,
    question: str,
    keys: Iterable[str],
    value_type: type = int,
    lo: float | None = None,
    hi: float | None = None,
) -> None:
    """An exact ``dict`` whose keys are exactly ``keys`` (str) and whose values are exactly ``value_type``."""
    require(value, name, question)
    want = [str(k) for k in keys]
    kind = "整数 int" if value_type is int else "小数 float"
    if type(value) is not dict:
        raise AnswerError(
            f"{question}:{name} 应是字典 dict(形如 {{\"{want[0]}\": 数值, ...}}),现在是 {_type_name(value)}。"
            "如果你得到的是 pandas Series,可以用 {k: " + ("int" if value_type is int else "float")
            + "(v) for k, v in s.items()} 转换。",
            f"{name} must be a dict, got {_type_name(value)}; convert a Series with a dict comprehension.",
        )
    bad_keys = [k for k in value if type(k) is not str]
    if bad_keys:
        raise AnswerError(
            f"{question}:{name} 的键应是文字 str,发现了 {_type_name(bad_keys[0])}。",
            f"the keys of {name} must be str, found {_type_name(bad_keys[0])}.",
        )
    missing = [k for k in want if k not in value]
    extra = [k for k in value if k not in want]
    if missing or extra:
        parts_zh, parts_en = [], []
        if missing:
            parts_zh.append("缺少 " + "、".join(missing))
            parts_en.append("missing " + ", ".join(missing))
        if extra:
            parts_zh.append("多出 " + "、".join(str(k) for k in extra))
            parts_en.append("unexpected " + ", ".join(str(k) for k in extra))
        raise AnswerError(
            f"{question}:{name} 的键应恰好是 {'、'.join(want)};" + ",".join(parts_zh) + "。",
            f"the keys of {name} must be exactly {want}: " + "; ".join(parts_en) + ".",
        )
    for k in want:
        v = value[k]
        if type(v) is not value_type:
            raise AnswerError(
                f"{question}:{name}[\"{k}\"] 应是{kind},现在是 {_type_name(v)}。"
                f"{_numeric_hint(v, value_type.__name__)}。",
                f"{name}[{k!r}] must be a plain {value_type.__name__}, got {_type_name(v)}.",
            )
        x = float(v)
        if not math.isfinite(x):
            raise AnswerError(
                f"{question}:{name}[\"{k}\"] 是 {x},不是有限的数。",
                f"{name}[{k!r}] is {x}, not a finite number.",
            )
        _check_range(x, f"{name}[\"{k}\"]", question, lo, hi)
    ok(question, "字典")


# ---------------------------------------------------------------------------- scenes


def scene_from_answer(value: Any, name: str, question: str, world: Any = None) -> Any:
    """Turn a scene answer (a ``dict`` of :class:`o2o.scenes.Scene` fields) into a valid ``Scene``.

    Raises :class:`AnswerError` saying what to change: not a dict, a missing or unknown key,
    or any problem :meth:`Scene.problems` finds (with ``world``, the data-dependent ones too).
    """
    require(value, name, question)
    if isinstance(value, Scene):
        raise AnswerError(
            f"{question}:请把场景写成字典 dict(例如 {name} = dict(scene_type=\"交易\", ...)),"
            "而不是 Scene 对象;评分只接受普通数据。可以用 dataclasses.asdict(场景) 转换。",
            f"Write the scene as a dict, not a Scene object (graded answers are plain data); "
            "dataclasses.asdict(scene) converts one.",
        )
    if type(value) is not dict:
        raise AnswerError(
            f"{question}:{name} 应是字典 dict(形如 dict(scene_type=\"交易\", battle=\"二次购买\", ...)),"
            f"现在是 {_type_name(value)}。",
            f"{name} must be a dict of scene fields, got {_type_name(value)}.",
        )
    keys = [k for k in value]
    bad = [k for k in keys if type(k) is not str or k not in SCENE_KEYS + SCENE_OPTIONAL + ("scene_id",)]
    if bad:
        raise AnswerError(
            f"{question}:{name} 里有场景没有的字段:{'、'.join(map(str, bad))}。可用的字段:{'、'.join(SCENE_KEYS + SCENE_OPTIONAL)}。",
            f"{name} has keys a scene does not have: {bad}.",
        )
    plain = (str, int, float, type(None))
    for k, v in value.items():
        items = list(v) if type(v) in (list, tuple) else [v]
        odd = [x for x in items if type(x) not in plain and type(x).__name__ != "date"]
        if odd or type(v) is bool:
            raise AnswerError(
                f"{question}:{name}[\"{k}\"] 的值 {v!r} 不是普通的文字或数字(类型 {_type_name(odd[0] if odd else v)})。"
                "请直接写数字或文字,例如 2500.0、\"2015-11-04\";从表格取出的数字请用 int(...) 或 float(...) 转换。",
                f"{name}[{k!r}] is not a plain str or number ({_type_name(odd[0] if odd else v)}); "
                "convert values taken from a table with int(...) or float(...).",
            )
    missing = [k for k in SCENE_KEYS if k not in value]
    if missing:
        raise AnswerError(
            f"{question}:{name} 缺少字段 {'、'.join(missing)}:题目要求把每个字段都写明。",
            f"{name} lacks the keys {missing}: the question asks for every field explicitly.",
        )
    try:
        scene = Scene(**{"name": f"{question}的场景", **value})
    except Exception as exc:  # a value of an impossible kind (Scene normalises most)
        raise AnswerError(
            f"{question}:无法用 {name} 建立场景:{exc}",
            f"Cannot build a scene from {name}: {exc}",
        ) from None
    problems = scene.problems(world)
    if problems:
        raise AnswerError(
            f"{question}:场景设计需要修改:\n" + "\n".join(f"   - {p.zh}" for p in problems),
            "The scene design needs changes:\n" + "\n".join(f"   - {p.en}" for p in problems),
        )
    return scene


def scene_rule_failures(scene: Any, rules: dict[str, Any], world: Any = None) -> list[tuple[str, str]]:
    """Which of a question's stated constraints ``scene`` breaks, as ``(zh, en)`` sentences.

    Known rules: ``scene_type``, ``battle``, ``battles`` (allowed set), ``initiator``,
    ``store`` (the one store the scene must target; for a squad also its own squad),
    ``point_to_point_only``, ``max_lead_days``, ``max_duration``, ``min_duration``,
    ``launch_from`` / ``launch_to`` (ISO dates, launch inclusive), ``max_budget``,
    ``tiers`` (allowed target tiers).
    """

    out: list[tuple[str, str]] = []

    def add(zh: str, en: str) -> None:
        out.append((zh, en))

    if "scene_type" in rules and scene.scene_type != rules["scene_type"]:
        add(f"场景类型应为「{rules['scene_type']}」(现在是「{scene.scene_type}」)",
            f"scene_type must be {rules['scene_type']!r}")
    if "battle" in rules and scene.battle != rules["battle"]:
        add(f"战争应为「{rules['battle']}」(现在是「{scene.battle}」)", f"battle must be {rules['battle']!r}")
    if "battles" in rules and scene.battle not in rules["battles"]:
        add(f"战争应是 {'、'.join(rules['battles'])} 之一", f"battle must be one of {list(rules['battles'])}")
    if "initiator" in rules and scene.initiator != rules["initiator"]:
        add(f"发起方应为「{rules['initiator']}」", f"initiator must be {rules['initiator']!r}")
    if "store" in rules:
        store = int(rules["store"])
        if tuple(scene.store_ids) != (store,):
            add(f"store_ids 应恰好是 [{store}](只针对这一家门店)", f"store_ids must be exactly [{store}]")
        if scene.initiator == "一线小分队" and world is not None:
            own = world.squad_of_store(store)
            if own is not None and scene.squad_id != own:
                add(f"squad_id 应是门店 {store} 自己的小分队(在 ds.squads 里查)",
                    f"squad_id must be store {store}'s own squad (look it up in ds.squads)")
    if rules.get("point_to_point_only") and "广告" in scene.channels:
        add("只能用点对点渠道(朋友圈、店内),不能用广告", "point-to-point channels only (朋友圈, 店内), no ads")
    if "max_lead_days" in rules and scene.lead_days > rules["max_lead_days"]:
        add(f"从创意到上线不能超过 {rules['max_lead_days']} 天(现在 {scene.lead_days} 天)",
            f"at most {rules['max_lead_days']} days from idea to launch")
    if "max_duration" in rules and scene.duration_days > rules["max_duration"]:
        add(f"持续天数不能超过 {rules['max_duration']} 天(现在 {scene.duration_days} 天)",
            f"at most {rules['max_duration']} days long")
    if "min_duration" in rules and scene.duration_days < rules["min_duration"]:
        add(f"持续天数至少 {rules['min_duration']} 天(现在 {scene.duration_days} 天)",
            f"at least {rules['min_duration']} days long")
    if "launch_from" in rules and scene.launch_date < _dt.date.fromisoformat(rules["launch_from"]):
        add(f"上线日期不能早于 {rules['launch_from']}", f"launch on or after {rules['launch_from']}")
    if "launch_to" in rules and scene.launch_date > _dt.date.fromisoformat(rules["launch_to"]):
        add(f"上线日期不能晚于 {rules['launch_to']}", f"launch on or before {rules['launch_to']}")
    if "max_budget" in rules and float(scene.budget_yuan) > rules["max_budget"]:
        add(f"预算不能超过 {rules['max_budget']:g} 元(现在 {float(scene.budget_yuan):g} 元)",
            f"budget at most {rules['max_budget']:g} yuan")
    if "tiers" in rules and scene.target_tier not in rules["tiers"]:
        add(f"目标粉丝层级应是 {'、'.join(rules['tiers'])} 之一", f"target_tier must be one of {list(rules['tiers'])}")
    return out


def check_scene(value: Any, name: str, question: str, world: Any = None, **rules: Any) -> None:
    """A scene answer that builds a valid scene and meets the question's stated constraints."""
    scene = scene_from_answer(value, name, question, world)
    failures = scene_rule_failures(scene, rules, world)
    if failures:
        raise AnswerError(
            f"{question}:场景还不满足题目的要求:\n" + "\n".join(f"   - {zh}" for zh, _ in failures),
            "The scene does not meet the question's constraints:\n" + "\n".join(f"   - {en}" for _, en in failures),
        )
    ok(question, f"场景有效,满足题目列出的 {len(rules)} 项约束")


# ---------------------------------------------------------------------------- 5W thresholds
def fivew_shortfalls(report: Any, thresholds: dict[str, float]) -> list[tuple[str, str]]:
    """Which 5W thresholds a report misses. Keys: ``Who``…``Worth`` and ``overall``."""
    out = []
    for key, need in thresholds.items():
        got = report.overall if key == "overall" else report.scores[key]
        if got < need:
            label = "5W 平均分" if key == "overall" else f"{key}({DIMENSION_ZH[key]})"
            out.append((f"{label} = {got:.1f},要求至少 {need:g}", f"{key} = {got:.1f}, needs at least {need:g}"))
    return out


def check_fivew(
    value: Any,
    name: str,
    question: str,
    world: Any,
    thresholds: dict[str, float],
    min_margin_per_yuan: float | None = None,
    **rules: Any,
) -> None:
    """A scene answer that meets the stated constraints and, simulated, reaches the 5W thresholds.

    The simulation uses the grading settings (:data:`GRADING_DRAWS`, :data:`GRADING_SEED`), so the
    scores shown here are the ones the grader sees.
    """
    scene = scene_from_answer(value, name, question, world)
    failures = scene_rule_failures(scene, rules, world)
    if failures:
        raise AnswerError(
            f"{question}:场景还不满足题目的要求:\n" + "\n".join(f"   - {zh}" for zh, _ in failures),
            "The scene does not meet the question's constraints:\n" + "\n".join(f"   - {en}" for _, en in failures),
        )
    result, report = simulate_answer(scene, world)
    print(f"{question} 模拟 {GRADING_DRAWS} 次(种子 {GRADING_SEED})的 5W 评分 / 5W scores:")
    print("   " + "  ".join(f"{k} {v:.0f}" for k, v in report.scores.items()) + f"  平均 {report.overall:.1f}")
    short = fivew_shortfalls(report, thresholds)
    mpy = float(result.totals()["margin_per_yuan"].mean())
    if min_margin_per_yuan is not None:
        print(f"   每元花费带来的增量毛利 / margin per yuan: {mpy:.2f}")
        if not mpy >= min_margin_per_yuan:
            short.append((f"每元花费带来的增量毛利 = {mpy:.2f},要求至少 {min_margin_per_yuan:g}",
                          f"margin per yuan = {mpy:.2f}, needs at least {min_margin_per_yuan:g}"))
    if short:
        tips = "\n".join(f"   · {t}" for t in report.feedback("zh"))
        raise AnswerError(
            f"{question}:场景有效,但还没达到要求:\n" + "\n".join(f"   - {zh}" for zh, _ in short)
            + f"\n   5W 反馈:\n{tips}",
            "The scene is valid but misses the targets:\n" + "\n".join(f"   - {en}" for _, en in short),
        )
    ok(question, "场景有效,模拟结果达到题目的门槛")


# ---------------------------------------------------------------------------- the capstone plan
def plan_from_answer(value: Any, name: str, question: str, world: Any = None) -> list[Any]:
    """A plan answer (a list of exactly three scene dicts) as three valid ``Scene`` objects."""
    require(value, name, question)
    if type(value) is not list:
        raise AnswerError(
            f"{question}:{name} 应是列表 list,里面放 {PLAN_SIZE} 个场景字典:[dict(...), dict(...), dict(...)];"
            f"现在是 {_type_name(value)}。",
            f"{name} must be a list of {PLAN_SIZE} scene dicts, got {_type_name(value)}.",
        )
    if len(value) != PLAN_SIZE:
        raise AnswerError(
            f"{question}:方案应恰好包含 {PLAN_SIZE} 个场景,现在有 {len(value)} 个。",
            f"The plan must hold exactly {PLAN_SIZE} scenes, it has {len(value)}.",
        )
    return [scene_from_answer(v, f"{name}[{i}]", f"{question}(第{i + 1}个场景)", world) for i, v in enumerate(value)]


def check_plan(value: Any, name: str, question: str, world: Any, store: int, **rules: Any) -> None:
    """The capstone plan meets every stated constraint; prints it as one line for the class debrief."""
    scenes = plan_from_answer(value, name, question, world)
    failures = rule_failures(scenes, PlanRules(store=store, **rules), world)
    if failures:
        raise AnswerError(
            f"{question}:方案还不满足题目的要求:\n" + "\n".join(f"   - {zh}" for zh, _ in failures),
            "The plan does not meet the constraints:\n" + "\n".join(f"   - {en}" for _, en in failures),
        )
    print(f"{PLAN_MARKER} {plan_json(scenes)}")
    ok(question, "方案有效,满足题目列出的约束")


def check_plan_results(value: Any, name: str, question: str, world: Any, store: int, **rules: Any) -> None:
    """The capstone plan, simulated scene by scene, reaches the stated 5W and margin targets."""
    scenes = plan_from_answer(value, name, question, world)
    limit = rules.pop("max_total_budget", None)
    broken = [(f"第{i}个场景:store_ids 应恰好是 [{store}]", f"scene {i}: store_ids must be [{store}]")
              for i, s in enumerate(scenes, 1) if tuple(s.store_ids) != (int(store),)]
    total = sum(float(s.budget_yuan) for s in scenes)
    if limit is not None and total > limit:
        broken.append((f"三个场景的预算合计 {total:g} 元,超过上限 {limit:g} 元", f"total budget {total:g} exceeds {limit:g}"))
    if broken:
        raise AnswerError(
            f"{question}:方案先要满足第1题的门店和预算约束:\n" + "\n".join(f"   - {zh}" for zh, _ in broken),
            "The plan must first meet the store and budget constraints:\n" + "\n".join(f"   - {en}" for _, en in broken),
        )
    table = plan_table(scenes, world)
    shown = table[["战争", "上线", "Who", "What", "Way", "Why", "Worth", "5W平均", "增量毛利(元)", "花费(元)"]]
    print(f"{question} 模拟结果({GRADING_DRAWS} 次,种子 {GRADING_SEED}):")
    print(shown.round(1).to_string())
    print(f"整个方案每元花费带来的增量毛利 / plan margin per yuan: {margin_ratio(table):.2f}")
    failures = performance_failures(table, PlanRules(store=store, **rules))
    if failures:
        raise AnswerError(
            f"{question}:方案还没达到目标:\n" + "\n".join(f"   - {zh}" for zh, _ in failures),
            "The plan misses its targets:\n" + "\n".join(f"   - {en}" for _, en in failures),
        )
    ok(question, "方案的模拟结果达到题目的目标")
