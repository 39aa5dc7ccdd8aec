"""The JupyterHub configuration of a cohort hub (applied by ``jupyterhub_config.py``).

Components, all from JupyterHub's ecosystem:

* proxy: configurable-http-proxy (Node, pinned in ``hub-proxy/package.json``);
* login: ``firstuseauthenticator`` (its bcrypt off the event loop: :mod:`o2o.hub.login`) -
  each roster account sets its password at first login; only roster accounts may log in
  (``create_users = False``; every login checks the roster as it is now);
* servers: ``LocalProcessSpawner`` - each server runs as the person's own Unix account,
  started through :mod:`o2o.hub.singleuser` (limits, lesson copy, role config);
* services: ``jupyterhub-idle-culler``, the apps (:mod:`o2o.hub.apps_service`), the roster's
  API token (:mod:`o2o.hub.hubapi`);
* state: SQLite database, cookie secret and password store in ``<state>/hub/``.
"""

from __future__ import annotations

import pwd
import sys
from pathlib import Path

from tornado import web

from o2o.data.variants import read_secret, variant_key
from o2o.errors import HubError
from o2o.hub import hubapi, layout
from o2o.hub.accounts import load_roster
from o2o.hub.settings import HubSettings
from o2o.hub.userenv import user_python
from o2o.kernel_env import MALLOC_ENV

STUDENT_HOME_URL = "/lab/tree/o2o/course/index.ipynb"
COURSE_COPY = "o2o"   # the student's copy of the lessons: ~/o2o


def proxy_command(settings: HubSettings) -> str:
    chp = Path(settings.course_root) / "hub-proxy" / "node_modules" / ".bin" / "configurable-http-proxy"
    if not chp.exists():
        raise HubError("没有安装 JupyterHub 的代理(configurable-http-proxy)。请运行 `make hub-proxy`(需要 Node.js 和 npm)。",
                       "JupyterHub's proxy (configurable-http-proxy) is not installed. Run `make hub-proxy` "
                       "(needs Node.js and npm).")
    return str(chp)


def role_of(name: str, roster: dict[str, str]) -> str:
    return "instructors" if roster.get(name) == "instructor" else "students"


def user_environment(settings: HubSettings, role: str) -> dict[str, str]:
    """Environment of a person's server: its Jupyter config, the dataset, the limits, and the memory settings
    (:data:`o2o.kernel_env.MALLOC_ENV`) that make kernels give freed memory back, as ``make lab`` does."""
    prefix = Path(sys.prefix)
    return {
        **MALLOC_ENV,
        "JUPYTER_CONFIG_DIR": str(settings.jupyter_dir / role),
        # The server may run a public interpreter over the kit's packages (o2o.hub.userenv):
        # Jupyter's config, data (extensions, kernels) and the lab app come from the kit's prefix.
        "JUPYTER_CONFIG_PATH": str(prefix / "etc" / "jupyter"),
        "JUPYTER_PATH": str(prefix / "share" / "jupyter"),
        "JUPYTERLAB_DIR": str(prefix / "share" / "jupyter" / "lab"),
        "O2O_DATA_DIR": str(settings.data_dir),
        "O2O_HUB_ROLE": role,
        "O2O_HUB_LESSONS": str(settings.lessons_repo),
        "O2O_HUB_GITCONFIG": str(layout.gitconfig_path(settings)),
        "O2O_HUB_MEM_MB": str(settings.mem_limit_mb),
        "O2O_HUB_NPROC": str(settings.max_processes),
        "O2O_HUB_NICE": str(settings.nice),
        "O2O_COURSE_ROOT": str(settings.course_dir) if role == "instructors" else "",
        "O2O_EXCHANGE_ROOT": str(settings.exchange_root),
    }


def user_args(settings: HubSettings, role: str) -> list[str]:
    lab = layout.lab_settings_dir(settings)
    # a port already taken must fail the start at once, not move the server elsewhere
    args = [f"--LabApp.app_settings_dir={lab}", "--ServerApp.port_retries=0"]
    if role == "instructors":
        # formgrader needs the course directory inside the server's root folder
        args.append(f"--ServerApp.root_dir={settings.state}")
    return args


