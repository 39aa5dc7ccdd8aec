"""Grade one student's submission: repair, run in the sandbox, score with trusted code.

:func:`prepare_class` runs once in the grading command's process (imports, specs, each notebook's
trusted set-up, :mod:`o2o.grading.prelude`); each student is then graded by a worker forked from it,
which owns one sandbox uid and one runtime directory for its kernels' ipc sockets (one per slot).
:func:`grade_submission` returns plain data (the graded notebooks and flags); the main process writes
the gradebook.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..data.variants import ENV_KEY, variant_key
from . import codec
from .codec_kernel import KERNEL_SOURCE as ENCODER_SOURCE
from .feedback import sanitize_output
from .kernel import SandboxedKernel, warm_up
from .prelude import Prelude, PreludeEvaluator, prepare
from .replica import Replica
from .repair import Flag, flag, read_notebook, repair
from .sandbox import SANDBOX_UID_BASE, Limits, Sandbox, default_readonly_paths
from .spec import NotebookSpec, spec_from_dict
from .trusted import HIDDEN_FAIL_EN, HIDDEN_FAIL_ZH, Verdict, imported_by, load_modules, strip_hidden

NOT_RUN_ZH = "沙箱已停止(超时、内存或进程数超限),此单元格未运行。"
NOT_RUN_EN = "The sandbox stopped (time, memory or process limit); this cell did not run."


@dataclass
class NotebookResult:
    name: str
    notebook: dict[str, Any] | None  # None: no submission for this notebook
    flags: list[Flag] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class StudentResult:
    student: str
    notebooks: list[NotebookResult] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0

    @property
    def flags(self) -> list[Flag]:
        return [f for nb in self.notebooks for f in nb.flags]


@dataclass
class WorkerConfig:
    index: int
    runtime_base: str
    limits: Limits
    readonly_paths: list[str]
    env: dict[str, str]
    specs: dict[str, dict[str, Any]]  # notebook name -> spec_to_dict
    extra_files_dir: str | None = None  # released non-notebook files, copied next to the notebook
    ignore_pattern: str | None = None  # nbgrader's IgnorePattern.pattern (stderr lines that do not count)
    variant_secret: bytes | None = None  # the course secret: each student is graded against their own variant


_STATE: dict[str, Any] = {}


def prepare_class(cfg: WorkerConfig) -> dict[str, int]:
    """In the process workers are forked from: imports, specs and each notebook's trusted set-up, once.

    The set-up (:mod:`o2o.grading.prelude`) is prepared only when every student gets the same data
    (no course secret). The kernel spec and the modules the tests import are loaded here too, so no
    worker imports them again. Returns how many set-up cells each notebook has prepared.
    """
    import nbformat  # noqa: F401 - the validator's start-up, paid once for the class

    load_modules()
    warm_up()
    _STATE["cfg"] = cfg
    _STATE["specs"] = specs = {k: spec_from_dict(v) for k, v in cfg.specs.items()}
    # what the instructor's tests import (never anything a student names): imported once, not per student
    trusted_sources = [c.source for s in specs.values() for c in s.cells if c.kind in ("test", "locked")]
    load_modules(frozenset(imported_by(trusted_sources)))
    _STATE["preludes"] = preludes = {}
    if cfg.variant_secret is None:
        outer = os.environ.get(ENV_KEY)
        use_variant(cfg, None)  # what every student's worker sets: the base case
        try:
            for name, spec in specs.items():
                prelude = prepare(spec, _test_timeout(cfg), cfg.ignore_pattern)
                if prelude is not None:
                    preludes[name] = prelude
        finally:
            if outer is not None:
                os.environ[ENV_KEY] = outer
    return {name: len(p.cells) for name, p in preludes.items()}


def init_worker(cfg: WorkerConfig) -> None:
    """Worker initializer: the state :func:`prepare_class` left in the parent, or the specs alone."""
    if _STATE.get("cfg") is not cfg or "specs" not in _STATE:
        _STATE["cfg"] = cfg
        _STATE["specs"] = {k: spec_from_dict(v) for k, v in cfg.specs.items()}
        _STATE["preludes"] = {}


def _test_timeout(cfg: WorkerConfig) -> float:
    return min(cfg.limits.cell_timeout_s, 60)


#: the replica runs as a uid of its own: the visible kernel's processes never count against its limits
REPLICA_UID_OFFSET = 500


def _sandbox(cfg: WorkerConfig, suffix: str = "") -> Sandbox:
    rt = Path(cfg.runtime_base) / f"w{cfg.index}{suffix}"
    uid = SANDBOX_UID_BASE + cfg.index + (REPLICA_UID_OFFSET if suffix else 0)
    env = dict(cfg.env)
    if _STATE.get("variant_key"):
        env[ENV_KEY] = _STATE["variant_key"]  # the student's key only, never the course secret
    return Sandbox(uid=uid, runtime_dir=rt, limits=cfg.limits,
                   readonly_paths=[Path(p) for p in cfg.readonly_paths], env=env)


def use_variant(cfg: WorkerConfig, student: str | None) -> str | None:
    """Point the trusted side (``o2o.load()`` in hidden tests) and the sandbox at ``student``'s variant."""
    key = variant_key(cfg.variant_secret, student) if cfg.variant_secret and student is not None else None
    _STATE["variant_key"] = key
    if key:
        os.environ[ENV_KEY] = key
    else:
        os.environ.pop(ENV_KEY, None)
    return key


