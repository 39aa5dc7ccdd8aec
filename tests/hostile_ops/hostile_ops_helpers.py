"""Helpers of the hostile-operations suite: run ``o2o`` as a user would, snapshot folders.

(A module of its own, not ``conftest``: several test folders have a ``conftest.py``.)
"""

from __future__ import annotations

import hashlib
import os
import pwd
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "browser"))  # o2o_browser: Chromium path and arguments
O2O = [sys.executable, "-m", "o2o"]


def run_o2o(*args: str, cwd: Path | None = None, env: dict | None = None, user: str | None = None,
            timeout: float = 300) -> subprocess.CompletedProcess:
    """``o2o ARGS`` in a fresh process (optionally as another Unix user through setpriv)."""
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    full_env.pop("O2O_DEBUG", None)
    cmd = [*O2O, *args]
    if user is not None:
        pw = pwd.getpwnam(user)
        cmd = ["setpriv", f"--reuid={pw.pw_uid}", f"--regid={pw.pw_gid}", "--clear-groups", "--", *cmd]
    proc = subprocess.run(cmd, cwd=cwd or ROOT, env=full_env, capture_output=True, text=True, timeout=timeout)
    # whatever the case, success or refusal: never the report reserved for true bugs
    assert "Unexpected error" not in proc.stderr and "意外错误" not in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def assert_one_sentence(proc: subprocess.CompletedProcess, *words: str) -> str:
    """A refusal: non-zero exit, bilingual, no traceback and never "Unexpected error"."""
    err = proc.stderr
    assert proc.returncode != 0, (proc.stdout, err)
    assert "Traceback" not in err and "Unexpected error" not in err and "意外错误" not in err, err
    assert any("\u4e00" <= ch <= "\u9fff" for ch in err), err
    assert any(ch.isascii() and ch.isalpha() for ch in err), err
    for w in words:
        assert w in err, (w, err)
    return err


def snapshot(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` (relative path -> SHA-256), links included, to compare byte for byte."""
    out = {}
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        if p.is_symlink():
            out[rel] = "link:" + os.readlink(p)
        elif p.is_file():
            out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
        else:
            out[rel] = "dir"
    return out
