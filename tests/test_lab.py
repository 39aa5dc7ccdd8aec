"""``o2o lab`` (what ``make lab`` starts): JupyterLab on the course home page, in Chinese.

The integration test starts the real command as a subprocess with a throw-away HOME
and Jupyter folders, reads the URL (with its token) that the command prints, fetches
the course home page and the JupyterLab page over HTTP, checks that Chinese is the
default locale, and stops the server.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import requests

from o2o import lab
from o2o.pytest_ci import in_ci

ROOT = Path(__file__).resolve().parents[1]
COURSE_HOME = ROOT / "course" / "index.ipynb"
START_TIMEOUT = 120  # seconds; generous for a shared 2-core machine


# --------------------------------------------------------------------------- the command line (fast)


def test_overrides_template_sets_chinese() -> None:
    overrides = lab.course_overrides()
    assert overrides["@jupyterlab/translation-extension:plugin"]["locale"] == "zh_CN"


def test_prepare_settings_merges_the_environment_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_settings = tmp_path / "env" / "settings"
    (env_settings / "overrides.d").mkdir(parents=True)
    (env_settings / "overrides.d" / "other.json").write_text("{}", encoding="utf-8")
    (env_settings / "overrides.json").write_text(
        json.dumps({
            "@jupyterlab/translation-extension:plugin": {"locale": "fr_FR", "displayStringsPrefix": False},
            "@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"},
        }),
        encoding="utf-8",
    )
    monkeypatch.setattr(lab, "environment_app_settings_dir", lambda: env_settings)
    target = lab.prepare_settings(tmp_path / "state")
    merged = json.loads((target / "overrides.json").read_text(encoding="utf-8"))
    assert merged["@jupyterlab/translation-extension:plugin"] == {"locale": "zh_CN", "displayStringsPrefix": False}
    assert merged["@jupyterlab/apputils-extension:themes"] == {"theme": "JupyterLab Dark"}
    assert (target / "overrides.d" / "other.json").is_file()
    assert not list(env_settings.parent.glob("**/*.tmp"))


@pytest.mark.parametrize("euid", [0, 1000])
def test_allow_root_only_for_root(euid: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: euid, raising=False)
    command = lab.lab_command(tmp_path, 8899, open_browser=False, env={})
    assert ("--allow-root" in command.argv) == (euid == 0)


def test_command_keeps_token_auth_and_stays_project_local(tmp_path: Path) -> None:
    command = lab.lab_command(tmp_path, 8899, open_browser=False, env={"HOME": "/home/student"})
    joined = " ".join(command.argv)
    token = command.env["JUPYTER_TOKEN"]
    assert len(token) >= 32
    assert f"token={token}" in command.url
    assert "token=''" not in joined and "IdentityProvider.token=" not in joined and "disable_check_xsrf" not in joined
    state = tmp_path / lab.STATE_DIR
    for option in ("app_settings_dir", "user_settings_dir", "workspaces_dir"):
        value = next(a.split("=", 1)[1] for a in command.argv if f"LabApp.{option}=" in a)
        assert Path(value).is_relative_to(state), option
    assert not Path("/home/student").exists() or "/home/student" not in joined


def test_an_existing_token_is_kept(tmp_path: Path) -> None:
    command = lab.lab_command(tmp_path, 8899, open_browser=False, env={"JUPYTER_TOKEN": "abc123"})
    assert command.env["JUPYTER_TOKEN"] == "abc123"
    assert command.env["MALLOC_MMAP_THRESHOLD_"] == "262144"  # kernels inherit the course memory settings
    assert command.url.endswith("?token=abc123")


def test_course_home_is_opened_when_present(tmp_path: Path) -> None:
    (tmp_path / "course").mkdir()
    assert "/lab?token=" in lab.lab_command(tmp_path, 8899, env={}).url
    (tmp_path / "course" / "index.ipynb").write_text("{}", encoding="utf-8")
    command = lab.lab_command(tmp_path, 8899, env={})
    assert "/lab/tree/course/index.ipynb?token=" in command.url
    assert "--LabApp.default_url=/lab/tree/course/index.ipynb" in command.argv


def test_busy_port_is_a_clear_error() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "o2o", "lab", "--no-browser", "--port", str(port)],
            capture_output=True, text=True, timeout=60, cwd=ROOT,
        )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "已被占用" in result.stderr and "in use" in result.stderr


# --------------------------------------------------------------------------- the real server


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _o2o_command() -> list[str]:
    script = Path(sys.executable).parent / "o2o"  # the console script `make lab` runs
    return [str(script)] if script.exists() else [sys.executable, "-m", "o2o"]


@pytest.fixture(scope="module")
def running_lab(tmp_path_factory: pytest.TempPathFactory):
    """``o2o lab --no-browser --port <free port>``, as ``make lab`` runs it."""
    if not COURSE_HOME.is_file():
        message = f"{COURSE_HOME.relative_to(ROOT)} does not exist yet; the lab test opens it"
        if in_ci():
            pytest.fail(f"课程首页缺失 / course home page missing in CI: {message}")
        pytest.skip(message)
    home = tmp_path_factory.mktemp("lab-home")
    env = {
        key: value for key, value in os.environ.items()
        if not key.startswith("JUPYTER") and key not in {"JUPYTERLAB_SETTINGS_DIR", "JUPYTERLAB_WORKSPACES_DIR"}
    }
    env.update(
        HOME=str(home),
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTER_DATA_DIR=str(home / "data"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        PYTHONUNBUFFERED="1",
    )
    port = _free_port()
    proc = subprocess.Popen(
        [*_o2o_command(), "lab", "--no-browser", "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(proc.stdout.readline, "")), daemon=True)
    reader.start()
    try:
        url = None
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline and proc.poll() is None:
            found = [m for line in list(lines) if (m := re.search(r"http://\S+\?token=\w+", line))]
            if found:
                url = found[0].group(0)
                try:
                    if requests.get(f"http://127.0.0.1:{port}/api/status", timeout=5,
                                    headers={"Authorization": f"token {parse_qs(urlparse(url).query)['token'][0]}"}).ok:
                        break
                except requests.ConnectionError:
                    pass
            time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not start:\n" + "".join(lines[-60:]))
        assert url is not None
        yield {"url": url, "port": port, "proc": proc, "lines": lines, "home": home}
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


def _get(server: dict, path: str, **kwargs) -> requests.Response:
    token = parse_qs(urlparse(server["url"]).query)["token"][0]
    return requests.get(
        f"http://127.0.0.1:{server['port']}{path}",
        headers={"Authorization": f"token {token}"}, timeout=30, **kwargs,
    )


def test_printed_url_opens_the_course_home_page(running_lab: dict) -> None:
    url = urlparse(running_lab["url"])
    assert url.path == "/lab/tree/course/index.ipynb"
    response = requests.get(running_lab["url"].replace("localhost", "127.0.0.1"), timeout=30)
    assert response.status_code == 200
    assert "jupyter-config-data" in response.text  # the JupyterLab page itself


def test_browser_would_open_the_course_home_page(running_lab: dict) -> None:
    """Jupyter writes the page it opens in the browser to jpserver-<pid>-open.html."""
    pid = running_lab["proc"].pid  # o2o lab becomes the server (exec), so the pid is the same
    open_file = running_lab["home"] / "runtime" / f"jpserver-{pid}-open.html"
    assert open_file.is_file(), sorted(p.name for p in (running_lab["home"] / "runtime").iterdir())
    assert "lab/tree/course/index.ipynb" in open_file.read_text(encoding="utf-8")


def test_course_home_notebook_is_served(running_lab: dict) -> None:
    response = _get(running_lab, "/api/contents/course/index.ipynb", params={"content": "1"})
    assert response.status_code == 200, response.text
    model = response.json()
    assert model["type"] == "notebook"
    assert model["content"]["nbformat"] == 4
    assert model["content"]["cells"], "the course home page has no cells"


def test_lab_page_is_served(running_lab: dict) -> None:
    response = _get(running_lab, "/lab")
    assert response.status_code == 200
    assert "jupyter-config-data" in response.text


def test_chinese_is_the_default_locale(running_lab: dict) -> None:
    response = _get(running_lab, "/lab/api/settings/@jupyterlab/translation-extension:plugin")
    assert response.status_code == 200, response.text
    assert response.json()["schema"]["properties"]["locale"]["default"] == "zh_CN"
    pack = _get(running_lab, "/lab/api/translations/zh_CN")
    assert pack.status_code == 200
    assert pack.json()["data"].get("jupyterlab"), "the zh_CN language pack is not installed"


def test_token_auth_is_on(running_lab: dict) -> None:
    response = requests.get(f"http://127.0.0.1:{running_lab['port']}/api/contents", timeout=30)
    assert response.status_code == 403


def test_nothing_is_written_into_the_home_config(running_lab: dict) -> None:
    assert not (running_lab["home"] / ".jupyter").exists()
    assert not (running_lab["home"] / "config" / "lab").exists()


CHROMIUM = os.environ.get("O2O_CHROMIUM", "/usr/bin/chromium")


@pytest.mark.browser
@pytest.mark.slow
def test_browser_shows_the_course_in_chinese(running_lab: dict, tmp_path: Path) -> None:
    """A real browser set to English still gets the Chinese interface and the course home page."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)")
    sync_api = pytest.importorskip("playwright.sync_api")
    errors: list[BaseException] = []

    def drive() -> None:
        # Playwright's sync API refuses to start where an asyncio loop is running (the app tests keep
        # one open for the whole session), so this browser lives in a thread of its own.
        try:
            with sync_api.sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=CHROMIUM, headless=True,
                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                          "--disable-component-update", "--disable-sync", "--no-first-run"],
                )
                try:
                    page = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900}).new_page()
                    page.set_default_timeout(120_000)
                    page.goto(running_lab["url"].replace("localhost", "127.0.0.1"))
                    page.locator(".lm-MenuBar-itemLabel", has_text="文件").first.wait_for()
                    page.locator(".lm-MenuBar-itemLabel", has_text="设置").first.wait_for()
                    page.locator(".lm-TabBar-tabLabel", has_text="index.ipynb").first.wait_for()
                    assert page.locator(".lm-MenuBar-itemLabel", has_text="File").count() == 0
                    artifacts = Path(__file__).resolve().parents[1] / "artifacts"
                    artifacts.mkdir(exist_ok=True)
                    page.screenshot(path=str(artifacts / "lab-course-home.png"))
                finally:
                    browser.close()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
            errors.append(exc)

    t = threading.Thread(target=drive, name="lab-browser")
    t.start()
    t.join(timeout=600)
    assert not t.is_alive(), "the browser test did not finish in 10 minutes"
    if errors:
        raise errors[0]


def test_stops_cleanly(running_lab: dict) -> None:
    """Runs last in this module: SIGTERM (what Ctrl-C or `kill` sends) ends the server."""
    proc = running_lab["proc"]
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0, "".join(running_lab["lines"][-30:])
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{running_lab['port']}/api/status", timeout=5)
