"""Helpers shared by the judgment builders."""

from __future__ import annotations

from ...judgment import Judgment


def _pct(x: float) -> str:
    return f"{x:.1%}"


def _pick(name: str, options: dict[str, str], correct: str, reasons: dict[str, tuple[str, str]]) -> Judgment:
    return Judgment(name, options, correct, reasons)
