"""What every app shares: a header with the title, the synthetic-data note and the
language switch, and a safe way to start (a friendly page instead of a traceback)."""

from __future__ import annotations

import html
import logging
import sys
import time
from typing import Any

import o2o
from o2o.widgets.base import (
    Displayable,
    FrozenHBox,
    FrozenHTML,
    FrozenVBox,
    Panel,
    Problem,
    lang_toggle,
    problem_of,
    tr,
)

log = logging.getLogger("o2o.apps")

SYNTHETIC = ("数据为合成数据(仿便利店连锁),不是任何公司的真实记录。",
             "The data is synthetic (a convenience-chain look-alike), not any company's records.")


class App(Displayable, FrozenVBox):
    """An app: header (title, note, 中文/English) above the panels it composes.

    Subclasses set ``title_zh``/``title_en``/``intro_zh``/``intro_en`` and implement
    ``_build(data)`` returning the list of panels (each a :class:`~o2o.widgets.base.Panel`).
    """

    title_zh = ""
    title_en = ""
    intro_zh = ""
    intro_en = ""
    needs_data = True

    def __init__(self, data: Any = None, lang: str = "zh", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.lang = lang
        self._header = FrozenHTML()
        self._lang = lang_toggle(lang)
        self._lang.observe(self._on_lang, names="value")
        self.panels: list[Panel] = self._build(data)
        self.children = [FrozenHBox([self._header, self._lang]), *self._layout()]
        self._render_header()

    def _build(self, data: Any) -> list[Panel]:  # pragma: no cover - overridden
        raise NotImplementedError

    def _layout(self) -> list:
        return list(self.panels)

    def _on_lang(self, change: dict) -> None:
        self.set_lang(change["new"])

    def set_lang(self, lang: str) -> None:
        """Switch every panel to ``lang``."""
        self.lang = lang
        if self._lang.value != lang:
            self._lang.value = lang
        for p in self.panels:
            p.set_lang(lang)
        self._relabel()
        self._render_header()

    def _relabel(self) -> None:
        pass

    def _render_header(self) -> None:
        lang = self.lang
        self._header.value = (
            f"<h2 style='margin:4px 0'>{html.escape(tr(self.title_zh, self.title_en, lang))}</h2>"
            f"<div>{html.escape(tr(self.intro_zh, self.intro_en, lang))}</div>"
            f"<div style='color:#667085;font-size:90%'>{html.escape(tr(*SYNTHETIC, lang))}</div>"
        )

    @classmethod
    def launch(cls, lang: str = "zh") -> FrozenVBox:
        """Load what the app needs and build it; on failure, a page that says what to do."""
        started = time.perf_counter()
        try:
            data = None
            if cls.needs_data:

                data = o2o.load()
            app = cls(data, lang=lang)
            _server_log(f"[o2o] app ready: {cls.__name__} in {time.perf_counter() - started:.1f} s")
            return app
        except Exception as exc:  # noqa: BLE001 - shown as a friendly page
            if not hasattr(exc, "zh"):
                log.exception("app %s failed to start", cls.__name__)
            return error_page(cls.title_zh, cls.title_en, problem_of(exc))


def _server_log(line: str) -> None:
    """A line in the server's log (the kernel's real stderr, not the page)."""
    stream = sys.__stderr__
    if stream is not None:
        print(line, file=stream, flush=True)


def error_page(title_zh: str, title_en: str, problem: Problem) -> FrozenVBox:
    """A page with the app's title and a message in both languages."""
    body = (f"<h2>{html.escape(title_zh)} / {html.escape(title_en)}</h2>"
            f"<p style='color:#b42318'>{html.escape(problem.zh)}</p>"
            f"<p style='color:#b42318'>{html.escape(problem.en)}</p>")
    return FrozenVBox([FrozenHTML(body)])
