"""Shared pieces of the kit's widgets: bilingual text, a message area, guarded controls.

Guarded controls
----------------
A Voila page talks to its kernel over a websocket, and anyone can send that socket any
message. ipywidgets checks a few traits (a slider clamps to *its* ``min``/``max``, a
dropdown's index must be in range) but a crafted message can also change ``min``/``max``
first, or send a string where a number belongs. Every control the kit builds is therefore
a *guarded* control: it knows its :class:`FieldSpec` (kept in Python, never synced), and
``set_state`` — the single entry point of front-end updates — accepts only the keys the
real control sends (``value`` or ``index``), checks the candidate value against the spec
*before* any trait changes, and on refusal re-sends the current value to the page and
shows the very message the form shows for that field. Nothing refused is ever assigned,
let alone evaluated.
"""

from __future__ import annotations

import html
import logging
import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

import ipywidgets as W

from o2o.errors import O2OError
from o2o.i18n import label

log = logging.getLogger("o2o.widgets")

LANGS = ("zh", "en")


def tr(zh: str, en: str, lang: str) -> str:
    """``zh`` or ``en`` according to ``lang``."""
    return en if lang == "en" else zh


# --------------------------------------------------------------------------- messages


@dataclass(frozen=True)
class Problem:
    """A message for the user, in both languages."""

    zh: str
    en: str

    def text(self, lang: str) -> str:
        return tr(self.zh, self.en, lang)


class MessageArea(W.Output):
    """An ``Output`` that shows one friendly message at a time (never a traceback).

    ``problems`` holds the messages on show, ``text(lang)`` renders them as plain text
    (what tests assert on); the area renders them as HTML lines.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.problems: list[Problem] = []
        self.kind = "info"
        self.lang = "zh"

    def show(self, problems: Sequence[Problem] | Problem, kind: str = "error", lang: str | None = None) -> None:
        """Replace the messages on show."""
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        self.kind = kind
        if lang:
            self.lang = lang
        self._render()

    def clear(self) -> None:
        self.problems = []
        self._render()

    def set_lang(self, lang: str) -> None:
        self.lang = lang
        self._render()

    def text(self, lang: str | None = None) -> str:
        return "\n".join(p.text(lang or self.lang) for p in self.problems)

    def _render(self) -> None:
        colour = {"error": "#b42318", "warning": "#b54708", "ok": "#067647"}.get(self.kind, "#344054")
        body = "<br>".join(html.escape(p.text(self.lang)) for p in self.problems)
        data = {"text/plain": self.text(), "text/html": f'<div style="color:{colour}">{body}</div>'}
        # set outputs directly: works the same with or without a kernel attached
        self.outputs = ({"output_type": "display_data", "data": data, "metadata": {}},) if self.problems else ()


GENERIC_PROBLEM = Problem(
    "出了点问题,这一步没有完成。请检查输入后再试一次;如果仍然不行,请告诉课程助教。",
    "Something went wrong and this step did not finish. Check the inputs and try again; "
    "if it keeps happening, tell the course assistant.",
)


def problem_of(exc: BaseException) -> Problem:
    """The friendly message for an exception (its own for :class:`O2OError`)."""
    if isinstance(exc, O2OError):
        return Problem(exc.zh, exc.en or exc.zh)
    return GENERIC_PROBLEM


def safe(method: Callable) -> Callable:
    """Decorate a widget callback: any exception becomes a message in ``self._messages``.

    The traceback goes to the log (the kernel's stderr, the server log), never to the page.
    """

    @wraps(method)
    def wrapper(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - shown to the user as a message
            if not isinstance(exc, O2OError):
                log.exception("widget callback %s failed", method.__qualname__)
            self._messages.show(problem_of(exc), "error", getattr(self, "lang", None))
            return None

    return wrapper


# --------------------------------------------------------------------------- field specs


@dataclass
class FieldSpec:
    """What a form field accepts, with the message shown when a value is not accepted.

    ``kind`` is one of ``int``, ``float``, ``choice``, ``multi``, ``text``, ``bool``, ``date``.
    """

    key: str
    zh: str
    en: str
    kind: str
    lo: float | None = None
    hi: float | None = None
    options: tuple = ()
    max_len: int = 60
    unit_zh: str = ""
    unit_en: str = ""
    extra_check: Callable[[Any], Problem | None] | None = field(default=None, repr=False)

    def name(self, lang: str) -> str:
        return tr(self.zh, self.en, lang)

    def message(self) -> Problem:
        """The form's message for a value outside what this field allows."""
        if self.kind in ("int", "float"):
            lo, hi = _fmt(self.lo), _fmt(self.hi)
            return Problem(
                f"「{self.zh}」必须是 {lo} 到 {hi}{self.unit_zh} 之间的数字。",
                f"'{self.en}' must be a number from {lo} to {hi}{(' ' + self.unit_en) if self.unit_en else ''}.",
            )
        if self.kind in ("choice", "multi"):
            opts_zh = "、".join(str(o) for o in self.options[:12])
            opts_en = ", ".join(label(o, "en") for o in self.options[:12])
            return Problem(
                f"「{self.zh}」只能从列表中选择:{opts_zh}。",
                f"'{self.en}' must be chosen from the list: {opts_en}.",
            )
        if self.kind == "text":
            return Problem(
                f"「{self.zh}」须是不超过 {self.max_len} 个字的文字。",
                f"'{self.en}' must be text of at most {self.max_len} characters.",
            )
        if self.kind == "bool":
            return Problem(f"「{self.zh}」只能是“是”或“否”。", f"'{self.en}' must be yes or no.")
        if self.kind == "date":
            return Problem(
                f"「{self.zh}」必须是 {self.lo} 到 {self.hi} 之间的日期。",
                f"'{self.en}' must be a date from {self.lo} to {self.hi}.",
            )
        return Problem(f"「{self.zh}」的值不被接受。", f"The value of '{self.en}' is not accepted.")

    def problem(self, value: Any) -> Problem | None:
        """``None`` if ``value`` is acceptable, else the field's message."""
        ok = self._accepts(value)
        if not ok:
            return self.message()
        if self.extra_check is not None:
            return self.extra_check(value)
        return None

    def _accepts(self, value: Any) -> bool:
        k = self.kind
        if k in ("int", "float"):
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                return False
            if k == "int" and not float(value).is_integer():
                return False
            v = float(value)
            if math.isnan(v) or math.isinf(v):
                return False
            return (self.lo is None or v >= self.lo) and (self.hi is None or v <= self.hi)
        if k == "choice":
            return _hashable_in(value, self.options)
        if k == "multi":
            return isinstance(value, (tuple, list)) and len(set(map(str, value))) == len(value) and all(
                _hashable_in(v, self.options) for v in value
            )
        if k == "text":
            return isinstance(value, str) and len(value) <= self.max_len
        if k == "bool":
            return isinstance(value, bool)
        if k == "date":
            import datetime as dt

            if value is None:
                return True  # a cleared date picker: the form's own check reports it
            return isinstance(value, dt.date) and self.lo <= value <= self.hi  # type: ignore[operator]
        return False


def _hashable_in(value: Any, options: Sequence) -> bool:
    try:
        return any(value == o and type(value) is type(o) for o in options)
    except Exception:  # noqa: BLE001
        return False


def _fmt(x: float | None) -> str:
    if x is None:
        return "∞"
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,}"


