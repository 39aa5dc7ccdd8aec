"""A notebook's trusted set-up, run once for the whole class instead of once per student.

The read-only cells before a notebook's first test cell (``ds = o2o.load()``, ``World.from_dataset``,
constants) are run by the trusted evaluator for every student, before the student's kernel has shown
it anything: loading the dataset and building the simulator's world on the trusted side cost as much
as the rest of a student's grading. :func:`prepare` runs them once, in the grading command's own
process, with every student name absent. Each student is then graded in a worker forked from that
process (:func:`o2o.grading.supervise.run` with ``once``), which starts from a copy of the prepared
namespace: whatever a hidden test does to it with a student's data - append to a list, write into a
DataFrame, cache something in a module - stays in that student's process and ends with it.

:class:`PreludeEvaluator` keeps :class:`~o2o.grading.trusted.TrustedEvaluator`'s contract exactly. It
uses a prepared cell only when the student's run reaches that same cell next and the student's kernel
holds none of the names the cell reads (what the prepared run assumed); otherwise it rebuilds the
evaluator the ordinary way, so the grade is the one a fresh evaluator gives. The set-up must not
depend on the student: it is prepared only when per-student data variants are off, and only when
every prepared cell runs cleanly.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Callable

from .codec import Missing
from .spec import NotebookSpec
from .trusted import TrustedEvaluator, Verdict

Fetch = Callable[[list[str]], dict[str, Any]]
Call = Callable[[str, tuple, dict], Any]


@dataclass
class PreparedCell:
    source: str  # the trusted source, as the worker will pass it
    asked: list[str]  # the names the evaluator asked the kernel for (all absent when prepared)
    verdict: Verdict


@dataclass
class Prelude:
    """The evaluator after a notebook's set-up cells, and what each of those cells assumed."""

    evaluator: TrustedEvaluator
    cells: list[PreparedCell] = field(default_factory=list)
    adopted: bool = False  # its evaluator went to a student (in that student's process)


def _no_call(name: str, args: tuple, kwargs: dict) -> Any:
    raise RuntimeError("no student function exists while the set-up is prepared")


class _Offline:
    """The fetch of a kernel that has run nothing yet: every name is absent; remembers what was asked."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def __call__(self, names: list[str]) -> dict[str, Any]:
        self.asked = list(names)
        return {n: Missing() for n in names}


def setup_cells(spec: NotebookSpec) -> list[str]:
    """Trusted sources of the read-only code cells before the notebook's first test cell."""
    out = []
    for c in spec.cells:
        if c.cell_type != "code" or c.kind in ("answer", "manual", "task"):
            continue
        if c.kind != "locked":
            break
        out.append(c.source)
    return out


def prepare(spec: NotebookSpec, timeout_s: float, ignore_pattern: str | None) -> Prelude | None:
    """Run the notebook's set-up cells once; ``None`` when there are none or one of them fails."""
    sources = setup_cells(spec)
    if not sources:
        return None
    offline = _Offline()
    ev = TrustedEvaluator(offline, _no_call, timeout_s=timeout_s, ignore_pattern=ignore_pattern)
    prelude = Prelude(ev)
    for source in sources:
        offline.asked = []
        verdict = ev.run(source)
        if not verdict.passed:  # a set-up that fails (or times out) is left to each student's own run
            return None
        prelude.cells.append(PreparedCell(source, offline.asked, verdict))
    ev.fetch, ev.call = _refuse_fetch, _no_call  # a prelude is never used for a student directly
    return prelude


def _refuse_fetch(names: list[str]) -> dict[str, Any]:
    raise RuntimeError("a prepared evaluator is used through PreludeEvaluator only")


class PreludeEvaluator:
    """:class:`TrustedEvaluator` for one student, starting from a :class:`Prelude` while that is exact."""

    def __init__(self, prelude: Prelude | None, fetch: Fetch, call: Call, timeout_s: float,
                 ignore_pattern: str | None) -> None:
        self.prelude = prelude
        self.fetch, self.call = fetch, call
        self.timeout_s, self.ignore_pattern = timeout_s, ignore_pattern
        self.used = 0  # prepared cells the student's run has reached, in order, with their names absent
        self.live: TrustedEvaluator | None = None
        if prelude is None:
            self.live = TrustedEvaluator(fetch, call, timeout_s=timeout_s, ignore_pattern=ignore_pattern)

    @property
    def reused(self) -> int:
        """How many cells came from the prelude (0: this notebook was evaluated the ordinary way)."""
        return self.used

    def run(self, source: str) -> Verdict:
        if self.live is None:
            assert self.prelude is not None
            cells = self.prelude.cells
            if self.used < len(cells) and source == cells[self.used].source and self._absent(cells[self.used].asked):
                verdict = cells[self.used].verdict
                self.used += 1
                if self.used == len(cells):
                    self.live = self._rebuild() if self.prelude.adopted else self._adopt()
                return dataclasses.replace(verdict)
            self.live = self._rebuild()
        return self.live.run(source)

    def _absent(self, names: list[str]) -> bool:
        """True when the student's kernel holds none of ``names`` now (as when the cell was prepared)."""
        if not names:
            return True
        try:
            values = self.fetch(names)
        except Exception:  # the ordinary evaluator will ask again and see the same failure
            return False
        return all(isinstance(values.get(n), Missing) for n in names)

    def _adopt(self) -> TrustedEvaluator:
        """The prepared evaluator itself (this process's own copy), now talking to the student's kernel."""
        assert self.prelude is not None
        self.prelude.adopted = True
        ev = self.prelude.evaluator
        ev.fetch, ev.call = self.fetch, self.call
        ev.timeout_s = self.timeout_s
        return ev

    def _rebuild(self) -> TrustedEvaluator:
        """A fresh evaluator that has run the prepared cells used so far, exactly as they ran (names absent)."""
        ev = TrustedEvaluator(_Offline(), _no_call, timeout_s=self.timeout_s, ignore_pattern=self.ignore_pattern)
        assert self.prelude is not None
        for cell in self.prelude.cells[: self.used]:
            ev.run(cell.source)
        ev.fetch, ev.call = self.fetch, self.call
        return ev
