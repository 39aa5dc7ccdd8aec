"""Judgment exercises: a decision a manager would make, checked with the reason.

A lesson poses a question with a few options (choose one, accept or reject a claim, pick the right
yardstick, explain a confound). :class:`Judgment` holds the options, which one is right *on the
data*, and for every option the reason it is right or wrong — so a wrong answer gets the reason,
not just ✗. The builders in :mod:`o2o.analysis.judgments` compute both the right option and the
reasons from the lesson's own tables, so a change to the data that changes the answer changes the
check with it.

>>> j = Judgment("例题", {"A": "接受", "B": "拒绝"}, "B",
...              {"A": ("前10%只贡献两成", "the top 10% give a fifth"), "B": ("对", "right")})
>>> j.check("b")
✓ 例题:正确!对 / Correct! right
True
>>> j.check("A")
✗ 例题:还不对。前10%只贡献两成 / Not yet. the top 10% give a fifth
False
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Judgment"]


def _say(ok: bool, name: str, zh: str, en: str) -> None:
    print(f"{'✓' if ok else '✗'} {name}:{zh} / {en}")


@dataclass(frozen=True)
class Judgment:
    """One judgment question: options {key: text}, the right key, and the reason for every option."""

    name: str
    options: Mapping[str, str]
    correct: str
    reasons: Mapping[str, tuple[str, str]]

    def __post_init__(self) -> None:
        if self.correct not in self.options or set(self.reasons) != set(self.options):
            raise ValueError("a judgment needs its right option among the options and a reason for every option")

    def prompt(self) -> str:
        """The options as lines, for a lesson to print under its question."""
        return "\n".join(f"  {k}. {v}" for k, v in self.options.items())

    def _key(self, answer: Any) -> str | None:
        if not isinstance(answer, str):
            return None
        text = unicodedata.normalize("NFKC", answer).strip().strip("()()。.").upper()
        return text if text in self.options else None

    def check(self, answer: Any) -> bool:
        """Print ✓ with why, or ✗ with the reason that option is wrong; return whether it is right.

        Never raises: a blank, a non-text answer or an unknown option gets a sentence.
        """
        keys = "、".join(self.options)
        if answer is None or (isinstance(answer, str) and not answer.strip()):
            _say(False, self.name, f"还没有作答:在上面填 {keys} 中的一个。", f"No answer yet: fill in one of {keys}.")
            return False
        key = self._key(answer)
        if key is None:
            _say(False, self.name, f"请只填一个选项字母:{keys}。", f"Give one option letter: {keys}.")
            return False
        zh, en = self.reasons[key]
        if key == self.correct:
            _say(True, self.name, f"正确!{zh}", f"Correct! {en}")
            return True
        _say(False, self.name, f"还不对。{zh}", f"Not yet. {en}")
        return False
