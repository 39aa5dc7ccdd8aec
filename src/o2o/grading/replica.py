"""The replica: where calls from trusted tests into a student's functions run, unseen by the student.

The visible kernel never receives a hidden test's arguments: whatever helper the grader sends it, the
student's code there could rewrite it and record them for a later cell to print. A notebook whose
tests call a student function gets a replica instead: a plain Python process in a sandbox of its own
(the same limits, its own namespaces and tmpfs, unreachable from the visible kernel) that replays the
cells the visible kernel ran, in the same order, up to the test, then serves the calls. Nothing it
prints is kept; it is stopped with the notebook.

It is a light runner, not a Jupyter kernel (no ZeroMQ, no IPython unless a cell needs its syntax), so
it costs a Python start and the cells it replays. The grader and the runner speak one JSON line each
way over the runner's stdin and stdout; replies are bounded and decoded by :mod:`o2o.grading.codec`.
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

from . import codec
from .codec_kernel import KERNEL_SOURCE
from .sandbox import Sandbox

# Runs inside the sandbox as the student's uid: copy the student's files, keep the protocol on private
# descriptors, send everything the cells print to /dev/null, then answer one JSON line per request.
RUNNER = r'''
import json, os, shutil, sys
src = "/sandbox/in"
for root, dirs, files in os.walk(src):
    rel = os.path.relpath(root, src)
    os.makedirs(rel, exist_ok=True)
    for f in files:
        shutil.copyfile(os.path.join(root, f), os.path.join(rel, f))
proto_in, proto_out = os.fdopen(os.dup(0), "rb"), os.fdopen(os.dup(1), "wb")
null = os.open(os.devnull, os.O_RDWR)
for fd in (0, 1, 2):
    os.dup2(null, fd)
sys.stdout = sys.stderr = open(os.devnull, "w")

class _Shell:
    def __getattr__(self, name):
        return lambda *a, **k: None

ns = {"__name__": "__main__", "display": lambda *a, **k: None, "get_ipython": _Shell}

def _transform(source):
    try:
        compile(source, "<cell>", "exec")
        return source
    except SyntaxError:
        from IPython.core.inputtransformer2 import TransformerManager  # magics and shell escapes
        return TransformerManager().transform_cell(source)

def _decode(obj):
    t = obj.get("t") if type(obj) is dict else None
    v = obj.get("v") if type(obj) is dict else None
    if t == "none":
        return None
    if t in ("bool", "str"):
        return v
    if t == "int":
        return int(v)
    if t == "float":
        return float(v)
    if t in ("list", "tuple"):
        return (list if t == "list" else tuple)(_decode(x) for x in v)
    if t == "dict":
        return {_decode(k): _decode(x) for k, x in v}
    from o2o.grading.codec import decode
    return decode(obj)

for line in proto_in:
    seq, kind, *rest = json.loads(line)
    try:
        if kind == "init":
            exec(rest[0], ns)
            ns["__o2o_decode"] = _decode
            reply = "ok"
        elif kind == "cell":
            exec(compile(_transform(rest[0]), "<cell>", "exec"), ns)
            reply = "ok"
        else:
            reply = "ok" + ns["__o2o_call"](rest[0], rest[1])
    except BaseException as e:
        reply = "er" + type(e).__name__[:60]
    proto_out.write((json.dumps([seq, reply]) + "\n").encode())
    proto_out.flush()
'''

MAX_REPLY = 2 * codec.MAX_TEXT + 100


class Replica:
    """One notebook's replica, started at the first call; ``ran`` records what the visible kernel ran."""

    def __init__(self, sandbox: Sandbox, stage: Path) -> None:
        self.sandbox, self.stage = sandbox, stage
        self.history: list[str] = []
        self.done = 0
        self.proc: subprocess.Popen | None = None
        self.broken = False
        self.refused = False
        self.retried = False
        self.seq = 0
        self.deadline = 0.0

    def ran(self, source: str) -> None:
        self.history.append(source)

    def call(self, name: str, args: tuple, kwargs: dict) -> Any:
        """Run one call; a replica that failed for its own reasons (not the function's) is rebuilt once."""
        if self.broken:
            raise RuntimeError("replica unavailable")
        payload = json.dumps([[codec.host_encode(a) for a in args], {k: codec.host_encode(v) for k, v in kwargs.items()}])
        # the replica keeps its own time (cell limit per request): the test's timer is paused meanwhile
        left, _ = signal.setitimer(signal.ITIMER_REAL, 0) if _main_thread() else (0.0, 0.0)
        try:
            try:
                reply = self._serve(name, payload)
            except RuntimeError:
                if self.retried:
                    raise
                self.shutdown()
                self.retried, self.broken = True, False
                self.proc, self.done = None, 0
                reply = self._serve(name, payload)
        finally:
            if left > 0:
                signal.setitimer(signal.ITIMER_REAL, left)
        if not reply.startswith("ok"):
            raise RuntimeError("the student's function raised an error")
        try:
            value = codec.decode(codec.decode_text(reply[2:]))
        except codec.Refused:
            self.refused = True
            raise
        if isinstance(value, codec.Opaque) and value.type_name in codec.REFUSED_NAMES:
            self.refused = True
        return value

    def _serve(self, name: str, payload: str) -> str:
        if self.proc is None:
            self._start()
        while self.done < len(self.history):
            self._ask(["cell", self.history[self.done]], self.sandbox.limits.cell_timeout_s)
            self.done += 1
        return self._ask(["call", name, payload], self.sandbox.limits.cell_timeout_s)

    def _start(self) -> None:
        rt = self.sandbox.runtime_dir
        if rt.exists():
            shutil.rmtree(rt)
        rt.mkdir(parents=True)
        os.chmod(rt, 0o755)
        cmd = self.sandbox.command("", self.stage, program=RUNNER)
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.deadline = time.monotonic() + self.sandbox.limits.notebook_timeout_s
        self._ask(["init", KERNEL_SOURCE], self.sandbox.limits.startup_timeout_s)

    def _ask(self, message: list[Any], timeout: float) -> str:
        """Send one request, read one bounded reply line before the deadline; any fault breaks the replica."""
        assert self.proc is not None and self.proc.stdin is not None and self.proc.stdout is not None
        self.seq += 1
        try:
            self.proc.stdin.write((json.dumps([self.seq, *message]) + "\n").encode())
            self.proc.stdin.flush()
            line = _read_line(self.proc.stdout.fileno(), min(time.monotonic() + timeout, self.deadline))
            seq, reply = json.loads(line)
            if seq != self.seq:  # a reply to another request: the exchange is out of step
                raise ValueError("out of step")
        except (OSError, ValueError, TypeError, TimeoutError):
            self.broken = True
            self.shutdown()
            raise RuntimeError("replica stopped") from None
        except BaseException:  # the test's own timer, mid-request: the protocol's state is unknown
            self.broken = True
            self.shutdown()
            raise
        if type(reply) is not str:
            self.broken = True
            self.shutdown()
            raise RuntimeError("replica stopped")
        return reply

    def shutdown(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()  # bwrap: the sandbox dies with it (--die-with-parent inside)
        if self.proc is not None:
            self.proc.wait(10)
            # closed here, not left to the garbage collector: its ResourceWarning could land on the stderr
            # of whatever trusted test runs then, and fail that test
            for pipe in (self.proc.stdin, self.proc.stdout):
                if pipe is not None:
                    with contextlib.suppress(OSError):
                        pipe.close()
        shutil.rmtree(self.sandbox.runtime_dir, ignore_errors=True)


def _read_line(fd: int, deadline: float) -> bytes:
    chunks: list[bytes] = []
    size = 0
    with selectors.DefaultSelector() as sel:
        sel.register(fd, selectors.EVENT_READ)
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not sel.select(left):
                raise TimeoutError
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                raise OSError("replica closed")
            chunks.append(chunk)
            size += len(chunk)
            if b"\n" in chunk:
                data = b"".join(chunks)
                if data.index(b"\n") != len(data) - 1:
                    raise ValueError("more than one line")
                return data
            if size > MAX_REPLY:
                raise ValueError("reply too long")


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()
