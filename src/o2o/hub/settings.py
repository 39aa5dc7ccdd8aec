"""Settings of one cohort hub and the layout of its state folder.

Everything the hub keeps lives under one state folder (``--state``, default
``.hub-state/`` in the course folder): the hub database (SQLite), the password store,
the course directory (nbgrader's source, release, submitted, autograded, feedback and
gradebook), the exchange, the course's git history for the students' lesson copies and
the generated Jupyter configuration. ``hub.json`` in that folder records the settings,
so every command reads the same ones.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from o2o.data.variants import read_secret
from o2o.errors import HubError

SETTINGS_FILE = "hub.json"
_GROUP_RE = re.compile(r"^[a-z_][a-z0-9_-]{0,30}$")


@dataclass
class HubSettings:
    """One cohort's hub. Every field has a safe default for a class of 20-60."""

    state_dir: str
    course_root: str                  # the course kit's folder (lessons/, course/, assignments/source/)
    ip: str = "127.0.0.1"
    port: int = 8000
    course_id: str = "o2o-practice"
    students_group: str = "o2o-students"
    instructors_group: str = "o2o-instructors"
    home_base: str = "/home"          # homes are <home_base>/<id>, mode 0700
    mem_limit_mb: int = 4096          # RLIMIT_AS of each server and its kernels
    max_processes: int = 512          # RLIMIT_NPROC per account (fork bombs)
    nice: int = 5                     # CPU: lower priority than the hub; not a quota
    active_server_limit: int = 60     # cap on running servers
    concurrent_spawn_limit: int = 0   # servers starting at once; 0 = active_server_limit (the whole cohort)
    idle_timeout_s: int = 3600        # culler: stop a server idle this long
    cull_every_s: int = 300
    min_password_length: int = 8
    apps_service: bool = True         # the Voila apps as a hub service
    user_port_base: int = 20000       # servers listen on base + uid % 12000 (below the ephemeral range)
    variant_secret_file: str = ""     # per-student variants: the course secret (readable by root only); "" = off

    def __post_init__(self) -> None:
        self.state_dir = str(Path(self.state_dir).resolve())
        self.course_root = str(Path(self.course_root).resolve())
        for group in (self.students_group, self.instructors_group):
            if not _GROUP_RE.match(group):
                raise HubError(f"组名 {group!r} 不合法:只能用小写字母、数字、- 和 _。",
                               f"Group name {group!r} is invalid: use lowercase letters, digits, - and _.")
        if self.students_group == self.instructors_group:
            raise HubError("学员组和教师组必须不同。", "The students' and instructors' groups must differ.")
        if self.variant_secret_file:  # refused now, with its sentence, not at a student's first start
            self.variant_secret_file = str(Path(self.variant_secret_file).resolve())
            read_secret(self.variant_secret_file)
        for name in ("port", "mem_limit_mb", "active_server_limit", "idle_timeout_s", "cull_every_s"):
            if int(getattr(self, name)) <= 0:
                raise HubError(f"{name} 必须是正数。", f"{name} must be positive.")
        if int(self.concurrent_spawn_limit) < 0:
            raise HubError("concurrent_spawn_limit 不能是负数(0 表示与 active_server_limit 相同)。",
                           "concurrent_spawn_limit cannot be negative (0 means the same as active_server_limit).")

    @property
    def spawn_limit(self) -> int:
        """How many servers may be starting at once: by default the whole cohort (the running cap).

        A class arrives together; every start beyond this limit is answered "try again later"
        (HTTP 429), which a student sees as a page to reload. On one server the cap on running
        servers already bounds the load, so the default lets all of them start at once.
        """
        return int(self.concurrent_spawn_limit) or int(self.active_server_limit)

    # ------------------------------------------------------------- the layout
    @property
    def state(self) -> Path:
        return Path(self.state_dir)

    @property
    def course_dir(self) -> Path:
        """nbgrader's course directory (instructors only)."""
        return self.state / "course"

    @property
    def exchange_root(self) -> Path:
        return self.state / "exchange"

    @property
    def lessons_repo(self) -> Path:
        """A bare git repository of the course material the students' copies pull from."""
        return self.state / "lessons.git"

    @property
    def jupyter_dir(self) -> Path:
        """Per-role Jupyter configuration folders (``students/``, ``instructors/``) and lab settings."""
        return self.state / "jupyter"

    @property
    def hub_dir(self) -> Path:
        """JupyterHub's own files: database, cookie secret, password store, logs."""
        return self.state / "hub"

    @property
    def data_dir(self) -> Path:
        """The dataset every kernel reads (one read-only copy)."""
        return Path(os.environ.get("O2O_DATA_DIR") or Path(self.course_root) / "datasets" / "default")

    @property
    def url(self) -> str:
        return f"http://{self.ip}:{self.port}"

    # ------------------------------------------------------------- persistence
    def save(self) -> Path:
        self.state.mkdir(parents=True, exist_ok=True)
        os.chmod(self.state, 0o755)
        path = self.state / SETTINGS_FILE
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
        return path

    @classmethod
    def load(cls, state_dir: str | Path) -> "HubSettings":
        path = Path(state_dir) / SETTINGS_FILE
        try:
            raw = json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            raise HubError(f"{state_dir} 里没有课程服务器的设置。请先运行 `o2o hub init --state {state_dir}`。",
                           f"No hub settings in {state_dir}. Run `o2o hub init --state {state_dir}` first.") from None
        except (OSError, ValueError) as exc:
            raise HubError(f"课程服务器设置 {path} 无法读取({exc})。请从备份恢复(`o2o hub restore`)。",
                           f"The hub settings {path} cannot be read ({exc}). Restore a backup "
                           "(`o2o hub restore`).") from None
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(raw) - known)
        if unknown:
            raise HubError(f"课程服务器设置里有不认识的项:{', '.join(unknown)}。",
                           f"Unknown hub settings: {', '.join(unknown)}.")
        return cls(**raw)
