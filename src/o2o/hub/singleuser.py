"""What runs as the person, between the spawner and their Jupyter server.

The hub's ``LocalProcessSpawner`` has already switched to the person's Unix account;
this module then, before replacing itself with ``jupyterhub-singleuser``:

1. sets the limits a server without cgroups can have, inherited by every kernel and
   terminal it starts: ``RLIMIT_AS`` (address space, ``O2O_HUB_MEM_MB`` per process),
   ``RLIMIT_NPROC`` (processes of the account) and a nice level (CPU priority, not a quota);
2. sets the umask: 077 for students (nothing they create is readable by others), 007 for
   instructors (the course directory is shared by the instructors' group);
3. for students, updates ``~/o2o`` from the course's lessons repository with
   nbgitpuller: a merge that keeps the student's edits (a clashing file of the student's
   is kept, the course's version merged beside it by nbgitpuller's rules; a deleted file
   comes back), or a clone when there is no copy yet. ``o2o hub roster import`` already
   made the copy (:mod:`o2o.hub.lessons`), and when the copy already holds the published
   lessons and no file of it was deleted, nothing is pulled: two ``git rev-parse`` and one
   ``git ls-files`` (milliseconds) instead of nbgitpuller's import and its git commands,
   which a class starting together would otherwise pay thirty times over on two cores.
   A failed update never stops the server.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

COURSE_COPY = "o2o"


def apply_limits(env: dict[str, str]) -> None:
    mem_mb = int(env.get("O2O_HUB_MEM_MB") or 0)
    if mem_mb > 0:
        limit = mem_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    nproc = int(env.get("O2O_HUB_NPROC") or 0)
    if nproc > 0:
        resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
    nice = int(env.get("O2O_HUB_NICE") or 0)
    if nice > 0:
        os.nice(nice)


def _git(cwd: str | Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 else ""


def copy_is_current(repo: str, copy: Path) -> bool:
    """True when ``copy`` already holds the published lessons and none of its files was deleted."""
    if not (copy / ".git").is_dir():
        return False
    published = _git(repo, "rev-parse", "--verify", "--quiet", "HEAD")
    fetched = _git(copy, "rev-parse", "--verify", "--quiet", "origin/main")
    if not published or published != fetched:
        return False
    deleted = subprocess.run(["git", "-C", str(copy), "ls-files", "--deleted", "-z"], capture_output=True)
    return deleted.returncode == 0 and not deleted.stdout


def sync_lessons(repo: str, home: Path) -> list[str]:
    """Clone or merge the course's lessons into ``home/o2o``; return nbgitpuller's messages."""
    # The lessons repository belongs to root; git refuses other owners' repositories
    # unless a global or system config declares them safe: the hub's gitconfig does.
    gitconfig = os.environ.get("O2O_HUB_GITCONFIG")
    if gitconfig:
        os.environ["GIT_CONFIG_GLOBAL"] = gitconfig
    if copy_is_current(repo, home / COURSE_COPY):
        return []
    from nbgitpuller.pull import GitPuller  # lazy: imported only when there is something to pull

    puller = GitPuller(repo, str(home / COURSE_COPY), branch="main")
    return [str(line).rstrip() for line in puller.pull()]


def main() -> None:
    env = os.environ
    role = env.get("O2O_HUB_ROLE", "students")
    os.umask(0o007 if role == "instructors" else 0o077)
    apply_limits(env)
    home = Path(env.get("HOME") or Path.home())
    if role == "students" and env.get("O2O_HUB_LESSONS"):
        try:
            for line in sync_lessons(env["O2O_HUB_LESSONS"], home):
                print(line, file=sys.stderr)
        except Exception as exc:  # noqa: BLE001 - a failed update must not keep the student out
            print(f"课程更新失败,先用现有的副本 / lesson update failed, using the current copy: {exc}", file=sys.stderr)
    os.execv(sys.executable, [sys.executable, "-m", "jupyterhub.singleuser", *sys.argv[1:]])


if __name__ == "__main__":
    main()
