"""A real cohort for the end-to-end test: Unix accounts, a state folder, the hub process.

Everything it creates carries a random prefix, and :meth:`Cohort.close` removes it all
(servers and kernels of the cohort's accounts by their process ids, the hub, the
accounts with ``userdel --remove``, the groups, the state folder), even after a failure.
"""

from __future__ import annotations

import os
import pwd
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
O2O = [sys.executable, "-m", "o2o"]


def account_processes(uid: int) -> dict[str, list[int]]:
    """The process ids of an account's single-user servers and kernels (read from ``/proc``)."""
    out: dict[str, list[int]] = {"server": [], "kernel": []}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            if d.stat().st_uid != uid:
                continue
            cmd = (d / "cmdline").read_bytes()
        except OSError:
            continue
        if b"ipykernel" in cmd:
            out["kernel"].append(int(d.name))
        elif b"singleuser" in cmd:
            out["server"].append(int(d.name))
    return out


def free_port_block(n: int = 4) -> int:
    """A port p with p..p+n-1 free on 127.0.0.1, below Linux's ephemeral range (32768+) and the
    servers' ports (20000+), where no kernel's random port can take one before the hub binds it."""
    rng = random.Random()
    for _ in range(500):
        port = rng.randrange(12000, 19990)
        socks = []
        try:
            for p in range(port, port + n):
                s = socket.socket()
                socks.append(s)
                s.bind(("127.0.0.1", p))
            return port
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise RuntimeError("no free ports")


class Cohort:
    def __init__(self, n_students: int, artifacts: Path) -> None:
        tag = "h" + secrets.token_hex(2)
        self.tag = tag
        self.base_dir = Path(tempfile.mkdtemp(prefix=f"o2o-{tag}-"))
        os.chmod(self.base_dir, 0o755)
        self.state = self.base_dir / "state"
        self.homes = self.base_dir / "home"
        self.homes.mkdir(mode=0o755)
        os.chmod(self.homes, 0o755)
        self.instructor = f"{tag}t01"
        self.students = [f"{tag}s{i:02d}" for i in range(1, n_students + 1)]
        self.added: list[str] = []        # accounts a later roster adds (cleaned up with the rest)
        self.groups = (f"{tag}-stu", f"{tag}-ins")
        self.port = free_port_block(4)
        self.log_path = artifacts / f"hub-e2e-{tag}.log"
        artifacts.mkdir(parents=True, exist_ok=True)
        self.proc: subprocess.Popen | None = None
        self.url = f"http://127.0.0.1:{self.port}"

    @property
    def python(self) -> str:
        """The interpreter the accounts can run (the hub's copy, or this one when public)."""
        private = self.state / "python" / "bin" / "o2o-python"
        return str(private) if private.exists() else sys.executable

    def password(self, name: str) -> str:
        return f"pw-{name}-{self.tag}"

    # ------------------------------------------------------------------ commands
    def o2o(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        r = subprocess.run([*O2O, *args], cwd=ROOT, capture_output=True, text=True, timeout=600)
        if check:
            assert r.returncode == 0, f"o2o {' '.join(args)}:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
        return r

    def init(self, **options: object) -> None:
        opts = ["--port", str(self.port), "--home-base", str(self.homes), "--students-group", self.groups[0],
                "--instructors-group", self.groups[1]]
        for key, value in options.items():
            opts += [f"--{key.replace('_', '-')}", str(value)]
        self.o2o("hub", "init", "--state", str(self.state), *opts)

    def write_roster(self, students: list[str] | None = None, name: str = "roster.csv") -> Path:
        lines = ["id,first_name,last_name,email,role", f"{self.instructor},老师,李,,instructor"]
        lines += [f"{s},学员{i},王,{s}@example.com,student" for i, s in enumerate(students or self.students, 1)]
        path = self.base_dir / name
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    def start(self, **options: object) -> None:
        opts = []
        for key, value in options.items():
            opts += [f"--{key.replace('_', '-')}", str(value)]
        log = open(self.log_path, "a", encoding="utf-8")
        self.proc = subprocess.Popen([*O2O, "hub", "start", "--state", str(self.state), *opts], cwd=ROOT,
                                     stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"hub exited: see {self.log_path}"
            try:
                if requests.get(f"{self.url}/hub/api", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise AssertionError(f"hub not up in 120 s: see {self.log_path}")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        # the services the hub started (the culler) are its own sessions' children
        self._kill_uid_processes(services_only=True)

    def as_user(self, name: str, *cmd: str, cwd: Path | None = None, env: dict | None = None,
                timeout: float = 600, umask: str = "077") -> subprocess.CompletedProcess:
        """Run a command as ``name`` (runuser, a clean environment, the given umask)."""
        base_env = {"PATH": "/usr/bin:/bin", "HOME": pwd.getpwnam(name).pw_dir,
                    "LANG": "C.UTF-8"}
        return subprocess.run(["runuser", "-u", name, "--", "env", "-i",
                               *[f"{k}={v}" for k, v in {**base_env, **(env or {})}.items()],
                               "sh", "-c", f'umask {umask}; exec "$@"', "sh", *cmd],
                              cwd=cwd or "/", capture_output=True, text=True, timeout=timeout)

    # ------------------------------------------------------------------ clean-up
    def _uids(self) -> set[int]:
        uids = set()
        for name in [self.instructor, *self.students, *self.added]:
            try:
                uids.add(pwd.getpwnam(name).pw_uid)
            except KeyError:
                pass
        return uids

    def _kill_uid_processes(self, services_only: bool = False) -> None:
        """Kill, by pid, the processes of this cohort's accounts (or the hub's culler service)."""
        uids = self._uids()
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                uid = entry.stat().st_uid
                culler = uid == 0 and self._is_our_culler(entry)
            except OSError:
                continue
            if (uid in uids and not services_only) or culler:
                try:
                    os.kill(int(entry.name), signal.SIGKILL)
                except OSError:
                    pass

    def _is_our_culler(self, proc: Path) -> bool:
        if b"jupyterhub_idle_culler" not in (proc / "cmdline").read_bytes():
            return False
        return f"127.0.0.1:{self.port + 1}/".encode() in (proc / "environ").read_bytes()

    def close(self) -> None:
        try:
            self.stop()
        finally:
            self._kill_uid_processes()
            time.sleep(0.5)
            for name in [self.instructor, *self.students, *self.added]:
                subprocess.run(["userdel", "--remove", name], capture_output=True)
            for group in self.groups:
                subprocess.run(["groupdel", group], capture_output=True)
            shutil.rmtree(self.base_dir, ignore_errors=True)
