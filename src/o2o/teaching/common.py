"""Shared pieces of :mod:`o2o.teaching`: the error, where the course files are, and YAML reading."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from o2o.errors import O2OError
from o2o.syllabus import find_syllabus


class TeachingError(O2OError):
    """A teaching file of ``course/`` (session plan, discussion notes, example memos) is missing or wrong."""


def course_file(name: str, start: Path | str | None = None) -> Path:
    """``course/<name>`` beside the syllabus (found as :func:`o2o.syllabus.find_syllabus` finds it)."""
    return find_syllabus(start).parent / name


def read_yaml(path: Path) -> Any:
    """The parsed YAML document at ``path``; a missing or broken file is one bilingual sentence."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TeachingError(f"找不到教学文件 {Path(path).name}:请确认课程目录完整。",
                            f"Teaching file {Path(path).name} not found: check that the course folder is complete.") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f"(第 {mark.line + 1} 行)" if mark is not None else ""
        at_en = f" (line {mark.line + 1})" if mark is not None else ""
        raise TeachingError(f"教学文件 {Path(path).name} 不是合法的 YAML{at}。",
                            f"Teaching file {Path(path).name} is not valid YAML{at_en}.") from None


def fail(where: str, zh: str, en: str) -> TeachingError:
    """An error naming the file and the entry at fault."""
    return TeachingError(f"{where}:{zh}", f"{where}: {en}")


def text(d: dict[str, Any], key: str, where: str) -> str:
    value = d.get(key)
    if not isinstance(value, str) or not value.strip():
        raise fail(where, f"{key} 必须是非空文字。", f"{key} must be non-empty text.")
    return value.strip()


def texts(d: dict[str, Any], key: str, where: str, lo: int, hi: int) -> tuple[str, ...]:
    value = d.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value) \
            or not lo <= len(value) <= hi:
        raise fail(where, f"{key} 必须是 {lo}–{hi} 条文字。", f"{key} must be a list of {lo}-{hi} texts.")
    return tuple(v.strip() for v in value)


def integer(d: dict[str, Any], key: str, where: str, lo: int, hi: int) -> int:
    value = d.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
        raise fail(where, f"{key} 必须是 {lo}–{hi} 的整数(现在是 {value!r})。",
                   f"{key} must be an integer {lo}-{hi} (it is {value!r}).")
    return value


def mapping(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise fail(where, "必须是键值表。", "must be a mapping.")
    return value


def items(doc: Any, key: str, where: str) -> list[dict[str, Any]]:
    doc = mapping(doc, where)
    if doc.get("version") != 1:
        raise fail(where, "version 必须是 1。", "version must be 1.")
    value = doc.get(key)
    if not isinstance(value, list) or not value:
        raise fail(where, f"{key} 必须是非空列表。", f"{key} must be a non-empty list.")
    return [mapping(v, f"{where} {key}[{i}]") for i, v in enumerate(value)]
