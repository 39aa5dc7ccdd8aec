"""``o2o collect``: ``nbgrader collect`` that never follows a link a student left in the exchange.

``nbgrader collect`` copies ``<exchange>/<course>/inbound/<student>+<assignment>+<time>`` folders with
``shutil.copytree``, which copies the *target* of a symbolic link: a notebook linked to the
instructor's ``source/`` would come in with the solutions. Here each inbound submission of the
assignment is first screened into a private scratch exchange (:func:`o2o.grading.screen.copy_tree`:
links, devices, FIFOs and oversized files are refused and listed), and the real ``nbgrader collect``
then runs on that scratch exchange. The exchange itself is only read.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

from o2o.errors import GradingError

from .classgrade import load_coursedir
from .inert import inert
from .screen import Unsafe, copy_tree


def exchange_paths(course_dir: Path, exchange_root: str | None) -> tuple[Path, str]:
    """The exchange root and course id from the course's nbgrader configuration (or the given root)."""
    coursedir, cfg = load_coursedir(course_dir)
    root = exchange_root or cfg.get("Exchange", {}).get("root") or "/srv/nbgrader/exchange"
    if not coursedir.course_id:
        raise GradingError("课程配置里没有 course_id,无法找到交换目录。", "the course configuration has no course_id; cannot find the exchange.")
    return Path(root), coursedir.course_id


def screen_inbound(inbound: Path, assignment: str, scratch: Path) -> list[str]:
    """Copy the plain files of every inbound submission of ``assignment`` into ``scratch``; return what was refused."""
    try:
        st = os.lstat(inbound)
    except OSError:
        raise GradingError(f"找不到交换目录的 inbound 文件夹:{inbound}", f"the exchange inbound folder is missing: {inbound}") from None
    if not stat.S_ISDIR(st.st_mode):
        raise GradingError(f"交换目录的 inbound 不是普通文件夹(可能是链接):{inbound}",
                           f"the exchange inbound folder is not a plain folder (a link?): {inbound}")
    refused: list[str] = []
    with os.scandir(inbound) as it:
        entries = sorted(it, key=lambda e: e.name)
    for entry in entries:
        parts = entry.name.split("+")
        if len(parts) < 3 or parts[1] != assignment:
            continue
        shown = inert(entry.name)
        if entry.is_symlink() or not entry.is_dir(follow_symlinks=False):
            refused.append(f"已拒绝(不是普通文件夹)/ refused (not a plain folder): {shown}")
            continue
        try:
            got = copy_tree(inbound / entry.name, scratch / entry.name, keep_owner=True)
        except (Unsafe, OSError):
            refused.append(f"已拒绝(无法读取)/ refused (unreadable): {shown}")
            continue
        refused += [f"{shown}: {zh} / {en}" for zh, en in got.notes()]
    return refused


def collect(assignment: str, course_dir: Path, exchange_root: str | None = None,
            nbgrader_args: list[str] | None = None) -> tuple[list[str], list[str]]:
    """Screen the inbound submissions, run ``nbgrader collect`` on the screened copy; (refusals, students offered)."""
    root, course_id = exchange_paths(course_dir, exchange_root)
    scratch = Path(tempfile.mkdtemp(prefix="o2o-collect-"))
    try:
        os.chmod(scratch, 0o700)
        inbound = scratch / course_id / "inbound"
        inbound.parent.mkdir()
        inbound.mkdir()
        refused = screen_inbound(root / course_id / "inbound", assignment, inbound)
        env = dict(os.environ)
        env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
        r = subprocess.run([sys.executable, "-m", "nbgrader", "collect", assignment, f"--Exchange.root={scratch}",
                            *(nbgrader_args or [])], cwd=course_dir, env=env, capture_output=True, text=True)
        if r.returncode != 0:  # its log names student folders: shown escaped, as one line
            output = inert((r.stdout + r.stderr)[-800:], limit=800)
            raise GradingError(f"nbgrader collect 失败:{output}", f"nbgrader collect failed: {output}")
        collected = sorted(inert(e.name.split("+")[0], 60) for e in os.scandir(inbound))
        return refused, collected
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
