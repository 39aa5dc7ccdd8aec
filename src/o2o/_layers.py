"""The floors of the package: which part of ``o2o`` may import which.

A module may import modules of its own package (without closing a cycle) and modules on a lower
floor; never a module on its own floor in another package, never one above. ``ARCHITECTURE.md``
shows this table (rendered by :func:`markdown_table`), and ``tests/test_architecture.py`` reads every
module's imports with ``ast`` and holds the code to it.

Each entry names a package (it covers every module below it) or a single module; the bare ``o2o``
covers only the package's own ``__init__`` (``o2o.load``). ``planned`` entries are packages still to
come; they have their floor already.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Part:
    """One package or module of ``o2o`` and its floor (0 = the ground everything stands on)."""

    floor: int
    name: str
    role: str
    planned: bool = False


PARTS: tuple[Part, ...] = (
    Part(0, "o2o.errors", "bilingual errors (`O2OError` and its kinds)"),
    Part(0, "o2o.i18n", "Chinese/English labels"),
    Part(0, "o2o.selfcheck", "the lessons' `check(...)`"),
    Part(0, "o2o.judgment", "the lessons' judgment exercises: a chosen option checked, with the reason"),
    Part(0, "o2o.figures", "checked figures: markers tying each number a lesson quotes to the value it computes"),
    Part(0, "o2o._layers", "this table"),
    Part(0, "o2o.glossary", "the course's terms: one canonical Chinese term per concept and the variants not to use"),
    Part(0, "o2o.kernel_env", "the environment course kernels start with (memory settings)"),
    Part(1, "o2o.data", "what everything reads: schema, calibration, validated lazy loader, checks, data dictionary, "
                        "per-student variants (`o2o.data.variants`, an overlay `o2o.load(variant=...)` applies)"),
    Part(1, "o2o.safeio", "output folders written safely: new, empty or marked; temporary sibling, atomic rename"),
    Part(1, "o2o.options", "option ranges refused before any work; whether an address and port can be listened on"),
    Part(2, "o2o", "the package's front door: `o2o.load()`"),
    Part(2, "o2o.scenes", "domain core: scene model, world, simulation engine, 5W evaluation, DiD"),
    Part(2, "o2o.maturity", "the five-stage organisational maturity model"),
    Part(2, "o2o.syllabus", "the course syllabus"),
    Part(2, "o2o.display", "tables as lessons show them: the column glossary, Chinese column names (`show`)"),
    Part(3, "o2o.teaching", "for instructors: session plans, discussion notes and example memos (data in `course/`), "
                            "checked against the syllabus, lessons and assignments and rendered into the guide"),
    Part(3, "o2o.casegen", "the case generator: builds the dataset, simulating its historical scenes with "
                           "`o2o.scenes`; the `o2o data` and `o2o variant` commands"),
    Part(3, "o2o.assignments", "public checks, the capstone's rollout analysis, scene plan rules and grading settings of the assignments"),
    Part(4, "o2o.analysis", "case computations behind each lesson (DataFrames in, DataFrames and figures out)"),
    Part(5, "o2o.widgets", "ipywidgets + plotly classes, and the lesson labs composed of them"),
    Part(6, "o2o.apps", "Voila apps composed of widgets, and their server"),
    Part(6, "o2o.grading", "instructors' sandboxed parallel autograding and the student bundle"),
    Part(6, "o2o.debrief", "the class debrief over a graded class"),
    Part(7, "o2o.hub", "a cohort's JupyterHub: roster accounts, roles, exchange with real identities, limits, "
                       "lesson copies, apps service; above grading"),
    Part(7, "o2o.game", "the class game (班长战争): market, rounds, 5W and score over `o2o.scenes`; its classroom "
                        "server `o2o game` (tornado, SQLite log); beside the hub"),
    Part(8, "o2o.cli", "the `o2o` command (loads command modules by name)"),
    Part(9, "o2o.__main__", "`python -m o2o`"),
    Part(6, "o2o.lab", "`o2o lab`: the Chinese JupyterLab (its settings are reused by the hub)"),
    Part(8, "o2o.notebook_runner", "runs notebooks for the tests and benchmarks"),
    Part(8, "o2o.pytest_ci", "the test plugin of `make test`"),
)


def part_of(module: str, parts: tuple[Part, ...] = PARTS) -> Part | None:
    """The entry covering ``module`` (the longest matching name), or ``None`` when no entry does."""
    best = None
    for p in parts:
        if module == p.name or (p.name != "o2o" and module.startswith(p.name + ".")):
            if best is None or len(p.name) > len(best.name):
                best = p
    return best


def markdown_table(parts: tuple[Part, ...] = PARTS) -> str:
    """The table as ``ARCHITECTURE.md`` shows it, top floor first."""
    rows = ["| Floor | Part | What it holds |", "|---|---|---|"]
    for p in sorted(parts, key=lambda p: -p.floor):
        name = f"`{p.name}`" + (" (to come)" if p.planned else "")
        rows.append(f"| {p.floor} | {name} | {p.role} |")
    return "\n".join(rows)
