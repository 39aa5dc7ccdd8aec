"""A small client for a running hub: log in, start a server, run a notebook in a kernel, call nbgrader.

Everything goes through the same doors a student's browser uses: the hub's login form
(first use sets the password), the hub's REST API with the person's own token, the
person's Jupyter server (REST + the kernel websocket) and nbgrader's Assignments
handlers on that server.
"""

from __future__ import annotations

import json
import time
import uuid
from datetime import datetime, timezone

import requests
import websocket


class HubUser:
    def __init__(self, base: str, name: str, password: str) -> None:
        self.base, self.name, self.password = base.rstrip("/"), name, password
        self.http = requests.Session()
        self.token = ""

    # ------------------------------------------------------------------ hub
    def login(self) -> None:
        self.http.get(f"{self.base}/hub/login", timeout=30)
        r = self.http.post(f"{self.base}/hub/login?next=/hub/home",
                           data={"username": self.name, "password": self.password,
                                 "_xsrf": self.http.cookies.get("_xsrf", path="/hub/")},
                           timeout=60, allow_redirects=False)
        assert r.status_code == 302, f"login of {self.name} failed: {r.status_code} {r.text[:300]}"
        r = self.http.post(f"{self.base}/hub/api/users/{self.name}/tokens", json={"note": "e2e", "expires_in": 3600},
                           headers={"X-XSRFToken": self.http.cookies.get("_xsrf", path="/hub/")}, timeout=30)
        assert r.status_code in (200, 201), r.text
        self.token = r.json()["token"]

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"token {self.token}"}

    def api(self, method: str, path: str, **kw) -> requests.Response:
        return requests.request(method, f"{self.base}/hub/api{path}", headers=self.auth, timeout=60, **kw)

    def model(self) -> dict:
        r = self.api("GET", f"/users/{self.name}")
        r.raise_for_status()
        return r.json()

    def start_server(self, timeout: float = 300) -> None:
        r = self.api("POST", f"/users/{self.name}/server")
        deadline = time.monotonic() + timeout
        while r.status_code == 429 and time.monotonic() < deadline:
            # the hub's cap on starts at once: wait as the hub asks, like a person would
            time.sleep(float(r.headers.get("Retry-After") or 10))
            r = self.api("POST", f"/users/{self.name}/server")
        assert r.status_code in (201, 202, 400), r.text  # 400: already running
        self.wait_ready(timeout)

    def wait_ready(self, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            server = self.model().get("servers", {}).get("")
            if server and server.get("ready"):
                return
            time.sleep(1)
        raise AssertionError(f"server of {self.name} not ready in {timeout}s")

    # ------------------------------------------------------------------ the person's server
    def server(self, method: str, path: str, **kw) -> requests.Response:
        kw.setdefault("timeout", 300)
        return requests.request(method, f"{self.base}/user/{self.name}{path}", headers=self.auth, **kw)

    def nbgrader(self, action: str, course: str, assignment: str) -> dict:
        r = self.server("POST", f"/assignments/{action}", data={"course_id": course, "assignment_id": assignment})
        r.raise_for_status()
        out = r.json()
        assert out.get("success"), f"{self.name} {action}: {out}"
        return out

    def put_notebook(self, path: str, nb: dict) -> None:
        r = self.server("PUT", f"/api/contents/{path}", json={"type": "notebook", "format": "json", "content": nb})
        assert r.status_code in (200, 201), r.text

    def get_file(self, path: str) -> requests.Response:
        return self.server("GET", f"/api/contents/{path}", params={"content": "1"})

    def run_notebook(self, path: str, cell_timeout: float = 300, before_shutdown=None) -> list[dict]:
        """Execute every code cell of ``path`` in a new kernel of this person's server; return the replies.

        ``before_shutdown()``, if given, is called after the last cell, while the kernel is still alive.
        """
        nb = self.get_file(path).json()["content"]
        r = self.server("POST", "/api/sessions", json={"path": path, "type": "notebook", "name": "",
                                                        "kernel": {"name": "python3"}})
        assert r.status_code == 201, r.text
        session = r.json()
        try:
            replies = self._execute(session["kernel"]["id"], [c for c in nb["cells"] if c["cell_type"] == "code"],
                                    cell_timeout)
            if before_shutdown is not None:
                before_shutdown()
            return replies
        finally:
            self.server("DELETE", f"/api/sessions/{session['id']}")

    def run_code(self, code: str, timeout: float = 120) -> list[dict]:
        r = self.server("POST", "/api/kernels", json={"name": "python3"})
        kid = r.json()["id"]
        try:
            return self._execute(kid, [{"source": code}], timeout)
        finally:
            self.server("DELETE", f"/api/kernels/{kid}")

    def _execute(self, kernel_id: str, cells: list[dict], cell_timeout: float) -> list[dict]:
        url = f"{self.base.replace('http', 'ws', 1)}/user/{self.name}/api/kernels/{kernel_id}/channels"
        ws = websocket.create_connection(url, header=[f"Authorization: token {self.token}"], timeout=cell_timeout)
        session = uuid.uuid4().hex
        results = []
        try:
            for cell in cells:
                src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
                msg_id = uuid.uuid4().hex
                ws.send(json.dumps({
                    "header": {"msg_id": msg_id, "msg_type": "execute_request", "session": session,
                               "username": self.name, "version": "5.3", "date": datetime.now(timezone.utc).isoformat()},
                    "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
                    "content": {"code": src, "silent": False, "store_history": True, "user_expressions": {},
                                "allow_stdin": False, "stop_on_error": True}}))
                results.append(self._reply(ws, msg_id, cell_timeout))
        finally:
            ws.close()
        return results

    @staticmethod
    def _reply(ws, msg_id: str, timeout: float) -> dict:
        """Outputs and status of one execution: done when both the shell reply and the
        kernel's return to idle (after the last output on iopub) have arrived."""
        deadline = time.monotonic() + timeout
        out = {"stdout": "", "error": None}
        idle = False
        while time.monotonic() < deadline:
            msg = json.loads(ws.recv())
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = msg["header"]["msg_type"]
            if kind == "stream":
                out["stdout"] += msg["content"].get("text", "")
            elif kind == "error":
                out["error"] = f"{msg['content']['ename']}: {msg['content']['evalue']}"
            elif kind == "status" and msg["content"].get("execution_state") == "idle":
                idle = True
            elif kind == "execute_reply":
                out["status"] = msg["content"]["status"]
            if idle and "status" in out:
                return out
        raise AssertionError(f"no reply in {timeout}s")