def server_port(settings: HubSettings, uid: int) -> int:
    """A fixed port per account, below Linux's ephemeral range (32768-60999).

    LocalProcessSpawner's default is a random free port taken from the ephemeral range,
    where every kernel also binds its five sockets: on a busy server a kernel can take the
    port between the spawner's choice and the server's bind, and the hub then waits for a
    server that never answers. Accounts' uids are distinct, so their ports are too.
    """
    return settings.user_port_base + uid % 12000


def variant_environment(settings: HubSettings, name: str, role: str) -> dict[str, str]:
    """A student's variant key (never the secret): ``o2o.load(variant="own")`` in their server opens their case.

    The hub (root) reads the course secret; the server gets only the key HMAC(secret, id), which opens
    that student's variant and no other. Instructors and a hub without a secret get nothing.
    """
    if not settings.variant_secret_file or role != "students":
        return {}
    return {"O2O_VARIANT_KEY": variant_key(read_secret(settings.variant_secret_file), name)}


def make_pre_spawn_hook(settings: HubSettings):
    def pre_spawn_hook(spawner) -> None:
        roster = load_roster(settings)
        name = spawner.user.name
        if name not in roster:
            raise HubError(f"{name} 不在本期名单上(或账号已停用),不能启动服务器。请联系老师。",
                           f"{name} is not on the cohort's roster (or the account is disabled); no server starts. "
                           "Ask your instructor.")
        role = role_of(name, roster)
        spawner.environment.update(user_environment(settings, role))
        spawner.environment.update(variant_environment(settings, name, role))
        spawner.args = user_args(settings, role)
        spawner.port = server_port(settings, pwd.getpwnam(name).pw_uid)
        spawner.default_url = "/lab/tree/course" if role == "instructors" else STUDENT_HOME_URL
    return pre_spawn_hook


def make_post_auth_hook(settings: HubSettings):
    """Every login checks the roster as it is now: a person added while the hub runs may log in,
    one who left (blocked) may not, and instructors are the hub's admins."""
    def post_auth_hook(authenticator, handler, auth_model: dict) -> dict:
        role = load_roster(settings).get(auth_model["name"])
        if role is None:
            raise web.HTTPError(403, "这个账号不在本期名单上,或已停用。请联系老师。 / This account is not on the "
                                     "cohort's roster, or it is disabled. Ask your instructor.")
        auth_model["admin"] = role == "instructor"
        return auth_model
    return post_auth_hook


APPS_SERVICE = "o2o-apps"


def app_groups(settings: HubSettings) -> list[str]:
    return [settings.students_group, settings.instructors_group]


def services(settings: HubSettings) -> tuple[list[dict], list[dict]]:
    """The managed services and their roles."""
    culler = {
        "name": "idle-culler",
        "command": [sys.executable, "-m", "jupyterhub_idle_culler",
                    f"--timeout={settings.idle_timeout_s}", f"--cull-every={settings.cull_every_s}"],
    }
    role = {"name": "idle-culler", "services": ["idle-culler"],
            "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"]}
    # `o2o hub roster import` (root) tells the running hub about a changed roster (o2o.hub.hubapi);
    # admin, because only an admin may make a new instructor an admin. Its token is root's only.
    roster = {"name": hubapi.SERVICE, "api_token": hubapi.ensure_token(settings), "admin": True}
    if not settings.apps_service:
        return [culler, roster], [role]
    # The Voila apps (o2o.apps.server: no files, widget messages only) behind the hub's proxy
    # at /services/o2o-apps/, for logged-in people only (o2o.hub.apps_service: the hub's
    # OAuth), run as the unprivileged `nobody` from the public interpreter.
    apps_home = settings.state / "apps-home"
    apps = {
        "name": APPS_SERVICE,
        "url": f"http://127.0.0.1:{settings.port + 3}",
        "user": "nobody",
        "cwd": str(apps_home),
        "command": [user_python(settings), "-m", "o2o.hub.apps_service", "--port", str(settings.port + 3),
                    "--ip", "127.0.0.1", "--no-preheat", "--max-kernels", "20"],
        # The hub sets HOME to the account's own (`nobody`: /nonexistent); Jupyter's and IPython's
        # folders are therefore named one by one, inside the service's home.
        "environment": {"HOME": str(apps_home), "O2O_DATA_DIR": str(settings.data_dir),
                        "JUPYTER_PATH": str(Path(sys.prefix) / "share" / "jupyter"),
                        "JUPYTER_CONFIG_DIR": str(apps_home / ".jupyter"), "TMPDIR": str(apps_home / "tmp"),
                        "JUPYTER_DATA_DIR": str(apps_home / ".jupyter" / "data"),
                        "JUPYTER_RUNTIME_DIR": str(apps_home / ".jupyter" / "runtime"),
                        "IPYTHONDIR": str(apps_home / ".ipython"), "XDG_CACHE_HOME": str(apps_home / ".cache")},
        "display": True,
        "oauth_no_confirm": True,   # the course's own apps: no "authorize this application?" page
    }
    # Who may open the apps: the cohort's groups (a person added or blocked later changes groups,
    # not this role). Instructors are hub admins, whose role includes access to every service.
    users = {"name": "o2o-apps-users", "description": "open the course's apps",
             "scopes": [f"access:services!service={APPS_SERVICE}"], "groups": app_groups(settings)}
    return [culler, roster, apps], [role, users]


