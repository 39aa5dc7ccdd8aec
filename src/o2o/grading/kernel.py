"""A sandboxed Jupyter kernel and a small cell runner with output and time limits.

One :class:`SandboxedKernel` lives for one notebook. It is started by a long-lived worker with
ZeroMQ ``ipc`` transport in the worker's own runtime directory (a distinct absolute
``KernelManager.ip`` per worker, so concurrent kernels never race for TCP ports).
"""

from __future__ import annotations

import os
import queue
import subprocess
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import zmq
from jupyter_client import KernelManager
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.provisioning import KernelProvisionerFactory

from .sandbox import Limits, Sandbox

TRUNCATED_ZH = "…… 输出过长,已截断 / output truncated ……"

#: Largest message the grader accepts from a kernel; zmq drops a larger one before it is read into memory.
MAX_MESSAGE_BYTES = 48 * 1024**2
_CONTEXTS: dict[int, zmq.Context] = {}


def bounded_context() -> zmq.Context:
    """A zmq context of this process whose sockets refuse messages over :data:`MAX_MESSAGE_BYTES`."""
    ctx = _CONTEXTS.get(os.getpid())
    if ctx is None:
        ctx = zmq.Context()
        ctx.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)
        # the client connects before the kernel has bound its sockets: retry every 10 ms (zmq's
        # default, 100 ms, leaves a starting kernel's first replies waiting for nothing)
        ctx.setsockopt(zmq.RECONNECT_IVL, 10)
        _CONTEXTS[os.getpid()] = ctx
    return ctx


class _SpecOnce(KernelSpecManager):
    """Kernel specs looked up once per grading process (a lookup scans the kernel directories and
    imports IPython: some 50 ms of every notebook otherwise); forked workers inherit the result."""

    _found: ClassVar[dict[str, KernelSpec]] = {}

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        spec = self._found.get(kernel_name)
        if spec is None:
            spec = self._found[kernel_name] = super().get_kernel_spec(kernel_name)
        return spec


def warm_up() -> None:
    """What every kernel's start needs from this process, done once before workers are forked."""
    _SpecOnce().get_kernel_spec("python3")
    KernelProvisionerFactory.instance()  # reads the provisioners' entry points


class _SandboxKM(KernelManager):
    """A kernel manager whose kernel command is wrapped by the sandbox."""

    sandbox: Sandbox | None = None
    staging_dir: Path | None = None

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        assert self.sandbox is not None
        return self.sandbox.command(os.path.realpath(self.connection_file), self.staging_dir)

    async def _async_wait(self, pollinterval: float = 0.1) -> None:
        """Wait for the killed kernel: a sandbox ends at once, so poll every 5 ms (jupyter_client sleeps
        100 ms a poll, a tenth of a second of every notebook in which the worker does nothing)."""
        await super()._async_wait(pollinterval=0.005)

    def write_connection_file(self, **kwargs: Any) -> tuple[str, dict]:  # type: ignore[override]
        """Write the connection file so that only the sandbox user can read it."""
        out = super().write_connection_file(**kwargs)
        if os.geteuid() == 0 and self.sandbox is not None and os.path.exists(self.connection_file):
            os.chown(self.connection_file, self.sandbox.uid, self.sandbox.uid)
            os.chmod(self.connection_file, 0o400)
        return out


@dataclass
class CellRun:
    """What one execution produced."""

    outputs: list[dict[str, Any]] = field(default_factory=list)
    status: str = "ok"  # ok | error | timeout | dead
    user_expressions: dict[str, Any] = field(default_factory=dict)
    truncated: bool = False
    execution_count: int | None = None


