"""Run notebooks top to bottom, as "Run All" does, and report what happened.

Used by the lesson tests (every lesson must execute on the default dataset) and by the
lesson benchmark (Run-All time against a baseline notebook). Each notebook runs in its own
kernel; :func:`run_many` spreads notebooks over a small pool of worker processes.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from o2o.figures import FIGURES_MIME, probe_source

__all__ = ["RunResult", "run_notebook", "run_many", "output_mimetypes", "rendered_outputs"]

PLOTLY_MIME = "application/vnd.plotly.v1+json"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


@dataclass
class RunResult:
    """Outcome of running one notebook."""

    path: str
    ok: bool
    seconds: float
    error: str = ""
    mimetypes: list[str] = field(default_factory=list)
    stdout: str = ""
    #: values of the notebook's quoted-figure markers, evaluated at the end of the run (see o2o.figures)
    figures: dict = field(default_factory=dict)
    #: what a reader sees of each output: (cell index, MIME type shown, its text); see :func:`rendered_outputs`
    rendered: list = field(default_factory=list)

    @property
    def has_figure_or_widget(self) -> bool:
        return any(m in (PLOTLY_MIME, WIDGET_MIME) or m.startswith("image/") for m in self.mimetypes)


def output_mimetypes(nb) -> list[str]:
    """Every MIME type found in the outputs of an executed notebook (with repeats)."""
    found: list[str] = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            found.extend(out.get("data", {}).keys())
    return found


#: the representation a front end shows when an output carries several, best first
_SHOWN = (WIDGET_MIME, PLOTLY_MIME, "text/html", "image/png", "image/svg+xml", "image/jpeg", "text/markdown",
          "text/latex", "text/plain")


def rendered_outputs(nb) -> list[tuple[int, str, str]]:
    """(cell index, MIME type, text) of what a reader sees of every output of an executed notebook.

    Of an output with several representations only the one a front end shows counts (a widget's or a
    figure's ``text/plain`` fallback is never seen, so it is not reported; their text is empty here).
    Streams count as ``stream``, errors as ``error`` with their traceback.
    """
    found: list[tuple[int, str, str]] = []
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            kind = out.get("output_type")
            if kind == "stream":
                found.append((i, "stream", out.get("text", "")))
            elif kind == "error":
                found.append((i, "error", "\n".join(out.get("traceback", []))))
            elif kind in ("execute_result", "display_data"):
                data = out.get("data", {})
                mime = next((m for m in _SHOWN if m in data), next(iter(data), ""))
                text = data.get(mime, "") if mime.startswith("text/") else ""
                found.append((i, mime, text if isinstance(text, str) else "".join(text)))
    return found


def _stdout(nb) -> str:
    parts: list[str] = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stdout":
                parts.append(out.get("text", ""))
    return "".join(parts)


def _figures(probe_cell) -> dict:
    for out in probe_cell.get("outputs", []):
        if FIGURES_MIME in out.get("data", {}):
            return dict(out["data"][FIGURES_MIME])
    return {}


def run_notebook(path: str | os.PathLike[str], timeout: int = 300, kernel_name: str = "python3") -> RunResult:
    """Execute the notebook at ``path`` in a fresh kernel, working directory = its folder.

    ``timeout`` is per cell, in seconds. Never raises for a failing notebook: the error is in the result.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    p = Path(path)
    start = time.perf_counter()
    if not p.is_file():
        return RunResult(str(p), False, 0.0, f"missing notebook: {p}")
    try:
        nb = nbformat.read(p, as_version=4)
    except Exception as exc:  # noqa: BLE001
        return RunResult(str(p), False, 0.0, f"unreadable notebook: {type(exc).__name__}: {exc}")
    probe = probe_source(nb)
    if probe is not None:  # evaluated after the lesson's last cell, in the same kernel; never written back
        nb.cells.append(nbformat.v4.new_code_cell(probe))
    client = NotebookClient(nb, timeout=timeout, kernel_name=kernel_name,
                            resources={"metadata": {"path": str(p.parent.resolve())}})
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
        text = str(exc)
        return RunResult(str(p), False, time.perf_counter() - start, text[-4000:], output_mimetypes(nb), _stdout(nb),
                         rendered=rendered_outputs(nb))
    except Exception as exc:  # noqa: BLE001 - kernel could not start, etc.
        return RunResult(str(p), False, time.perf_counter() - start, f"{type(exc).__name__}: {exc}")
    figures = _figures(nb.cells.pop()) if probe is not None else {}
    return RunResult(str(p), True, time.perf_counter() - start, "", output_mimetypes(nb), _stdout(nb), figures,
                     rendered_outputs(nb))


def _run_one(args: tuple[str, int]) -> RunResult:
    path, timeout = args
    return run_notebook(path, timeout=timeout)


def run_many(paths: Iterable[str | os.PathLike[str]], workers: int = 2, timeout: int = 300) -> dict[str, RunResult]:
    """Run several notebooks, ``workers`` at a time, each in its own process and kernel."""
    items = [(str(p), timeout) for p in paths]
    if not items:
        return {}
    if workers <= 1 or len(items) == 1:
        return {path: _run_one((path, t)) for path, t in items}
    # "spawn", not the default "fork": the caller (a test session, a server) often has threads
    # running, and a forked child can inherit a lock held by one of them and hang for ever.
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        results = list(pool.map(_run_one, items))
    return {r.path: r for r in results}