# --------------------------------------------------------------------------- guarded controls


class _Guarded:
    """Mixin checking every front-end update against a :class:`FieldSpec` (see module doc)."""

    _frontend_keys: tuple[str, ...] = ("value",)

    def _guard_setup(self, spec: FieldSpec, on_refuse: Callable[[FieldSpec, Problem], None] | None) -> None:
        self._spec = spec
        self._on_refuse = on_refuse
        self.refusals: list[Problem] = []

    def _candidate(self, key: str, raw: Any) -> Any:
        """The Python value the update would give the field (raise ``ValueError`` if none)."""
        return raw

    def set_state(self, sync_data: dict) -> None:  # type: ignore[override]
        spec: FieldSpec = self._spec
        refused: Problem | None = None
        accepted: dict = {}
        for key, raw in dict(sync_data).items():
            if key not in self._frontend_keys:
                refused = spec.message()
                continue
            try:
                candidate = self._candidate(key, raw)
            except (ValueError, TypeError, IndexError, KeyError, OverflowError):
                refused = spec.message()
                continue
            if key in ("value", "index"):
                problem = spec.problem(candidate)
                if problem is not None:
                    refused = problem
                    continue
            accepted[key] = raw
        if accepted:
            try:
                super().set_state(accepted)  # type: ignore[misc]
            except Exception:  # noqa: BLE001 - a trait refused it: same message
                refused = spec.message()
        if refused is not None:
            self.refusals.append(refused)
            # put the page back in step with the kernel
            self.send_state([k for k in self._frontend_keys if k in self.keys])  # type: ignore[attr-defined]
            if self._on_refuse is not None:
                self._on_refuse(spec, refused)


def _number(raw: Any, integer: bool) -> float:
    if isinstance(raw, bool) or not isinstance(raw, numbers.Real):
        raise TypeError("not a number")
    if integer and not float(raw).is_integer():
        raise ValueError("not an integer")
    return int(raw) if integer else float(raw)


