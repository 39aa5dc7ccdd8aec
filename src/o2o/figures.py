"""Checked figures: every number a lesson's prose quotes is tied to the value its code computes.

A lesson's markdown keeps the number a reader sees and follows it with an invisible HTML comment
naming, as a Python expression over the lesson's own variables, the value it quotes::

    经异业合作入会的会员 12.1%<!-- fig: quality.loc["异业合作", "engaged_share"] --> 是活跃粉或铁杆粉

A comparison or other statement that is not one number is tied to a truth value::

    附近异业的每元毛利更高<!-- claim: mpy_nearby > mpy_alliance -->

When the notebook runs under :func:`o2o.notebook_runner.run_notebook`, a probe cell appended to the
in-memory copy evaluates every marker's expression in the lesson's kernel (:func:`probe_source`);
:func:`check_figures` then compares each quoted number with its value at the quoted precision.

Rules of a quoted number:

* it is the last number before its marker, with nothing but a unit between them (``%``, ``元``,
  ``万元``, ``家``, ``倍``, a closing ``**`` …); thousands separators are allowed (``1,234``);
* precision is the number of decimals written: ``8.3`` must be within 0.05 of the value, ``66``
  within 0.5;
* a number followed by ``%`` quotes a fraction: the expression gives 0.083 for ``8.3%``;
  every other unit is quoted as the expression gives it (compute ``cost / 1e4`` for ``66万元``).

Quantities written in words (一成, 上百万元, 两倍) are flagged too: write the figure in digits and mark it.
Numbers that come from a source or are givens rather than data (``第18讲``, ``2015年``, ``近7000家店``
in a quotation, a scenario's ¥2,000 budget) are exempt when written in a calendar form or followed
by ``<!-- given: reason -->``; :func:`unmarked_numbers` lists every other number with a unit.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass

__all__ = ["FIGURES_MIME", "Quote", "quotes", "probe_source", "check_figures", "unmarked_numbers"]

#: MIME type of the probe cell's output (exists only in the executed in-memory copy).
FIGURES_MIME = "application/vnd.o2o.figures+json"

_MARKER = re.compile(r"<!--\s*(fig|claim|given)\s*:\s*(.*?)\s*-->", re.DOTALL)
_NUMBER = r"[-−]?\d{1,3}(?:,\d{3})+(?:\.\d+)?|[-−]?\d+(?:\.\d+)?"
# the quoted number, then only a unit, emphasis or spaces before the marker
_QUOTED = re.compile(rf"(?P<num>{_NUMBER})(?P<unit>[^\d<>]{{0,8}}?)$")
_UNIT_CHARS = re.compile(r"^[\s*_%‰¥)）\u00a0\u4e00-\u9fffA-Za-z]*$")  # a unit: 元, 万元, 家, stores …


@dataclass(frozen=True)
class Quote:
    """One marker in a notebook's markdown."""

    cell: int          # index of the markdown cell
    kind: str          # "fig" or "claim"
    expr: str          # Python expression evaluated in the lesson's kernel
    text: str          # the quoted number as written ("" for a claim)
    number: float | None
    decimals: int
    percent: bool
    span: tuple[int, int] = (0, 0)  # where the quoted number stands in the cell's source

    def where(self) -> str:
        shown = f"“{self.text}” " if self.text else ""
        return f"cell {self.cell}: {shown}<!-- {self.kind}: {self.expr} -->"


def _parse_number(text: str) -> tuple[float, int]:
    clean = text.replace(",", "").replace("−", "-")
    decimals = len(clean.split(".", 1)[1]) if "." in clean else 0
    return float(clean), decimals


def _cells(nb) -> list[tuple[int, str]]:
    return [(i, c.source if isinstance(c.source, str) else "".join(c.source))
            for i, c in enumerate(nb.cells) if c.cell_type == "markdown"]


def quotes(nb) -> tuple[list[Quote], list[str]]:
    """Every fig/claim marker of a notebook, and the problems found while reading them."""
    found: list[Quote] = []
    problems: list[str] = []
    for index, source in _cells(nb):
        for m in _MARKER.finditer(source):
            kind, expr = m.group(1), m.group(2)
            if kind == "given":
                continue
            if not expr:
                problems.append(f"cell {index}: empty <!-- {kind}: --> marker")
                continue
            if kind == "claim":
                found.append(Quote(index, kind, expr, "", None, 0, False))
                continue
            offset = max(0, m.start() - 40)
            q = _QUOTED.search(source[offset:m.start()])  # an earlier marker ends the search ("<" is no unit)
            if not q or not _UNIT_CHARS.match(q.group("unit")):
                problems.append(f"cell {index}: no number right before <!-- fig: {expr} -->")
                continue
            number, decimals = _parse_number(q.group("num"))
            found.append(Quote(index, kind, expr, q.group("num") + q.group("unit").strip(" *_"),
                               number, decimals, q.group("unit").lstrip(" *_").startswith("%"),
                               (offset + q.start("num"), offset + q.end("num"))))
    return found, problems


