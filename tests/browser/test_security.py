"""The app server against a stranger: nothing but the apps is reachable, the kernel runs no
code it is sent, widget values the form would never allow are refused, idle kernels go."""

from __future__ import annotations

import http.client
import json
import re
import time
import uuid
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from o2o_browser import MATURITY, ROOT, SIMULATOR

from o2o.apps.launch import AppServer

pytestmark = pytest.mark.slow

SECRET_MARKERS = (b"PAR1", b"SQLite format", b'"cells"', b"root:x:", b"BEGIN SOLUTION",
                  b"nbgrader", b"import o2o", b"MaturityApp.launch", b"SceneSimulatorApp.launch")


# --------------------------------------------------------------------------- raw HTTP


def raw_get(port: int, path: str, follow: int = 2) -> tuple[int, bytes]:
    """GET ``path`` exactly as written (no client-side normalisation of ``..`` or ``%2F``)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.putrequest("GET", path, skip_accept_encoding=True)
    conn.endheaders()
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    if resp.status in (301, 302, 303, 307, 308) and follow:
        loc = resp.getheader("Location") or "/"
        parts = urlsplit(loc)
        return raw_get(port, (parts.path or "/") + (f"?{parts.query}" if parts.query else ""), follow - 1)
    return resp.status, body


def _targets(dataset_dir: Path) -> list[str]:
    """Absolute paths (without the leading slash) of things that must never be served."""
    out = [
        dataset_dir / "stores.parquet",
        dataset_dir / "meta.json",
        ROOT / "widgets" / SIMULATOR,
        ROOT / "src" / "o2o" / "apps" / "server.py",
        ROOT / "gradebook.db",
        ROOT / "pyproject.toml",
        Path("/etc/passwd"),
    ]
    out += sorted((ROOT / "assignments" / "source").glob("*/*.ipynb"))[:1] or [
        ROOT / "assignments" / "source" / "m1-o2o-basics" / "m1-o2o-basics.ipynb"]
    out += sorted((ROOT / "lessons").glob("*.ipynb"))[:1]
    return [str(p).lstrip("/") for p in out]


def _variants(target: str) -> list[str]:
    up = "../" * 12
    enc = quote(target, safe="")
    target = quote(target, safe="/")  # non-ASCII names percent-encoded, separators kept
    return [
        up + target,                                   # plain traversal
        "..%2F" * 12 + enc,                            # encoded separators
        "%2e%2e%2f" * 12 + enc,                        # encoded dots
        "%252e%252e%252f" * 12 + enc,                  # double-encoded
        "....//" * 12 + target,                        # doubled dots and slashes
        "/" + target,                                  # absolute
        "%2F" + enc,                                   # absolute, encoded
        (up + target).upper(),                         # other letter case
        ".%2e/" * 12 + target,                         # mixed
        "..\\" * 12 + target.replace("/", "\\"),       # backslashes
    ]


PREFIXES = ["/voila/files/", "/files/", "/voila/render/", "/voila/static/", "/voila/templates/lab/static/",
            "/voila/labextensions/", "/voila/tree/", "/voila/api/contents/", "/api/contents/", "/nbconvert/html/",
            "/VOILA/FILES/", "/Voila/Render/"]


def test_nothing_beyond_the_apps_is_served(app_server, dataset_dir):
    port = app_server.port
    leaks = []
    for target in _targets(dataset_dir):
        for prefix in PREFIXES:
            for v in _variants(target):
                for suffix in ("", "?content=1") if "contents" in prefix else ("",):
                    path = prefix + v + suffix
                    status, body = raw_get(port, path)
                    if status == 200 or any(m in body for m in SECRET_MARKERS):
                        leaks.append((status, path))
    assert leaks == []


@pytest.mark.parametrize("path", [
    "/voila/files/" + quote(SIMULATOR),                               # a notebook's source
    "/voila/files/.ipynb_checkpoints/" + quote(SIMULATOR.replace(".ipynb", "-checkpoint.ipynb")),
    "/voila/render/.ipynb_checkpoints/" + quote(SIMULATOR.replace(".ipynb", "-checkpoint.ipynb")),
    "/voila/files/gradebook.db",
    "/voila/files/assignments/source/",
    "/voila/render/assignments/source/m1-o2o-basics/m1-o2o-basics.ipynb",
    "/voila/tree/assignments/source",
    "/voila/files/datasets/default/stores.parquet",
    "/api/kernels", "/api/sessions", "/api/contents", "/lab", "/tree", "/edit/" + quote(SIMULATOR),
    "/voila/api/contents/" + quote(SIMULATOR) + "?content=1&format=text",
])
def test_sources_checkpoints_gradebook_refused(app_server, path):
    status, body = raw_get(app_server.port, path)
    assert not any(m in body for m in SECRET_MARKERS), path
    if status == 200:  # only the contents model (name, no content) may answer
        assert path.startswith("/voila/api/contents/") and json.loads(body)["content"] is None
    else:
        assert status >= 400


def test_pages_carry_no_source_and_the_list_only_the_apps(app_server):
    status, body = raw_get(app_server.port, "/voila/render/" + quote(MATURITY))
    assert status == 200 and b"MaturityApp.launch" not in body and b"from o2o" not in body
    assert b"children=" not in body  # no widget state dumped into the page as text
    status, body = raw_get(app_server.port, "/voila/api/contents/")
    names = sorted(item["name"] for item in json.loads(body)["content"])
    assert names == sorted(["场景模拟器.ipynb", "门店网络.ipynb", "O2O成熟度自测.ipynb"])


# --------------------------------------------------------------------------- the kernel websocket


class KernelSocket:
    """A bare client of a page's kernel websocket (JSON protocol), as a stranger would write it."""

    def __init__(self, port: int, kernel_id: str):
        import websocket

        self.ws = websocket.create_connection(f"ws://127.0.0.1:{port}/api/kernels/{kernel_id}/channels", timeout=60)
        self.session = uuid.uuid4().hex
        self.seen: list[dict] = []

    def send(self, msg_type: str, content: dict, channel: str = "shell") -> str:
        msg_id = uuid.uuid4().hex
        self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": msg_type, "username": "stranger", "session": self.session,
                       "date": "2015-09-01T00:00:00Z", "version": "5.3"},
            "parent_header": {}, "metadata": {}, "content": content, "channel": channel, "buffers": [],
        }))
        return msg_id

    def until(self, predicate, deadline_s: float = 60.0) -> dict:
        end = time.monotonic() + deadline_s
        while time.monotonic() < end:
            msg = json.loads(self.ws.recv())
            self.seen.append(msg)
            if predicate(msg):
                return msg
        raise AssertionError("the kernel did not answer in time")

    def reply_to(self, msg_id: str) -> dict:
        return self.until(lambda m: m.get("parent_header", {}).get("msg_id") == msg_id
                          and m["msg_type"].endswith("_reply"))

    def close(self):
        self.ws.close()


