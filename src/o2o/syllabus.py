"""The course syllabus (``course/syllabus.yml``): loaded, validated and typed.

>>> syl = load_syllabus()
>>> len(syl.lessons), syl.lesson(18).title_zh
(36, '激活一线的战争')
>>> syl.lesson(18).module.title_zh
'场景与一线'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

import yaml

from .errors import O2OError

__all__ = [
    "Assignment", "Lesson", "Module", "Primer", "Syllabus", "SyllabusError",
    "SOURCES", "TABLES", "WIDGETS", "find_syllabus", "lessons_table", "load_syllabus",
]

#: Allowed values of ``source``.
SOURCES: dict[str, tuple[str, str]] = {
    "000": ("张波,第18讲《激活一线的战争》", "Zhang Bo, lecture 18, 'The war to activate the front line'"),
    "004": ("文章《O2O最大的难题是权益之争》", "the article 'O2O's hardest problem is the struggle over rights'"),
    "kit": ("本套件自行构建的内容", "the kit's own construction"),
}

#: Dataset tables a lesson may list.
TABLES = frozenset({
    "stores", "staff", "squads", "products", "members", "member_tiers", "store_fans_monthly",
    "daily_sales", "transactions", "transaction_items", "scenes", "scene_daily", "coupons", "shares",
})

#: Widget classes of ``o2o.widgets`` a lesson may list.
WIDGETS = frozenset({"SceneBuilder", "FiveWDashboard", "StoreNetwork", "FanTiers", "MaturityAssessment"})

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SYLLABUS_RELPATH = Path("course") / "syllabus.yml"


class SyllabusError(O2OError):
    """``course/syllabus.yml`` is missing or does not follow its schema."""


@dataclass(frozen=True)
class Module:
    id: str
    title_zh: str
    title_en: str
    description_zh: str
    description_en: str


@dataclass(frozen=True)
class Assignment:
    id: str
    title_zh: str
    title_en: str


@dataclass(frozen=True)
class Lesson:
    number: int
    slug: str
    file: str
    title_zh: str
    title_en: str
    module: Module
    objectives: tuple[str, ...]
    key_concepts: tuple[str, ...]
    tables: tuple[str, ...]
    widgets: tuple[str, ...]
    assignment: Assignment
    source: str
    note: str
    in_touchpoint_scene_system: bool = False

    @property
    def code(self) -> str:
        """Two-digit lecture number, e.g. ``"07"``."""
        return f"{self.number:02d}"

    @property
    def source_zh(self) -> str:
        return SOURCES[self.source][0]

    @property
    def source_en(self) -> str:
        return SOURCES[self.source][1]


@dataclass(frozen=True)
class Primer:
    """Lesson 0: the notebook primer, outside the lectures (no module, no assignment)."""

    file: str
    title_zh: str
    title_en: str


@dataclass(frozen=True)
class Syllabus:
    title_zh: str
    title_en: str
    about_zh: str
    about_en: str
    modules: tuple[Module, ...]
    assignments: tuple[Assignment, ...]
    lessons: tuple[Lesson, ...]
    system_name_zh: str
    system_range: tuple[int, int]
    path: Path
    primer: Primer | None = None
    _by_number: dict[int, Lesson] = field(default_factory=dict, repr=False, compare=False)

    @property
    def root(self) -> Path:
        """Repository root (the folder holding ``course/``)."""
        return self.path.parent.parent

    def lesson(self, number: int) -> Lesson:
        try:
            return self._by_number[int(number)]
        except (KeyError, ValueError, TypeError):
            raise SyllabusError(f"大纲中没有第 {number} 讲。", f"The syllabus has no lecture {number}.") from None

    def module_lessons(self, module_id: str) -> tuple[Lesson, ...]:
        return tuple(lesson for lesson in self.lessons if lesson.module.id == module_id)

    def lesson_path(self, lesson: Lesson | int) -> Path:
        if not isinstance(lesson, Lesson):
            lesson = self.lesson(lesson)
        return self.root / lesson.file


# --------------------------------------------------------------------------- loading


def find_syllabus(start: Path | str | None = None) -> Path:
    """Find ``course/syllabus.yml``: walking up from ``start`` (default: cwd), else next to the package."""
    here = Path(start) if start is not None else Path.cwd()
    for folder in (here, *here.resolve().parents):
        candidate = folder / SYLLABUS_RELPATH
        if candidate.is_file():
            return candidate
    candidate = Path(__file__).resolve().parents[2] / SYLLABUS_RELPATH
    if candidate.is_file():
        return candidate
    raise SyllabusError(
        "找不到课程大纲 course/syllabus.yml:请在课程目录中打开笔记本。",
        "course/syllabus.yml not found: open the notebook inside the course folder.",
    )


def _where(ctx: str, key: str) -> tuple[str, str]:
    return f"{ctx} 的 {key}", f"{key} of {ctx}"


def _str(d: dict[str, Any], key: str, ctx: str) -> str:
    value = d.get(key)
    if not isinstance(value, str) or not value.strip():
        zh, en = _where(ctx, key)
        raise SyllabusError(f"大纲错误:{zh} 必须是非空文字(现在是 {value!r})。",
                            f"Syllabus error: {en} must be non-empty text (it is {value!r}).")
    return value.strip()


def _str_list(d: dict[str, Any], key: str, ctx: str, *, allow_empty: bool, allowed: frozenset[str] | None = None
              ) -> tuple[str, ...]:
    value = d.get(key)
    zh, en = _where(ctx, key)
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise SyllabusError(f"大纲错误:{zh} 必须是文字列表(现在是 {value!r})。",
                            f"Syllabus error: {en} must be a list of texts (it is {value!r}).")
    if not value and not allow_empty:
        raise SyllabusError(f"大纲错误:{zh} 不能为空。", f"Syllabus error: {en} must not be empty.")
    if allowed is not None:
        unknown = sorted(set(value) - allowed)
        if unknown:
            raise SyllabusError(f"大纲错误:{zh} 含未知项 {unknown};可选:{sorted(allowed)}。",
                                f"Syllabus error: {en} has unknown items {unknown}; allowed: {sorted(allowed)}.")
    if len(set(value)) != len(value):
        raise SyllabusError(f"大纲错误:{zh} 有重复项。", f"Syllabus error: {en} has duplicates.")
    return tuple(v.strip() for v in value)


def _mapping(value: Any, ctx: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise SyllabusError(f"大纲错误:{ctx} 必须是键值表。", f"Syllabus error: {ctx} must be a mapping.")
    return value


def _primer(raw: Any) -> Primer | None:
    """The optional ``primer`` entry: a notebook ``lessons/00-<slug>.ipynb`` with its titles."""
    if raw is None:
        return None
    d = _mapping(raw, "primer")
    file = _str(d, "file", "primer")
    if not re.fullmatch(r"lessons/00-[a-z0-9]+(?:-[a-z0-9]+)*\.ipynb", file):
        raise SyllabusError(f"大纲错误:primer 的 file 应为 lessons/00-名称.ipynb(现在是 {file})。",
                            f"Syllabus error: the primer's file should be lessons/00-name.ipynb (it is {file}).")
    return Primer(file, _str(d, "title_zh", "primer"), _str(d, "title_en", "primer"))


def parse_syllabus(raw: Any, path: Path) -> Syllabus:
    """Validate the parsed YAML document ``raw`` and build a :class:`Syllabus`."""
    doc = _mapping(raw, "syllabus.yml")
    if doc.get("version") != 1:
        raise SyllabusError("大纲错误:version 必须是 1。", "Syllabus error: version must be 1.")

    modules: dict[str, Module] = {}
    for i, m in enumerate(doc.get("modules") or []):
        m = _mapping(m, f"modules[{i}]")
        ctx = f"模块 {m.get('id', i)}"
        mod = Module(_str(m, "id", ctx), _str(m, "title_zh", ctx), _str(m, "title_en", ctx),
                     _str(m, "description_zh", ctx), _str(m, "description_en", ctx))
        if mod.id in modules:
            raise SyllabusError(f"大纲错误:模块编号 {mod.id} 重复。", f"Syllabus error: duplicate module id {mod.id}.")
        modules[mod.id] = mod
    if not modules:
        raise SyllabusError("大纲错误:没有模块(modules)。", "Syllabus error: no modules.")

    assignments: dict[str, Assignment] = {}
    for i, a in enumerate(doc.get("assignments") or []):
        a = _mapping(a, f"assignments[{i}]")
        ctx = f"作业 {a.get('id', i)}"
        asg = Assignment(_str(a, "id", ctx), _str(a, "title_zh", ctx), _str(a, "title_en", ctx))
        if asg.id in assignments:
            raise SyllabusError(f"大纲错误:作业编号 {asg.id} 重复。", f"Syllabus error: duplicate assignment id {asg.id}.")
        assignments[asg.id] = asg

    system = _mapping(doc.get("touchpoint_scene_system"), "touchpoint_scene_system")
    first, last = system.get("first"), system.get("last")
    if not (isinstance(first, int) and isinstance(last, int) and 1 <= first <= last):
        raise SyllabusError("大纲错误:touchpoint_scene_system 的 first/last 必须是讲次编号。",
                            "Syllabus error: touchpoint_scene_system first/last must be lecture numbers.")

    lessons: list[Lesson] = []
    seen_slugs: set[str] = set()
    for i, item in enumerate(doc.get("lessons") or []):
        d = _mapping(item, f"lessons[{i}]")
        number = d.get("number")
        if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= 99:
            raise SyllabusError(f"大纲错误:第 {i + 1} 个课程的 number 必须是 1–99 的整数(现在是 {number!r})。",
                                f"Syllabus error: lesson #{i + 1} needs an integer number 1-99 (it is {number!r}).")
        ctx = f"第{number:02d}讲"
        slug = _str(d, "slug", ctx)
        if not _SLUG.match(slug):
            raise SyllabusError(f"大纲错误:{ctx} 的 slug “{slug}” 只能用小写字母、数字和连字符。",
                                f"Syllabus error: slug '{slug}' of lecture {number} must be lowercase kebab-case.")
        if slug in seen_slugs:
            raise SyllabusError(f"大纲错误:slug “{slug}” 重复。", f"Syllabus error: duplicate slug '{slug}'.")
        seen_slugs.add(slug)
        file = _str(d, "file", ctx)
        want = f"lessons/{number:02d}-{slug}.ipynb"
        if file != want:
            raise SyllabusError(f"大纲错误:{ctx} 的 file 应为 {want}(现在是 {file})。",
                                f"Syllabus error: file of lecture {number} should be {want} (it is {file}).")
        source = d.get("source")
        if not isinstance(source, str) or source not in SOURCES:
            raise SyllabusError(
                f"大纲错误:{ctx} 的 source 必须是带引号的 \"000\"、\"004\" 或 kit(现在是 {source!r})。",
                f"Syllabus error: source of lecture {number} must be a quoted \"000\", \"004\" or kit (it is {source!r}).")
        module_id = _str(d, "module", ctx)
        if module_id not in modules:
            raise SyllabusError(f"大纲错误:{ctx} 的模块 {module_id} 不存在;可选:{sorted(modules)}。",
                                f"Syllabus error: lecture {number} names unknown module {module_id}.")
        assignment_id = _str(d, "assignment", ctx)
        if assignment_id not in assignments:
            raise SyllabusError(f"大纲错误:{ctx} 的作业 {assignment_id} 不存在;可选:{sorted(assignments)}。",
                                f"Syllabus error: lecture {number} names unknown assignment {assignment_id}.")
        lessons.append(Lesson(
            number=number, slug=slug, file=file,
            title_zh=_str(d, "title_zh", ctx), title_en=_str(d, "title_en", ctx),
            module=modules[module_id],
            objectives=_str_list(d, "objectives", ctx, allow_empty=False),
            key_concepts=_str_list(d, "key_concepts", ctx, allow_empty=False),
            tables=_str_list(d, "tables", ctx, allow_empty=True, allowed=TABLES),
            widgets=_str_list(d, "widgets", ctx, allow_empty=True, allowed=WIDGETS),
            assignment=assignments[assignment_id], source=source, note=_str(d, "note", ctx),
            in_touchpoint_scene_system=first <= number <= last,
        ))

    numbers = [lesson.number for lesson in lessons]
    if numbers != list(range(1, len(numbers) + 1)):
        raise SyllabusError("大纲错误:课程编号必须从 1 开始连续递增、不重不漏。",
                            "Syllabus error: lesson numbers must run 1, 2, 3, … without gaps or repeats.")
    if last > len(lessons):
        raise SyllabusError("大纲错误:触点场景践行体系的范围超出了课程数。",
                            "Syllabus error: the touchpoint-scene system range exceeds the lessons.")
    order = list(modules)
    module_order = [order.index(lesson.module.id) for lesson in lessons]
    if module_order != sorted(module_order):
        raise SyllabusError("大纲错误:课程的模块顺序必须与模块列表一致。",
                            "Syllabus error: lessons must follow the order of the modules.")

    return Syllabus(
        primer=_primer(doc.get("primer")),
        title_zh=_str(doc, "title_zh", "syllabus"), title_en=_str(doc, "title_en", "syllabus"),
        about_zh=_str(doc, "about_zh", "syllabus"), about_en=_str(doc, "about_en", "syllabus"),
        modules=tuple(modules.values()), assignments=tuple(assignments.values()), lessons=tuple(lessons),
        system_name_zh=_str(system, "name_zh", "touchpoint_scene_system"), system_range=(first, last),
        path=path, _by_number={lesson.number: lesson for lesson in lessons},
    )


def load_syllabus(path: Path | str | None = None) -> Syllabus:
    """Load and validate ``course/syllabus.yml`` (found automatically when ``path`` is None)."""
    p = Path(path) if path is not None else find_syllabus()
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SyllabusError(f"找不到课程大纲文件 {p.name}。", f"Syllabus file {p.name} not found.") from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"第 {mark.line + 1} 行" if mark is not None else ""
        raise SyllabusError(f"课程大纲不是合法的 YAML{line}。", f"The syllabus is not valid YAML {('at line ' + str(mark.line + 1)) if mark else ''}.") from None
    return parse_syllabus(raw, p.resolve())


def lessons_table(syllabus: Syllabus, lang: str = "zh") -> "pd.DataFrame":
    """One row per lesson: number, module, title, source and assignment (for the course home)."""
    import pandas as pd

    zh = lang != "en"
    rows = [{
        ("讲次" if zh else "lecture"): lesson.code,
        ("模块" if zh else "module"): lesson.module.title_zh if zh else lesson.module.title_en,
        ("标题" if zh else "title"): lesson.title_zh if zh else lesson.title_en,
        ("依据" if zh else "source"): lesson.source_zh if zh else lesson.source_en,
        ("作业" if zh else "assignment"): lesson.assignment.id,
    } for lesson in syllabus.lessons]
    return pd.DataFrame(rows)
