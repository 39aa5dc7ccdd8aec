"""The package keeps the plan of ARCHITECTURE.md: imports only go down the floors of ``o2o._layers``, no
import closes a cycle, and an import inside a function says why (``# lazy: <reason>`` on its line or the
line above, or above the group of imports it stands in). Every import of an ``o2o`` module is read with ``ast``, those inside functions included."""

from __future__ import annotations

import ast
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from o2o._layers import PARTS, Part, markdown_table, part_of

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
LAZY_REASON = re.compile(r"#\s*lazy:\s*\S")
DOC_BEGIN, DOC_END = "<!-- layers:begin -->", "<!-- layers:end -->"


@dataclass(frozen=True)
class Import:
    source: str
    target: str
    line: int
    lazy: bool
    reason: bool


def _modules(src: Path, package: str) -> dict[str, Path]:
    out = {}
    for path in sorted((src / package).rglob("*.py")):
        parts = list(path.relative_to(src).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _in_functions(tree: ast.AST) -> set[int]:
    inside = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            inside.update(id(n) for n in ast.walk(node) if n is not node)
    return inside


def _targets(node: ast.AST, module: str, is_package: bool, known: dict[str, Path], package: str) -> list[str]:
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name == package or a.name.startswith(package + ".")]
    assert isinstance(node, ast.ImportFrom)
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        origin = ".".join(base + ([node.module] if node.module else []))
    else:
        origin = node.module or ""
    if origin != package and not origin.startswith(package + "."):
        return []
    subs = [f"{origin}.{a.name}" for a in node.names if f"{origin}.{a.name}" in known]
    return subs if len(subs) == len(node.names) else [*subs, origin]


def imports(src: Path = SRC, package: str = "o2o") -> list[Import]:
    """Every import of a ``package`` module by a ``package`` module, with where it stands."""
    known = _modules(src, package)
    found = []
    for module, path in known.items():
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        tree = ast.parse(text, filename=str(path))
        inside = _in_functions(tree)
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            reason = _has_reason(lines, node.lineno)
            for target in _targets(node, module, path.name == "__init__.py", known, package):
                found.append(Import(module, target, node.lineno, id(node) in inside, reason))
    return found


def _has_reason(lines: list[str], lineno: int) -> bool:
    """A ``# lazy: <reason>`` comment on the import's line, or on the comment line above it or above the
    run of import lines it stands in."""
    if LAZY_REASON.search(lines[lineno - 1]):
        return True
    i = lineno - 2
    while i >= 0 and lines[i].lstrip().startswith(("from ", "import ")):
        i -= 1
    return i >= 0 and lines[i].lstrip().startswith("#") and bool(LAZY_REASON.search(lines[i]))


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), and modules importing themselves."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1 or v in edges.get(v, ()):
                out.append(sorted(group))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def plan_problems(src: Path = SRC, package: str = "o2o", parts: tuple[Part, ...] = PARTS,
                  found: list[Import] | None = None) -> list[str]:
    """Every way the code under ``src/package`` breaks the plan (empty when it keeps it)."""
    problems = []
    edges: dict[str, set[str]] = {}
    for imp in imports(src, package) if found is None else found:
        where = f"{imp.source} (line {imp.line}) imports {imp.target}"
        edges.setdefault(imp.source, set()).add(imp.target)
        if imp.lazy and not imp.reason:
            problems.append(f"{where} inside a function without a '# lazy: <reason>' comment")
        mine, theirs = part_of(imp.source, parts), part_of(imp.target, parts)
        if mine is None or theirs is None:
            problems.append(f"{where}: {imp.source if mine is None else imp.target} is not in the layer table")
        elif mine.name != theirs.name and theirs.floor >= mine.floor:
            side = "on its own floor" if theirs.floor == mine.floor else "upward"
            problems.append(f"{where}: {side}, floor {mine.floor} ({mine.name}) -> floor {theirs.floor} ({theirs.name})")
    for module in _modules(src, package):
        if part_of(module, parts) is None:
            problems.append(f"{module} is not in the layer table")
    problems += [f"import cycle: {' -> '.join(c)}" for c in _cycles(edges)]
    return sorted(set(problems))


# --------------------------------------------------------------------------- the kit itself


@pytest.fixture(scope="module")
def kit_imports() -> list[Import]:
    return imports()


def test_the_package_keeps_its_plan(kit_imports):
    problems = plan_problems(found=kit_imports)
    assert not problems, "\n".join(problems)


