"""The Python every person's server runs with.

Servers run as the students' own accounts, so the interpreter, its standard library and
the kit's packages must be readable by them. When the kit's environment is (every folder
on the way has ``o+x``), servers use it as it is. When its interpreter lives somewhere
private (a Python built under ``/root``, as pyenv does), ``o2o hub`` copies that same
interpreter - binary, shared library and standard library, without its own
site-packages (about 100 MB) - to ``<state>/python/``, readable by all, and adds:

* ``lib/pythonX.Y/site-packages/o2o-kit.pth``: one line that adds the kit environment's
  ``site-packages`` (one copy of the packages, no second install);
* ``share/jupyter`` and ``etc/jupyter``: links to the kit environment's, so Jupyter finds
  the same extensions, kernels and nbconvert templates;
* ``bin/o2o-python``: the command to run it, which sets ``LD_LIBRARY_PATH`` (the binary's
  built-in library path points into the private folder) for it and every process it starts.

The *same* build matters: another patch release is not enough (Debian's 3.11.2 has a
regular-expression bug that breaks soupsieve, which nbgrader's feedback uses).
"""

from __future__ import annotations

import os
import shutil
import stat
import sys
import sysconfig
from pathlib import Path

from o2o.errors import HubError
from o2o.hub.settings import HubSettings

PTH_NAME = "o2o-kit.pth"
LAUNCHER = "o2o-python"


def readable_by_all(path: Path) -> bool:
    """True when an unprivileged account can reach and read ``path`` (every parent o+x)."""
    path = Path(os.path.realpath(path))
    for parent in path.parents:
        if not os.stat(parent).st_mode & stat.S_IXOTH:
            return False
    mode = os.stat(path).st_mode
    return bool(mode & stat.S_IROTH) and (not stat.S_ISDIR(mode) or bool(mode & stat.S_IXOTH))


def _kit_site_packages() -> Path:
    return Path(sysconfig.get_paths()["purelib"])


def _copy_interpreter(target: Path) -> None:
    base = Path(sys.base_prefix)
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    skip = {"site-packages", "test", "__pycache__", "idlelib", "tkinter", "turtledemo"}
    tmp = target.with_name(target.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(base, tmp, symlinks=True, ignore=lambda d, names: [n for n in names if n in skip])
    (tmp / "lib" / version / "site-packages").mkdir(parents=True, exist_ok=True)
    os.replace(tmp, target)


def user_python(settings: HubSettings) -> str:
    """The command servers run Python with; prepares ``<state>/python`` when needed."""
    site = _kit_site_packages()
    if not readable_by_all(site):
        raise HubError(f"课程环境 {site} 对学员账号不可读。请把课程文件夹放在所有人可进入的位置(例如 /srv/o2o)。",
                       f"The kit's environment {site} is not readable by students' accounts. Put the course folder "
                       "somewhere everyone can enter (e.g. /srv/o2o).")
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    if readable_by_all(Path(sys.executable)) and readable_by_all(stdlib):
        return sys.executable
    target = settings.state / "python"
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    if not (target / "bin" / version).exists():
        _copy_interpreter(target)
    (target / "lib" / version / "site-packages" / PTH_NAME).write_text(
        f"import site; site.addsitedir({str(site)!r})\n", encoding="utf-8")
    for sub in ("share", "etc"):
        link = target / sub / "jupyter"
        if not link.is_symlink():
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(Path(sys.prefix) / sub / "jupyter")
    launcher = target / "bin" / LAUNCHER
    launcher.write_text(f'#!/bin/sh\nexport LD_LIBRARY_PATH="{target / "lib"}${{LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}}"\n'
                        f'exec "{target / "bin" / version}" "$@"\n', encoding="utf-8")
    for root, dirs, files in os.walk(target):
        os.chmod(root, 0o755)
        for name in files:
            path = os.path.join(root, name)
            if not os.path.islink(path):
                os.chmod(path, 0o755 if os.stat(path).st_mode & stat.S_IXUSR else 0o644)
    os.chmod(launcher, 0o755)
    return str(launcher)
