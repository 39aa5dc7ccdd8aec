"""A changed roster, told to the running hub through its REST API (no restart).

``o2o hub roster import`` runs as root beside the hub. When the hub is running it uses
the service ``o2o-roster`` (its token in ``<state>/hub/roster-service-token``, readable by
root only; :func:`o2o.hub.config.services` registers it) to:

* create each new person's hub user (``POST /users/{name}``), instructors as admins;
* put everyone in their hub group (students or instructors: the groups the apps'
  access role is granted to) and out of the other;
* for a person who left the roster (blocked, never deleted): stop their server, take them
  out of both groups (no more apps), revoke their API tokens and take admin away. Their
  hub user stays (so their first-use password stays theirs), and so do their Unix account,
  home and work. The hub's login refuses them from then on (``post_auth_hook`` of
  :mod:`o2o.hub.config` reads the roster), and so does the spawner.

When the hub is not running nothing is sent: it reads the roster when it starts.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import requests

from o2o.errors import HubError
from o2o.hub.settings import HubSettings

TOKEN_FILE = "roster-service-token"
SERVICE = "o2o-roster"
TIMEOUT = 30


def token_path(settings: HubSettings) -> Path:
    return settings.hub_dir / TOKEN_FILE


def ensure_token(settings: HubSettings) -> str:
    """The roster service's API token; made once (0600, root) in the hub's private folder."""
    path = token_path(settings)
    if not path.exists():
        tmp = path.with_name(f".{TOKEN_FILE}.tmp")
        tmp.write_text(secrets.token_hex(32) + "\n", encoding="utf-8")
        tmp.chmod(0o600)
        tmp.replace(path)
    return path.read_text("utf-8").strip()


class HubAPI:
    """The running hub's REST API, called directly on the hub's own address (not through the proxy)."""

    def __init__(self, settings: HubSettings) -> None:
        self.base = f"http://127.0.0.1:{settings.port + 1}/hub/api"
        self.headers = {"Authorization": f"token {ensure_token(settings)}"}

    def running(self) -> bool:
        try:
            return requests.get(self.base, timeout=5).status_code == 200
        except requests.RequestException:
            return False

    def call(self, method: str, path: str, ok: tuple[int, ...] = (200, 201, 204), **kw) -> requests.Response:
        try:
            r = requests.request(method, self.base + path, headers=self.headers, timeout=TIMEOUT, **kw)
        except requests.RequestException as exc:
            raise HubError(f"课程服务器没有响应({exc})。名单已保存,重启课程服务器后生效。",
                           f"The hub did not answer ({exc}). The roster is saved; it applies when the hub "
                           "restarts.") from None
        if r.status_code not in ok:
            raise HubError(f"课程服务器拒绝了名单更新:{method} {path} → {r.status_code} {r.text[:200]}。名单已保存;"
                           "请重启课程服务器一次(它在启动时读取名单和这个命令的令牌)。",
                           f"The hub refused a roster update: {method} {path} -> {r.status_code} {r.text[:200]}. "
                           "The roster is saved; restart the hub once (it reads the roster and this command's "
                           "token when it starts).")
        return r


def sync(settings: HubSettings, active: dict[str, str], blocked: list[str]) -> dict[str, int] | None:
    """Bring the running hub's users and groups in line with the roster; None when the hub is not running."""
    api = HubAPI(settings)
    if not api.running():
        return None
    groups = {"student": settings.students_group, "instructor": settings.instructors_group}
    for group in groups.values():
        api.call("POST", f"/groups/{group}", ok=(201, 409))
    existing = {name for name in [*active, *blocked]
                if api.call("GET", f"/users/{name}", ok=(200, 404)).status_code == 200}
    blocked_users = [n for n in blocked if n in existing]
    created = 0
    for name, role in sorted(active.items()):
        if name not in existing:
            api.call("POST", f"/users/{name}", json={"admin": role == "instructor"})
            created += 1
        else:
            api.call("PATCH", f"/users/{name}", json={"admin": role == "instructor"})
    for role, group in groups.items():
        members = sorted(n for n, r in active.items() if r == role)
        others = sorted(n for n, r in active.items() if r != role)
        if members:
            api.call("POST", f"/groups/{group}/users", json={"users": members})
        if others + blocked_users:
            api.call("DELETE", f"/groups/{group}/users", json={"users": others + blocked_users})
    for name in blocked_users:
        block(api, name)
    return {"hub_users_created": created, "blocked": len(blocked)}


def block(api: HubAPI, name: str) -> None:
    """Stop the person's server and revoke their tokens; the user, the home and the work stay."""
    api.call("PATCH", f"/users/{name}", json={"admin": False})
    api.call("DELETE", f"/users/{name}/server", ok=(202, 204, 400))     # 400: not running
    for token in api.call("GET", f"/users/{name}/tokens").json().get("api_tokens", []):
        api.call("DELETE", f"/users/{name}/tokens/{token['id']}", ok=(204, 404))