def configure(c, settings: HubSettings) -> None:
    """Fill a JupyterHub config object ``c`` for this cohort."""
    roster = load_roster(settings)
    students = sorted(n for n, r in roster.items() if r != "instructor")
    instructors = sorted(n for n, r in roster.items() if r == "instructor")
    hub = settings.hub_dir
    c.JupyterHub.bind_url = f"http://{settings.ip}:{settings.port}"
    c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{settings.port + 1}"
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{settings.port + 2}"
    c.ConfigurableHTTPProxy.command = [proxy_command(settings)]
    c.ConfigurableHTTPProxy.pid_file = str(hub / "proxy.pid")
    c.JupyterHub.db_url = f"sqlite:///{hub / 'jupyterhub.sqlite'}"
    c.JupyterHub.cookie_secret_file = str(hub / "jupyterhub_cookie_secret")
    c.JupyterHub.pid_file = str(hub / "jupyterhub.pid")
    # A hub restart leaves the servers running; the new hub finds them again.
    c.JupyterHub.cleanup_servers = False
    c.JupyterHub.active_server_limit = settings.active_server_limit
    c.JupyterHub.concurrent_spawn_limit = settings.spawn_limit
    # a start refused by that limit asks the browser to come back in seconds, not JupyterHub's 30-60
    c.JupyterHub.spawn_throttle_retry_range = (5, 15)
    # firstuseauthenticator, its bcrypt run off the hub's event loop (o2o.hub.login)
    c.JupyterHub.authenticator_class = "o2o.hub.login.CohortFirstUseAuthenticator"
    c.FirstUseAuthenticator.dbm_path = str(hub / "passwords.dbm")
    c.FirstUseAuthenticator.create_users = False
    c.FirstUseAuthenticator.min_password_length = settings.min_password_length
    c.Authenticator.allowed_users = set(students) | set(instructors)
    c.Authenticator.admin_users = set(instructors)
    c.Authenticator.post_auth_hook = make_post_auth_hook(settings)
    c.JupyterHub.load_groups = {settings.students_group: {"users": students},
                                settings.instructors_group: {"users": instructors}}
    c.JupyterHub.spawner_class = "jupyterhub.spawner.LocalProcessSpawner"
    c.Spawner.cmd = [user_python(settings), "-m", "o2o.hub.singleuser"]
    c.Spawner.mem_limit = f"{settings.mem_limit_mb}M"
    c.Spawner.start_timeout = 180
    c.Spawner.http_timeout = 180
    c.Spawner.pre_spawn_hook = make_pre_spawn_hook(settings)
    c.LocalProcessSpawner.shell_cmd = []
    c.LocalProcessSpawner.interrupt_timeout = 5
    c.LocalProcessSpawner.term_timeout = 5
    svc, roles = services(settings)
    c.JupyterHub.services = svc
    c.JupyterHub.load_roles = roles