def probe_source(nb) -> str | None:
    """Source of the cell that evaluates every marker in the kernel; None when the notebook has none."""
    exprs = sorted({(q.kind, q.expr) for q in quotes(nb)[0]})
    if not exprs:
        return None
    return (
        "def _o2o_figures(_items):\n"
        "    import math as _m\n"
        "    from IPython.display import display as _show\n"
        "    _out = {}\n"
        "    for _kind, _expr in _items:\n"
        "        try:\n"
        "            _v = eval(_expr, globals())\n"
        "            _v = bool(_v) if _kind == 'claim' else float(_v)\n"
        "            _out[_kind + ':' + _expr] = {'value': _v if _kind == 'claim' or _m.isfinite(_v) else str(_v)}\n"
        "        except Exception as _x:\n"
        "            _out[_kind + ':' + _expr] = {'error': type(_x).__name__ + ': ' + str(_x)[:300]}\n"
        f"    _show({{{FIGURES_MIME!r}: _out}}, raw=True)\n"
        f"_o2o_figures({json.dumps(exprs, ensure_ascii=False)})\n"
    )


def _agrees(quote: Quote, value: float) -> bool:
    shown = value * 100 if quote.percent else value
    return abs(shown - quote.number) <= 0.5 * 10 ** -quote.decimals * (1 + 1e-9) + 1e-12


def _rendered(quote: Quote, value: float) -> str:
    shown = value * 100 if quote.percent else value
    return f"{shown:.{quote.decimals}f}" + ("%" if quote.percent else "")


def check_figures(nb, values: dict) -> list[str]:
    """Problems of a notebook's quoted figures against the values its run computed ([] when all hold).

    ``values`` is the probe cell's output: {"fig:<expr>" or "claim:<expr>": {"value": …} or {"error": …}}.
    """
    found, problems = quotes(nb)
    for q in found:
        got = values.get(f"{q.kind}:{q.expr}")
        if got is None:
            problems.append(f"{q.where()}: not evaluated (did the notebook run to the end?)")
        elif "error" in got:
            problems.append(f"{q.where()}: {got['error']}")
        elif q.kind == "claim":
            if got["value"] is not True:
                problems.append(f"{q.where()}: the claim is false on this data")
        elif not isinstance(got["value"], float) or not math.isfinite(got["value"]):
            problems.append(f"{q.where()}: the value is {got['value']!r}")
        elif not _agrees(q, got["value"]):
            problems.append(f"{q.where()}: the data gives {_rendered(q, got['value'])}")
    return problems


# ----------------------------------------------------------------------------- unmarked numbers

_CODE = re.compile(r"```.*?```|`[^`\n]*`", re.DOTALL)
_LINK_TARGET = re.compile(r"\]\([^)]*\)|<[^>]*>")
# a number with a unit that states a quantity (a self-check's tolerance, ±0.5, states none)
_QUANTITY = re.compile(rf"(?<![A-Za-z\d.,_±])(?:¥\s?)?(?:{_NUMBER})\s*(?:%|‰|万元|亿元|万|亿|元|家|个|人次|人|场|倍|位|名|笔|张|单)")
# a decimal with no unit is a measured value too (0.81 元, R = 0.5)
_DECIMAL = re.compile(r"(?<![A-Za-z\d.,_±])\d+\.\d+(?![A-Za-z\d.])")
# quantities in words hide figures as well: 一成, 三成, 上百万元, 几百元, 两倍 (几倍? 几成? ask, they state nothing)
_WORDS = re.compile(r"[一二两三四五六七八九十半]+成(?![员功为本果立]|纯熟)|上[百千万亿]+(?:万)?元?|[几数][十百千万亿]+[万亿]?[元人家次场]?|一两[天个场次]|[一二两三四五六七八九十]+倍")
# statistical conventions, not data: a 95% confidence interval
_CONVENTION = re.compile(r"9[05]\s*%\s*(?:的\s*)?(?=置信|confidence|CI\b)")
# calendar and syllabus forms, never data: 第18讲, 2015年, 12月, 1–20讲, 36讲, 5W
_CALENDAR = re.compile(r"^(?:¥\s?)?\d+\s*(?:讲|年|月|日|号|点|小时|分钟|天|周|W|w)")


def unmarked_numbers(nb) -> list[str]:
    """Numbers with a unit in the prose that carry neither a fig marker nor a given marker."""
    out: list[str] = []
    for index, source in _cells(nb):
        text = _CODE.sub(" ", source)
        # drop each marked number together with its marker, then every other tag and link target
        text = re.sub(rf"(?:{_NUMBER}|{_WORDS.pattern})[^\d<>]{{0,6}}?<!--\s*(?:fig|given|claim)\s*:.*?-->", " ", text, flags=re.DOTALL)
        text = _MARKER.sub(" ", text)
        text = _LINK_TARGET.sub(" ", text)
        text = _CONVENTION.sub(" ", text)
        hits = [m for m in _QUANTITY.finditer(text) if not _CALENDAR.match(m.group(0))]
        covered = {i for m in hits for i in range(m.start(), m.end())}
        hits += [m for m in _DECIMAL.finditer(text) if m.start() not in covered]
        hits += list(_WORDS.finditer(text))
        for m in sorted(hits, key=lambda m: m.start()):
            out.append(f"cell {index}: “{m.group(0)}” in “…{text[max(0, m.start() - 20):m.end() + 10]}…”")
    return out
