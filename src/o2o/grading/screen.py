"""Bring submitted files into the grader's hands without following a link or reading without a bound.

Everything a student hands in (a ``submitted/<student>/<assignment>`` folder, an exchange ``inbound``
submission) is copied into a private folder before anything else reads it. The walk holds a file
descriptor of every directory and opens each entry relative to it with ``O_NOFOLLOW``: a symbolic
link, a device, a FIFO or a socket is refused (never opened), a regular file's size comes from
``fstat`` of the opened file and is checked before a byte is read, and the number of files, their
total size and the depth are bounded. What is refused is reported, with the name escaped.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from .inert import inert

MAX_FILE_BYTES = 50_000_000
MAX_TOTAL_BYTES = 200_000_000
MAX_FILES = 1000
MAX_DEPTH = 12

_OPEN_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_OPEN_DIR = os.O_RDONLY | os.O_NOFOLLOW | os.O_DIRECTORY | os.O_CLOEXEC


class Unsafe(OSError):
    """A path that is not a plain file or folder, or is too large."""


@dataclass
class Screened:
    """Result of :func:`copy_tree`: what was copied and what was refused (escaped relative names and reasons)."""

    files: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    total: int = 0

    def notes(self) -> list[tuple[str, str]]:
        """(Chinese, English) sentences for each refusal."""
        zh = {"link": "符号链接", "special": "设备、管道或套接字", "too_big": "过大的文件", "too_many": "文件过多",
              "too_deep": "目录过深", "unreadable": "无法读取的文件"}
        en = {"link": "symbolic link", "special": "device, FIFO or socket", "too_big": "file too large",
              "too_many": "too many files", "too_deep": "folder too deep", "unreadable": "unreadable file"}
        return [(f"已拒绝{zh[why]}:{name}", f"refused {en[why]}: {name}") for name, why in self.refused]


def _kind(mode: int) -> str | None:
    if stat.S_ISLNK(mode):
        return "link"
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    return "special"


def read_bounded(path: Path | str, limit: int = MAX_FILE_BYTES, dir_fd: int | None = None) -> bytes:
    """Read a regular file without following a link; refuse it (:class:`Unsafe`) before reading if over ``limit``."""
    try:
        fd = os.open(path, _OPEN_FILE, dir_fd=dir_fd)
    except OSError as e:
        if e.errno == 40:  # ELOOP: the last component is a symbolic link
            raise Unsafe("link") from None
        raise
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Unsafe("special")
        if st.st_size > limit:
            raise Unsafe("too_big")
        chunks, left = [], limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        if len(data) > limit:  # grew while being read
            raise Unsafe("too_big")
        return data
    finally:
        os.close(fd)


def open_dir(path: Path | str) -> int:
    """A directory descriptor for ``path``, refusing a link at any level of its last component."""
    try:
        return os.open(path, _OPEN_DIR)
    except OSError as e:
        if e.errno in (40, 20):  # ELOOP or ENOTDIR: a link or not a folder
            raise Unsafe("link" if e.errno == 40 else "special") from None
        raise


def copy_tree(src: Path | str, dest: Path, *, skip: tuple[str, ...] = (), keep_owner: bool = False) -> Screened:
    """Copy the plain files and folders under ``src`` into the new folder ``dest``; refuse everything else."""
    out = Screened()
    fd = open_dir(src)
    try:
        dest.mkdir(mode=0o700)
        _walk(fd, dest, "", 0, out, skip, keep_owner)
    finally:
        os.close(fd)
    return out


def _walk(dfd: int, dest: Path, rel: str, depth: int, out: Screened, skip: tuple[str, ...], keep_owner: bool) -> None:
    with os.scandir(dfd) as it:
        entries = sorted(it, key=lambda e: e.name)
    for entry in entries:
        name = f"{rel}{entry.name}"
        if entry.name in skip:
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            out.refused.append((inert(name), "unreadable"))
            continue
        why = _kind(st.st_mode)
        if why is None and len(out.files) >= MAX_FILES:
            why = "too_many"
        if why is None and stat.S_ISDIR(st.st_mode) and depth >= MAX_DEPTH:
            why = "too_deep"
        if why is None and stat.S_ISREG(st.st_mode) and (st.st_size > MAX_FILE_BYTES or out.total + st.st_size > MAX_TOTAL_BYTES):
            why = "too_big"
        if why is not None:
            out.refused.append((inert(name), why))
            continue
        target = dest / entry.name
        try:
            if stat.S_ISDIR(st.st_mode):
                sub = os.open(entry.name, _OPEN_DIR, dir_fd=dfd)
                try:
                    target.mkdir(mode=0o700)
                    _walk(sub, target, name + "/", depth + 1, out, (), keep_owner)
                finally:
                    os.close(sub)
            else:
                data = read_bounded(entry.name, min(MAX_FILE_BYTES, MAX_TOTAL_BYTES - out.total), dir_fd=dfd)
                fdw = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
                with os.fdopen(fdw, "wb") as fh:
                    fh.write(data)
                out.total += len(data)
                out.files.append(name)
            if keep_owner and os.geteuid() == 0:
                os.chown(target, st.st_uid, st.st_gid, follow_symlinks=False)
            os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns), follow_symlinks=False)
        except Unsafe as e:
            out.refused.append((inert(name), str(e)))
        except OSError:
            out.refused.append((inert(name), "unreadable"))
