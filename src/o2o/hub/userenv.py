"""The Python every person's server runs with.

Servers run as the students' own accounts, so the interpreter, its standard library and
the kit's packages must be readable by them. When the kit's environment is (every folder
on the way has ``o+x``), servers use it as it is. When its interpreter lives somewhere
private (a Python built under ``/root``, as pyenv does), ``o2o hub`` makes a small
``<state>/user-python`` virtual environment from a world-readable interpreter of the
*same* minor version (``/usr/bin/python3.X``), with no packages of its own and one
``.pth`` line that adds the kit environment's ``site-packages``: one copy of the
packages, readable by all, no second install; its ``share/jupyter`` and ``etc/jupyter``
are links to the kit environment's, so Jupyter finds the same extensions and templates. Anything else is refused with a sentence.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import sysconfig
from pathlib import Path

from o2o.errors import HubError
from o2o.hub.settings import HubSettings

PTH_NAME = "o2o-kit.pth"


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


def _candidate_interpreters() -> list[Path]:
    minor = f"python{sys.version_info.major}.{sys.version_info.minor}"
    found = [Path(p) for p in (shutil.which(minor, path="/usr/bin:/usr/local/bin"),) if p]
    return [p for p in found if readable_by_all(p)]


def user_python(settings: HubSettings) -> str:
    """Path of the interpreter servers run; creates ``<state>/user-python`` when needed."""
    site = _kit_site_packages()
    if not readable_by_all(site):
        raise HubError(f"课程环境 {site} 对学员账号不可读。请把课程文件夹放在所有人可进入的位置(例如 /srv/o2o)。",
                       f"The kit's environment {site} is not readable by students' accounts. Put the course folder "
                       "somewhere everyone can enter (e.g. /srv/o2o).")
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    if readable_by_all(Path(sys.executable)) and readable_by_all(stdlib):
        return sys.executable
    venv = settings.state / "user-python"
    python = venv / "bin" / "python"
    if not python.exists():
        candidates = _candidate_interpreters()
        if not candidates:
            raise HubError(
                f"课程环境的 Python({sys.executable})对学员账号不可读,系统里也没有同版本(3.{sys.version_info.minor})的公共 Python。"
                "请安装 Debian 的 python3,或用所有人可读的 Python 重建 .venv。",
                f"The kit environment's Python ({sys.executable}) is not readable by students' accounts and there is "
                f"no system Python 3.{sys.version_info.minor}. Install Debian's python3 or rebuild .venv from a "
                "world-readable Python.")
        subprocess.run([str(candidates[0]), "-m", "venv", "--without-pip", str(venv)], check=True, capture_output=True)
    # Jupyter looks for its data (kernels, lab extensions, nbconvert templates) and config
    # under the interpreter's prefix: point those at the kit's, so a command an instructor
    # runs with this interpreter (nbgrader generate_feedback, ...) finds what the kit has.
    for sub in ("share", "etc"):
        link = venv / sub / "jupyter"
        if not link.exists():
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(Path(sys.prefix) / sub / "jupyter")
    target = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                 check=True, capture_output=True, text=True).stdout.strip())
    (target / PTH_NAME).write_text(f"import site; site.addsitedir({str(site)!r})\n", encoding="utf-8")
    for root, dirs, files in os.walk(venv):
        os.chmod(root, 0o755)
    return str(python)