class _GuardedNumber(_Guarded):
    _integer = False

    def _candidate(self, key: str, raw: Any) -> Any:
        return _number(raw, self._integer)


class _GuardedIndex(_Guarded):
    """Selection widgets: the page sends ``index``; the candidate is the option's value."""

    _frontend_keys = ("index",)

    def _candidate(self, key: str, raw: Any) -> Any:
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise TypeError("index must be an int")
        values = list(self._spec.options)
        if not 0 <= raw < len(values):
            raise IndexError(raw)
        return values[raw]


class _GuardedMultiIndex(_Guarded):
    _frontend_keys = ("index",)

    def _candidate(self, key: str, raw: Any) -> Any:
        if not isinstance(raw, (list, tuple)):
            raise TypeError("index must be a list")
        values = list(self._spec.options)
        out = []
        for i in raw:
            if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < len(values):
                raise IndexError(i)
            out.append(values[i])
        return tuple(out)


def _make(base: type, mixin: type, name: str) -> type:
    return type(name, (mixin, base), {"__module__": __name__})


GuardedIntSlider = _make(W.IntSlider, type("_I", (_GuardedNumber,), {"_integer": True}), "GuardedIntSlider")
GuardedFloatSlider = _make(W.FloatSlider, _GuardedNumber, "GuardedFloatSlider")
GuardedBoundedIntText = _make(W.BoundedIntText, type("_I2", (_GuardedNumber,), {"_integer": True}), "GuardedBoundedIntText")
GuardedBoundedFloatText = _make(W.BoundedFloatText, _GuardedNumber, "GuardedBoundedFloatText")
GuardedDropdown = _make(W.Dropdown, _GuardedIndex, "GuardedDropdown")
GuardedToggleButtons = _make(W.ToggleButtons, _GuardedIndex, "GuardedToggleButtons")
GuardedRadioButtons = _make(W.RadioButtons, _GuardedIndex, "GuardedRadioButtons")
GuardedSelectMultiple = _make(W.SelectMultiple, _GuardedMultiIndex, "GuardedSelectMultiple")
GuardedText = _make(W.Text, _Guarded, "GuardedText")
GuardedCheckbox = _make(W.Checkbox, _Guarded, "GuardedCheckbox")


class GuardedPlay(_GuardedNumber, W.Play):
    """The playback control also sends ``playing`` and ``repeat`` (booleans)."""

    _integer = True
    _frontend_keys = ("value", "playing", "repeat")

    def _candidate(self, key: str, raw: Any) -> Any:
        if key in ("playing", "repeat"):
            if not isinstance(raw, bool):
                raise TypeError("must be a bool")
            return raw
        return _number(raw, True)


class GuardedButton(W.Button):
    """A button: clicks are the only thing the page may send; state updates are refused."""

    def set_state(self, sync_data: dict) -> None:  # type: ignore[override]
        log.warning("refused a state update on a button: %s", list(sync_data))
        self.send_state()


class GuardedTab(W.Tab):
    """Tabs: the page may only change ``selected_index`` to an existing tab."""

    def set_state(self, sync_data: dict) -> None:  # type: ignore[override]
        idx = sync_data.get("selected_index", None)
        ok = set(sync_data) == {"selected_index"} and (
            idx is None or (isinstance(idx, int) and not isinstance(idx, bool) and 0 <= idx < len(self.children))
        )
        if ok:
            super().set_state(sync_data)
        else:
            log.warning("refused a tab update: %r", sync_data)
            self.send_state(["selected_index"])


def guarded(
    spec: FieldSpec,
    on_refuse: Callable[[FieldSpec, Problem], None] | None = None,
    widget: str | None = None,
    lang: str = "zh",
    **kwargs: Any,
) -> W.DOMWidget:
    """A guarded control for ``spec`` (the widget type follows ``spec.kind`` unless given)."""
    kinds = {
        "int": GuardedIntSlider, "float": GuardedFloatSlider, "choice": GuardedDropdown,
        "multi": GuardedSelectMultiple, "text": GuardedText, "bool": GuardedCheckbox,
        "int_text": GuardedBoundedIntText, "float_text": GuardedBoundedFloatText,
        "toggle": GuardedToggleButtons, "radio": GuardedRadioButtons,
    }
    cls = kinds[widget or spec.kind]
    if spec.kind in ("int", "float"):
        kwargs.setdefault("min", spec.lo)
        kwargs.setdefault("max", spec.hi)
        kwargs.setdefault("continuous_update", False)
    if spec.kind in ("choice", "multi"):
        kwargs["options"] = [(label(o, lang), o) for o in spec.options]
    if spec.kind == "text":
        kwargs.setdefault("continuous_update", False)
    w = cls(description=spec.name(lang), **kwargs)
    w._guard_setup(spec, on_refuse)
    return w


