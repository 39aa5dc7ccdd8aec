"""Writing a folder without ever losing what the kit did not create.

Every command that writes a folder (``o2o data build``, ``o2o data ensure``, ``o2o bundle``)
goes through :func:`fresh_folder`::

    with fresh_folder(out, command="bundle", replace=args.replace) as tmp:
        ...write everything into tmp...
    # now ``out`` holds exactly what was written, swapped in by one rename

The rules:

- The target must be missing, empty, or *ours*: it carries the marker file ``.o2o-owned``
  that the kit wrote, listing every file it wrote there, and holds nothing else (a dataset
  made before the marker existed is recognised by its ``meta.json`` listing all its files).
- Anything else is refused with a sentence naming the folder and the flag (``--replace``).
  With the flag, the foreign folder is not deleted but moved aside to a visible sibling
  ``NAME.replaced-YYYYmmdd-HHMMSS`` and the sentence says where.
- Never, even with the flag: the filesystem root, the home folder, a folder holding a ``.git``
  (at any depth), the current working folder or one of its parents.
- Work happens in a hidden temporary sibling ``.NAME.o2o-tmp-PID`` (marked), renamed into
  place at the end; the owned folder it replaces is renamed aside and only then removed.
  Leftovers of interrupted runs (marked siblings whose process is gone) are removed by
  the next run.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

from .errors import O2OError

MARKER = ".o2o-owned"
_DATASET_ID = "o2o-meiyijia-style-synthetic"
_LEFTOVER = re.compile(r"^\.(?P<name>.+)\.o2o-(?:tmp|old)-(?P<pid>\d+)$")


class OutputFolderError(O2OError):
    """An output folder that the kit will not write into or replace."""


# --------------------------------------------------------------------------- classification


def _files(folder: Path) -> list[str]:
    """Every entry below ``folder`` that is not a directory (files, links), as relative posix paths."""
    out = []
    for root, dirs, files in os.walk(folder):
        base = Path(root)
        for name in files + [d for d in dirs if (base / d).is_symlink()]:
            out.append((base / name).relative_to(folder).as_posix())
    return sorted(out)


def _owned_files(folder: Path) -> set[str] | None:
    """The files the kit says it wrote into ``folder``, or ``None`` when it carries no valid mark."""
    marker = folder / MARKER
    if marker.is_file() and not marker.is_symlink():
        try:
            data = json.loads(marker.read_text(encoding="utf-8"))
            return {str(f) for f in data["files"]} | {MARKER}
        except (OSError, ValueError, KeyError, TypeError):
            return None
    meta = folder / "meta.json"  # a dataset built before the marker existed
    if meta.is_file() and not meta.is_symlink():
        try:
            data = json.loads(meta.read_text(encoding="utf-8"))
            if data.get("dataset") == _DATASET_ID and isinstance(data.get("files"), dict):
                return {str(f) for f in data["files"]} | {"meta.json"}
        except (OSError, ValueError, AttributeError):
            return None
    return None


def foreign_files(folder: Path) -> list[str]:
    """Files in ``folder`` the kit did not write there (all of them when it carries no mark)."""
    if not folder.is_dir():
        return []
    present = _files(folder)
    owned = _owned_files(folder)
    if owned is None:
        return present
    return [f for f in present if f not in owned]


def _protected_reason(out: Path) -> tuple[str, str] | None:
    """Why ``out`` may never be replaced (even with --replace), or ``None``."""
    cwd = Path.cwd().resolve()
    if out == Path(out.anchor):
        return "它是文件系统的根目录", "it is the root of the file system"
    if out == Path.home().resolve():
        return "它是您的主目录", "it is your home folder"
    if out == cwd or out in cwd.parents:
        return "当前工作目录就在它里面", "the current working folder is inside it"
    if (out / ".git").exists():
        return "它里面有一个 git 仓库(.git)", "it holds a git repository (.git)"
    return None


def check_target(out: str | os.PathLike, replace: bool = False, flag: str = "--replace") -> Path:
    """Refuse ``out`` unless it is missing, empty, ours, or foreign with ``replace``; return it resolved.

    Call it before any work so that a refused folder costs nothing."""
    path = Path(os.path.abspath(out))
    if path.is_symlink():
        raise OutputFolderError(
            f"输出位置 {path} 是一个符号链接;为免写到别处,已停止。请换一个输出文件夹。",
            f"The output location {path} is a symbolic link; stopped so as not to write elsewhere. "
            "Choose another output folder.")
    path = path.resolve()
    if path.exists() and not path.is_dir():
        raise OutputFolderError(
            f"输出位置 {path} 是一个文件,不是文件夹;请换一个输出文件夹。",
            f"The output location {path} is a file, not a folder; choose another output folder.")
    reason = _protected_reason(path)
    if reason is not None and path.exists():
        raise OutputFolderError(
            f"不会替换文件夹 {path}:{reason[0]}。请换一个新的输出文件夹。",
            f"Will not replace the folder {path}: {reason[1]}. Choose a new output folder.")
    foreign = foreign_files(path)
    nested_git = next((f for f in foreign if ".git" in Path(f).parts), None)
    if nested_git is not None:
        raise OutputFolderError(
            f"不会替换文件夹 {path}:它里面有 git 仓库({nested_git.split('.git')[0]}.git)。请换一个新的输出文件夹。",
            f"Will not replace the folder {path}: it holds a git repository ({nested_git.split('.git')[0]}.git). "
            "Choose a new output folder.")
    if foreign and not replace:
        example = foreign[0]
        raise OutputFolderError(
            f"文件夹 {path} 里有 {len(foreign)} 个不是本工具生成的文件(例如 {example});为免丢失,已停止。"
            f"请换一个新的或空的输出文件夹;确要替换时加 {flag}(原文件夹会被改名保留,不会删除)。",
            f"The folder {path} holds {len(foreign)} files this kit did not write (e.g. {example}); stopped so "
            f"as not to lose them. Choose a new or empty output folder, or add {flag} to replace it (the old "
            "folder is renamed and kept, never deleted).")
    return path


# --------------------------------------------------------------------------- leftovers


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_leftovers(out: Path) -> list[Path]:
    """Remove marked temporary siblings of ``out`` left by interrupted runs; return what was removed."""
    removed = []
    if not out.parent.is_dir():
        return removed
    for p in out.parent.iterdir():
        m = _LEFTOVER.match(p.name)
        if not m or m["name"] != out.name or p.is_symlink() or not p.is_dir():
            continue
        if int(m["pid"]) == os.getpid() or _alive(int(m["pid"])):
            continue
        if (p / MARKER).is_file() or _owned_files(p) is not None:
            shutil.rmtree(p, ignore_errors=True)
            removed.append(p)
    return removed


# --------------------------------------------------------------------------- writing


def _write_marker(folder: Path, command: str, state: str) -> None:
    files = [f for f in _files(folder) if f != MARKER] if state == "complete" else []
    data = {"kit": "o2o", "command": command, "state": state, "files": files}
    if state != "complete":
        data["pid"] = os.getpid()
    (folder / MARKER).write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _commit(tmp: Path, out: Path, command: str, replace: bool, flag: str) -> Path | None:
    """Swap ``tmp`` into ``out``; return where a replaced foreign folder was moved (or ``None``)."""
    check_target(out, replace=replace, flag=flag)  # again: files may have appeared meanwhile
    _write_marker(tmp, command, "complete")
    out.parent.mkdir(parents=True, exist_ok=True)
    if not out.exists():
        tmp.rename(out)
        return None
    if foreign_files(out):  # only reachable with replace: keep the old folder under a visible name
        stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        kept = out.with_name(f"{out.name}.replaced-{stamp}")
        n = 1
        while kept.exists():
            n += 1
            kept = out.with_name(f"{out.name}.replaced-{stamp}-{n}")
        out.rename(kept)
        tmp.rename(out)
        return kept
    old = out.with_name(f".{out.name}.o2o-old-{os.getpid()}")
    out.rename(old)
    tmp.rename(out)
    shutil.rmtree(old, ignore_errors=True)
    return None


@contextlib.contextmanager
def fresh_folder(out: str | os.PathLike, command: str, replace: bool = False,
                 flag: str = "--replace") -> Iterator[Path]:
    """Yield a marked temporary sibling of ``out``; on success swap it into place atomically.

    On any error the temporary folder is removed and ``out`` is left exactly as it was."""
    path = check_target(out, replace=replace, flag=flag)
    tmp = path.with_name(f".{path.name}.o2o-tmp-{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        clean_leftovers(path)
        if tmp.exists():
            shutil.rmtree(tmp)
        tmp.mkdir()
    except PermissionError:
        raise OutputFolderError(
            f"没有权限在文件夹 {path.parent} 里写入。请换一个您有权限的输出文件夹,或请管理员开放权限。",
            f"No permission to write in the folder {path.parent}. Choose an output folder you have rights to, "
            "or ask an administrator to grant access.") from None
    try:
        _write_marker(tmp, command, "incomplete")
        yield tmp
        kept = _commit(tmp, path, command, replace, flag)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if kept is not None:
        print(f"原文件夹已改名保留为 {kept}。 / The previous folder was kept as {kept}.", flush=True)
