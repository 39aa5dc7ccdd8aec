"""Errors a student or instructor may meet, each with a Chinese and an English message.

Every error the kit raises on bad input is an :class:`O2OError`. Its ``str()`` is the
Chinese sentence first and the English one on the next line, so that a notebook shows
something a manager can act on instead of a stack of library frames.
"""

from __future__ import annotations


class O2OError(Exception):
    """Base class: a bilingual, actionable message."""

    def __init__(self, zh: str, en: str = "") -> None:
        self.zh = zh
        self.en = en
        super().__init__(zh if not en else f"{zh}\n{en}")

    def message(self, lang: str = "zh") -> str:
        """The message in one language (``"zh"`` or ``"en"``)."""
        return self.en if (lang == "en" and self.en) else self.zh


class DataError(O2OError):
    """A dataset file is missing, corrupt, from another version or fails its schema."""


class SceneError(O2OError):
    """A scene design is impossible or incomplete."""


class GradingError(O2OError):
    """A submission or a grading run cannot be processed."""


class HubError(O2OError):
    """The cohort hub cannot be set up, started, backed up or restored as asked."""
