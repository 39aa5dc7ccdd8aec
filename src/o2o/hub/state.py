"""Backup and restore of a hub's state folder.

A backup is one ``.tar.gz`` of the whole state folder with numeric owners and modes, so
a restore gives back accounts' submissions, the gradebook and the hub database as they
were. Restore refuses to write over an existing state folder: it unpacks into a new
sibling folder and renames it into place only when the archive was read whole.
Unix accounts themselves are not in the archive: re-import the roster on a new server.
"""

from __future__ import annotations

import json
import os
import shutil
import tarfile
import time
from pathlib import Path

from o2o.errors import HubError

MAX_MEMBERS = 200_000


def backup(state_dir: Path, out: Path) -> Path:
    """Write ``out`` (a new file); refuses to overwrite an existing one."""
    state_dir, out = Path(state_dir), Path(out)
    if not (state_dir / "hub.json").is_file():
        raise HubError(f"{state_dir} 不是课程服务器的状态文件夹(没有 hub.json)。",
                       f"{state_dir} is not a hub state folder (no hub.json).")
    if out.exists():
        raise HubError(f"{out} 已存在,不覆盖。请换一个文件名。", f"{out} exists; not overwriting it. Choose another name.")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        with tarfile.open(tmp, "w:gz") as tar:
            tar.add(state_dir, arcname="state", filter=_skip_runtime)
        os.chmod(tmp, 0o600)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out


def _skip_runtime(info: tarfile.TarInfo) -> tarfile.TarInfo | None:
    name = os.path.basename(info.name)
    return None if name.endswith(".pid") else info


def _repoint(unpacked: Path, state_dir: Path) -> None:
    """The settings name their folder; a restore elsewhere points them at the new one."""
    path = unpacked / "hub.json"
    raw = json.loads(path.read_text("utf-8"))
    raw["state_dir"] = str(state_dir.resolve())
    path.write_text(json.dumps(raw, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def restore(archive: Path, state_dir: Path) -> Path:
    """Unpack ``archive`` as ``state_dir``, which must not exist yet."""
    archive, state_dir = Path(archive), Path(state_dir)
    if state_dir.exists():
        raise HubError(f"{state_dir} 已存在;恢复不会覆盖它。请先把它改名或指定新的 --state。",
                       f"{state_dir} exists; a restore never writes over it. Rename it or give a new --state.")
    work = state_dir.with_name(f".{state_dir.name}.restore-{int(time.time())}")
    work.mkdir(parents=True, mode=0o700)
    try:
        with tarfile.open(archive, "r:gz") as tar:
            members = tar.getmembers()
            if len(members) > MAX_MEMBERS:
                raise HubError("备份文件里的条目太多,拒绝恢复。", "The backup holds too many entries; refused.")
            bad = [m.name for m in members if not (m.name == "state" or m.name.startswith("state/"))]
            if bad:
                raise HubError(f"{archive} 不是 o2o hub 的备份。", f"{archive} is not an o2o hub backup.")
            tar.extractall(work, filter="tar")  # "tar": no absolute paths, no links out of the folder
        if not (work / "state" / "hub.json").is_file():
            raise HubError(f"{archive} 不是 o2o hub 的备份(没有 hub.json)。", f"{archive} is not an o2o hub backup (no hub.json).")
        _repoint(work / "state", state_dir)
        os.replace(work / "state", state_dir)
    except (tarfile.TarError, OSError, EOFError, ValueError) as exc:
        raise HubError(f"备份 {archive} 无法读取({exc})。", f"The backup {archive} cannot be read ({exc}).") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return state_dir