def grade_submission(job: tuple[str, str]) -> StudentResult:
    """Grade ``(student_id, submitted_dir)``; never raises."""
    student, submitted = job
    t0 = time.monotonic()
    res = StudentResult(student)
    try:
        cfg: WorkerConfig = _STATE["cfg"]
        specs: dict[str, NotebookSpec] = _STATE["specs"]
        use_variant(cfg, student)
        sub = Path(submitted)
        present = {p.stem: p for p in sub.glob("*.ipynb")} if sub.is_dir() else {}
        missing = [n for n in specs if n not in present]
        extras = [n for n in present if n not in specs]
        renamed: dict[str, Path] = {}
        for name in missing:
            ids = {c.grade_id for c in specs[name].cells}
            for extra in list(extras):
                nb, _ = read_notebook(present[extra])
                got = {(c.get("metadata") or {}).get("nbgrader", {}).get("grade_id")
                       for c in (nb or {}).get("cells", []) if isinstance(c, dict) and isinstance(c.get("metadata"), dict)}
                if ids & got:
                    renamed[name] = present[extra]
                    extras.remove(extra)
                    break
        for name, spec in specs.items():
            tn = time.monotonic()
            if name in present:
                nbr = grade_notebook(cfg, spec, present[name], sub)
            elif name in renamed:
                nbr = grade_notebook(cfg, spec, renamed[name], sub)
                nbr.flags.insert(0, flag("renamed", f"笔记本被改名为 {renamed[name].name},已按 {name}.ipynb 评分",
                                         f"notebook renamed to {renamed[name].name}; graded as {name}.ipynb"))
            else:
                nbr = NotebookResult(name, None, [flag("missing", f"缺少笔记本 {name}.ipynb,该部分记 0 分",
                                                        f"notebook {name}.ipynb is missing; scored 0")])
            nbr.seconds = time.monotonic() - tn
            res.notebooks.append(nbr)
        if extras and res.notebooks:
            res.notebooks[0].flags.append(flag("extra_notebook", f"多余的笔记本已忽略:{', '.join(sorted(extras))}",
                                               f"extra notebooks ignored: {', '.join(sorted(extras))}"))
    except BaseException as e:  # noqa: BLE001 - SystemExit included: reported in the summary, the batch goes on
        res.error = f"{type(e).__name__}"
    res.seconds = time.monotonic() - t0
    return res


def _stage(cfg: WorkerConfig, submitted: Path) -> Path:
    """Files the notebook may read: the student's own non-notebook files, then the released ones."""
    stage = Path(tempfile.mkdtemp(prefix="stage-", dir=cfg.runtime_base))
    os.chmod(stage, 0o755)
    for src in sorted(submitted.rglob("*")) if submitted.is_dir() else []:
        rel = src.relative_to(submitted)
        if src.is_symlink() or src.suffix == ".ipynb" or rel.name == "timestamp.txt" or ".ipynb_checkpoints" in rel.parts:
            continue
        dest = stage / rel
        if src.is_dir():
            dest.mkdir(parents=True, exist_ok=True)
        elif src.is_file() and src.stat().st_size < 20_000_000:
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest)
    if cfg.extra_files_dir and Path(cfg.extra_files_dir).is_dir():
        base = Path(cfg.extra_files_dir)
        for src in base.rglob("*"):
            if src.is_file() and src.suffix != ".ipynb":
                dest = stage / src.relative_to(base)
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, dest)
    for p in [stage, *stage.rglob("*")]:
        os.chmod(p, 0o755 if p.is_dir() else 0o644)
    return stage


class _Bridge:
    """Values fetched by the trusted evaluator from the visible kernel (calls go to the replica)."""

    def __init__(self, kernel: SandboxedKernel) -> None:
        self.kernel = kernel
        self.ready = False
        self.refused = False  # a reply broke the format (crafted by the student's code); flagged

    def _ensure(self) -> None:
        if not self.ready:
            # the encoder only: calls never go to this kernel (they go to the replica)
            r = self.kernel.run(ENCODER_SOURCE, silent=True, timeout=20)
            if r.status != "ok":
                raise RuntimeError("helper failed")
            self.ready = True

    def _expr(self, expr: str) -> Any:
        self._ensure()
        r = self.kernel.run("", silent=True, user_expressions={"v": expr})
        v = r.user_expressions.get("v", {})
        if r.status != "ok" or v.get("status") != "ok":
            raise RuntimeError("extraction failed")
        data = v.get("data") if isinstance(v.get("data"), dict) else {}
        try:
            return codec.decode_text(codec.unrepr(data.get("text/plain")))
        except codec.Refused:
            self.refused = True
            raise

    def _decode(self, obj: Any) -> Any:
        value = codec.decode(obj)
        if isinstance(value, codec.Opaque) and value.type_name in codec.REFUSED_NAMES:
            self.refused = True
        return value

    def fetch(self, names: list[str]) -> dict[str, Any]:
        if not self.kernel.alive():
            raise RuntimeError("kernel gone")
        raw = self._expr(f"__o2o_dump({names!r})")
        if not isinstance(raw, dict):
            self.refused = True
            raise RuntimeError("bad reply")
        return {n: self._decode(raw.get(n)) for n in names}



