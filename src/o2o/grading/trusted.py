"""Run the instructor's test code outside the sandbox, on data brought out of it.

For every test cell (public checks and hidden tests together) and every read-only instructor cell,
the evaluator looks at the names the code reads, asks the sandboxed kernel for their current values
through :mod:`o2o.grading.codec`, and runs the trusted code in its own namespace in the grading
worker. Rules:

* names bound by trusted code (read-only cells, earlier test cells) keep the trusted value - a student
  cannot redefine ``budget`` or ``pd`` for the tests;
* names of Python built-ins are never taken from the student (``len``, ``assert``-helpers,
  ``isinstance`` ... are the real ones);
* student functions become proxies: calling one runs it in the sandbox with data arguments and brings
  back data;
* a value that is not plain data becomes :class:`~o2o.grading.codec.Opaque` and fails the test.

A test passes when the code finishes without an exception and without writing to stderr - the same
rule as nbgrader. A number as the cell's last expression is partial credit, as in nbgrader.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import importlib
import io
import re
import signal
import sys
import traceback
import warnings
from dataclasses import dataclass
from typing import Any, Callable

from .codec import CallableRef, Missing, ModuleRef, Opaque

HIDDEN_BEGIN = "### BEGIN HIDDEN TESTS"
HIDDEN_END = "### END HIDDEN TESTS"

DEFAULT_MODULES = frozenset({
    "numpy", "pandas", "math", "statistics", "datetime", "collections", "re", "json", "decimal",
    "fractions", "itertools", "functools", "random", "pyarrow", "o2o",
})

HIDDEN_FAIL_ZH = "隐藏测试未通过。请对照题目要求检查你的答案(类型、数值、单位)。"
HIDDEN_FAIL_EN = "A hidden test did not pass. Check your answer against the question (type, value, unit)."


def load_modules(modules: frozenset[str] = DEFAULT_MODULES) -> None:
    """Import the allow-listed modules (a fixed list: a student's alias, ``pd`` or ``np``, maps to these)."""
    for mod in sorted(modules):
        with contextlib.suppress(Exception):
            importlib.import_module(mod)


def imported_by(sources: list[str]) -> set[str]:
    """The absolute modules that the instructor's ``sources`` import (statements anywhere in a cell)."""
    out: set[str] = set()
    for source in sources:
        try:
            tree = ast.parse(source)
        except SyntaxError:  # magics: the evaluator reports it when the cell is run
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                out.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                out.add(node.module)
    return out


class TestTimeout(Exception):
    pass


@dataclass
class Verdict:
    passed: bool
    partial: Any = None  # last-expression value (partial credit), if any
    ename: str = ""
    message: str = ""
    hidden: bool = False  # the failure is inside a hidden-test region
    stdout: str = ""


def hidden_ranges(source: str) -> list[tuple[int, int]]:
    """1-based inclusive line ranges of hidden-test regions."""
    out: list[tuple[int, int]] = []
    start = None
    for i, line in enumerate(source.split("\n"), 1):
        if HIDDEN_BEGIN.split("### ")[1] in line and start is None:
            start = i
        elif HIDDEN_END.split("### ")[1] in line and start is not None:
            out.append((start, i))
            start = None
    if start is not None:
        out.append((start, len(source.split("\n"))))
    return out


def strip_hidden(source: str) -> str:
    """The source without hidden-test regions (what the student's kernel may see)."""
    keep = []
    ranges = hidden_ranges(source)
    for i, line in enumerate(source.split("\n"), 1):
        if any(a <= i <= b for a, b in ranges):
            continue
        keep.append(line)
    return "\n".join(keep)


def loaded_names(tree: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def bound_names(tree: ast.Module) -> set[str]:
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            out.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for a in node.names:
                out.add((a.asname or a.name).split(".")[0])
    return out


class _Proxy:
    """A student function living in the sandbox."""

    def __init__(self, name: str, call: Callable[[str, tuple, dict], Any]) -> None:
        self._name = name
        self._call = call

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._call(self._name, args, kwargs)

    def __repr__(self) -> str:
        return f"<学生函数 {self._name}>"


def _no_display(*a: Any, **k: Any) -> None:
    return None


class TrustedEvaluator:
    """One namespace per notebook; trusted code only."""

    def __init__(self, fetch: Callable[[list[str]], dict[str, Any]], call: Callable[[str, tuple, dict], Any],
                 modules: frozenset[str] = DEFAULT_MODULES, timeout_s: float = 30.0,
                 ignore_pattern: str | None = None) -> None:
        self.ignore = re.compile(ignore_pattern) if ignore_pattern else None
        self.fetch = fetch
        self.call = call
        self.modules = modules
        self.timeout_s = timeout_s
        self.ns: dict[str, Any] = {"__name__": "__main__", "__builtins__": builtins, "display": _no_display}
        self.trusted: set[str] = {"display"}
        load_modules(modules)
        self.count = 0

    def _inject(self, tree: ast.Module) -> None:
        want = sorted(n for n in loaded_names(tree)
                      if n not in self.trusted and not hasattr(builtins, n) and not n.startswith("__"))
        if not want:
            return
        try:
            values = self.fetch(want)
        except Exception as e:  # the sandbox is gone or refused: every wanted name is unusable
            values = {n: Opaque(f"unavailable: {type(e).__name__}") for n in want}
        for name in want:
            v = values.get(name, Opaque("unavailable"))
            if isinstance(v, Missing):
                self.ns.pop(name, None)
            elif isinstance(v, CallableRef):
                self.ns[name] = _Proxy(name, self.call)
            elif isinstance(v, ModuleRef):
                # never import what student data names: only a module the trusted side already loaded
                loaded = sys.modules.get(v.name) if v.name.split(".")[0] in self.modules else None
                self.ns[name] = loaded if loaded is not None else Opaque("module")
            else:
                self.ns[name] = v

    def run(self, source: str) -> Verdict:
        """Run trusted ``source``; the result decides a test cell's score."""
        self.count += 1
        filename = f"<o2o-trusted-{self.count}>"
        ranges = hidden_ranges(source)
        try:
            tree = ast.parse(source, filename=filename)
        except SyntaxError as e:
            return Verdict(False, ename="SyntaxError", message=str(e))
        self._inject(tree)
        last_expr = None
        if tree.body and isinstance(tree.body[-1], ast.Expr):
            last_expr = ast.Expression(tree.body.pop().value)
        out, err = io.StringIO(), io.StringIO()
        partial = None
        old = signal.signal(signal.SIGALRM, _alarm) if _main_thread() else None
        if old is not None:
            signal.setitimer(signal.ITIMER_REAL, self.timeout_s)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), warnings.catch_warnings():
                warnings.simplefilter("default")
                warnings.showwarning = lambda m, c, f, ln, file=None, line=None: err.write(f"{c.__name__}: {m}\n")
                exec(compile(tree, filename, "exec"), self.ns)
                if last_expr is not None:
                    partial = eval(compile(last_expr, filename, "eval"), self.ns)
        except BaseException as e:  # noqa: BLE001 - any failure of trusted code on student data is a fail
            if isinstance(e, KeyboardInterrupt):
                raise
            hidden = _failed_in(e, filename, ranges)
            return Verdict(False, ename=type(e).__name__, message=_message(e), hidden=hidden, stdout=out.getvalue())
        finally:
            if old is not None:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, old)
            self.trusted |= bound_names(ast.parse(source))
        errtext = err.getvalue()
        if self.ignore is not None:  # nbgrader's IgnorePattern drops matching stderr lines
            errtext = "".join(ln for ln in errtext.splitlines(keepends=True) if not self.ignore.search(ln))
        if errtext:
            return Verdict(False, ename="stderr", message=errtext[-2000:], stdout=out.getvalue(),
                           hidden=bool(ranges))
        return Verdict(True, partial=partial, stdout=out.getvalue())


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def _alarm(signum: int, frame: Any) -> None:
    raise TestTimeout("测试运行超时 / the test took too long")


def _failed_in(e: BaseException, filename: str, ranges: list[tuple[int, int]]) -> bool:
    for fs in traceback.extract_tb(e.__traceback__):
        if fs.filename == filename and any(a <= (fs.lineno or 0) <= b for a, b in ranges):
            return True
    return False


def _message(e: BaseException) -> str:
    try:
        s = str(e)
    except Exception:
        s = ""
    return s[:2000]