def test_the_reader_sees_every_kind_of_import(kit_imports):
    """The reader finds imports at the top, inside functions, relative and absolute (guards the guard)."""
    found = kit_imports
    assert len({i.source for i in found}) > 60
    lazy = [i for i in found if i.lazy]
    assert lazy and all(i.reason for i in lazy)
    pairs = {(i.source, i.target) for i in found}
    assert ("o2o.casegen.build", "o2o.scenes.history") in pairs        # absolute, relative to the parent
    assert ("o2o.scenes.history", "o2o.scenes.world") in pairs         # relative, same package
    assert ("o2o.casegen.commands", "o2o.casegen") in pairs            # `import o2o.casegen as ...`
    assert ("o2o", "o2o.data.variants") in {(i.source, i.target) for i in lazy}


def test_architecture_md_shows_the_layer_table():
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    assert DOC_BEGIN in text and DOC_END in text, "ARCHITECTURE.md lost its layer-table markers"
    shown = text.split(DOC_BEGIN, 1)[1].split(DOC_END, 1)[0].strip()
    assert shown == markdown_table(), "ARCHITECTURE.md's layer table differs from o2o._layers.PARTS:\n" + markdown_table()


def test_every_planned_part_has_a_floor_and_names_are_unique():
    names = [p.name for p in PARTS]
    assert len(names) == len(set(names))
    assert {p.name for p in PARTS if p.planned} >= {"o2o.hub"}
    hub, game, grading = (part_of(n) for n in ("o2o.hub", "o2o.game", "o2o.grading"))
    assert hub.floor > grading.floor and game.floor > max(part_of(n).floor for n in ("o2o.scenes", "o2o.widgets", "o2o.apps"))
    assert part_of("o2o.casegen.variants").name == "o2o.casegen"
    assert part_of("o2o.casegen").floor > part_of("o2o.scenes").floor > part_of("o2o.data").floor


# --------------------------------------------------------------------------- the checker fails when it should

TINY = (
    Part(0, "o2o.errors", ""),
    Part(1, "o2o.data", ""),
    Part(2, "o2o.scenes", ""),
    Part(2, "o2o.maturity", ""),
    Part(3, "o2o.widgets", ""),
)


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    src = tmp_path / "src"
    for rel, body in files.items():
        path = src / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(body), encoding="utf-8")
    return src


CLEAN = {
    "o2o/__init__.py": "",
    "o2o/errors.py": "class O2OError(Exception):\n    pass\n",
    "o2o/data/__init__.py": "from .load import load\n",
    "o2o/data/load.py": "from ..errors import O2OError\n\ndef load():\n    return O2OError\n",
    "o2o/scenes/__init__.py": "",
    "o2o/scenes/engine.py": "from o2o.data import load\nfrom . import world\n",
    "o2o/scenes/world.py": "import o2o.errors\n",
    "o2o/maturity/__init__.py": "",
    "o2o/widgets/__init__.py": "",
    "o2o/widgets/lab.py": "def lab():\n    # lazy: shows how a stated reason reads\n    from o2o.scenes import engine\n    return engine\n",
}


def _problems(tmp_path: Path, **changes: str) -> list[str]:
    files = dict(CLEAN, **{k.replace("__", "/") + ".py": v for k, v in changes.items()})
    return plan_problems(_tree(tmp_path, files), "o2o", TINY + (Part(2, "o2o", ""),))


def test_a_clean_tree_passes(tmp_path):
    assert _problems(tmp_path) == []


def test_an_upward_import_fails_even_inside_a_function(tmp_path):
    top = _problems(tmp_path / "a", o2o__data__load="from o2o.scenes import engine\n")
    assert any("upward, floor 1 (o2o.data) -> floor 2 (o2o.scenes)" in p for p in top)
    hidden = _problems(tmp_path / "b", o2o__data__load="def f():\n    # lazy: a reason does not excuse an upward import\n"
                                                        "    from ..widgets import lab\n")
    assert any("o2o.data.load (line 3) imports o2o.widgets.lab: upward" in p for p in hidden)


def test_an_import_beside_on_the_same_floor_fails(tmp_path):
    problems = _problems(tmp_path, o2o__maturity__stages="from o2o.scenes import world\n")
    assert any("on its own floor, floor 2 (o2o.maturity) -> floor 2 (o2o.scenes)" in p for p in problems)


def test_a_lazy_import_without_a_reason_fails(tmp_path):
    problems = _problems(tmp_path, o2o__widgets__lab="def lab():\n    from o2o.scenes import engine\n    return engine\n")
    assert problems == ["o2o.widgets.lab (line 2) imports o2o.scenes.engine inside a function without a "
                        "'# lazy: <reason>' comment"]


def test_a_cycle_fails_even_through_type_checking_or_functions(tmp_path):
    problems = _problems(tmp_path, o2o__scenes__world="from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                                                      "    from .engine import run\n")
    assert "import cycle: o2o.scenes.engine -> o2o.scenes.world" in problems


def test_a_module_outside_the_table_fails(tmp_path):
    problems = _problems(tmp_path, o2o__hub__spawner="from o2o.errors import O2OError\n")
    assert "o2o.hub.spawner is not in the layer table" in problems