def relabel(w: W.DOMWidget, lang: str) -> None:
    """Relabel a guarded control (description, option labels) keeping its value."""
    spec: FieldSpec = w._spec
    w.description = spec.name(lang)
    if spec.kind in ("choice", "multi"):
        value = w.value
        w.options = [(label(o, lang), o) for o in spec.options]
        w.value = value


def lang_toggle(lang: str = "zh") -> W.ToggleButtons:
    """The 中文 / English switch used by every widget."""
    spec = FieldSpec("lang", "语言", "Language", "choice", options=LANGS)
    w = GuardedToggleButtons(options=[("中文", "zh"), ("English", "en")], value=lang,
                             style={"button_width": "72px"}, tooltips=["中文界面", "English labels"])
    w._guard_setup(spec, None)
    return w


# --------------------------------------------------------------------------- figures at display time


def iter_widgets(root: W.Widget):
    """``root`` and every widget below it (through ``children``)."""
    stack = [root]
    seen: set[int] = set()
    while stack:
        w = stack.pop()
        if id(w) in seen:
            continue
        seen.add(id(w))
        yield w
        stack.extend(getattr(w, "children", ()) or ())


def refresh_figures(root: W.Widget) -> None:
    """Copy every nested plotly figure's current data and layout into its widget state.

    plotly does this only when a figure is itself displayed; a figure inside a box keeps
    the state it was created with, and a page that connects later (Voila renders after the
    notebook ran) would draw that stale state.
    """
    from copy import deepcopy

    from plotly.basewidget import BaseFigureWidget

    for w in iter_widgets(root):
        if isinstance(w, BaseFigureWidget):
            w._widget_layout = deepcopy(w._layout_obj._props)
            w._widget_data = deepcopy(w._data)


class Displayable:
    """Mixin: refresh nested figures whenever the widget is displayed; a short ``repr``.

    The ``repr`` is the text/plain part of the display: ipywidgets would put every child's
    state in it (and so into the served page).
    """

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    def _repr_mimebundle_(self, **kwargs: Any):  # type: ignore[override]
        refresh_figures(self)  # type: ignore[arg-type]
        return super()._repr_mimebundle_(**kwargs)  # type: ignore[misc]


# --------------------------------------------------------------------------- containers


class _Frozen:
    """Containers and displays: the page never has a reason to change their state."""

    def set_state(self, sync_data: dict) -> None:  # type: ignore[override]
        log.warning("refused a state update on %s: %s", type(self).__name__, list(sync_data))
        self.send_state([k for k in sync_data if k in self.keys])  # type: ignore[attr-defined]


class FrozenHBox(_Frozen, W.HBox):
    """An ``HBox`` whose children the page cannot replace."""


class FrozenVBox(_Frozen, W.VBox):
    """A ``VBox`` whose children the page cannot replace."""


class FrozenHTML(_Frozen, W.HTML):
    """An ``HTML`` display the page cannot rewrite."""


class Panel(Displayable, FrozenVBox):
    """Base of the kit's compound widgets.

    Subclasses build private child widgets in ``_build_*`` methods, keep state on
    ``self``, redraw in one ``update()`` method and switch language in ``set_lang``.
    Every callback is wrapped with :func:`safe`, so a failure becomes a bilingual message
    in ``self._messages`` instead of a traceback.
    """

    def __init__(self, lang: str = "zh", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if lang not in LANGS:
            raise O2OError(f"语言只能是 zh 或 en,收到 {lang!r}。", f"Language must be zh or en, got {lang!r}.")
        self.lang = lang
        self._quiet = False
        self._messages = MessageArea()

    @property
    def message_text(self) -> str:
        """The messages on show, as plain text (for tests and notebooks)."""
        return self._messages.text()

    def set_lang(self, lang: str) -> None:
        """Switch labels to ``lang`` (``"zh"`` or ``"en"``)."""
        if lang not in LANGS:
            self._messages.show(Problem("语言只能是中文或英文。", "Language must be Chinese or English."))
            return
        self.lang = lang
        self._messages.set_lang(lang)
        self._quiet = True  # relabelling must not trigger redraws half-way
        try:
            self._relabel()
        finally:
            self._quiet = False
        self.update()

    def _relabel(self) -> None:  # pragma: no cover - overridden
        pass

    def update(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def _refused(self, spec: FieldSpec, problem: Problem) -> None:
        """A guarded control refused a value from the page: show the field's message."""
        log.warning("refused a value for %s", spec.key)
        self._messages.show(problem, "error", self.lang)