def grade_notebook(cfg: WorkerConfig, spec: NotebookSpec, path: Path, submitted: Path) -> NotebookResult:
    raw, flags = read_notebook(path)
    nb, more = repair(raw, spec)
    flags += more
    stage = _stage(cfg, submitted)
    kernel = SandboxedKernel(_sandbox(cfg), staging_dir=stage)
    replica = Replica(_sandbox(cfg, "c"), stage)
    try:
        try:
            kernel.start()
        except Exception as e:
            flags.append(flag("kernel_start", f"沙箱内核无法启动:{type(e).__name__}", f"sandbox kernel failed to start: {type(e).__name__}"))
        bridge = _Bridge(kernel)
        prelude: Prelude | None = _STATE.get("preludes", {}).get(spec.name)
        evaluator = PreludeEvaluator(prelude, bridge.fetch, replica.call, _test_timeout(cfg), cfg.ignore_pattern)
        stopped = False
        specs = spec.by_id()
        for cell in nb["cells"]:
            if cell["cell_type"] != "code":
                continue
            md = cell["metadata"].get("nbgrader", {})
            cspec = specs.get(md.get("grade_id")) if md else None
            kind = cspec.kind if cspec else "student"
            verdict: Verdict | None = None
            if kind in ("test", "locked"):
                verdict = evaluator.run(cspec.source)  # before the cell runs in the sandbox: same state as nbgrader
            run_src = strip_hidden(cell["source"]) if kind == "test" else cell["source"]
            if kernel.alive() and not stopped:
                r = kernel.run(run_src)
                replica.ran(run_src)
                outputs, status = r.outputs, r.status
                cell["execution_count"] = r.execution_count
                if status in ("timeout", "dead"):
                    stopped = True
                    code = "timeout" if status == "timeout" else "kernel_died"
                    flags.append(flag(code, f"单元格运行{'超时' if status == 'timeout' else '时沙箱停止'},之后的单元格未运行",
                                      f"a cell {'timed out' if status == 'timeout' else 'stopped the sandbox'}; later cells did not run"))
                    outputs = outputs + [{"output_type": "stream", "name": "stdout", "text": NOT_RUN_ZH + "\n" + NOT_RUN_EN + "\n"}]
                if r.truncated and not any(f.code == "output_truncated" for f in flags):
                    flags.append(flag("output_truncated", "输出过长,已截断", "output too long; truncated"))
            else:
                outputs = [{"output_type": "stream", "name": "stdout", "text": NOT_RUN_ZH + "\n" + NOT_RUN_EN + "\n"}]
            outputs = [sanitize_output(o) for o in outputs]
            if kind == "test":
                outputs = _test_outputs(outputs, verdict)
            cell["outputs"] = outputs
        if bridge.refused or replica.refused:
            flags.append(flag("refused_reply", "沙箱返回的数据不符合格式(可能被改写),已拒绝,相关测试不得分",
                              "a reply from the sandbox broke the format (rewritten?); refused, its tests score nothing"))
    finally:
        kernel.shutdown()
        replica.shutdown()
        shutil.rmtree(stage, ignore_errors=True)
    return NotebookResult(spec.name, nb, flags)


def _test_outputs(outputs: list[dict[str, Any]], verdict: Verdict | None) -> list[dict[str, Any]]:
    """A test cell's outputs: the sandbox's (as plain text, never deciding the score) then the trusted verdict."""
    shown: list[dict[str, Any]] = []
    for o in outputs:
        if o["output_type"] == "error":
            shown.append({"output_type": "stream", "name": "stdout", "text": f"{o['ename']}: {o['evalue']}\n"})
        elif o["output_type"] == "stream":
            shown.append({"output_type": "stream", "name": "stdout", "text": o["text"]})
        elif o["output_type"] == "execute_result":
            shown.append({"output_type": "display_data", "data": o["data"], "metadata": {}})
        else:
            shown.append(o)
    if verdict is None:
        return shown
    if verdict.passed:
        if verdict.partial is not None:
            shown.append({"output_type": "execute_result", "execution_count": None, "metadata": {},
                          "data": {"text/plain": repr(verdict.partial)}})
        return shown
    if verdict.hidden:
        evalue = f"{HIDDEN_FAIL_ZH}\n{HIDDEN_FAIL_EN}"
        ename = "AssertionError"
    else:
        ename, evalue = verdict.ename or "Error", verdict.message
    shown.append({"output_type": "error", "ename": ename, "evalue": evalue, "traceback": [f"{ename}: {evalue}"]})
    return shown
