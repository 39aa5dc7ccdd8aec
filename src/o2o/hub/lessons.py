"""Each student's copy of the lessons, made when the roster is imported (run as root).

A student's server keeps ``~/o2o`` up to date with nbgitpuller (:mod:`o2o.hub.singleuser`).
Its first start would otherwise clone the lessons, and a class logs in together: thirty
clones and thirty imports of nbgitpuller at once on a small server, the largest part of
the kit's extra time to ready. ``o2o hub roster import`` therefore makes the copy before
class: ``git clone`` of the lessons repository run *as the student* (``runuser``, umask
077), so the copy is the student's own, private, and exactly what nbgitpuller's first
start would have made; its later updates are nbgitpuller's merges, as before. A copy that
already exists (a returning account) is never touched here.
"""

from __future__ import annotations

import pwd
import subprocess
from pathlib import Path

from o2o.errors import HubError
from o2o.hub import layout
from o2o.hub.settings import HubSettings

COURSE_COPY = "o2o"   # ~/o2o, as in o2o.hub.singleuser


def seed_copy(name: str, settings: HubSettings) -> bool:
    """Clone the lessons into ``~name/o2o`` as ``name``; False when a copy (or anything) is already there."""
    home = Path(pwd.getpwnam(name).pw_dir)
    copy = home / COURSE_COPY
    if copy.exists() or copy.is_symlink():
        return False
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8",
           "GIT_CONFIG_GLOBAL": str(layout.gitconfig_path(settings))}
    cmd = ["runuser", "-u", name, "--", "env", "-i", *[f"{k}={v}" for k, v in env.items()],
           "sh", "-c", 'umask 077; exec git clone --quiet --branch main -- "$1" "$2"', "sh",
           str(settings.lessons_repo), str(copy)]
    done = subprocess.run(cmd, cwd="/", capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise HubError(f"无法为 {name} 准备课程副本({done.stderr.strip()[:300]})。请检查 {settings.lessons_repo},再导入一次名单。",
                       f"Could not prepare the lesson copy of {name} ({done.stderr.strip()[:300]}). Check "
                       f"{settings.lessons_repo} and import the roster again.")
    return True


def seed_copies(names: list[str], settings: HubSettings) -> int:
    """Copies for the students who have none yet; the number made."""
    return sum(seed_copy(name, settings) for name in names)