class SandboxedKernel:
    """A python3 kernel running inside :class:`Sandbox`, driven over ipc sockets."""

    def __init__(self, sandbox: Sandbox, staging_dir: Path | None = None) -> None:
        self.sandbox = sandbox
        self.limits: Limits = sandbox.limits
        rt = sandbox.runtime_dir
        if rt.exists():
            shutil.rmtree(rt)
        rt.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(rt.parent, 0o700)  # only root on the host; the sandbox sees rt through a bind mount
        rt.mkdir()
        if os.geteuid() == 0:
            os.chown(rt, sandbox.uid, sandbox.uid)
        os.chmod(rt, 0o755)
        km = _SandboxKM(kernel_name="python3", transport="ipc", ip=str(rt / "k"),
                        connection_file=str(rt / "kernel.json"), context=bounded_context(),
                        kernel_spec_manager=_SpecOnce())
        km.sandbox = sandbox
        km.staging_dir = staging_dir
        self.km = km
        self.kc = None
        self.output_budget = self.limits.notebook_output_bytes
        self.deadline = time.monotonic() + self.limits.notebook_timeout_s

    def start(self) -> None:
        self.km.start_kernel(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        kc = self.km.client(context=bounded_context())
        kc.start_channels()
        try:
            self._wait_ready(kc, self.limits.startup_timeout_s)
        except RuntimeError:
            kc.stop_channels()
            self.shutdown()
            raise
        self.kc = kc
        rt = self.sandbox.runtime_dir
        if os.geteuid() == 0:  # the student may no longer create files in the socket directory
            os.chown(rt, 0, 0)
            os.chmod(rt, 0o755)

    def _wait_ready(self, kc: Any, timeout: float) -> None:
        """Wait until the kernel answers ``kernel_info`` on shell *and* its status for that request reaches
        us on iopub (so iopub is connected). ``KernelClient.wait_for_ready`` does the same, then always
        waits 0.2 s more for iopub to fall silent: a fifth of a second per notebook in which nothing
        runs. Later messages need no flush: :meth:`run` keeps only replies to its own request."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            msg_id = kc.kernel_info()
            if self._reply_to(kc.get_shell_msg, msg_id, min(1.0, end - time.monotonic())) is None:
                if not self.alive():
                    raise RuntimeError("kernel died before replying to kernel_info")
                continue
            # the reply is in; iopub carries the request's busy/idle status unless it is not connected yet
            if self._reply_to(kc.get_iopub_msg, msg_id, 0.2, idle=True) is not None:
                return
        raise RuntimeError(f"kernel did not become ready in {timeout:.0f} s")

    @staticmethod
    def _reply_to(get: Any, msg_id: str, timeout: float, idle: bool = False) -> dict | None:
        """The first message on a channel whose parent is ``msg_id`` (for iopub with ``idle``: its idle
        status), or None when ``timeout`` passes first."""
        end = time.monotonic() + max(0.0, timeout)
        while (remaining := end - time.monotonic()) > 0:
            try:
                msg = get(timeout=remaining)
            except queue.Empty:
                return None
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if not idle or (msg["msg_type"] == "status" and msg["content"].get("execution_state") == "idle"):
                return msg
        return None

    def alive(self) -> bool:
        try:
            return bool(self.km.is_alive())
        except Exception:
            return False

    def run(self, code: str, *, silent: bool = False, user_expressions: dict[str, str] | None = None,
            timeout: float | None = None) -> CellRun:
        """Execute ``code``; collect outputs until the kernel is idle, the cell time or the notebook time runs out."""
        res = CellRun()
        if self.kc is None or not self.alive():
            res.status = "dead"
            return res
        limit = self.limits.cell_timeout_s if timeout is None else timeout
        end = min(time.monotonic() + limit, self.deadline)
        if end <= time.monotonic():
            res.status = "timeout"
            return res
        msg_id = self.kc.execute(code, silent=silent, store_history=not silent,
                                 user_expressions=user_expressions or {}, allow_stdin=False)
        cell_budget = self.limits.cell_output_bytes
        idle = False
        reply = None
        while True:
            remaining = end - time.monotonic()
            if remaining <= 0:
                res.status = "timeout"
                break
            if not idle:
                try:
                    msg = self.kc.get_iopub_msg(timeout=min(remaining, 1.0))
                except queue.Empty:
                    if not self.alive():
                        res.status = "dead"
                        break
                    continue
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                mtype = msg["msg_type"]
                content = msg["content"]
                if mtype == "status" and content.get("execution_state") == "idle":
                    idle = True
                    continue
                if mtype in ("stream", "display_data", "execute_result", "error"):
                    out = _to_output(mtype, content)
                    size = _size(out)
                    if size > min(cell_budget, self.output_budget):
                        if not res.truncated:
                            res.outputs.append({"output_type": "stream", "name": "stdout", "text": TRUNCATED_ZH + "\n"})
                            res.truncated = True
                        cell_budget = 0
                        continue
                    cell_budget -= size
                    self.output_budget -= size
                    _append(res.outputs, out)
                elif mtype == "clear_output":
                    res.outputs = [o for o in res.outputs if o.get("output_type") == "error"]
                continue
            try:
                reply = self.kc.get_shell_msg(timeout=min(remaining, 1.0))
            except queue.Empty:
                if not self.alive():
                    res.status = "dead"
                    break
                continue
            if reply.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            c = reply["content"]
            res.execution_count = c.get("execution_count")
            res.status = "ok" if c.get("status") == "ok" else "error"
            res.user_expressions = c.get("user_expressions") or {}
            break
        if res.status in ("timeout", "dead"):
            self.shutdown()  # nothing more runs in this sandbox; later cells are reported as not run
        return res

    def shutdown(self) -> None:
        try:
            if self.kc is not None:
                self.kc.stop_channels()
        except Exception:
            pass
        self.kc = None
        try:
            self.km.shutdown_kernel(now=True)
        except Exception:
            try:
                self.km.kill_kernel()
            except Exception:
                pass
        try:
            self.km.cleanup_resources()
        except Exception:
            pass


def _to_output(mtype: str, content: dict[str, Any]) -> dict[str, Any]:
    if mtype == "stream":
        return {"output_type": "stream", "name": content.get("name", "stdout"), "text": str(content.get("text", ""))}
    if mtype == "error":
        return {"output_type": "error", "ename": str(content.get("ename", "")), "evalue": str(content.get("evalue", "")),
                "traceback": [str(t) for t in content.get("traceback", [])][:200]}
    out = {"output_type": mtype, "data": dict(content.get("data", {})), "metadata": dict(content.get("metadata", {}))}
    if mtype == "execute_result":
        out["execution_count"] = content.get("execution_count")
    return out


def _size(out: dict[str, Any]) -> int:
    if out["output_type"] == "stream":
        return len(out["text"])
    if out["output_type"] == "error":
        return len(out["evalue"]) + sum(len(t) for t in out["traceback"])
    return sum(len(str(v)) for v in out["data"].values())


def _append(outputs: list[dict[str, Any]], out: dict[str, Any]) -> None:
    if (out["output_type"] == "stream" and outputs and outputs[-1]["output_type"] == "stream"
            and outputs[-1]["name"] == out["name"]):
        outputs[-1]["text"] += out["text"]
    else:
        outputs.append(out)