def _open_page(port: int, notebook: str) -> str:
    status, body = raw_get(port, "/voila/render/" + quote(notebook))
    assert status == 200
    m = re.search(rb'"kernelId"\s*:\s*"([0-9a-f-]{36})"', body)
    assert m, "no kernel id in the page"
    return m.group(1).decode()


def test_raw_execute_request_is_ignored(app_server, tmp_path):
    marker = tmp_path / "executed.txt"
    ks = KernelSocket(app_server.port, _open_page(app_server.port, MATURITY))
    try:
        exec_id = ks.send("execute_request", {"code": f"open({str(marker)!r}, 'w').write('x')", "silent": False,
                                              "store_history": False, "user_expressions": {},
                                              "allow_stdin": False, "stop_on_error": True})
        # the kernel handles shell messages in order: once this is answered, the execute
        # request would have run already had it been let through
        info = ks.send("comm_info_request", {})
        ks.reply_to(info)
        assert not marker.exists()
        assert not [m for m in ks.seen if m.get("parent_header", {}).get("msg_id") == exec_id]
    finally:
        ks.close()


def _widget_states(ks: KernelSocket) -> dict[str, dict]:
    reply = ks.reply_to(ks.send("comm_info_request", {"target_name": "jupyter.widget"}))
    comm_ids = list(reply["content"]["comms"])
    for cid in comm_ids:
        ks.send("comm_msg", {"comm_id": cid, "data": {"method": "request_state"}})
    states: dict[str, dict] = {}

    def collect(m):
        c = m.get("content", {})
        if m["msg_type"] == "comm_msg" and c.get("data", {}).get("method") == "update" and c["comm_id"] in comm_ids:
            states.setdefault(c["comm_id"], {}).update(c["data"].get("state", {}))
        return len(states) == len(comm_ids)

    ks.until(collect)
    return states


@pytest.mark.parametrize("bad", [1e15, -5, "3000; import os", None, [1, 2]])
def test_out_of_range_widget_value_is_refused(app_server, bad):
    ks = KernelSocket(app_server.port, _open_page(app_server.port, SIMULATOR))
    try:
        states = _widget_states(ks)
        budget = next(cid for cid, s in states.items() if s.get("description") == "预算(元)")
        before = states[budget]["value"]
        ks.send("comm_msg", {"comm_id": budget, "data": {"method": "update", "state": {"value": bad},
                                                         "buffer_paths": []}})
        message = ks.until(lambda m: m["msg_type"] == "comm_msg"
                           and "「预算(元)」必须是 0 到 2,000,000" in json.dumps(m["content"], ensure_ascii=False))
        assert message
        # the kernel puts the page back to the value it kept
        restored = [m for m in ks.seen if m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == budget
                    and m["content"]["data"].get("method") == "update" and "value" in m["content"]["data"]["state"]]
        assert restored and restored[-1]["content"]["data"]["state"]["value"] == before
    finally:
        ks.close()


# --------------------------------------------------------------------------- idle kernels


def _kernel_alive(port: int, kernel_id: str) -> bool:
    status, _ = raw_get(port, f"/api/kernels/{kernel_id}")
    return status == 200


def test_abandoned_sessions_are_culled_and_kernels_bounded(dataset_dir):
    args = ["maturity", "--no-preheat", "--cull-idle", "30", "--cull-interval", "1", "--max-kernels", "3"]
    with AppServer(args, env={"O2O_DATA_DIR": str(dataset_dir)}, cwd=ROOT, timeout=120) as srv:
        kernels = [_open_page(srv.port, MATURITY) for _ in range(3)]
        assert len(set(kernels)) == 3
        # a fourth visitor while three kernels run: refused politely, no fourth kernel
        status, body = raw_get(srv.port, "/voila/render/" + quote(MATURITY))
        assert status == 503 and b"Traceback" not in body
        end = time.monotonic() + 120
        while time.monotonic() < end and any(_kernel_alive(srv.port, k) for k in kernels):
            time.sleep(0.5)
        assert not any(_kernel_alive(srv.port, k) for k in kernels)
        # room again for a new visitor
        assert _open_page(srv.port, MATURITY) not in kernels
