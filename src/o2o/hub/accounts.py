"""Unix accounts, groups and nbgrader student records from a roster (run as root).

Accounts are created the way The Littlest JupyterHub does it (``tljh/user.py``):
``groupadd --force``, ``useradd --create-home``, then the home closed to others
(0700 here, stricter than TLJH's ``o-rwx``). Importing the same roster twice changes
nothing; an existing account is reused only if it already belongs to this cohort's
groups, so a roster line can never take over an unrelated system account.
"""

from __future__ import annotations

import grp
import json
import os
import pwd
import subprocess
import sys
from pathlib import Path

from o2o.errors import HubError
from o2o.hub import hubapi, layout, lessons
from o2o.hub.roster import Person
from o2o.hub.settings import HubSettings

ROSTER_FILE = "roster.json"


def _run(*cmd: str) -> None:
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise HubError(f"系统命令失败:{' '.join(cmd)}({done.stderr.strip()})",
                       f"A system command failed: {' '.join(cmd)} ({done.stderr.strip()})")


def require_root() -> None:
    if os.geteuid() != 0:
        raise HubError("这个命令要创建系统账号,请用 root 运行(例如 sudo)。",
                       "This command creates system accounts; run it as root (e.g. with sudo).")


def ensure_group(name: str) -> int:
    _run("groupadd", "--force", name)
    return grp.getgrnam(name).gr_gid


def _members(group: str) -> set[str]:
    try:
        return set(grp.getgrnam(group).gr_mem)
    except KeyError:
        return set()


def ensure_account(person: Person, settings: HubSettings) -> bool:
    """Create the person's account if missing; return True when it was created."""
    group = settings.instructors_group if person.is_instructor else settings.students_group
    other = settings.students_group if person.is_instructor else settings.instructors_group
    try:
        entry = pwd.getpwnam(person.id)
    except KeyError:
        entry = None
    if entry is not None:
        if person.id not in _members(group) | _members(other):
            raise HubError(f"系统里已有账号 {person.id},但它不属于本期课程;为安全起见不接管它。请在名单里换一个编号。",
                           f"An account {person.id} already exists and is not part of this cohort; it is not taken "
                           "over. Use another id in the roster.")
        if person.id in _members(other):
            _run("gpasswd", "--delete", person.id, other)
        _run("usermod", "--append", "--groups", group, person.id)
        created = False
    else:
        comment = f"{person.last_name}{person.first_name}".replace(":", " ") or person.id
        _run("useradd", "--create-home", "--base-dir", settings.home_base, "--shell", "/bin/bash",
             "--groups", group, "--comment", comment, person.id)
        created = True
    home = Path(pwd.getpwnam(person.id).pw_dir)
    os.chmod(home, 0o700)
    return created


def remove_account(name: str) -> None:
    """Remove an account and its home (``userdel --remove``); used by the tests' clean-up."""
    subprocess.run(["userdel", "--remove", name], capture_output=True)


BLOCKED = "blocked"


def _record(settings: HubSettings) -> dict[str, str]:
    """The roster record as stored: ``{account: role}``, role ``blocked`` for people who left."""
    path = settings.hub_dir / ROSTER_FILE
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise HubError(f"名单记录 {path} 已损坏({exc});请从备份恢复。",
                       f"The roster record {path} is damaged ({exc}); restore a backup.") from None
    return {str(k): str(v) for k, v in data.items()}


def save_roster(people: list[Person], settings: HubSettings) -> Path:
    """Record the roster: these people with their roles, everyone imported before and not among them blocked."""
    path = settings.hub_dir / ROSTER_FILE
    current = {name: BLOCKED for name in _record(settings)}
    for person in people:
        current[person.id] = person.role
    settings.hub_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(settings.hub_dir, 0o700)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    return path


def load_roster(settings: HubSettings) -> dict[str, str]:
    """``{account: role}`` of everyone on the roster now (blocked people left out)."""
    return {k: v for k, v in _record(settings).items() if v != BLOCKED}


def load_blocked(settings: HubSettings) -> list[str]:
    """Accounts imported once and no longer on the roster: blocked, never deleted."""
    return sorted(k for k, v in _record(settings).items() if v == BLOCKED)


def missing_people(people: list[Person], settings: HubSettings) -> list[str]:
    """People on the current roster whom ``people`` leaves out (an import would block them)."""
    ids = {p.id for p in people}
    return sorted(name for name in load_roster(settings) if name not in ids)


def set_disabled(name: str, disabled: bool) -> None:
    """Expire (or un-expire) a person's Unix account: no login by any PAM path; home and files untouched."""
    try:
        pwd.getpwnam(name)
    except KeyError:
        return
    _run("usermod", "--expiredate", "1" if disabled else "", name)


def add_student_records(people: list[Person], settings: HubSettings) -> int:
    """Create or update the nbgrader student records of the students (instructors are not graded)."""
    from nbgrader.api import Gradebook  # lazy: nbgrader pulls in SQLAlchemy and nbconvert (seconds)

    gradebook = settings.course_dir / "gradebook.db"
    # nbgrader creates the gradebook by running `alembic` from PATH: this environment's.
    bindir = str(Path(sys.executable).parent)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")
    count = 0
    with Gradebook(f"sqlite:///{gradebook}", settings.course_id) as gb:
        for person in people:
            if person.is_instructor:
                continue
            gb.update_or_create_student(person.id, first_name=person.first_name or None,
                                        last_name=person.last_name or None, email=person.email or None)
            count += 1
    os.chown(gradebook, 0, grp.getgrnam(settings.instructors_group).gr_gid)
    os.chmod(gradebook, 0o660)
    return count


def import_roster(people: list[Person], settings: HubSettings, block_missing: bool = False) -> dict[str, int]:
    """Accounts, groups, roster record, student records and lesson copies for every person.

    The file is the whole roster: a person imported before and missing from it is blocked
    (``block_missing`` must say so), never deleted. A running hub is told at once (:mod:`o2o.hub.hubapi`).
    """
    require_root()
    missing = missing_people(people, settings)
    if missing and not block_missing:
        names = ", ".join(missing[:10]) + (" …" if len(missing) > 10 else "")
        raise HubError(f"新名单里少了 {len(missing)} 人({names})。若他们已离开课程,请加 --block-missing 再导入"
                       "(账号停用,家目录和作业都保留);若只是补充新学员,请导入完整名单。",
                       f"The new roster leaves out {len(missing)} people ({names}). If they left the course, "
                       "import again with --block-missing (their accounts are disabled; homes and work are kept); "
                       "to add people, import the whole roster.")
    was_blocked = set(load_blocked(settings))
    ensure_group(settings.students_group)
    ensure_group(settings.instructors_group)
    created = sum(ensure_account(p, settings) for p in people)
    layout.prepare(settings)
    save_roster(people, settings)
    students = add_student_records(people, settings)
    copies = lessons.seed_copies([p.id for p in people if not p.is_instructor], settings)
    for person in people:
        if person.id in was_blocked:
            set_disabled(person.id, False)
    for name in missing:
        set_disabled(name, True)
    synced = hubapi.sync(settings, load_roster(settings), load_blocked(settings))
    return {"people": len(people), "created": created, "students": students, "copies": copies,
            "blocked": len(missing), "hub_running": synced is not None, **(synced or {})}
