"""Start an app server in a child process and wait until it answers (tests, benchmarks).

>>> with AppServer(["maturity"]) as srv:          # doctest: +SKIP
...     requests.get(srv.url)
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Sequence

from o2o.errors import O2OError


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerDidNotStart(O2OError):
    """The app server did not answer in time."""


class AppServer:
    """``python -m o2o.apps.commands <args>`` (or any command) on a free port, as a context manager.

    ``command`` replaces the server command (e.g. a plain ``voila`` for a baseline); it must
    contain ``{port}`` where the port goes.
    """

    def __init__(self, args: Sequence[str] = (), *, command: Sequence[str] | None = None, env: dict | None = None,
                 cwd: str | Path | None = None, log_path: str | Path | None = None, timeout: float = 120.0) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        if command is None:
            command = [sys.executable, "-m", "o2o.apps.commands", "--port", "{port}", *args]
        self.command = [c.replace("{port}", str(self.port)) for c in command]
        self.env = {**os.environ, **(env or {})}
        self.cwd = cwd
        self.log_path = Path(log_path) if log_path else None
        self.timeout = timeout
        self.proc: subprocess.Popen | None = None
        self._log = None

    def __enter__(self) -> "AppServer":
        out = subprocess.DEVNULL
        if self.log_path:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            self._log = open(self.log_path, "w", encoding="utf-8")  # noqa: SIM115
            out = self._log
        self.proc = subprocess.Popen(self.command, cwd=self.cwd, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self.wait_ready()
        return self

    def wait_ready(self) -> None:
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise ServerDidNotStart(f"应用服务器启动失败(退出码 {self.proc.returncode})。",
                                        f"The app server exited with code {self.proc.returncode}.")
            try:
                with urllib.request.urlopen(self.url, timeout=5) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            time.sleep(0.2)
        self.stop()
        raise ServerDidNotStart("应用服务器没有在规定时间内启动。", "The app server did not start in time.")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)  # the server and its kernels
                self.proc.wait(timeout=20)
            except (subprocess.TimeoutExpired, ProcessLookupError):
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait(timeout=10)
        if self._log:
            self._log.close()
            self._log = None

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def app_url(self, notebook: str) -> str:
        from urllib.parse import quote

        return f"{self.url}voila/render/{quote(notebook)}"
